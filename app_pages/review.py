"""Review: the worklist of readings where doctor and model disagreed or the model was unsure (re-read,
comment, mark reviewed; the history stays), and the model's own mistakes on the test films (ui/mistakes.py)."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from pneumo_core import (
    CUSTOM,
    DOCTOR_LABELS,
    MAX_NOTE,
    AccessDenied,
    PneumoError,
    ReviewLogError,
    load_image,
    texts,
)
from ui import state
from ui.auth import identity_ui, viewer
from ui.guard import guarded
from ui.keyboard import CASE, keyboard_ui
from ui.mistakes import mistakes_tab
from ui.resources import get_bundle, get_predictor, get_review_log
from ui.viewer import film_view
from ui.widgets import (
    PROBABILITY_COLUMN,
    PROBABILITY_TITLE,
    as_percent,
    heatmap_controls_ui,
    operating_point_ui,
    selectable_table,
    table_without_rows,
)

logger = logging.getLogger("pneumo.app")  # as ui/guard.py, auth.py, batch.py

ACTIONS = texts.REVIEW_ACTION_TITLES


def worklist_filters(meta, first_saved: dt.datetime | None) -> dict:
    """The worklist's filters; the date range starts at the oldest reading the viewer may see
    (``first_saved``), so that an old open case is never hidden by default."""
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.4])
    status = c1.selectbox("Status", list(texts.STATUS_TITLES), format_func=texts.STATUS_TITLES.get, key=state.WL_STATUS)
    scope = c2.selectbox("Cases", ["flagged", "all"], key=state.WL_SCOPE, format_func={"flagged": "Flagged",
                                                                                       "all": "Every reading"}.get,
                         help="Flagged: the doctor and the model disagreed, the doctor was unsure, the model asked for a "
                              "second opinion, or the input check raised a caution.")
    preset = c3.selectbox("Preset", ["any"] + list(meta.presets) + [CUSTOM], key=state.WL_PRESET,
                          format_func=lambda n: "Any" if n == "any" else texts.preset_title(n))
    today = dt.datetime.now(dt.UTC).date()  # readings are stamped in UTC
    start = min(first_saved.date(), today) if first_saved else today
    dates = c4.date_input("Saved between (UTC dates)", (start, today), key=state.WL_DATES,
                          max_value=today + dt.timedelta(days=1))
    filters = {"status": None if status == "all" else status, "flagged_only": scope == "flagged",
               "preset": None if preset == "any" else preset}
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        filters["since"] = dt.datetime.combine(dates[0], dt.time.min, tzinfo=dt.UTC)
        filters["until"] = dt.datetime.combine(dates[1] + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return filters


def case_table(cases) -> int | None:
    rows = [{"#": c.reading_id, "Saved (UTC)": c.created_at.strftime("%Y-%m-%d %H:%M"),
             "Reader": c.reader + ("" if c.reader_verified else f" ({texts.UNVERIFIED})"),
             "Doctor": texts.DOCTOR_LABEL_TITLES[c.doctor_label], "Model": c.model_label,
             PROBABILITY_TITLE: as_percent(c.probability),
             texts.WHY_FLAGGED: ", ".join(texts.FLAG_REASON_TITLES[r] for r in c.flag_reasons),
             "Agreement": texts.AGREEMENT_TITLES[c.agreement],
             "Latest re-read": (f"{texts.DOCTOR_LABEL_TITLES[c.latest.doctor_label]} ({c.latest.who}"
                                f"{'' if c.latest.verified else ', ' + texts.UNVERIFIED})" if c.latest else ""),
             "Preset": texts.preset_title(c.preset), "Status": texts.STATUS_TITLES[c.status], "Events": len(c.history)}
            for c in cases]
    return selectable_table(pd.DataFrame(rows), [c.reading_id for c in cases], state.WL_TABLE, focus=CASE,
                            column_config={PROBABILITY_TITLE: PROBABILITY_COLUMN})


def kept_copy_view(case, me, look) -> None:
    """The copy kept with a reading in the viewer, with a heatmap recomputed from that copy."""
    data = get_review_log().image(case.reading_id, me) if case.has_image else None
    if not data:
        st.info("No image copy was kept for this reading: the reader did not ask for one.", icon=":material/hide_image:")
        return
    try:
        pixels = load_image(data).pixels
    except PneumoError as exc:
        st.warning(f"The copy kept with this reading could not be read: {exc}")
        return
    film_view(f"kept-{case.reading_id}", pixels, case.model_label, look,
              lambda m: get_predictor().explain(pixels, case.model_label, m),
              "De-identified copy kept at saving; its heatmap is recomputed from this copy and may differ slightly "
              "from the one the reader saw on the full-size image")


def case_detail(case, who, me, look) -> None:
    """One reading as saved, its re-reads and history; reviewers also get the actions form. ``who``
    records an action (None in demo mode until a name is typed); ``me`` is whose view this is."""
    log = get_review_log()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        kept_copy_view(case, me, look)
    with right:
        # where keyboard focus goes when the case is opened (keyboard.CASE)
        # (a div: Streamlit gives headings ids of its own)
        st.markdown(f"<div id='pneumo-case' tabindex='-1' role='heading' aria-level='4' style='font-size:1.5rem;"
                    f"font-weight:600;padding:0.5rem 0'>Reading #{case.reading_id} · "
                    f"{texts.STATUS_TITLES[case.status]}</div>", unsafe_allow_html=True)
        st.markdown(f"Model: **{case.model_label}** at {texts.pct(case.probability)} "
                    f"({texts.preset_title(case.preset)}, PNEUMONIA from {texts.pct(case.threshold)})")
        reader = texts.who(case.reader, case.reader_verified)
        st.markdown(f"Reading saved by {reader}: **{texts.DOCTOR_LABEL_TITLES[case.doctor_label]}** · "
                    f"{texts.AGREEMENT_TITLES[case.agreement]}")
        if case.latest:
            st.markdown(f"Latest re-read, by {texts.who(case.latest.who, case.latest.verified)} "
                        f"({case.latest.at:%Y-%m-%d %H:%M} UTC): "
                        f"**{texts.DOCTOR_LABEL_TITLES[case.latest.doctor_label]}** · "
                        f"{texts.AGREEMENT_TITLES[case.latest.agreement]}")
        st.caption(f"Saved {case.created_at:%Y-%m-%d %H:%M} UTC · model {case.model_version}")
        others = log.same_film(case, me)
        if others:  # the same pixels read by others (or again): who said what, side by side
            st.markdown(f"**Other readings of this film** ({len(others)})\n" + "\n".join(
                f"- #{o.reading_id} · {texts.who(o.reader, o.reader_verified)}: "
                f"**{texts.DOCTOR_LABEL_TITLES[o.current_label]}**"
                + (" (re-read)" if o.latest else "") + f" · {o.created_at:%Y-%m-%d %H:%M} UTC · "
                f"{texts.STATUS_TITLES[o.status]}" for o in others))
        if case.concern:
            st.warning(f"**{texts.CAUTION_HEADLINE}** (input check when it was read): {case.concern}",
                       icon=":material/warning:")
        if case.note:
            st.markdown(f"> *Note by {reader}, saved with the reading:*  \n> "
                        + texts.plain(case.note).replace("  \n", "  \n> "))
        st.markdown("**History**")
        entries = [f"- {case.created_at:%Y-%m-%d %H:%M} · {reader} · reading saved"]
        for e in case.history:
            label = f" → {texts.DOCTOR_LABEL_TITLES[e.doctor_label]}" if e.doctor_label else ""
            comment = f": {texts.plain(e.comment)}" if e.comment else ""
            entries.append(f"- {e.created_at:%Y-%m-%d %H:%M} · {texts.who(e.who, e.who_verified)} · "
                           f"{texts.EVENT_TITLES.get(e.kind, e.kind)}{label}{comment}")
        st.markdown("\n".join(entries))
        if not me.is_reviewer:
            st.caption("Reviewers re-read, comment on and mark readings reviewed; what they add appears here.")
            return
        saved_here = st.session_state.setdefault(state.WL_FORMS, {}).get(case.reading_id, 0)
        # a new, empty form only after a saved action: a refused one keeps everything typed
        with st.form(f"review-{case.reading_id}-{saved_here}"):
            kind = st.radio("Action", list(ACTIONS), format_func=ACTIONS.get, horizontal=True)
            label = st.radio("New reading (for a re-read)", [None, *DOCTOR_LABELS], horizontal=True,
                             format_func=lambda v: texts.NO_NEW_READING if v is None else texts.DOCTOR_LABEL_TITLES[v])
            comment = st.text_area("Comment", max_chars=MAX_NOTE, height=70)
            feedback = st.container()  # just above the button that was pressed
            submitted = st.form_submit_button("Add to the case", type="primary",
                                              key=state.review_submit_key(case.reading_id))
        if submitted:
            if who is None:
                feedback.error("Enter your name or initials at the top of the sidebar first: every review action "
                               "records who made it.")
            elif kind == "re-read" and label is None:
                feedback.error("Choose the new reading (Normal, Pneumonia or Unsure) for a re-read.")
            elif kind != "re-read" and label is not None:
                feedback.error(f"You chose a new reading, but the action is \"{ACTIONS[kind]}\": a reading is recorded "
                               f"only with \"{ACTIONS['re-read']}\". Choose that action to record it, or choose "
                               f"\"{texts.NO_NEW_READING}\". Nothing was saved.")
            elif kind == "comment" and not comment.strip():
                feedback.error("Write the comment first.")
            else:
                try:
                    log.add_event(case.reading_id, who, kind, label if kind == "re-read" else None, comment.strip())
                except (ValueError, ReviewLogError, AccessDenied) as exc:  # typed text the log refuses, or a read-only log
                    feedback.error(f"The action was not saved: {exc}.")
                except Exception:  # noqa: BLE001
                    logger.exception("a review action could not be saved")  # the page says it in plain words
                    feedback.error(texts.ACTION_FAILED)
                else:
                    # Shown by ``worklist`` after the rerun: a toast can be lost to st.rerun, and a case
                    # marked reviewed leaves an "Open" list together with its panel.
                    st.session_state[state.WL_SAVED] = (case.reading_id,
                                                        texts.REVIEW_ACTION_DONE[kind].format(id=case.reading_id))
                    st.session_state[state.WL_FORMS][case.reading_id] = saved_here + 1
                    st.rerun()


def worklist(meta, who, me, look) -> None:
    if me.is_reviewer:
        st.markdown("Readings where the doctor and the model disagreed, the doctor was unsure, the model asked "
                    "for a second opinion or the input check raised a caution (the *Why flagged* column says which). "
                    "Open one to re-read it, comment, or mark it reviewed; nothing is overwritten.")
    else:
        st.markdown("The readings you saved, as saved, with what reviewers added. Only you and the reviewers see them.")
    log = get_review_log()
    filters = worklist_filters(meta, log.first_saved(me))
    cases = log.cases(me, **filters)
    saved = st.session_state.pop(state.WL_SAVED, None)
    if saved:
        reading_id, text = saved
        gone = reading_id not in [c.reading_id for c in cases]
        st.success(text + (" It no longer matches these filters, so it has left this list." if gone else ""),
                   icon=":material/check_circle:")
    if not cases:
        st.info("No readings match these filters.")
        table_without_rows(state.WL_TABLE)
        return
    st.caption(f"{len(cases)} reading{'s' * (len(cases) != 1)}, newest first. Select a row to open it.")
    was_open = st.session_state.get(state.open_row_key(state.WL_TABLE))
    row = case_table(cases)
    if me.is_reviewer:
        st.download_button("Export these readings (CSV)", log.export_csv(me, **filters),
                           file_name="pneumo-review-log.csv", mime="text/csv", icon=":material/download:")
    if row is not None:
        st.divider()
        case_detail(cases[row], who, me, look)
    elif was_open is not None and st.session_state.get(state.review_submit_key(was_open)):
        # "Add to the case" was pressed on a case that left this list meanwhile (another reviewer marked
        # it reviewed): the action is handled on it, once, rather than lost with its panel
        st.divider()
        st.warning(texts.CASE_LEFT_THE_LIST.format(id=was_open), icon=":material/info:")
        st.session_state[state.open_row_key(state.WL_TABLE)] = was_open  # a refused action can be pressed again
        case_detail(log.case(was_open, me), who, me, look)


@guarded
def page() -> None:
    meta = get_bundle().meta
    who = identity_ui()
    preset, threshold = operating_point_ui(meta)
    look = heatmap_controls_ui()
    me = viewer(who)
    st.title("Review")
    work, errors = st.tabs(["Worklist from the review log" if me.is_reviewer else "My readings",
                            "Model mistakes on the test films"])
    with work:
        worklist(meta, who, me, look)
    with errors:
        mistakes_tab(meta, preset, threshold, look)
    keyboard_ui()  # Enter or Space opens a table row


page()
