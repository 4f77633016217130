from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.evaluation import metrics
from pneumo_core.model import calibration


def test_temperature_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    true_logit = rng.normal(0, 2, 5000)
    labels = rng.uniform(size=5000) < calibration.sigmoid(true_logit)
    overconfident = calibration.sigmoid(true_logit * 3)
    t = calibration.fit_temperature(overconfident, labels)
    assert t == pytest.approx(3.0, rel=0.15)
    assert metrics.calibration(calibration.apply_temperature(overconfident, t), labels)["ece"] < 0.03


@pytest.mark.parametrize("t", [0.0, -1.0])
def test_temperature_must_be_positive(t):
    with pytest.raises(ValueError, match="positive"):
        calibration.apply_temperature([0.5], t)


def test_operating_points_are_ordered_and_meet_their_rules():
    rng = np.random.default_rng(1)
    labels = np.r_[np.zeros(300), np.ones(700)].astype(int)
    probs = np.clip(np.r_[rng.beta(2, 6, 300), rng.beta(6, 2, 700)], 0, 1)
    ops = calibration.operating_points(probs, labels)
    p = ops["presets"]
    assert p["screening"] <= p["balanced"] <= p["high_specificity"]
    assert np.mean(probs[labels == 1] >= p["screening"]) >= calibration.SCREENING_SENSITIVITY
    assert np.mean(probs[labels == 0] < p["high_specificity"]) >= calibration.HIGH_SPECIFICITY
    lo, hi = ops["band"]
    assert lo <= p["balanced"] - calibration.MIN_BAND_HALF_WIDTH + 1e-9
    assert hi >= p["balanced"] + calibration.MIN_BAND_HALF_WIDTH - 1e-9


def test_separable_validation_puts_balanced_threshold_between_classes():
    probs = np.array([0.01, 0.02, 0.03, 0.7, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert 0.03 < calibration.balanced_threshold(probs, labels) < 0.7


def _validation_like(seed: int = 2):
    """Well-separated classes with a few errors, as on a validation split from the training hospital
    (specificity above 0.99 at the balanced threshold, some false alarms and misses)."""
    rng = np.random.default_rng(seed)
    labels = np.r_[np.zeros(1000), np.ones(2000)].astype(int)
    return np.clip(np.r_[rng.beta(2.5, 10, 1000), rng.beta(10, 2.5, 2000)], 0, 1), labels


def test_presets_stay_distinct_when_validation_specificity_is_already_high():
    probs, labels = _validation_like()
    ops = calibration.operating_points(probs, labels)["presets"]
    balanced_missed, balanced_alarms = calibration._errors_at(probs, labels, ops["balanced"])
    assert np.mean(probs[labels == 0] < ops["balanced"]) >= calibration.HIGH_SPECIFICITY  # the old rule's trap
    assert balanced_alarms > 0 and ops["high_specificity"] > ops["balanced"]
    assert calibration._errors_at(probs, labels, ops["high_specificity"])[1] <= balanced_alarms // 2
    assert calibration._errors_at(probs, labels, ops["screening"])[0] <= balanced_missed // 2


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_band_holds_its_share_of_the_default_thresholds_errors(seed):
    probs, labels = _validation_like(seed=seed)
    ops = calibration.operating_points(probs, labels)
    t, (lo, hi) = ops["presets"]["balanced"], ops["band"]
    missed = probs[(labels == 1) & (probs < t)]
    alarms = probs[(labels == 0) & (probs >= t)]
    assert np.mean((missed >= lo) & (missed <= hi)) >= calibration.BAND_ERRORS
    assert np.mean((alarms >= lo) & (alarms <= hi)) >= calibration.BAND_ERRORS
    assert lo <= ops["presets"]["screening"] and hi >= ops["presets"]["high_specificity"]


@pytest.mark.parametrize(("probs", "labels", "expected"), [
    ([0.1, 0.2, 0.9], [0, 0, 1], (0.5, 0.5)),  # no errors: the band is the threshold itself
    ([0.1, 0.3, 0.6, 0.9], [0, 1, 0, 1], (0.3, 0.6)),  # one of each: both kept
])
def test_error_band_table(probs, labels, expected):
    lo, hi = calibration.error_band(probs, labels, 0.5)
    assert lo == pytest.approx(expected[0]) and hi == pytest.approx(expected[1])
