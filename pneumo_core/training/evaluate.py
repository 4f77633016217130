"""Evaluate a model on a labelled split: ``python -m pneumo_core evaluate --split test``.

Scores every image of ``DATA/SPLIT`` with the model and writes its evaluation report into the
model's bundle (``pneumo_core.evaluation.report`` says what it holds). Thresholds come from the
model's metadata, fixed on validation; nothing here is tuned on the evaluated split.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..evaluation.report import EvaluationReport, build_report
from ..model.bundle import ModelBundle
from ..model.predictor import Predictor
from . import kermany
from .batches import load_u8

log = logging.getLogger(__name__)


def evaluate(data_dir: Path | str, split: str, bundle: ModelBundle, workers: int = 4,
             predictor: Predictor | None = None) -> dict:
    """The report dictionary of ``bundle``'s model on ``data_dir/split`` (``predictor``: that model,
    already loaded)."""
    samples = kermany.list_split(data_dir, split)
    predictor = predictor or Predictor(bundle)
    images = [im.astype(np.float32) / 255.0 for im in load_u8(samples, workers, f"{split} images")]
    probs = predictor.probabilities(images)
    return build_report(probs, [s.label for s in samples], [s.path.name for s in samples],
                        [s.subtype for s in samples], predictor.meta, predictor.meta.weights_sha256, split)


def summary(report: dict) -> str:
    """One line of the headline numbers at the default preset."""
    d = report["presets"][report["default_preset"]]
    interval = EvaluationReport(report).roc_auc_interval
    auc_ci = f" (95% CI {interval[0]:.4f}-{interval[1]:.4f}, DeLong)" if interval else ""
    return (f"{report['split']}: accuracy {d['accuracy']:.4f} sensitivity {d['sensitivity']:.4f} "
            f"specificity {d['specificity']:.4f} ROC AUC {report['ranking']['roc_auc']:.4f}{auc_ci} "
            f"ECE {report['calibration']['ece']:.4f}")
