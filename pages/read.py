"""Read an X-ray: the model's calibrated probability, label and heatmap beside the image."""

from __future__ import annotations

import hashlib

import streamlit as st

from pneumo_core import (COLORMAPS, METHODS, ExplanationError, PneumoError, Predictor, decide,
                         load_image, overlay)

INTENDED_USE = ("For frontal pediatric chest X-rays (ages 1–5). A second opinion beside a clinician's reading, "
                "never a diagnosis on its own.")
PRESET_NAMES = {"screening": "Screening (high sensitivity)", "balanced": "Balanced",
                "high_specificity": "High specificity"}


@st.cache_resource(show_spinner="Loading the model…")
def get_predictor() -> Predictor:
    return Predictor()


@st.cache_data(max_entries=32, show_spinner=False)
def analyse(digest: str, _data: bytes):
    """Decode and score one upload, cached by its SHA-256 (the bytes are not hashed again), so
    widget changes never decode the file or run the model again."""
    image = load_image(_data)
    probability = float(get_predictor().probabilities([image.pixels])[0])
    return image, probability


@st.cache_data(max_entries=32, show_spinner=False)
def heatmap(digest: str, _pixels, label: str, method: str):
    return get_predictor().explain(_pixels, label, method).values


def controls_ui(meta) -> tuple[str | None, float | None, str, float, str]:
    with st.sidebar:
        st.header("Operating point")
        names = list(meta.presets)
        choice = st.radio("Preset", names + ["custom"], index=names.index(meta.default_preset),
                          format_func=lambda n: PRESET_NAMES.get(n, "Custom threshold"))
        threshold = None
        if choice == "custom":
            threshold = st.slider("Threshold on P(pneumonia)", 0.01, 0.99, float(round(meta.default_threshold, 2)), 0.01)
        st.header("Heatmap")
        method = st.selectbox("Method", METHODS)
        opacity = st.slider("Opacity", 0.0, 1.0, 0.45, 0.05)
        colormap = st.selectbox("Colour map", list(COLORMAPS))
    return (None if choice == "custom" else choice), threshold, method, opacity, colormap


def result_ui(pred) -> None:
    colour = "red" if pred.label == "PNEUMONIA" else "green"
    st.markdown(f"### :{colour}[{pred.label}]")
    st.metric("Probability of pneumonia (calibrated)", f"{pred.probability:.1%}")
    preset = PRESET_NAMES.get(pred.preset, "Custom")
    st.caption(f"{preset} threshold {pred.threshold:.3f} · model {pred.model_version}")
    if pred.needs_second_opinion:
        st.warning("**Second opinion recommended**: the probability lies in the range where the model "
                   "is not reliable on its own.")


predictor = get_predictor()
st.title("Read a chest X-ray")
st.caption(INTENDED_USE)
preset, threshold, method, opacity, colormap = controls_ui(predictor.meta)
upload = st.file_uploader("Upload a chest X-ray (JPEG, PNG or DICOM, with or without extension)", type=None)
if upload is None:
    st.info("Upload an image to see the model's reading and where it looked.")
    st.stop()

data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()
try:
    image, probability = analyse(digest, data)
except PneumoError as exc:
    st.error(f"This file could not be read: {exc}")
    st.stop()

pred = decide(probability, predictor.meta, preset, threshold)
left, right, info = st.columns([2, 2, 1.3])
left.image(image.pixels, caption=f"{image.info.format}, {image.info.width}×{image.info.height}", clamp=True,
           width="stretch")
try:
    heat = heatmap(digest, image.pixels, pred.label, method)
    right.image(overlay(image.pixels, heat, opacity, colormap), width="stretch",
                caption=f"{method}: regions that raised the score for {pred.label}")
except ExplanationError as exc:
    right.warning(str(exc))
with info:
    result_ui(pred)
