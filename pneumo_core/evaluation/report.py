"""The evaluation report of a model on a labelled split: built from per-image probabilities
(``build_report``, used by ``training.evaluate``) and read back for the app (``EvaluationReport``:
metrics at any threshold, the model's mistakes).

The report holds per-image probabilities, accuracy, sensitivity, specificity, precision, F1 and the
confusion matrix at every preset, ROC and PR AUC and curves, calibration (ECE, reliability bins)
and sensitivity for bacterial and viral pneumonia. Thresholds come from the model's metadata
(fixed on validation); nothing here is tuned on the evaluated split. Where a report file lives is
``pneumo_core.model.bundle``'s business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..decision import CLASSES, OperatingPoints, label_at
from ..errors import ModelFileError
from . import metrics

REPORT_SCHEMA = 1
_REQUIRED = {"schema", "model_version", "weights_sha256", "presets", "images", "curves", "calibration", "ranking"}


def build_report(probs: np.ndarray, labels: Sequence[int], files: Sequence[str], subtypes: Sequence[str],
                 points: OperatingPoints, weights_sha256: str, split: str) -> dict:
    """The report dictionary from calibrated probabilities of the images ``files`` of ``split``."""
    probs, labels = np.asarray(probs, dtype=np.float64), np.asarray(labels, dtype=np.int64)
    if not len(probs) == len(labels) == len(files) == len(subtypes):
        raise ValueError(f"expected one label, file and subtype per probability; got {len(probs)} probabilities, "
                         f"{len(labels)} labels, {len(files)} files, {len(subtypes)} subtypes")
    lo, hi = points.band
    default = points.presets[points.default_preset]
    return {
        "schema": REPORT_SCHEMA,
        "model_version": points.version,
        "weights_sha256": weights_sha256,
        "split": split,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counts": {name: int(np.sum(labels == i)) for i, name in enumerate(CLASSES)},
        "default_preset": points.default_preset,
        "band": [float(lo), float(hi)],
        "ranking": metrics.ranking(probs, labels),
        "presets": {name: {**metrics.at_threshold(probs, labels, t),
                           "sensitivity_by_subtype": metrics.sensitivity_by_group(probs, labels, subtypes, t)}
                    for name, t in points.presets.items()},
        "second_opinion_band": metrics.band(probs, labels, default, lo, hi),
        "calibration": metrics.calibration(probs, labels),
        "curves": metrics.curves(probs, labels),
        "images": [{"file": f, "label": CLASSES[y], "subtype": s, "probability": float(p)}
                   for f, y, s, p in zip(files, labels, subtypes, probs)],
    }


@dataclass(frozen=True)
class Mistake:
    file: str
    truth: str
    subtype: str
    probability: float
    kind: str  # "false negative" or "false positive"


@dataclass(frozen=True)
class BandSummary:
    """How the second-opinion band did on the split."""

    fraction_of_images: float
    accuracy_outside_band: float | None
    errors_in_band: float | None = None  # share of the default threshold's errors inside the band (older reports: absent)


class EvaluationReport:
    """A report as written by ``build_report``; read-only, typed accessors only."""

    def __init__(self, raw: dict):
        missing = _REQUIRED - set(raw)
        if missing:
            raise ModelFileError(f"the evaluation report lacks {sorted(missing)}; "
                                 "re-run `python -m pneumo_core evaluate`")
        if raw["schema"] != REPORT_SCHEMA:
            raise ModelFileError(f"expected report schema {REPORT_SCHEMA}; found {raw['schema']}")
        self._raw = raw
        self.probabilities = np.array([im["probability"] for im in raw["images"]], dtype=np.float64)
        self.labels = np.array([CLASSES.index(im["label"]) for im in raw["images"]], dtype=np.int64)
        self.subtypes = [im["subtype"] for im in raw["images"]]
        self.files = [im["file"] for im in raw["images"]]

    split = property(lambda self: str(self._raw.get("split", "?")))
    model_version = property(lambda self: str(self._raw["model_version"]))
    weights_sha256 = property(lambda self: str(self._raw["weights_sha256"]))
    default_preset = property(lambda self: str(self._raw.get("default_preset", "balanced")))
    presets = property(lambda self: dict(self._raw["presets"]))
    curves = property(lambda self: dict(self._raw["curves"]))
    calibration = property(lambda self: dict(self._raw["calibration"]))
    ranking = property(lambda self: dict(self._raw["ranking"]))

    @cached_property
    def roc_auc_interval(self) -> tuple[float, float] | None:
        """The 95 % DeLong interval of the ROC AUC, from the per-image probabilities (computed once)."""
        return metrics.auc_interval(self.probabilities, self.labels)

    @property
    def counts(self) -> dict[str, int]:
        """Images per true class, e.g. ``{"NORMAL": 234, "PNEUMONIA": 390}``."""
        return {name: int(np.sum(self.labels == i)) for i, name in enumerate(CLASSES)}

    @property
    def band(self) -> tuple[float, float] | None:
        band = self._raw.get("band")
        return (float(band[0]), float(band[1])) if band else None

    @property
    def band_summary(self) -> BandSummary | None:
        found = self._raw.get("second_opinion_band")
        return BandSummary(**found) if found else None

    def at(self, threshold: float) -> dict:
        """Accuracy, sensitivity, specificity, precision, F1, the confusion matrix, 95 % Wilson intervals
        of the first three (``interval_95``) and the bacterial / viral sensitivity when calling
        PNEUMONIA at ``probability >= threshold``."""
        out = metrics.at_threshold(self.probabilities, self.labels, threshold)
        out["interval_95"] = metrics.intervals(out["confusion_matrix"])
        out["sensitivity_by_subtype"] = metrics.sensitivity_by_group(self.probabilities, self.labels,
                                                                     self.subtypes, threshold)
        return out

    def sweep(self, thresholds=None) -> dict[str, np.ndarray]:
        """Sensitivity and specificity over a grid of thresholds (default 0.005 … 0.995)."""
        t = np.linspace(0.005, 0.995, 199) if thresholds is None else np.asarray(thresholds, dtype=np.float64)
        positives, negatives = self.probabilities[self.labels == 1], self.probabilities[self.labels == 0]
        sens = (positives[None, :] >= t[:, None]).mean(axis=1)
        spec = (negatives[None, :] < t[:, None]).mean(axis=1)
        return {"threshold": t, "sensitivity": sens, "specificity": spec}

    def mistakes(self, threshold: float) -> list[Mistake]:
        """False negatives and false positives at ``threshold``, most confident first."""
        found = []
        for file, y, subtype, p in zip(self.files, self.labels, self.subtypes, self.probabilities):
            truth = CLASSES[y]
            if label_at(p, threshold) != truth:
                kind = "false negative" if truth == CLASSES[1] else "false positive"
                found.append(Mistake(file, truth, subtype, float(p), kind))
        return sorted(found, key=lambda m: -abs(m.probability - threshold))
