"""What every session shares, loaded once per process: the model's bundle (metadata, report, card:
no network), the predictor (the network, loaded on first need) and the review log."""

from __future__ import annotations

import streamlit as st

from pneumo_core import ComparisonReport, EvaluationReport, ModelBundle, Predictor, ReviewLog, Settings, read_comparison


@st.cache_resource(show_spinner=False)
def get_bundle() -> ModelBundle:
    """The served model's files; its metadata is read here, the network is not loaded."""
    bundle = ModelBundle.default()
    bundle.meta  # noqa: B018 -- read now, so a broken metadata file is reported on the first page
    return bundle


@st.cache_resource(show_spinner="Loading the model…")
def get_predictor() -> Predictor:
    return Predictor(get_bundle())


@st.cache_resource(show_spinner=False)
def get_review_log() -> ReviewLog:
    return ReviewLog()


@st.cache_resource(show_spinner=False)
def get_report() -> EvaluationReport:
    return get_bundle().report("test")


@st.cache_resource(show_spinner=False)
def get_gate_report() -> dict | None:
    """How the input gate did when it was measured (out-of-scope images, test films), or None."""
    return get_bundle().gate_report()


@st.cache_resource(show_spinner=False)
def get_comparison() -> ComparisonReport | None:
    """The published architectures measured under this app's protocol (``compare``), or None before it is run."""
    return read_comparison(Settings.from_env().comparison_path)
