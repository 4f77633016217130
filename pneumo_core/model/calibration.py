"""Calibration and operating points, fixed on the validation split only.

- Temperature scaling: ``p = sigmoid(logit / T)`` with T minimising the validation log-loss.
- Presets on the calibrated probability:
  * ``screening``: the highest threshold keeping validation sensitivity >= SCREENING_SENSITIVITY;
  * ``balanced`` (the default): maximal Youden index (sensitivity + specificity - 1), taking the
    middle of the best interval when several thresholds tie (a near-separable validation set
    otherwise puts the threshold against one class);
  * ``high_specificity``: the lowest threshold keeping validation specificity >= HIGH_SPECIFICITY.
  Presets are kept in order (screening <= balanced <= high specificity).
- The second-opinion band: probabilities between the screening and high-specificity thresholds
  (where the presets disagree), widened to at least ``MIN_BAND_HALF_WIDTH`` either side of the
  default, because a validation split from the training hospital understates the uncertainty on
  new images.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

SCREENING_SENSITIVITY = 0.99
HIGH_SPECIFICITY = 0.98
MIN_BAND_HALF_WIDTH = 0.15
_EPS = 1e-7


def logit(probs) -> np.ndarray:
    p = np.clip(np.asarray(probs, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def sigmoid(x) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def apply_temperature(raw_probs, temperature: float) -> np.ndarray:
    """Calibrated probabilities from the model's raw sigmoid outputs."""
    if temperature <= 0:
        raise ValueError(f"expected a positive temperature; got {temperature}")
    return sigmoid(logit(raw_probs) / temperature)


def fit_temperature(raw_probs, labels) -> float:
    """The temperature minimising the log-loss of ``labels`` (searched in [0.05, 20])."""
    z, y = logit(raw_probs), np.asarray(labels, dtype=np.float64)

    def nll(log_t: float) -> float:
        q = np.clip(sigmoid(z / np.exp(log_t)), _EPS, 1 - _EPS)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def _candidates(p: np.ndarray) -> np.ndarray:
    """Thresholds between consecutive distinct probabilities (plus the ends)."""
    u = np.unique(p)
    mids = (u[:-1] + u[1:]) / 2.0
    return np.concatenate([[0.0], mids, [1.0]])


def balanced_threshold(probs, labels) -> float:
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    t = _candidates(p)
    sens = np.array([np.mean(p[y == 1] >= c) for c in t])
    spec = np.array([np.mean(p[y == 0] < c) for c in t])
    j = sens + spec
    best = np.flatnonzero(np.isclose(j, j.max()))
    # the tied thresholds form an interval of probabilities; take its middle
    return float((t[best.min()] + t[best.max()]) / 2.0)


def screening_threshold(probs, labels, min_sensitivity: float = SCREENING_SENSITIVITY) -> float:
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    t = _candidates(p)
    ok = [c for c in t if np.mean(p[y == 1] >= c) >= min_sensitivity]
    return float(max(ok))


def high_specificity_threshold(probs, labels, min_specificity: float = HIGH_SPECIFICITY) -> float:
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    t = _candidates(p)
    ok = [c for c in t if np.mean(p[y == 0] < c) >= min_specificity]
    return float(min(ok))


def operating_points(calibrated_probs, labels) -> dict:
    """Presets, default and band from calibrated validation probabilities (see module doc)."""
    balanced = balanced_threshold(calibrated_probs, labels)
    presets = {  # ordered: screening <= balanced <= high specificity
        "screening": min(screening_threshold(calibrated_probs, labels), balanced),
        "balanced": balanced,
        "high_specificity": max(high_specificity_threshold(calibrated_probs, labels), balanced),
    }
    default = presets["balanced"]
    low = min(presets["screening"], default - MIN_BAND_HALF_WIDTH)
    high = max(presets["high_specificity"], default + MIN_BAND_HALF_WIDTH)
    return {
        "presets": presets,
        "default_preset": "balanced",
        "band": [float(max(low, 0.0)), float(min(high, 1.0))],
        "rules": {
            "screening": f"highest threshold with validation sensitivity >= {SCREENING_SENSITIVITY}",
            "balanced": "maximal Youden index on validation (middle of the tied interval)",
            "high_specificity": f"lowest threshold with validation specificity >= {HIGH_SPECIFICITY}",
            "band": ("between the screening and high-specificity thresholds, at least "
                     f"{MIN_BAND_HALF_WIDTH} either side of the default threshold"),
        },
    }
