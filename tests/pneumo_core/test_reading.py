"""Reading a batch of uploads, and the one-page PDF case report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pneumo_core import Prediction, ReviewLog, case_report_pdf, downscale, read_uploads
from pneumo_core.case_report import latin1


@pytest.mark.parametrize("shape, max_side, expected", [
    ((100, 50), 200, (100, 50)),
    ((2000, 1000), 1024, (1024, 512)),
    ((1000, 3000), 300, (100, 300)),
])
def test_downscale(shape, max_side, expected):
    assert downscale(np.zeros(shape, np.float32), max_side).shape == expected


def test_downscale_wants_a_gray_image():
    with pytest.raises(ValueError, match="expected a 2-D gray image"):
        downscale(np.zeros((4, 4, 3), np.float32))


def test_read_uploads_keeps_order_and_isolates_bad_files(tiny_predictor, fullres_dir):
    good = sorted(fullres_dir.glob("*/*.jpeg"))[:3]
    files = [(p.name, p.read_bytes()) for p in good]
    files.insert(1, ("bad.png", b"\x89PNG\r\n\x1a\n broken"))
    calls = []
    out = read_uploads(tiny_predictor, files, lambda done, total: calls.append((done, total)))
    assert [r.name for r in out] == [f[0] for f in files]
    assert [r.ok for r in out] == [True, False, True, True]
    assert "could not be read" in out[1].error or "PNG" in out[1].error
    assert all(0.0 <= r.probability <= 1.0 for r in out if r.ok)
    assert all(max(r.display.shape) <= 1024 for r in out if r.ok)
    assert calls[-1] == (4, 4)
    alone = tiny_predictor.predict(good[0].read_bytes()).probability
    assert out[0].probability == pytest.approx(alone, abs=1e-6)  # same as the full-resolution prediction


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
                          dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1


def test_case_report_wants_a_gray_image():
    with pytest.raises(ValueError, match="expected a 2-D gray image"):
        case_report_pdf(np.zeros((4, 4, 3)), None, PRED, "")


@pytest.mark.parametrize("text, expected", [("a – b ≥ c", "a - b >= c"), ("Ünïcode", "Ünïcode"), ("汉字", "??")])
def test_latin1(text, expected):
    assert latin1(text) == expected
