"""About: intended use, what the model is and how well it does in plain words, what it will not read,
its known limits, data attribution, licence and privacy. The technical model card (training recipe,
rules, file names) is for engineers: it lives beside the model file and in the README, not here."""

from __future__ import annotations

import streamlit as st

from pneumo_core import model_words, summary, texts
from ui.guard import guarded
from ui.resources import get_bundle, get_gate_report, get_report


@guarded
def page() -> None:
    meta = get_bundle().meta
    st.title("About pneumo")
    st.warning(f"**Intended use.** {texts.INTENDED_USE}", icon=":material/medical_information:")
    st.markdown(
        "pneumo reads a frontal chest X-ray and gives a calibrated probability of pneumonia, a label at the "
        "setting you choose, and a heatmap of the regions that raised its score. It sits beside your own "
        "reading: save your reading on the *Read X-rays* page, and cases where you and the model disagree go "
        "to the *Review* worklist.")
    c1, c2, c3 = st.columns([1.6, 1, 1])
    c1.metric("Model version", meta.version)
    c2.metric("Default threshold", texts.pct(meta.default_threshold), help=texts.preset_line(meta.default_preset, meta.presets))
    c3.metric("Model unsure between", f"{texts.pct(meta.band[0])} – {texts.pct(meta.band[1])}",
              help=texts.band_text(meta.band))

    st.subheader("What the model is")
    st.markdown(model_words.about_model(meta.training.get("train_images"), meta.training.get("members")))
    st.subheader("How well it does")
    st.markdown(" ".join(summary.plain_summary(get_report(), meta.default_threshold,
                                               texts.preset_title(meta.default_preset).lower()))
                + " The *Model performance* page has the details.")
    st.markdown("**Settings**\n" + "\n".join(f"- *{texts.preset_title(n)}:* {texts.preset_line(n, meta.presets)}"
                                                for n in meta.presets))
    st.subheader("Known limits")
    at_default = meta.validation.get("at_default", {})
    st.markdown(model_words.known_limits(at_default.get("specificity"), get_report().at(meta.default_threshold)["specificity"],
                                   meta.stress))

    st.subheader("What pneumo will not read")
    st.markdown(texts.GATE_SUMMARY)
    gate_report = get_gate_report() or {"rows": {}}
    test_row = gate_report["rows"].get(texts.GATE_TEST_ROW, {})
    st.info(texts.GATE_LIMITS.format(
        validation=texts.pct(meta.gate["validation"]["refused_fraction"]) if meta.gate else "an unmeasured share",
        test=texts.pct(test_row["refused or unreadable"]) if test_row else "an unmeasured share"), icon=":material/info:")
    st.subheader("Data and licence")
    st.markdown(f"Trained and evaluated on the pediatric chest X-ray set of Kermany et al. (Guangzhou Women and "
                f"Children's Medical Center), licensed CC BY 4.0. Cite: {texts.DATA_CITATION}")
    st.subheader("Privacy")
    st.markdown(texts.PRIVACY_UPLOAD)
    st.caption(texts.TECHNICAL_CARD)


page()
