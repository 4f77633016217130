from __future__ import annotations

import pytest

from pneumo_core.evaluation import metrics


def test_at_threshold_counts():
    r = metrics.at_threshold([0.1, 0.6, 0.4, 0.9], [0, 0, 1, 1], 0.5)
    assert r["confusion_matrix"] == {"tn": 1, "fp": 1, "fn": 1, "tp": 1}
    assert r["accuracy"] == r["sensitivity"] == r["specificity"] == r["precision"] == 0.5


@pytest.mark.parametrize("probs,labels,error", [
    ([0.1, 0.2], [0], "as many"), ([], [], "at least one"), ([0.3], [2], "labels 0"),
])
def test_errors(probs, labels, error):
    with pytest.raises(ValueError, match=error):
        metrics.at_threshold(probs, labels, 0.5)


def test_ranking_and_single_class():
    assert metrics.ranking([0.1, 0.9], [0, 1])["roc_auc"] == 1.0
    assert metrics.ranking([0.1, 0.9], [1, 1]) == {"roc_auc": None, "pr_auc": None}


def test_calibration_bins_and_ece():
    c = metrics.calibration([0.05, 0.05, 0.95, 0.95], [0, 0, 1, 1], n_bins=10)
    assert c["ece"] == pytest.approx(0.05)
    assert sum(b["count"] for b in c["bins"]) == 4


def test_sensitivity_by_group():
    out = metrics.sensitivity_by_group([0.9, 0.2, 0.8, 0.1], [1, 1, 1, 0], ["bacteria", "virus", "virus", "none"], 0.5)
    assert out == {"bacteria": {"n": 1, "sensitivity": 1.0}, "virus": {"n": 2, "sensitivity": 0.5}}


@pytest.mark.parametrize(("band", "flagged", "held", "outside"), [
    ((0.3, 0.7), 0.5, 1.0, 1.0),  # both mistakes (0.4 is PNEUMONIA, 0.6 is NORMAL) inside
    ((0.45, 0.55), 0.0, 0.0, 0.5),  # a band around the threshold holding nothing
    ((0.0, 1.0), 1.0, 1.0, None),  # everything flagged: nothing left outside to be right or wrong
])
def test_band_table(band, flagged, held, outside):
    probs, labels = [0.1, 0.4, 0.6, 0.9], [0, 1, 0, 1]
    got = metrics.band(probs, labels, 0.5, *band)
    assert got == {"fraction_of_images": flagged, "errors_in_band": held, "accuracy_outside_band": outside}


@pytest.mark.parametrize("successes, trials, low, high", [
    (184, 234, 0.7294, 0.8340),  # the shipped model's test specificity
    (388, 390, 0.9815, 0.9986),  # its test sensitivity: the interval stays below 100 %
    (0, 10, 0.0, 0.2775),
])
def test_wilson_intervals(successes, trials, low, high):
    found = metrics.wilson_interval(successes, trials)
    assert found == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize("successes, trials", [(5, 4), (-1, 4)])
def test_wilson_interval_refuses_impossible_counts(successes, trials):
    with pytest.raises(ValueError, match="0 <= successes <= trials"):
        metrics.wilson_interval(successes, trials)


def test_intervals_from_a_confusion_matrix():
    found = metrics.intervals({"tn": 184, "fp": 50, "fn": 2, "tp": 388})
    assert found["specificity"] == pytest.approx((0.7294, 0.8340), abs=1e-4)
    assert metrics.wilson_interval(0, 0) is None
