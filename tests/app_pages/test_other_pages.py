"""Review, Model performance and About pages through AppTest, plus the import rules of the app."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from app_helpers import ROOT, metric, open_page, texts
from comparison_factory import make_report, make_row
from identities import LEAD, typed

from pneumo_core import ReviewLog, comparison, decide
from pneumo_core import texts as texts_module
from pneumo_core.evaluation.comparison import write_comparison
from ui import state


def test_performance_page_shows_every_chart_and_the_comparison(predictor):
    at = open_page("performance")
    assert not at.exception
    assert at.title[0].value == "Model performance"
    assert len(at.get("plotly_chart")) == 6
    assert metric(at, "Sensitivity") == "99.5%"  # the committed report at the default (balanced) preset
    # tables that wrap their text (st.table), so the caveats are read in full, even on a projector
    table = next(t.value for t in at.table if "How it was measured" in t.value.columns)
    assert "Kermany et al. 2018 (Cell)" in list(table.index)
    assert table["How it was measured"].str.len().min() > 20
    assert table["Specificity"].iloc[0] == "78.6% (95% CI 72.9–83.4%)"  # Wilson, 184 of 234
    assert table["ROC AUC"].iloc[0] == "0.983 (95% CI 0.972–0.989)"  # DeLong, from the report's probabilities
    gate = next(t.value for t in at.table if "Refused" in t.value.columns)
    assert {"documents", "official test split (624)"} <= set(gate.index)
    assert "What the model refuses to read" in [h.value for h in at.subheader]
    stress = next(t.value for t in at.table if "Healthy children called healthy" in t.value.columns)
    assert len(stress) == 5 and stress.index[0] == "Films as they are"
    assert "points" in stress["Healthy children called healthy"].iloc[4]  # the committed report's changes
    assert "This model does not pass" in texts(at)  # the shipped model reads framing (metadata.stress)


def test_performance_page_opens_with_a_plain_summary_and_intervals(predictor):
    at = open_page("performance")
    summary = next(m.value for m in at.markdown if m.value.startswith("**In short.**"))
    assert summary.count(". ") + 1 == 3, summary  # three sentences
    for needed in ("found 388 of the 390 pneumonias: 99.5% (95% CI 98.1–99.9%)",
                   "184 of the 234 healthy children healthy, 78.6% (95% CI 72.9–83.4%)",
                   "about one in five healthy children", "within 3.5 percentage points",
                   "much less reliable in the middle range it flags as unsure", "never a diagnosis"):
        assert needed in summary, needed
    assert [c.value for c in at.caption if c.value.startswith("95% CI")] == [
        "95% CI 89.2–93.6%", "95% CI 98.1–99.9%", "95% CI 72.9–83.4%",  # accuracy, sensitivity, specificity (Wilson)
        "95% CI 0.972–0.989"]  # ROC AUC (DeLong)


@pytest.fixture()
def comparison_at(tmp_path, monkeypatch):
    """Point the app at a comparison report (or at none) for one test; the page caches it per process."""
    from ui.resources import get_comparison

    def use(report=None):
        path = tmp_path / "comparison.json"
        if report is not None:
            write_comparison(report, path)
        monkeypatch.setenv("PNEUMO_COMPARISON", str(path))
        get_comparison.clear()

    yield use
    get_comparison.clear()


def test_performance_says_plainly_when_the_published_networks_were_not_trained_here(comparison_at):
    comparison_at(None)
    at = open_page("performance")
    assert not at.exception
    assert "The published approaches, trained here the same way" in [h.value for h in at.subheader]
    assert any("have not been trained under this app's protocol yet" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 6  # no empty comparison chart


def test_performance_shows_the_comparison_beside_the_published_claims(comparison_at):
    comparison_at(make_report(
        make_row("vgg16", "a" * 64, accuracy=0.9, speed={"predict_ms": 120.0, "gradcam_ms": 800.0}),
        make_row("mlp", "b" * 64, accuracy=0.7, map_side=1, speed={"predict_ms": 15.0},
                 stress={"worst_drop": 0.2, "max_drop": 0.02, "eligible": False, "rows": {}}),
        make_row("cnn3", "c" * 64, accuracy=0.625, stress={"worst_drop": 0.0, "max_drop": 0.02, "eligible": True,
                 "rows": {"as it is": {"specificity": 0.0, "sensitivity": 1.0}}})))  # calls every film PNEUMONIA
    at = open_page("performance")
    assert not at.exception
    results = next(t.value for t in at.table if comparison.STRESS_COLUMN in t.value.columns)
    assert list(results.index) == ["net vgg16", "net mlp", "net cnn3"]  # most accurate first
    assert results.loc["net vgg16", "Accuracy"] == "90.0% (95% CI 87.0–92.0%)"
    assert results.loc["net vgg16", "ROC AUC"] == "0.950 (95% CI 0.930–0.965)"
    assert results.loc["net mlp", comparison.STRESS_COLUMN] == "no (worst drop 20.0 points)"
    assert results.loc["net cnn3", comparison.STRESS_COLUMN].startswith("cannot tell")  # nothing to keep, nothing to lose
    cost = next(t.value for t in at.table if "Heatmap in" in t.value.columns)
    assert cost.loc["net mlp", "Heatmap in"] == "no map to show" and cost.loc["net mlp", "Label in"] == "15 ms"
    assert cost.loc["net vgg16", "Epochs trained"] == "18" and cost.loc["net vgg16", "Timed on"] == "not timed yet"
    where = next(t.value for t in at.table if "How this row was obtained" in t.value.columns)
    assert where.loc["net vgg16", "Published for this kind of network"].startswith("92% accuracy")
    said = texts(at)
    assert "net vgg16 was the most accurate, at 90.0%" in said and "1 of 2 kept their results" in said
    assert "quickest to a label was net mlp, in 15 ms" in said and "random weights" in said
    assert "the others partly read how a film was taken" in said  # one of the two judged failed
    assert len(at.get("plotly_chart")) == 7  # the ROC curves overlaid


@pytest.mark.parametrize("preset, threshold, specificity", [
    ("screening", None, "47.9%"),
    ("balanced", None, "78.6%"),
    ("custom", 0.5, None),
])
def test_performance_threshold_moves_the_numbers(predictor, preset, threshold, specificity):
    at = open_page("performance")
    at.radio(key=state.PERF_PRESET).set_value(preset).run()
    if threshold is not None:
        at.slider(key=state.PERF_THRESHOLD).set_value(threshold).run()
    assert not at.exception
    shown = metric(at, "Specificity")
    if specificity:
        assert shown == specificity
    else:
        assert float(shown.rstrip("%")) > 78.6  # a higher threshold: fewer false alarms
    expected_t = threshold if threshold is not None else predictor.meta.presets[preset]
    assert f"At threshold {100 * expected_t:.1f}%" in texts(at)


def _saved(log, predictor, seed: int, reader: str, note: str):
    """A NORMAL reading, typed by ``reader``, of a random image the model calls PNEUMONIA at 95 %."""
    pixels = np.random.default_rng(seed).random((64, 64)).astype(np.float32)
    return log.record_reading(pixels, decide(0.95, predictor.meta), predictor.meta.weights_sha256, "NORMAL",
                              typed(reader), note)


def test_review_page_lists_a_disagreement_and_its_history(predictor):
    log = ReviewLog()
    pixels = np.random.default_rng(7).random((64, 64)).astype(np.float32)
    pred = decide(0.9, predictor.meta)
    case = log.record_reading(pixels, pred, predictor.meta.weights_sha256, "NORMAL",
                              typed("Dr Review Test"), "check me")
    log.add_event(case.reading_id, typed("Dr Senior"), "comment", comment="looked at it")
    at = open_page("review")
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["#"] == case.reading_id]
    assert list(row["Doctor"]) == ["Normal"] and list(row["Agreement"]) == ["Disagree"]
    assert list(row["Events"]) == [1]
    assert "of the 624 test films wrong" in texts(at)


def test_an_open_case_saved_long_ago_is_listed_by_default_with_why_it_is_flagged(predictor):
    import datetime as dt

    from sqlalchemy import text

    log = ReviewLog()
    pixels = np.random.default_rng(29).random((64, 64)).astype(np.float32)
    pred = decide(0.3, predictor.meta)  # in the second-opinion band: a second reason besides the disagreement
    assert pred.needs_second_opinion and pred.label == "PNEUMONIA"
    case = log.record_reading(pixels, pred, predictor.meta.weights_sha256, "NORMAL", typed("Dr Old Case"))
    with log.engine.begin() as conn:  # saved 400 days ago, never reviewed
        conn.execute(text("UPDATE readings SET created_at = :t WHERE id = :i"),
                     {"t": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=400), "i": case.reading_id})
    at = open_page("review")
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["#"] == case.reading_id]
    assert list(row[texts_module.WHY_FLAGGED]) == ["disagreement, second opinion"]


@pytest.mark.parametrize("action, comment, shown, status", [
    ("reviewed", "checked", "Reading #{id} is marked reviewed. It no longer matches these filters", "reviewed"),
    ("comment", "second look", "Your comment is saved on reading #{id}.", "open"),
    ("comment", "", "Write the comment first.", "open"),
])
def test_review_action_is_confirmed_even_when_the_case_leaves_the_list(predictor, action, comment, shown, status):
    log = ReviewLog()
    case = _saved(log, predictor, 11, "Dr Action Test", "")
    at = open_page("review")
    at.session_state[state.open_row_key(state.WL_TABLE)] = case.reading_id  # as if the reviewer had ticked its row
    at.run()
    at.sidebar.text_input[0].set_value("Dr Reviewer").run()
    next(r for r in at.radio if r.label == "Action").set_value(action)
    next(t for t in at.text_area if t.label == "Comment").set_value(comment)
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert not at.exception
    assert shown.format(id=case.reading_id) in texts(at)
    assert next(c for c in log.cases(LEAD, status=None) if c.reading_id == case.reading_id).status == status


def test_review_mistakes_follow_the_preset():
    at = open_page("review")
    counts = {}
    for preset in ("screening", "balanced"):
        at.sidebar.radio[0].set_value(preset).run()
        line = next(m.value for m in at.markdown if "test films wrong" in m.value)
        counts[preset] = int(line.split("gets **")[1].split("**")[0])
    assert not at.exception
    assert counts["screening"] > counts["balanced"]  # the screening threshold raises more false alarms


def test_review_without_the_image_folder_explains_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PNEUMO_DATA_DIR", str(tmp_path / "nowhere"))
    at = open_page("review")
    assert not at.exception
    assert "PNEUMO_DATA_DIR" in texts(at)


def test_about_page_has_intended_use_card_and_licence():
    at = open_page("about")
    assert not at.exception
    text = texts(at)
    for needed in ("Intended use", "What the model is", "Known limits", "CC BY 4.0", "Kermany DS",
                   "never a diagnosis on its own", "What the check does not catch", "of the official test films",
                   "never written to disk", "are sent to the pneumo server"):
        assert needed in text, needed
    # developer detail stays in the technical model card, not on a clinician's page
    for jargon in ("Youden", "ECE", "logits", "validation split", "test split", ".json", "python -m", "P(pneumonia)"):
        assert jargon not in text, jargon


FORBIDDEN_IN_PAGES = {"tensorflow", "keras", "pydicom"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module if node.module.startswith("pneumo_core.") else node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")) + sorted((ROOT / "ui").glob("*.py"))
                         + [ROOT / "app.py"], ids=lambda p: p.name)
def test_app_code_never_imports_the_ml_stack(path):
    found = _imports(path)
    assert not found & FORBIDDEN_IN_PAGES
    assert not [m for m in found if m.startswith("pneumo_core.")], "import from pneumo_core's public API only"


@pytest.mark.parametrize("path", sorted((ROOT / "pneumo_core").rglob("*.py")), ids=lambda p: p.name)
def test_the_core_never_imports_streamlit(path):
    assert "streamlit" not in _imports(path)


def test_review_shows_typed_text_as_text_and_says_what_was_wrong(predictor):
    """A note cannot forge a heading, a status or an image; a comment the log refuses is explained."""
    log = ReviewLog()
    forged = "#### Reading #1 · Reviewed\n:red[**SIGNED OFF**] ![x](http://evil.example/a.png)"
    case = _saved(log, predictor, 13, "Dr **Bold**", forged)
    at = open_page("review")
    at.session_state[state.open_row_key(state.WL_TABLE)] = case.reading_id
    at.run()
    shown = [m.value for m in at.markdown if "SIGNED OFF" in m.value or "Bold" in m.value]
    assert shown and all("\\#\\#\\#\\#" in m or "\\*\\*Bold\\*\\*" in m or "\\:red\\[" in m for m in shown)
    assert not any(m.lstrip("> ").startswith("####") or "![x]" in m for m in shown)
    at.sidebar.text_input[0].set_value("Dr Reviewer").run()
    next(r for r in at.radio if r.label == "Action").set_value("comment")
    next(t for t in at.text_area if t.label == "Comment").set_value("bad\x00byte")
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert not at.exception
    assert "The action was not saved: The comment contains an invisible control character" in texts(at)
    assert log.case(case.reading_id, LEAD).history == ()


def test_a_damaged_review_log_is_explained_not_replaced(tmp_path, monkeypatch):
    """The Review page on a 0-byte log file: a plain message, and the file is left as it was."""
    path = tmp_path / "review-log.sqlite3"
    path.write_bytes(b"")
    monkeypatch.setenv("PNEUMO_DATABASE_URL", f"sqlite:///{path}")
    from ui.resources import get_review_log

    get_review_log.clear()  # the app opens its log once per process; this test is a fresh start on a bad file
    at = open_page("review")
    get_review_log.clear()
    assert not at.exception
    assert any("The review log cannot be used" in e.value and "empty file" in e.value for e in at.error)
    assert path.read_bytes() == b""


def _open_case(case_id: int):
    at = open_page("review")
    at.session_state[state.open_row_key(state.WL_TABLE)] = case_id  # as if the reviewer had ticked its row
    at.run()
    return at


def _act(at, action: str, comment: str = "", label: str | None = None, who: str | None = "Dr Chen"):
    if who is not None:
        at.sidebar.text_input[0].set_value(who).run()
    next(r for r in at.radio if r.label == "Action").set_value(action)
    if label:
        next(r for r in at.radio if r.label.startswith("New reading")).set_value(label)
    next(t for t in at.text_area if t.label == "Comment").set_value(comment)
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert not at.exception
    return at


def test_a_re_read_never_changes_what_the_first_doctor_said(predictor):
    log = ReviewLog()
    case = _saved(log, predictor, 17, "Dr A. Ahmed", "Clear lungs to my eye")
    at = _act(_open_case(case.reading_id), "re-read", label="PNEUMONIA")
    shown = texts(at)
    assert "Reading saved by Dr A\\. Ahmed (unverified): **Normal** · Disagree" in shown  # as Dr Ahmed saved it
    assert "Latest re-read, by Dr Chen (unverified)" in shown and "**Pneumonia** · Agree" in shown
    table = at.dataframe[0].value
    row = table[table["#"] == case.reading_id]
    assert list(row["Doctor"]) == ["Normal"] and list(row["Agreement"]) == ["Disagree"]
    assert list(row["Latest re-read"]) == ["Pneumonia (Dr Chen, unverified)"]


@pytest.mark.parametrize("action, label, who, message", [
    ("comment", None, "", "Enter your name or initials at the top of the sidebar first"),
    ("re-read", None, "Dr Chen", "Choose the new reading"),
    ("comment", "PNEUMONIA", "Dr Chen", "a reading is recorded only with"),
])
def test_a_refused_review_action_keeps_what_was_typed_and_saves_nothing(predictor, action, label, who, message):
    log = ReviewLog()
    case = _saved(log, predictor, 19, "Dr A", "")
    at = _act(_open_case(case.reading_id), action, comment="my careful comment", label=label, who=who)
    assert message in texts(at)
    assert next(t for t in at.text_area if t.label == "Comment").value == "my careful comment"
    assert log.case(case.reading_id, LEAD).history == ()


def test_a_database_failure_on_a_review_action_says_so_in_plain_words(predictor, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from pneumo_core.review import log as review_log

    log = ReviewLog()
    case = _saved(log, predictor, 23, "Dr A", "")
    at = _open_case(case.reading_id)

    def down(*args, **kwargs):
        raise OperationalError("INSERT INTO events", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(review_log.ReviewLog, "add_event", down)
    at = _act(at, "comment", comment="my careful comment")
    assert any(e.value == texts_module.ACTION_FAILED for e in at.error)
    assert "OperationalError" not in texts(at) and "server closed" not in texts(at)
    assert next(t for t in at.text_area if t.label == "Comment").value == "my careful comment"
    monkeypatch.undo()
    assert log.case(case.reading_id, LEAD).history == ()


def test_mistakes_tab_keeps_its_choice_and_plain_words_after_a_preset_change():
    at = open_page("review")
    kind = at.radio(key=state.MISTAKE_KIND)
    kind.set_value("false positive").run()
    for preset in ("screening", "high_specificity", "balanced"):
        at.sidebar.radio[0].set_value(preset).run()
        kind = at.radio(key=state.MISTAKE_KIND)
        assert kind.value == "false positive", preset  # still one option chosen, the same one
        assert kind.options == ["Missed pneumonias", "False alarms"]
    line = next(m.value for m in at.markdown if "test films wrong" in m.value)
    assert "**2 missed pneumonias**" in line and "**50 false alarms**" in line  # the committed report, balanced
    table = next(d.value for d in at.dataframe if "Kind" in d.value.columns)
    assert set(table["Truth"]) == {"Normal"} and set(table["Kind"]) == {"—"}  # false alarms: no pneumonia type
    assert "none" not in texts(at)


def _open_case_id(at) -> int | None:
    """The reading whose panel is open (its heading, ``keyboard.CASE``), or None."""
    heading = [m.value for m in at.markdown if "id='pneumo-case'" in m.value]
    return int(heading[0].split("Reading #", 1)[1].split(" ", 1)[0]) if heading else None


def _tick(at, reading_id: int):
    """Tick a worklist row as the browser does: its grid reports the row's position, and goes on
    reporting it in every later run (AppTest alone sends no grid state back)."""
    shown = at.session_state[state.shown_rows_key(state.WL_TABLE)]
    at.session_state[shown.key] = {"selection": {"rows": [list(shown.ids).index(reading_id)], "columns": [],
                                                 "cells": []}}
    return at.run()


def test_a_case_marked_reviewed_closes_and_opens_no_other(predictor):
    """The grid reports its tick as a position: once the case leaves the "Open" list that position
    is another reading, which must not open on its own."""
    log = ReviewLog()
    _saved(log, predictor, 23, "Dr Older", "")
    newest = _saved(log, predictor, 29, "Dr Newest", "")
    at = _tick(open_page("review"), newest.reading_id)
    assert _open_case_id(at) == newest.reading_id
    at = _act(at, "reviewed", "checked")
    assert f"Reading #{newest.reading_id} is marked reviewed." in texts(at)
    assert _open_case_id(at) is None
    at.run()  # and it stays closed
    assert _open_case_id(at) is None


def test_a_reading_saved_meanwhile_leaves_the_open_case_and_its_typed_action_alone(predictor):
    """Another doctor saves a flagged reading (a new row at the top) while a reviewer writes on an
    open case: the comment goes to that case, which stays open."""
    log = ReviewLog()
    mine = _saved(log, predictor, 31, "Dr Dan", "")
    at = _tick(open_page("review"), mine.reading_id)
    at.sidebar.text_input[0].set_value("Dr Rev").run()
    assert _open_case_id(at) == mine.reading_id
    other = _saved(log, predictor, 37, "Dr Gus", "")  # saved in another browser
    at = _act(at, "comment", "seen by the reviewer", who=None)
    assert f"Your comment is saved on reading #{mine.reading_id}." in texts(at)
    assert [e.comment for e in log.case(mine.reading_id, LEAD).history] == ["seen by the reviewer"]
    assert log.case(other.reading_id, LEAD).history == ()
    assert _open_case_id(at) == mine.reading_id


def test_a_case_lists_the_other_readings_of_its_film(predictor):
    log = ReviewLog()
    first = _saved(log, predictor, 41, "Dr Alice", "")
    second = log.record_reading(np.random.default_rng(41).random((64, 64)).astype(np.float32),
                                decide(0.95, predictor.meta), predictor.meta.weights_sha256, "PNEUMONIA",
                                typed("Dr Bob"), "")  # the same film, read by another doctor
    shown = texts(_open_case(first.reading_id))
    assert "**Other readings of this film** (1)" in shown
    assert f"#{second.reading_id} · Dr Bob (unverified): **Pneumonia**" in shown


def test_a_new_reading_chosen_by_mistake_can_be_taken_back(predictor):
    log = ReviewLog()
    case = _saved(log, predictor, 43, "Dr A", "")
    at = _act(_open_case(case.reading_id), "comment", comment="a comment", label="PNEUMONIA")
    assert "or choose \"No new reading\". Nothing was saved." in texts(at)
    next(r for r in at.radio if r.label.startswith("New reading")).set_value(None)
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert f"Your comment is saved on reading #{case.reading_id}." in texts(at)
    assert [(e.kind, e.doctor_label) for e in log.case(case.reading_id, LEAD).history] == [("comment", None)]


def test_an_action_on_a_case_marked_reviewed_meanwhile_by_another_reviewer_is_not_lost(predictor):
    log = ReviewLog()
    case = _saved(log, predictor, 47, "Dr Dan", "")
    at = _tick(open_page("review"), case.reading_id)
    at.sidebar.text_input[0].set_value("Dr Rev").run()
    log.add_event(case.reading_id, typed("Dr Other"), "reviewed", comment="done")  # in another browser: it leaves "Open"
    at = _act(at, "comment", "", who=None)  # refused (no comment): said on the case, which stays in view
    assert f"Reading #{case.reading_id} left this list while it was open" in texts(at)
    assert "Write the comment first." in texts(at)
    at = _act(at, "comment", "my late comment", who=None)
    assert f"Your comment is saved on reading #{case.reading_id}. It no longer matches these filters" in texts(at)
    assert [e.comment for e in log.case(case.reading_id, LEAD).history] == ["done", "my late comment"]
    assert _open_case_id(at) is None
