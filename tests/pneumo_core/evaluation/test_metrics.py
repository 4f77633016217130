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
