"""Evaluate a model on a labelled split and write a JSON report.

``python -m pneumo_core.evaluate --data DIR --split test [--model models/pneumo_cnn.keras]``
writes ``<model>.report-<split>.json`` beside the model (or ``--out``): per-image probabilities,
accuracy, sensitivity, specificity, precision, F1 and the confusion matrix at every preset, ROC and
PR AUC and curves, calibration (ECE, reliability bins), sensitivity for bacterial and viral
pneumonia, and a sensitivity/specificity sweep over thresholds. Thresholds come from the model's
metadata (fixed on validation); nothing here is tuned on the evaluated split.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np

from . import data, metrics
from .dataset import load_u8
from .predict import DEFAULT_MODEL, Predictor

log = logging.getLogger("pneumo_core.evaluate")
REPORT_SCHEMA = 1


def report_path(model_path: Path | str, split: str) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.report-{split}.json")


def build_report(probs: np.ndarray, samples: list[data.Sample], predictor: Predictor, split: str) -> dict:
    """The report dictionary from calibrated probabilities of ``samples``."""
    meta = predictor.meta
    labels = np.array([s.label for s in samples])
    subtypes = [s.subtype for s in samples]
    thresholds = np.round(np.linspace(0.01, 0.99, 99), 2)
    sweep = [metrics.at_threshold(probs, labels, t) for t in thresholds]
    return {
        "schema": REPORT_SCHEMA,
        "model_version": meta.version,
        "weights_sha256": meta.weights_sha256,
        "split": split,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {name: int(np.sum(labels == i)) for i, name in enumerate(meta.classes)},
        "default_preset": meta.default_preset,
        "band": list(meta.band),
        "ranking": metrics.ranking(probs, labels),
        "presets": {name: {**metrics.at_threshold(probs, labels, t),
                           "sensitivity_by_subtype": metrics.sensitivity_by_group(probs, labels, subtypes, t)}
                    for name, t in meta.presets.items()},
        "second_opinion_band": {
            "fraction_of_images": float(np.mean((probs >= meta.band[0]) & (probs <= meta.band[1]))),
            "accuracy_outside_band": _accuracy_outside(probs, labels, meta),
        },
        "calibration": metrics.calibration(probs, labels),
        "curves": metrics.curves(probs, labels),
        "threshold_sweep": [{"threshold": float(t), "sensitivity": r["sensitivity"], "specificity": r["specificity"]}
                            for t, r in zip(thresholds, sweep)],
        "images": [{"file": s.path.name, "label": meta.classes[s.label], "subtype": s.subtype,
                    "probability": float(p)} for s, p in zip(samples, probs)],
    }


def _accuracy_outside(probs, labels, meta) -> float | None:
    outside = (probs < meta.band[0]) | (probs > meta.band[1])
    if not outside.any():
        return None
    return float(np.mean((probs[outside] >= meta.default_threshold) == labels[outside]))


def evaluate(data_dir: Path | str, split: str, model_path: Path | str = DEFAULT_MODEL,
             workers: int = 4) -> dict:
    samples = data.list_split(data_dir, split)
    predictor = Predictor(model_path)
    images = [im.astype(np.float32) / 255.0 for im in load_u8(samples, workers, f"{split} images")]
    probs = predictor.probabilities(images)
    return build_report(probs, samples, predictor, split)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ap = argparse.ArgumentParser(prog="python -m pneumo_core.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(data.default_data_dir()))
    ap.add_argument("--split", default="test")
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--out", default=None, help="report file (default: beside the model)")
    args = ap.parse_args(argv)
    report = evaluate(args.data, args.split, args.model)
    out = Path(args.out) if args.out else report_path(args.model, args.split)
    out.write_text(json.dumps(report, indent=1) + "\n")
    d = report["presets"][report["default_preset"]]
    log.info("%s: accuracy %.4f sensitivity %.4f specificity %.4f ROC AUC %.4f ECE %.4f -> %s",
             args.split, d["accuracy"], d["sensitivity"], d["specificity"],
             report["ranking"]["roc_auc"], report["calibration"]["ece"], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
