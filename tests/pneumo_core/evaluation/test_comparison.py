"""The comparison report: written whole, read back typed, refused when damaged, shown as a table."""

from __future__ import annotations

import json

import pytest
from comparison_factory import make_report, make_row

from pneumo_core import ModelFileError
from pneumo_core.evaluation.comparison import INITIALISATION, markdown, read_comparison, write_comparison


def test_a_report_survives_writing_and_reading(tmp_path):
    report = make_report(make_row(), make_row("mlp", "b" * 64, map_side=1, speed={"predict_ms": 9.0}))
    path = write_comparison(report, tmp_path / "sub" / "comparison.json")
    assert read_comparison(path) == report
    assert not list(path.parent.glob("*.partial"))
    assert json.loads(path.read_text())["initialisation"] == INITIALISATION
    assert report.row("b" * 64).key == "mlp" and report.row("c" * 64) is None


def test_no_report_yet_is_none(tmp_path):
    assert read_comparison(tmp_path / "none.json") is None


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "could not be read"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"schema": 99, "rows": []}), "schema 1; found 99"),
    (json.dumps({"schema": 1, "rows": [{"key": "x"}]}), "lacks"),
])
def test_a_damaged_report_is_refused_with_its_reason(tmp_path, content, message):
    path = tmp_path / "comparison.json"
    path.write_text(content)
    with pytest.raises(ModelFileError, match=message):
        read_comparison(path)


def test_markdown_says_what_was_measured_and_what_was_not():
    report = make_report(make_row(speed={"predict_ms": 41.2, "gradcam_ms": 180.0}),
                         make_row("mlp", "b" * 64, map_side=1, stress={}, speed={"predict_ms": 9.0}))
    lines = markdown(report).splitlines()
    vgg = next(line for line in lines if line.startswith("| net vgg16"))
    assert "| 18 of 20 |" in vgg and "1.0% (passes)" in vgg and "| 41 ms | 180 ms |" in vgg
    assert "| 90.0% (87.0–92.0) |" in vgg and "| 0.950 (0.930–0.965) |" in vgg  # every rate and the AUC with its 95% CI
    mlp = next(line for line in lines if line.startswith("| net mlp"))
    assert "not judged" in mlp and "| no map |" in mlp
    assert INITIALISATION in markdown(report)


@pytest.mark.parametrize(("base", "one_sided", "shown"), [
    ({"specificity": 0.0, "sensitivity": 1.0}, True, "cannot tell"),  # calls every film PNEUMONIA: nothing to lose
    ({"specificity": 0.95, "sensitivity": 0.3}, True, "cannot tell"),
    ({"specificity": 0.95, "sensitivity": 0.97}, False, "passes"),
    ({}, False, "passes"),
])
def test_a_stress_pass_of_a_one_sided_network_is_not_read_as_a_pass(base, one_sided, shown):
    row = make_row(stress={"worst_drop": 0.0, "max_drop": 0.02, "eligible": True, "rows": {"as it is": base}})
    assert row.one_sided is one_sided
    assert shown in markdown(make_report(row))
