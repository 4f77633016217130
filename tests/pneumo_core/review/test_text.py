"""Free text in the review log: the same checks on SQLite and PostgreSQL, CSV cells a spreadsheet
will not run, and notes shown as text (never as Markdown) on the pages."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from identities import LEAD, typed

from pneumo_core import Prediction, texts
from pneumo_core.review.log import ReviewLog
from pneumo_core.review.text import MAX_NAME, MAX_NOTE, clean_name, clean_note, csv_cell

INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\r=1"]


def _pred() -> Prediction:
    return Prediction(label="PNEUMONIA", probability=0.8, threshold=0.5, preset="balanced", band="confident",
                      model_version="v-test")


@pytest.mark.parametrize(("name", "expected", "error"), [
    ("  Dr A. Ahmed ", "Dr A. Ahmed", None),
    ("Д-р Чэнь 陈", "Д-р Чэнь 陈", None),
    ("x" * MAX_NAME, "x" * MAX_NAME, None),
    ("x" * (MAX_NAME + 1), None, "129 characters long"),
    ("", None, "empty"),
    ("   ", None, "empty"),
    ("Dr\x00Evil", None, "control character"),
    ("Dr\nTwo Lines", None, "line break"),
    ("Dr\tTab", None, "line break, tab"),
    (None, None, "must be text"),
])
def test_names_table(name, expected, error):
    if error:
        with pytest.raises(ValueError, match=error):
            clean_name(name)
    else:
        assert clean_name(name) == expected


@pytest.mark.parametrize(("note", "expected", "error"), [
    ("Clear lungs\r\nto my eye ", "Clear lungs\nto my eye", None),
    ("tab\tkept", "tab\tkept", None),
    ("x" * MAX_NOTE, "x" * MAX_NOTE, None),
    ("x" * (MAX_NOTE + 1), None, "2001 characters long"),
    ("nul\x00byte", None, "NUL byte"),
    ("bell\x07", None, "control character"),
])
def test_notes_table(note, expected, error):
    if error:
        with pytest.raises(ValueError, match=error):
            clean_note(note)
    else:
        assert clean_note(note) == expected


@pytest.mark.parametrize("value", INJECTIONS)
def test_formula_prefixes_are_quoted(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Clear lungs", "", 0.5, None, "Dr =Smith"])
def test_other_cells_are_untouched(value):
    assert csv_cell(value) == value


def test_the_same_text_is_refused_on_every_database(db_url):
    """What PostgreSQL would refuse (NUL, an over-long name) is refused the same way everywhere,
    before the database sees it; nothing is written."""
    log = ReviewLog(db_url)
    pixels = np.random.default_rng(0).random((64, 64)).astype(np.float32)
    for reader, note in (("x" * (MAX_NAME + 1), ""), ("Dr A", "a\x00b"), ("Dr\x00A", "")):
        with pytest.raises(ValueError):
            log.record_reading(pixels, _pred(), "sha", "NORMAL", typed(reader), note)
    assert log.cases(LEAD) == []
    case = log.record_reading(pixels, _pred(), "sha", "NORMAL", typed("x" * MAX_NAME), "n" * MAX_NOTE)
    with pytest.raises(ValueError, match="comment"):
        log.add_event(case.reading_id, typed("Dr B"), "comment", comment="\x00")
    assert log.case(case.reading_id, LEAD).history == ()


def test_csv_export_neutralises_formulas(db_url):
    log = ReviewLog(db_url)
    pixels = np.random.default_rng(1).random((64, 64)).astype(np.float32)
    for i, value in enumerate(INJECTIONS[:4]):
        log.record_reading(pixels * (0.9 + 0.01 * i), _pred(), "sha", "NORMAL", typed(value), value)
    rows = list(csv.DictReader(io.StringIO(log.export_csv(LEAD))))
    assert len(rows) == 4
    for row in rows:
        for key in ("reader", "note"):
            assert row[key].startswith("'") and row[key][1] in "=+-@"


@pytest.mark.parametrize("typed", ["#### Reading #1 · Reviewed", ":red[**SIGNED OFF**]",
                                   "![x](http://evil.example/a.png)", "$x^2$ <b>hi</b>", "1. item\n- item"])
def test_plain_text_has_no_markdown_left(typed):
    from markdown_it import MarkdownIt  # the CommonMark parser (installed with keras, via rich)

    html = MarkdownIt().render(texts.plain(typed))
    for made in ("<h4", "<img", "<strong", "<ol", "<ul", "<b>"):
        assert made not in html
    assert ":" not in typed or "\\:" in texts.plain(typed)  # Streamlit's :colour[...] and :emoji: need a bare colon
