"""About: intended use, the model card, limitations, data attribution and licence."""

from __future__ import annotations

import re

import streamlit as st

from pneumo_core import texts
from ui.guard import guarded
from ui.resources import get_bundle, get_gate_report


@guarded
def page() -> None:
    bundle = get_bundle()
    meta = bundle.meta
    st.title("About pneumo")
    st.warning(f"**Intended use.** {texts.INTENDED_USE}", icon=":material/medical_information:")
    st.markdown(
        "pneumo reads a frontal chest X-ray and gives a calibrated probability of pneumonia, a label at the "
        "operating point you choose, and a heatmap of the regions that raised its score. It sits beside your "
        "own reading: save your reading on the *Read X-rays* page and cases where you and the model disagree "
        "go to the *Review* worklist.")
    c1, c2, c3 = st.columns([1.6, 1, 1])
    c1.metric("Model version", meta.version)
    c2.metric("Default threshold", f"{meta.default_threshold:.3f}")
    c3.metric("Second-opinion band", f"{meta.band[0]:.3f}–{meta.band[1]:.3f}")
    with st.container(border=True):
        # the card's headings, two levels down so they sit under this page's title
        st.markdown(re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", bundle.card(), flags=re.M))
    st.subheader("What pneumo will not read")
    st.markdown(texts.GATE_SUMMARY)
    gate_report = get_gate_report() or {"rows": {}}
    test_row = gate_report["rows"].get(texts.GATE_TEST_ROW, {})
    st.info(texts.GATE_LIMITS.format(
        validation=f"{meta.gate['validation']['refused_fraction']:.1%}" if meta.gate else "an unmeasured share",
        test=f"{test_row['refused or unreadable']:.1%}" if test_row else "an unmeasured share"), icon=":material/info:")
    st.subheader("Data and licence")
    st.markdown(f"Trained and evaluated on the pediatric chest X-ray set of Kermany et al. (Guangzhou Women and "
                f"Children's Medical Center), licensed CC BY 4.0. Cite: {texts.DATA_CITATION}")
    st.subheader("Privacy")
    st.markdown("Uploads stay in your browser session and are discarded when it ends. A saved reading stores the "
                "model's output, your reading, note and name, and a hash of the pixels; never the file name or DICOM "
                "tags. An image copy (downsampled, no metadata) is kept only when you tick the box to keep one.")


page()
