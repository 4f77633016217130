"""The Read page through Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent.parent


def test_page_renders_without_an_upload():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Read a chest X-ray"
    assert any("Upload an image" in i.value for i in at.info)
    assert [r.label for r in at.sidebar.radio] == ["Preset"]


def test_preset_options_come_from_the_model_metadata(predictor):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert at.sidebar.radio[0].options[:-1] == [
        {"screening": "Screening (high sensitivity)", "balanced": "Balanced",
         "high_specificity": "High specificity"}[n] for n in predictor.meta.presets]
    assert at.sidebar.radio[0].value == predictor.meta.default_preset
