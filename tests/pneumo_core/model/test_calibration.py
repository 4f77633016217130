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
