"""``python -m pneumo_core compare`` end to end on a few images: two architectures trained by one
command with one budget, scored once on the test split and judged on validation, the served model
beside them, timed side by side, merged and shown."""

from __future__ import annotations

import dataclasses
import json

import pytest

from pneumo_core import ModelFileError
from pneumo_core.cli import main as cli_main
from pneumo_core.evaluation.comparison import read_comparison, write_comparison
from pneumo_core.training import compare

TINY = ["--image-size", "32", "--batch-size", "8", "--workers", "2", "--verbose", "0", "--limit", "12"]


@pytest.fixture(scope="module")
def scored(data_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    code = cli_main(["compare", "train", "--out", str(root / "runs"), "--architectures", "mlp", "cnn3",
                     "--epochs", "1", "--max-minutes", "5", "--", "--data", str(data_dir), *TINY])
    assert code == 0, (root / "runs" / "mlp.log").read_text()[-2000:]
    report = root / "comparison.json"
    assert cli_main(["compare", "score", str(root / "runs" / "mlp"), str(root / "runs" / "cnn3"),
                     "--data", str(data_dir), "--out", str(report)]) == 0
    return root, report


def test_every_run_is_trained_with_the_same_budget_and_the_served_model_joins(scored, predictor):
    root, path = scored
    report = read_comparison(path)
    assert [r.architecture for r in report.rows] == ["mlp", "cnn3", "resnet"]
    for run in ("mlp", "cnn3"):
        settings = json.loads((root / "runs" / run / "settings.json").read_text())
        assert (settings["epochs"], settings["max_minutes"], settings["architecture"]) == (1, 5.0, run)
    mlp, cnn3, served = report.rows
    assert mlp.training["epochs_run"] == 1 and mlp.training["epochs"] == 1 and mlp.training["input_size"] == 32
    assert mlp.training["budget"] == cnn3.training["budget"] and mlp.training["budget"]["max_minutes"] == 5.0
    assert mlp.map_side == 1 and cnn3.map_side == 4  # the MLP has no map for a heatmap; 32 / 8
    assert served.weights_sha256 == predictor.meta.weights_sha256 and "this app serves" in served.name
    assert served.test["specificity"] == pytest.approx(184 / 234)  # its committed test report, not scored again


def test_each_row_holds_test_intervals_curves_and_the_stress_report(scored):
    row = read_comparison(scored[1]).rows[0]
    assert row.test["counts"] == {"NORMAL": 234, "PNEUMONIA": 390}  # the whole official test split
    low, high = row.test["interval_95"]["accuracy"]
    assert low <= row.test["accuracy"] <= high
    low, high = row.test["roc_auc_interval_95"]
    assert low <= row.test["roc_auc"] <= high and high - low > 0.005  # DeLong, from its 624 probabilities
    assert len(row.test["roc"]["fpr"]) == len(row.test["roc"]["tpr"]) <= 101
    assert row.test["roc"]["fpr"][-1] == 1.0 and 0 <= row.test["ece"] <= 1
    assert set(row.stress["rows"]) >= {"as it is", "zoom-out 85 %"} and isinstance(row.stress["eligible"], bool)
    assert row.stress["threshold"] == row.test["threshold"]  # judged at the threshold it is tested at
    assert "compare" in row.training["command"] and "scored by" in row.how


def test_the_test_split_is_scored_once_per_network(scored, data_dir, monkeypatch, tmp_path):
    root, original = scored
    path = tmp_path / "comparison.json"
    path.write_text(original.read_text())
    before = read_comparison(path)

    def refuse(*args, **kwargs):
        raise AssertionError("the test split was scored a second time")

    monkeypatch.setattr("pneumo_core.training.evaluate.evaluate", refuse)
    again = compare.score([root / "runs" / "mlp"], None, data_dir, path)
    assert again.rows == before.rows  # kept as they were, the other networks' too


def test_a_stopped_score_loses_nothing_and_scores_no_network_twice(scored, data_dir, monkeypatch, tmp_path):
    """The comparison report is gone, but each run keeps its own test report: it is used, not scored again;
    a run folder whose training never finished is left out instead of stopping the others."""
    root, _ = scored
    (root / "runs" / "broken").mkdir(exist_ok=True)  # a run killed before it wrote its model
    calls = []
    monkeypatch.setattr("pneumo_core.training.evaluate.evaluate", lambda *a, **k: calls.append(a))
    report = compare.score([root / "runs" / "broken", root / "runs" / "mlp"], None, data_dir, tmp_path / "new.json")
    assert calls == [] and [r.architecture for r in report.rows] == ["mlp"]
    assert read_comparison(tmp_path / "new.json") == report


def test_a_second_network_of_the_same_kind_is_kept_as_another_attempt(scored, tmp_path):
    root, path = scored
    found = read_comparison(path)
    mlp = found.rows[0]
    again = dataclasses.replace(mlp, weights_sha256="f" * 64)
    other = tmp_path / "other.json"
    write_comparison(dataclasses.replace(found, rows=(again,)), other)
    rows = compare.merge([path, other], tmp_path / "merged.json").rows
    assert [r.name for r in rows if r.architecture == "mlp"] == [mlp.name, f"{mlp.name}, attempt 2"]
    budget = {**mlp.training["budget"], "epochs": 40}
    write_comparison(dataclasses.replace(found, rows=(dataclasses.replace(again, training={**mlp.training,
                                                                                          "budget": budget}),)), other)
    with pytest.raises(ModelFileError, match="different budgets"):
        compare.merge([path, other], tmp_path / "merged.json")


def test_every_row_is_timed_in_one_run_and_merged_reports_keep_each_network_once(scored, tmp_path, capsys):
    root, path = scored
    timed = tmp_path / "timed.json"
    timed.write_text(path.read_text())
    assert cli_main(["compare", "time", "--report", str(timed), "--runs", "1"]) == 0
    report = read_comparison(timed)
    mlp, cnn3, served = report.rows
    assert mlp.speed["predict_ms"] > 0 and "gradcam_ms" not in mlp.speed  # nothing to explain without a map
    assert cnn3.speed["gradcam_ms"] > 0 and "untrained" in cnn3.speed["timed_on"]
    assert served.speed["timed_on"] == "this model"
    assert report.timing["runs"] == 1 and "CPU cores" in report.timing["machine"]
    merged = tmp_path / "merged.json"
    assert cli_main(["compare", "merge", str(timed), str(path), "--out", str(merged)]) == 0
    rows = read_comparison(merged).rows
    assert len(rows) == 3 and all(r.speed is None for r in rows)  # time the merged report in one run
    capsys.readouterr()
    assert cli_main(["compare", "show", "--report", str(timed)]) == 0
    shown = capsys.readouterr().out
    assert "| no map |" in shown and "random weights" in shown


@pytest.mark.parametrize(("argv", "message"), [
    (["compare", "show", "--report", "{missing}"], "no comparison report"),
    (["compare", "time", "--report", "{missing}"], "no comparison report"),
    (["compare", "merge", "{missing}", "--out", "{missing}"], "no comparison report"),
    (["compare", "train", "--out", "{missing}", "--architectures", "alexnet"], "invalid choice"),
])
def test_mistakes_get_a_message_not_a_traceback(argv, message, tmp_path, capsys):
    argv = [a.replace("{missing}", str(tmp_path / "none.json")) for a in argv]
    try:
        code = cli_main(argv)
    except SystemExit as exc:  # argparse's usage error
        code = exc.code
    assert code == 2 and message in capsys.readouterr().err
