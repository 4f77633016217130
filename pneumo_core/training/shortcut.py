"""The shortcut probe: how much of a model's output a model of global image statistics explains.

``image_statistics`` describes a film by 27 numbers that say nothing about anatomy: its grey-level
histogram (16 bins) and percentiles, mean and spread, horizontal and vertical gradient energies and
their ratio (a trace of the original film's aspect ratio, left by the squash to a square), noise,
sharpness, the share of near-black pixels and the size of its file. In this data set those numbers
alone separate NORMAL from PNEUMONIA in train.

``probe`` reports, on validation:
- ``statistics_auc``: ROC AUC of a logistic regression on the statistics, fitted on the training
  part of the split, predicting the labels (how far the split can be solved without the lungs; a
  property of the data);
- ``explained``: the R² of the model's validation logits predicted from the statistics (ridge,
  5-fold cross-validated within validation);
- ``explained_within_class``: the same within each class, averaged over classes. Since the label
  itself is correlated with the statistics, this is the number that matters: how much of what the
  model says *about films of the same class* follows their acquisition. Lower is better.
"""

from __future__ import annotations

import numpy as np

N_STATISTICS = 27
_EPS = 1e-6


def image_statistics(u8: np.ndarray, file_size: int) -> np.ndarray:
    """27 acquisition statistics of one uint8 gray film (any size) and its file size in bytes."""
    if u8.ndim != 2 or u8.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 image; got {u8.dtype} {u8.shape}")
    import cv2

    x = u8.astype(np.float32) / 255.0
    hist = np.histogram(x, bins=16, range=(0.0, 1.0))[0] / x.size
    p1, p50, p99 = np.percentile(x, (1, 50, 99))
    gx, gy = np.diff(x, axis=1), np.diff(x, axis=0)
    ex, ey = float(np.mean(gx * gx)), float(np.mean(gy * gy))
    laplacian = cv2.Laplacian(x, cv2.CV_32F)
    high = x - cv2.GaussianBlur(x, (0, 0), 1.0)
    noise = float(np.median(np.abs(high - np.median(high))) * 1.4826)
    out = np.r_[hist, p1, p50, p99, x.mean(), x.std(), ex, ey, np.log((ex + _EPS) / (ey + _EPS)), noise,
                float(laplacian.var()), np.log1p(float(file_size))]
    if out.size != N_STATISTICS:  # pragma: no cover - a guard for edits to the list above
        raise AssertionError(f"expected {N_STATISTICS} statistics; built {out.size}")
    return out.astype(np.float64)


def _r2_cv(x: np.ndarray, target: np.ndarray, folds: int = 5, seed: int = 0) -> float | None:
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(target) < 2 * folds or np.var(target) == 0:
        return None
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
    predicted = cross_val_predict(model, x, target, cv=KFold(folds, shuffle=True, random_state=seed))
    return float(1.0 - np.mean((target - predicted) ** 2) / np.var(target))


def statistics_auc(train_stats: np.ndarray, train_labels, val_stats: np.ndarray, val_labels) -> float | None:
    """ROC AUC on validation of a logistic regression on the statistics fitted on train (None
    with one class only)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y_val = np.asarray(val_labels)
    if len(train_stats) != len(train_labels) or len(val_stats) != len(y_val):
        raise ValueError("expected one row of statistics per label and logit")
    if len(set(y_val)) < 2 or len(set(np.asarray(train_labels))) < 2:
        return None
    classifier = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    classifier.fit(train_stats, train_labels)
    return float(roc_auc_score(y_val, classifier.predict_proba(val_stats)[:, 1]))


def explained(stats: np.ndarray, labels, logits) -> dict:
    """R² of ``logits`` predicted from the statistics, overall and within each class (averaged)."""
    y, logits = np.asarray(labels), np.asarray(logits, dtype=np.float64)
    if not len(stats) == len(y) == len(logits):
        raise ValueError("expected one row of statistics per label and logit")
    within = [_r2_cv(stats[y == c], logits[y == c]) for c in np.unique(y)]
    within = [w for w in within if w is not None]
    return {"explained": _r2_cv(stats, logits), "explained_within_class": float(np.mean(within)) if within else None}


def probe(train_stats: np.ndarray, train_labels, val_stats: np.ndarray, val_labels, val_logits) -> dict:
    """The shortcut probe (see the module docstring) from statistics, labels and the model's logits."""
    return {"statistics": N_STATISTICS, **explained(val_stats, val_labels, val_logits),
            "statistics_auc": statistics_auc(train_stats, train_labels, val_stats, val_labels)}
