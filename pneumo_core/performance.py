"""The committed evaluation report, read back for the app: metrics at any threshold, the model's
mistakes, and the published results it is compared with.

Everything here comes from ``<model>.report-<split>.json`` (written by ``pneumo_core.evaluate``),
so the performance and review pages work without the images.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import metrics
from .data import CLASSES
from .errors import ModelFileError
from .evaluate import REPORT_SCHEMA, report_path
from .predict import DEFAULT_MODEL


@dataclass(frozen=True)
class Published:
    """A result reported elsewhere, with how it was measured."""

    source: str
    accuracy: float | None
    sensitivity: float | None
    specificity: float | None
    roc_auc: float | None
    how_measured: str


PUBLISHED = (
    Published("Kermany et al. 2018 (Cell)", 0.928, 0.932, 0.901, 0.968,
              "InceptionV3 pretrained on ImageNet, fine-tuned on the official train split; measured on "
              "the same official 624-image test split as this model."),
    Published("Public notebook: VGG16 transfer learning", 0.92, None, None, None,
              "Accuracy only, as the project reports it on the Kaggle test split; ImageNet weights; how "
              "the model and threshold were chosen is not documented."),
    Published("Public notebook: ResNet50V2", 0.915, None, None, None,
              "Accuracy only, as reported on the Kaggle test split; ImageNet weights; selection not documented."),
    Published("Public notebook: InceptionV3", 0.76, None, None, None,
              "Accuracy only, as reported on the Kaggle test split; ImageNet weights; selection not documented."),
    Published("Public notebooks: custom CNNs (range 88–95.7 %)", None, None, None, None,
              "Accuracy 0.88 to 0.957 across projects, as reported on the Kaggle test split; whether the "
              "epoch or threshold was chosen on that same split is not documented."),
)


@dataclass(frozen=True)
class Mistake:
    file: str
    truth: str
    subtype: str
    probability: float
    kind: str  # "false negative" or "false positive"


class EvaluationReport:
    """A report as written by ``pneumo_core.evaluate``; read-only."""

    def __init__(self, raw: dict):
        missing = {"schema", "model_version", "presets", "images", "curves", "calibration", "ranking"} - set(raw)
        if missing:
            raise ModelFileError(f"the evaluation report lacks {sorted(missing)}; re-run pneumo_core.evaluate")
        if raw["schema"] != REPORT_SCHEMA:
            raise ModelFileError(f"expected report schema {REPORT_SCHEMA}; found {raw['schema']}")
        self.raw = raw
        self.probabilities = np.array([im["probability"] for im in raw["images"]], dtype=np.float64)
        self.labels = np.array([CLASSES.index(im["label"]) for im in raw["images"]], dtype=np.int64)
        self.subtypes = [im["subtype"] for im in raw["images"]]

    @classmethod
    def load(cls, model_path: Path | str = DEFAULT_MODEL, split: str = "test") -> "EvaluationReport":
        path = report_path(model_path, split)
        if not path.is_file():
            raise ModelFileError(f"expected an evaluation report at {path}; run "
                                 f"`python -m pneumo_core.evaluate --split {split}` to write it")
        try:
            return cls(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise ModelFileError(f"the evaluation report {path.name} is not valid JSON: {exc}") from exc

    @property
    def split(self) -> str:
        return self.raw.get("split", "?")

    @property
    def model_version(self) -> str:
        return self.raw["model_version"]

    @property
    def presets(self) -> dict[str, dict]:
        return self.raw["presets"]

    @property
    def curves(self) -> dict:
        return self.raw["curves"]

    @property
    def calibration(self) -> dict:
        return self.raw["calibration"]

    @property
    def ranking(self) -> dict:
        return self.raw["ranking"]

    def at(self, threshold: float) -> dict:
        """Accuracy, sensitivity, specificity, precision, F1, the confusion matrix and the bacterial /
        viral sensitivity when calling PNEUMONIA at ``probability >= threshold``."""
        out = metrics.at_threshold(self.probabilities, self.labels, threshold)
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
        for im, p in zip(self.raw["images"], self.probabilities):
            called = CLASSES[1] if p >= threshold else CLASSES[0]
            if called != im["label"]:
                kind = "false negative" if im["label"] == CLASSES[1] else "false positive"
                found.append(Mistake(im["file"], im["label"], im["subtype"], float(p), kind))
        return sorted(found, key=lambda m: -abs(m.probability - threshold))
