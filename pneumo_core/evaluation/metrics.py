"""Classification metrics from probabilities and labels (pure functions, NumPy in, dicts out)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve


def _check(probs, labels) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probs, dtype=np.float64).ravel()
    y = np.asarray(labels, dtype=np.int64).ravel()
    if p.shape != y.shape:
        raise ValueError(f"expected as many probabilities as labels; got {p.size} and {y.size}")
    if p.size == 0:
        raise ValueError("expected at least one prediction; got none")
    if not set(np.unique(y)) <= {0, 1}:
        raise ValueError(f"expected labels 0 (NORMAL) and 1 (PNEUMONIA); got {sorted(set(np.unique(y)))}")
    return p, y


def _ratio(num: int, den: int) -> float | None:
    return float(num / den) if den else None


def at_threshold(probs, labels, threshold: float) -> dict:
    """Confusion matrix and the usual rates, calling PNEUMONIA when ``prob >= threshold``."""
    p, y = _check(probs, labels)
    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    sens, prec = _ratio(tp, tp + fn), _ratio(tp, tp + fp)
    f1 = 2 * sens * prec / (sens + prec) if sens and prec else 0.0
    return {
        "threshold": float(threshold),
        "accuracy": _ratio(tp + tn, y.size),
        "sensitivity": sens,
        "specificity": _ratio(tn, tn + fp),
        "precision": prec,
        "f1": float(f1),
        "confusion_matrix": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
    }


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (SciPy's), e.g. 184 of 234 normals called normal ->
    (0.73, 0.83); None when there were no trials. Wilson rather than the normal approximation: it
    stays inside [0, 1] and is honest near 100 %, where this model's sensitivity lies."""
    from scipy.stats import binomtest

    if trials == 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"expected 0 <= successes <= trials; got {successes} of {trials}")
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def intervals(confusion_matrix: dict, confidence: float = 0.95) -> dict[str, tuple[float, float] | None]:
    """Wilson intervals of accuracy, sensitivity and specificity from a confusion matrix."""
    tn, fp, fn, tp = (confusion_matrix[k] for k in ("tn", "fp", "fn", "tp"))
    return {"accuracy": wilson_interval(tp + tn, tn + fp + fn + tp, confidence),
            "sensitivity": wilson_interval(tp, tp + fn, confidence),
            "specificity": wilson_interval(tn, tn + fp, confidence)}


def ranking(probs, labels) -> dict:
    """ROC AUC and PR AUC (average precision); None when only one class is present."""
    p, y = _check(probs, labels)
    if len(np.unique(y)) < 2:
        return {"roc_auc": None, "pr_auc": None}
    return {"roc_auc": float(roc_auc_score(y, p)), "pr_auc": float(average_precision_score(y, p))}


def auc_interval(probs, labels, confidence: float = 0.95) -> tuple[float, float] | None:
    """The confidence interval of the ROC AUC from DeLong's variance (DeLong, DeLong & Clarke-Pearson,
    Biometrics 1988; the rank form of Sun & Xu, IEEE Signal Process. Lett. 2014), the variance
    radiology papers and R's pROC use: each film's share of the AUC. The interval is drawn on the logit
    scale (pneumo's choice; pROC draws AUC +- z SE and cuts it at 1), so it stays inside (0, 1) near an
    AUC of 1, as the Wilson interval does for a rate. None when it cannot be drawn: fewer than two films
    of a class, or classes perfectly separated (DeLong's variance is then 0, an interval of no width)."""
    from scipy.stats import norm, rankdata

    p, y = _check(probs, labels)
    pos, neg = p[y == 1], p[y == 0]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        return None
    whole = rankdata(np.r_[pos, neg])  # mid-ranks: a tie counts one half
    auc = (whole[:m].sum() - m * (m + 1) / 2) / (m * n)
    per_positive = (whole[:m] - rankdata(pos)) / n  # the share of normals each pneumonia ranks above
    per_negative = 1.0 - (whole[m:] - rankdata(neg)) / m  # the share of pneumonias each normal ranks below
    variance = per_positive.var(ddof=1) / m + per_negative.var(ddof=1) / n
    if auc in (0.0, 1.0) or variance <= 0.0:
        return None
    half = norm.ppf(0.5 + confidence / 2) * np.sqrt(variance) / (auc * (1.0 - auc))
    centre = np.log(auc / (1.0 - auc))
    return float(1 / (1 + np.exp(-(centre - half)))), float(1 / (1 + np.exp(-(centre + half))))


def calibration(probs, labels, n_bins: int = 10) -> dict:
    """Expected calibration error and reliability bins (equal-width probability bins)."""
    p, y = _check(probs, labels)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        mask = index == b
        count = int(mask.sum())
        mean_p = float(p[mask].mean()) if count else None
        frac = float(y[mask].mean()) if count else None
        if count:
            ece += count / p.size * abs(mean_p - frac)
        bins.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": count,
                     "mean_probability": mean_p, "fraction_pneumonia": frac})
    return {"ece": float(ece), "bins": bins}


def curves(probs, labels, max_points: int = 200) -> dict:
    """ROC and precision-recall curves, thinned to at most ``max_points`` points each."""
    p, y = _check(probs, labels)
    if len(np.unique(y)) < 2:
        return {"roc": None, "pr": None}
    fpr, tpr, roc_t = roc_curve(y, p)
    prec, rec, pr_t = precision_recall_curve(y, p)

    def thin(*arrays):
        idx = np.unique(np.linspace(0, len(arrays[0]) - 1, min(max_points, len(arrays[0]))).astype(int))
        return [np.asarray(a)[idx] for a in arrays]

    fpr, tpr, roc_t = thin(fpr, tpr, np.minimum(roc_t, 1.0))
    prec, rec, pr_t = thin(prec, rec, np.append(pr_t, 1.0))
    return {
        "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "threshold": roc_t.tolist()},
        "pr": {"precision": prec.tolist(), "recall": rec.tolist(), "threshold": pr_t.tolist()},
    }


def sensitivity_by_group(probs, labels, groups, threshold: float) -> dict:
    """Sensitivity within each group of positives (e.g. bacterial vs viral pneumonia)."""
    p, y = _check(probs, labels)
    g = np.asarray(groups)
    out = {}
    for name in sorted(set(g[y == 1].tolist())):
        mask = (y == 1) & (g == name)
        out[name] = {"n": int(mask.sum()), "sensitivity": float(np.mean(p[mask] >= threshold))}
    return out


def band(probs, labels, threshold: float, low: float, high: float) -> dict:
    """How a second-opinion band ``[low, high]`` does around ``threshold``: the share of images it
    flags, the share of the threshold's errors it holds, and the accuracy outside it."""
    p, y = _check(probs, labels)
    inside = (p >= low) & (p <= high)
    wrong = (p >= threshold) != (y == 1)
    return {"fraction_of_images": float(np.mean(inside)),
            "errors_in_band": _ratio(int(np.sum(wrong & inside)), int(np.sum(wrong))),
            "accuracy_outside_band": float(np.mean(~wrong[~inside])) if (~inside).any() else None}
