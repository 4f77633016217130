"""The one-page PDF case report: one page, with or without a heatmap and a saved reading."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pneumo_core import Prediction, ReviewLog, case_report_pdf
from pneumo_core.presentation.case_pdf import latin1

PRED = Prediction("PNEUMONIA", 0.25, 0.19, "balanced", "second opinion", "v-test")


@pytest.mark.parametrize("with_heatmap, with_reading", [(True, True), (False, False), (True, False)])
def test_case_report_is_a_one_page_pdf(tmp_path, with_heatmap, with_reading):
    image = np.random.default_rng(0).random((300, 400)).astype(np.float32)
    heat = np.zeros((300, 400, 3), np.uint8) if with_heatmap else None
    reading = None
    if with_reading:
        log = ReviewLog(f"sqlite:///{tmp_path}/log.sqlite3")
        reading = log.record_reading(image, PRED, "0" * 64, "NORMAL", "Dr Ünïcode – test", "note ≥ 2 → ok")
    pdf = case_report_pdf(image, heat, PRED, "Grad-CAM: regions that raised the score for PNEUMONIA", reading,
                          dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1


def test_case_report_wants_a_gray_image():
    with pytest.raises(ValueError, match="expected a 2-D gray image"):
        case_report_pdf(np.zeros((4, 4, 3)), None, PRED, "")


@pytest.mark.parametrize("text, expected", [("a – b ≥ c", "a - b >= c"), ("Ünïcode", "Ünïcode"), ("汉字", "??")])
def test_latin1(text, expected):
    assert latin1(text) == expected
