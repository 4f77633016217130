"""The PDF case report: a record of what was saved (the model's label at the saved threshold beside
the doctor's reading), long notes continued on a second page, text in other alphabets kept, and
a reference typed for the PDF only."""

from __future__ import annotations

import datetime as dt
import io
import os

import numpy as np
import pytest
from identities import AHMED, LEAD, typed
from pypdf import PdfReader

from pneumo_core import Prediction, ReviewLog, case_report_pdf
from pneumo_core.presentation import case_pdf
from pneumo_core.presentation.case_pdf import latin1

PRED = Prediction("PNEUMONIA", 0.25, 0.19, "balanced", "second opinion", "v-test")
IMAGE = np.random.default_rng(0).random((300, 400)).astype(np.float32)


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _reading(tmp_path, prediction=PRED, label="NORMAL", reader="Dr A", note=""):
    who = typed(reader) if isinstance(reader, str) else reader
    return ReviewLog(f"sqlite:///{tmp_path}/log.sqlite3").record_reading(IMAGE, prediction, "0" * 64, label, who, note)


@pytest.mark.parametrize("with_heatmap, with_reading", [(True, True), (False, False), (True, False)])
def test_case_report_is_a_one_page_pdf(tmp_path, with_heatmap, with_reading):
    heat = np.zeros((300, 400, 3), np.uint8) if with_heatmap else None
    reading = _reading(tmp_path, reader="Dr Ünïcode – test", note="note ≥ 2 → ok") if with_reading else None
    pdf = case_report_pdf(IMAGE, heat, PRED, "Grad-CAM: regions that raised the score for PNEUMONIA", reading,
                          dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages, text = _text(pdf)
    assert pages == 1 and "Intended use" in text and "Page 1 of 1" in text


@pytest.mark.parametrize("label, said", [
    ("NORMAL", "Normal (disagrees with the model)"),
    ("PNEUMONIA", "Pneumonia (agrees with the model)"),
    ("UNSURE", "Unsure (no call, so not compared with the model)"),  # never "Unsure (unsure)"
])
def test_the_doctors_reading_is_said_once_with_how_it_compares(tmp_path, label, said):
    _, text = _text(case_report_pdf(IMAGE, None, PRED, "", _reading(tmp_path, label=label)))
    assert said in text.replace("\n", " ")


def test_the_model_part_is_the_one_saved_with_the_reading(tmp_path):
    """Saved 'Normal' against PNEUMONIA at 0.19; the PDF made later at a custom threshold of 0.5 (where
    the model would say NORMAL) still reports PNEUMONIA at 0.19, so the disagreement reads true."""
    reading = _reading(tmp_path)
    later = Prediction("NORMAL", 0.25, 0.5, "custom", "confident", "v-test")
    _, text = _text(case_report_pdf(IMAGE, None, later, "", reading))
    text = text.replace("\n", " ")
    assert "Model: PNEUMONIA" in text and "PNEUMONIA from 19.0%" in text and "as when the reading was saved" in text
    assert "Normal (disagrees with the model)" in text
    assert "Model: NORMAL" not in text


def test_a_long_note_continues_on_a_second_page(tmp_path):
    note = " ".join(f"word{i}" for i in range(260))  # 1,969 characters: the most a note may hold is 2,000
    pages, text = _text(case_report_pdf(IMAGE, np.zeros((300, 400, 3), np.uint8), PRED, "", _reading(tmp_path, note=note)))
    assert pages == 2 and "word0" in text and "word259" in text
    assert text.count("Intended use") == 2 and "Page 2 of 2" in text


@pytest.mark.parametrize("reader, shown", [(AHMED, "by Dr A. Ahmed, "),
                                           ("Dr Typed", "by Dr Typed (unverified: typed in demo mode, not signed in)")],
                         ids=["signed-in", "demo"])
def test_the_reader_is_marked_unverified_in_demo_mode(tmp_path, reader, shown):
    _, text = _text(case_report_pdf(IMAGE, None, PRED, "", _reading(tmp_path, reader=reader)))
    assert shown in " ".join(text.split())  # justified lines extract with doubled spaces


def test_other_alphabets_are_kept(tmp_path):
    if not (case_pdf.FONT_DIR / "DejaVuSans.ttf").is_file():
        message = "Debian's fonts-dejavu-core is not installed (tools/install_debian.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    reading = _reading(tmp_path, reader="Д-р Чэнь", note="Ελληνικά: σκίαση στη βάση — ≥ 2 cm")
    _, text = _text(case_report_pdf(IMAGE, None, PRED, "", reading))
    text = " ".join(text.split())
    assert "Д-р Чэнь" in text and "σκίαση" in text and "≥ 2 cm" in text


def test_a_reference_typed_for_the_pdf_is_printed_and_nowhere_stored(tmp_path):
    reading = _reading(tmp_path)
    _, text = _text(case_report_pdf(IMAGE, None, PRED, "", reading, reference="ACC-2026-0042"))
    assert "Reference: ACC-2026-0042" in text
    assert "ACC-2026-0042" not in (ReviewLog(f"sqlite:///{tmp_path}/log.sqlite3").export_csv(LEAD))


def test_case_report_wants_a_gray_image():
    with pytest.raises(ValueError, match="expected a 2-D gray image"):
        case_report_pdf(np.zeros((4, 4, 3)), None, PRED, "")


@pytest.mark.parametrize("text, expected", [("a – b ≥ c", "a - b >= c"), ("Ünïcode", "Ünïcode"), ("汉字", "??")])
def test_latin1(text, expected):
    assert latin1(text) == expected
