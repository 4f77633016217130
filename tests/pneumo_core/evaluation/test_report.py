"""The evaluation report read back for the app, and its plotly charts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pneumo_core import PUBLISHED, EvaluationReport, ModelBundle, ModelFileError, charts


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    return ModelBundle.default().report("test")


def test_metrics_at_a_preset_match_what_evaluate_wrote(report):
    for name, written in report.presets.items():
        again = report.at(written["threshold"])
        assert again["confusion_matrix"] == written["confusion_matrix"], name
        assert again["sensitivity_by_subtype"] == written["sensitivity_by_subtype"], name


def test_mistakes_are_the_off_diagonal_of_the_confusion_matrix(report):
    t = report.presets["balanced"]["threshold"]
    found = report.mistakes(t)
    cm = report.at(t)["confusion_matrix"]
    assert sum(m.kind == "false negative" for m in found) == cm["fn"]
    assert sum(m.kind == "false positive" for m in found) == cm["fp"]
    distance = [abs(m.probability - t) for m in found]
    assert distance == sorted(distance, reverse=True)  # most confident first


def test_sweep_is_monotone(report):
    s = report.sweep()
    assert np.all(np.diff(s["sensitivity"]) <= 0) and np.all(np.diff(s["specificity"]) >= 0)


@pytest.mark.parametrize("change, message", [
    (lambda r: r.pop("images"), "lacks ['images']"),
    (lambda r: r.update(schema=99), "expected report schema 1"),
])
def test_a_damaged_report_is_refused(change, message):
    raw = json.loads(ModelBundle.default().report_path("test").read_text())
    change(raw)
    with pytest.raises(ModelFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        EvaluationReport(raw)


def test_a_missing_report_says_how_to_make_it(tmp_path):
    with pytest.raises(ModelFileError, match="python -m pneumo_core evaluate"):
        ModelBundle(tmp_path / "model.keras").report("test")


def test_the_report_exposes_what_the_pages_show(report):
    assert report.counts == {"NORMAL": 234, "PNEUMONIA": 390}
    assert report.default_preset == "balanced"
    lo, hi = report.band
    assert 0 <= lo < hi <= 1
    assert 0 < report.band_summary.fraction_of_images < 1
    assert not hasattr(report, "raw")  # pages and charts read typed accessors only


def test_published_results_say_how_they_were_measured():
    assert PUBLISHED[0].accuracy == 0.928 and PUBLISHED[0].roc_auc == 0.968
    assert all(len(p.how_measured) > 20 for p in PUBLISHED)


@pytest.mark.parametrize("build", [charts.roc, charts.precision_recall, charts.reliability])
def test_report_charts_have_data(report, build):
    fig = build(report)
    assert fig.data and all(len(trace.x) for trace in fig.data)


@pytest.mark.parametrize("build", [charts.roc, charts.precision_recall, charts.reliability,
                                   lambda r: charts.threshold_tradeoff(r, 0.2)])
def test_rates_and_probabilities_are_shown_in_percent_on_every_chart(report, build):
    layout = build(report).layout
    assert layout.yaxis.tickformat == ".0%"
    assert layout.xaxis.tickformat == ".0%"


def test_the_roc_chart_title_carries_the_auc_and_its_interval(report):
    low, high = report.roc_auc_interval
    title = charts.roc(report).layout.title.text
    assert title == f"ROC curve: AUC {report.ranking['roc_auc']:.3f} (95% CI {low:.3f}–{high:.3f})"


@pytest.mark.parametrize("threshold", [0.05, 0.5])
def test_threshold_charts_follow_the_threshold(report, threshold):
    fig = charts.threshold_tradeoff(report, threshold)
    marker = fig.data[-1]
    at = report.at(threshold)
    assert list(marker.x) == [threshold, threshold]
    assert list(marker.y) == [at["sensitivity"], at["specificity"]]
    cm = charts.confusion(report, threshold).data[0].z
    assert cm[0][1] == at["confusion_matrix"]["fp"] and cm[1][0] == at["confusion_matrix"]["fn"]
    bars = charts.subtype_sensitivity(report, threshold).data[0]
    assert list(bars.y) == [at["sensitivity_by_subtype"][k]["sensitivity"] for k in sorted(at["sensitivity_by_subtype"])]
