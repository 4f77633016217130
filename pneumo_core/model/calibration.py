"""Calibration and operating points, fixed on the validation split only.

- Temperature scaling: ``p = sigmoid(logit / T)`` with T minimising the validation log-loss.
- Presets on the calibrated probability:
  * ``balanced`` (the default): maximal Youden index (sensitivity + specificity - 1), taking the
    middle of the best interval when several thresholds tie (a near-separable validation set
    otherwise puts the threshold against one class);
  * ``screening``: the highest threshold keeping validation sensitivity >= SCREENING_SENSITIVITY
    that also misses at most half the pneumonias the balanced threshold misses;
  * ``high_specificity``: the lowest threshold keeping validation specificity >= HIGH_SPECIFICITY
    that also raises at most half the false alarms the balanced threshold raises.
  The "half" clauses keep the three presets distinct whenever the balanced threshold makes errors
  of that kind (before them, a validation specificity already above 0.98 made "high specificity"
  the balanced threshold again). Presets are kept in order (screening <= balanced <= high specificity).
- The second-opinion band, where the label is least certain: from below the lowest
  ``BAND_ERRORS`` of the validation pneumonias the default threshold misses up to above the same
  share of the false alarms it raises (so the band holds at least that share of its validation
  errors of each kind); widened to take in the screening and high-specificity thresholds (where
  the presets disagree) and at least ``MIN_BAND_HALF_WIDTH`` either side of the default, because a
  validation split from the training hospital understates the uncertainty on new images.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

SCREENING_SENSITIVITY = 0.99
HIGH_SPECIFICITY = 0.98
MIN_BAND_HALF_WIDTH = 0.15
BAND_ERRORS = 0.8
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


def _errors_at(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[int, int]:
    """(pneumonias missed, false alarms) at ``threshold``."""
    return int(np.sum((y == 1) & (p < threshold))), int(np.sum((y == 0) & (p >= threshold)))


def screening_threshold(probs, labels, min_sensitivity: float = SCREENING_SENSITIVITY,
                        max_missed: int | None = None) -> float:
    """The highest threshold with sensitivity >= ``min_sensitivity`` missing at most ``max_missed``."""
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    t = _candidates(p)
    ok = [c for c in t if np.mean(p[y == 1] >= c) >= min_sensitivity
          and (max_missed is None or _errors_at(p, y, c)[0] <= max_missed)]
    return float(max(ok))


def high_specificity_threshold(probs, labels, min_specificity: float = HIGH_SPECIFICITY,
                               max_false_alarms: int | None = None) -> float:
    """The lowest threshold with specificity >= ``min_specificity`` raising at most ``max_false_alarms``."""
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    t = _candidates(p)
    ok = [c for c in t if np.mean(p[y == 0] < c) >= min_specificity
          and (max_false_alarms is None or _errors_at(p, y, c)[1] <= max_false_alarms)]
    return float(min(ok))


def error_band(probs, labels, threshold: float, share: float = BAND_ERRORS) -> tuple[float, float]:
    """The narrowest (low, high) around ``threshold`` holding at least ``share`` of the pneumonias it
    misses (below it) and of the false alarms it raises (at or above it)."""
    p, y = np.asarray(probs, float), np.asarray(labels, int)
    missed = np.sort(p[(y == 1) & (p < threshold)])
    alarms = np.sort(p[(y == 0) & (p >= threshold)])
    low = float(missed[len(missed) - int(np.ceil(share * len(missed)))]) if len(missed) else threshold
    high = float(np.nextafter(alarms[int(np.ceil(share * len(alarms))) - 1], 1.0)) if len(alarms) else threshold
    return low, high


def operating_points(calibrated_probs, labels) -> dict:
    """Presets, default and band from calibrated validation probabilities (see module doc)."""
    p, y = np.asarray(calibrated_probs, float), np.asarray(labels, int)
    balanced = balanced_threshold(p, y)
    missed, alarms = _errors_at(p, y, balanced)
    presets = {  # ordered: screening <= balanced <= high specificity
        "screening": min(screening_threshold(p, y, max_missed=missed // 2), balanced),
        "balanced": balanced,
        "high_specificity": max(high_specificity_threshold(p, y, max_false_alarms=alarms // 2), balanced),
    }
    default = presets["balanced"]
    err_low, err_high = error_band(p, y, default)
    low = min(presets["screening"], err_low, default - MIN_BAND_HALF_WIDTH)
    high = max(presets["high_specificity"], err_high, default + MIN_BAND_HALF_WIDTH)
    return {
        "presets": presets,
        "default_preset": "balanced",
        "band": [float(max(low, 0.0)), float(min(high, 1.0))],
        "rules": {
            "screening": f"highest threshold with validation sensitivity >= {SCREENING_SENSITIVITY} missing at most "
                         "half the pneumonias the balanced threshold misses",
            "balanced": "maximal Youden index on validation (middle of the tied interval)",
            "high_specificity": f"lowest threshold with validation specificity >= {HIGH_SPECIFICITY} raising at most "
                                "half the false alarms the balanced threshold raises",
            "band": (f"holds at least {BAND_ERRORS:.0%} of the validation pneumonias the default threshold misses and "
                     f"of the false alarms it raises; widened to the screening and high-specificity thresholds and "
                     f"to at least {MIN_BAND_HALF_WIDTH} either side of the default threshold"),
        },
    }
