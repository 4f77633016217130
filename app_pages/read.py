"""Read X-rays: upload one or many, see the model's calibrated probability, label and heatmap beside
each image, record your own reading (saved to the review log) and download a one-page case report.

Everything here is per session: uploads, results, heatmaps and the readings saved in this session
live in ``st.session_state`` and are never shared with another user's session.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pneumo_core import (
    MAX_NAME,
    ModelFileError,
    ReadImage,
    case_report_pdf,
    decide,
    digest_of,
    overlay,
    read_uploads,
    texts,
)
from ui import batch, state
from ui.auth import identity_ui
from ui.guard import guarded
from ui.keyboard import RESULT, TABLE, focus_next_run, keyboard_ui
from ui.reading import reading_form, saved_readings
from ui.resources import get_bundle, get_predictor, get_report
from ui.viewer import film_view, viewer_ui
from ui.widgets import (
    PROBABILITY_COLUMN,
    PROBABILITY_TITLE,
    as_percent,
    heatmap_controls_ui,
    heatmap_store,
    operating_point_ui,
    prediction_ui,
    selectable_table,
    stored_heatmap,
    table_without_rows,
)


def _state() -> tuple[dict, dict]:
    return batch.images(), saved_readings()


def read_new(predictor, uploads) -> None:
    """Read the files just uploaded into the session's batch (a file with the same bytes as one
    already in it, or earlier in this upload, is not read again and takes no room), then release the
    uploads and rerun with an empty uploader: the results stay, the bytes go."""
    seen, fresh = set(batch.images()), []
    for u in uploads:
        if (digest := digest_of(u.getvalue())) not in seen:
            seen.add(digest)
            fresh.append(u)
    repeats = len(uploads) - len(fresh)
    room = batch.MAX_FILES - len(batch.images())
    taken = fresh[:max(room, 0)]
    notices = []
    if repeats:
        notices.append(texts.REPEATED_UPLOADS.format(n=texts.count(repeats, "file"),
                                                     verb="is" if repeats == 1 else "are"))
    if taken:
        bar = st.progress(0.0, text=f"Reading {len(taken)} file{'s' * (len(taken) > 1)}…")
        results = read_uploads(predictor, [(u.name, u.getvalue()) for u in taken],
                               lambda done, total: bar.progress(done / total, text=f"Read {done} of {total}"))
        batch.add(results)
        bar.empty()
        focus_next_run(RESULT if len(batch.images()) == 1 else TABLE)
    if len(fresh) > len(taken):
        notices.append(
            f"{len(fresh) - len(taken)} of the files just uploaded were not read: a batch holds at most "
            f"{batch.MAX_FILES} images. Save the readings you need, clear the batch, then upload the rest.")
    if notices:
        st.session_state[state.READ_NOTICE] = " ".join(notices)
    batch.release(uploads)
    st.rerun()


def batch_controls(results: list[ReadImage]) -> None:
    """How many images the batch holds, and clearing it (asking first when some are read but unsaved)."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    waiting = batch.unsaved()
    left.caption(f"This batch: {len(results)} image{'s' * (len(results) != 1)}"
                 + (f", {len(waiting)} read by the model and awaiting your reading" if waiting else "")
                 + ". It stays while you visit other pages; reloading or closing the tab clears it.",
                 help="Saved readings are in the review log and stay there.")
    if right.button("Clear the batch", icon=":material/delete_sweep:", key="clear-batch"):
        if waiting:
            st.session_state[state.CLEAR_ASKED] = True
        else:
            batch.remove(list(batch.images()))
            st.rerun()
    if st.session_state.get(state.CLEAR_ASKED):
        st.warning(f"{len(waiting)} image{'s have' if len(waiting) != 1 else ' has'} no saved reading. Clear "
                   "the batch anyway? What was not saved cannot be brought back.", icon=":material/warning:")
        yes, no, _ = st.columns([1, 1, 4])
        if yes.button("Clear anyway", type="primary", key="clear-yes"):
            batch.remove(list(batch.images()))
            st.session_state[state.CLEAR_ASKED] = False
            st.rerun()
        if no.button("Keep them", key="clear-no"):
            st.session_state[state.CLEAR_ASKED] = False
            st.rerun()


def summary_table(results: list[ReadImage], preds: dict) -> int | None:
    """A sortable table of every file; returns the position of the selected row."""
    _, saved = _state()
    rows = []
    for r in results:
        p = preds.get(r.digest)
        shown = p is not None and p.assessment.labelled  # a refused image gets no probability or label
        rows.append({
            "File": r.name,
            "Status": texts.GATE_TITLES[p.status if p else "unreadable"],
            PROBABILITY_TITLE: as_percent(p.probability) if shown else None,
            "Model": p.label if shown else "—",
            "Flag": (texts.SECOND_OPINION_FLAG if shown and p.needs_second_opinion else ""),
            "Your reading": texts.DOCTOR_LABEL_TITLES[saved[r.digest].doctor_label] if r.digest in saved else "",
        })
    st.caption("Click a column header to sort; tick a row to open its full view.")
    return selectable_table(pd.DataFrame(rows), [r.digest for r in results], state.READ_TABLE, focus=RESULT,
                            column_config={PROBABILITY_TITLE: PROBABILITY_COLUMN})


def _test_errors_in_band() -> float | None:
    """The share of the default setting's test-film mistakes the band held (None without the report)."""
    try:
        band = get_report().band_summary
    except ModelFileError:
        return None
    return band.errors_in_band if band else None


def _film_caption(r: ReadImage) -> str:
    info = r.info
    kind = texts.modality_title(info.modality)
    return f"{r.name} · {info.format}, {info.width}×{info.height}" + (f", {kind}" if kind else "")


def full_view(predictor, r: ReadImage, pred, method, opacity, colormap, reader) -> None:
    meta = predictor.meta
    if not r.ok:
        st.error(f"**{r.name}** could not be read: {r.error}")
        return
    refused = not pred.assessment.labelled
    left, right = st.columns([3, 2], gap="medium")
    if refused:  # no probability, label, heatmap, reading form or PDF
        with left:
            viewer_ui(r.digest, r.display, None, "", opacity, colormap, _film_caption(r))
        right.error(f"**{texts.REFUSED_HEADLINE}.** {pred.assessment.reason} {texts.REFUSED_ADVICE}",
                    icon=":material/block:")
        return
    with right:
        if pred.assessment.reasons:
            st.warning(f"**{texts.CAUTION_HEADLINE}:** {pred.assessment.reason}", icon=":material/warning:")
        prediction_ui(pred, meta.band, meta.validation.get("band", {}).get("errors_in_band"), _test_errors_in_band())
        reading_form(r, pred, reader, meta.weights_sha256)  # before the slow heatmap: typing can start at once
        report_slot = st.container()
    with left:
        heat = film_view(r.digest, r.display, pred.label, (method, opacity, colormap),
                         lambda m: predictor.explain(r.prepared, pred.label, m, out_size=r.display.shape),
                         _film_caption(r))
    _, saved = _state()
    reference = report_slot.text_input(
        "Reference on the PDF (optional)", key=f"pdf-ref-{r.digest}", max_chars=MAX_NAME,
        placeholder="e.g. accession number", help="Printed on the PDF only; never saved in the review log.")
    case = saved.get(r.digest)
    # a record of what was saved: its heatmap is for the label saved, whatever the preset is now
    label = case.model_label if case else pred.label

    heatmaps = heatmap_store()  # the viewer's: the saved label's heatmap is computed once, not at every click

    def pdf() -> bytes:  # made when the button is pressed
        shown = heat
        if label != pred.label:
            try:
                shown, _ = stored_heatmap(heatmaps, (r.digest, label, method), lambda: predictor.explain(
                    r.prepared, label, method, out_size=r.display.shape))
            except Exception:  # noqa: BLE001 -- a PDF saying "Heatmap not available" rather than none at all
                shown = None
        return case_report_pdf(r.display, None if shown is None else overlay(r.display, shown, opacity, colormap),
                               pred, texts.heatmap_caption(method, label), case, reference=reference, band=meta.band)

    report_slot.download_button(
        "Download case report (PDF)", type="secondary", icon=":material/picture_as_pdf:", key=f"pdf-{r.digest}",
        data=pdf, file_name=f"pneumo-case-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}.pdf", mime="application/pdf")


@guarded
def page() -> None:
    read_page()
    keyboard_ui()  # last: what it focuses is on the page by then


def read_page() -> None:
    meta = get_bundle().meta  # the network is loaded only once there is something to read
    reader = identity_ui()  # first in the sidebar: in view on a laptop screen
    preset, threshold = operating_point_ui(meta)
    method, opacity, colormap = heatmap_controls_ui()
    st.title("Read chest X-rays")
    st.caption(texts.INTENDED_USE)
    holder = st.expander("Upload more X-rays", icon=":material/upload:") if batch.images() else st.container()
    uploads = holder.file_uploader("Upload chest X-rays: JPEG, PNG or DICOM (a DICOM file may have no extension)",
                                   type=None, accept_multiple_files=True, key=batch.uploader_key())
    if uploads:
        read_new(get_predictor(), uploads)  # reruns
    notice = st.session_state.pop(state.READ_NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/warning:")
    results = list(batch.images().values())
    if len(results) < 2:  # no table drawn: its open row closes (a cleared batch's row would open again)
        table_without_rows(state.READ_TABLE)
    if not results:
        st.info("Upload one or more images to see the model's reading and where it looked.", icon=":material/upload:")
        st.caption(texts.PRIVACY_UPLOAD)
        return
    predictor = get_predictor()
    batch_controls(results)
    preds = {r.digest: decide(r.probability, meta, preset, threshold, r.assessment) for r in results if r.ok}
    if len(results) == 1:
        full_view(predictor, results[0], preds.get(results[0].digest), method, opacity, colormap, reader)
        return
    row = summary_table(results, preds)
    if row is None:
        st.info("Select a row in the table to see that image, its heatmap and to record your reading.")
        return
    st.divider()
    full_view(predictor, results[row], preds.get(results[row].digest), method, opacity, colormap, reader)


page()
