"""The doctor's reading beside a result on the Read page: the form (label, note, whether a
de-identified copy is kept), saving it to the review log, and, once saved, the reading as saved
with the operating point it was saved at. A failure to save keeps what was typed in the form."""

from __future__ import annotations

import logging

import streamlit as st

from pneumo_core import (
    DOCTOR_LABELS,
    MAX_NOTE,
    AccessDenied,
    Identity,
    ReadImage,
    ReviewLogError,
    copy_refusal,
    texts,
)

from . import state
from .keyboard import RESULT, focus_next_run
from .resources import get_review_log

logger = logging.getLogger("pneumo.app")


def saved_readings() -> dict:
    """The readings saved in this session, by image digest."""
    return st.session_state.setdefault(state.SAVED_READINGS, {})


def reading_form(r: ReadImage, pred, reader: Identity | None, weights_sha256: str) -> None:
    saved = saved_readings()
    if r.digest in saved:
        case = saved[r.digest]
        title = texts.DOCTOR_LABEL_TITLES[case.doctor_label]
        where = (f"Saved as reading #{case.reading_id} by {texts.who(case.reader, case.reader_verified)} "
                 f"at {case.created_at:%H:%M} UTC.")
        at_save = f"({texts.preset_title(case.preset)}, PNEUMONIA from {texts.pct(case.threshold)})"
        if case.agreement == "agree":
            st.success(f"**You and the model agree: {case.model_label}** {at_save}. {where}",
                       icon=":material/check_circle:")
        elif case.agreement == "disagree":
            st.warning(f"**You read {title}; the model said {case.model_label}** {at_save}. {where} "
                       "The case is on the review worklist.", icon=":material/compare_arrows:")
        else:
            st.info(f"**You were unsure; the model said {case.model_label}** {at_save}. {where} "
                    "The case is on the review worklist.", icon=":material/help:")
        if pred.label != case.model_label:  # the preset was changed after saving
            st.info(texts.LABEL_SINCE_SAVED.format(now=pred.label, threshold=texts.pct(pred.threshold),
                                                   saved=case.model_label), icon=":material/tune:")
        st.caption("To change a saved reading, re-read the case on the Review page; its history is kept.")
        return
    with st.form(f"reading-{r.digest}"):
        st.markdown("**Your reading**")
        label = st.radio("Your reading", DOCTOR_LABELS, index=None, horizontal=True, label_visibility="collapsed",
                         format_func=texts.DOCTOR_LABEL_TITLES.get)
        note = st.text_area("Note (optional)", max_chars=MAX_NOTE, height=80)
        burned_in = bool(r.info and r.info.burned_in_annotation)
        too_small = copy_refusal(r.display.shape)
        no_copy = texts.BURNED_IN_NO_COPY if burned_in else (
            texts.NO_COPY.format(why=too_small) if too_small else None)
        keep = st.checkbox("Keep a de-identified copy of the image for reviewers (≤ 512 px, no file name or tags, "
                           "burned-in text blacked out)", disabled=no_copy is not None, help=no_copy)
        feedback = st.container()  # what went wrong shows here, just above the button that was pressed
        submitted = st.form_submit_button("Save reading", type="primary")
    if not submitted:
        return
    if label is None:
        feedback.error("Choose Normal, Pneumonia or Unsure before saving.")
    elif reader is None:
        feedback.error("Enter your name or initials at the top of the sidebar before saving: every reading records "
                       "who made it.")
    else:
        try:
            saved[r.digest] = get_review_log().record_reading(r.display, pred, weights_sha256, label, reader,
                                                              note, keep and no_copy is None,
                                                              burned_in_annotation=burned_in)
        except (ValueError, ReviewLogError, AccessDenied) as exc:  # typed text the log refuses, or a read-only log: say what
            feedback.error(f"The reading was not saved: {exc}. What you entered is still in the form.")
        except Exception:  # noqa: BLE001 -- the form keeps what was typed
            logger.exception("a reading could not be saved")  # for whoever runs pneumo; the doctor gets plain words
            feedback.error(texts.SAVE_FAILED)
        else:
            focus_next_run(RESULT)  # the saved reading replaces the form: focus stays on this image's result
            st.rerun()
