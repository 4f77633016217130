from __future__ import annotations

import numpy as np
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


def _delong_by_definition(probs, labels):
    """DeLong's AUC and variance straight from the definition: every (pneumonia, normal) pair, a tie a half."""
    p, y = np.asarray(probs, float), np.asarray(labels)
    pos, neg = p[y == 1], p[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)


@pytest.mark.parametrize("seed, ties", [(0, False), (1, True), (2, True)])
def test_auc_interval_is_delongs_variance_on_the_logit_scale(seed, ties):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 300)
    p = 1 / (1 + np.exp(-(1.5 * y - 0.75 + rng.normal(size=300))))
    if ties:
        p = np.round(p, 1)  # many tied probabilities
    auc, variance = _delong_by_definition(p, y)
    assert auc == pytest.approx(metrics.ranking(p, y)["roc_auc"])
    low, high = metrics.auc_interval(p, y)
    logit = lambda a: np.log(a / (1 - a))  # noqa: E731
    half = 1.959964 * np.sqrt(variance) / (auc * (1 - auc))
    assert (logit(low), logit(high)) == pytest.approx((logit(auc) - half, logit(auc) + half), abs=1e-5)
    assert 0 < low < auc < high < 1


@pytest.mark.parametrize("probs, labels, expected", [
    ([0.2, 0.4], [1, 1], None),  # one class: no AUC
    ([0.5, 0.3, 0.6, 0.8, 0.9], [0, 1, 1, 1, 1], None),  # one film of a class: its spread is unknown
    ([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], None),  # perfectly separated: no spread to measure
    ([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], None),
])
def test_auc_interval_edge_cases(probs, labels, expected):
    assert metrics.auc_interval(probs, labels) == expected


def test_auc_interval_widens_with_fewer_films():
    rng = np.random.default_rng(5)
    y = np.r_[np.zeros(400), np.ones(400)].astype(int)
    p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=800))))
    wide, narrow = metrics.auc_interval(p[::8], y[::8]), metrics.auc_interval(p, y)
    assert wide[1] - wide[0] > 2 * (narrow[1] - narrow[0])
