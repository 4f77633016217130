"""A judge the acquisition shortcut cannot fool: how a model's specificity and sensitivity hold up
on the validation films when their framing changes, and the rule model selection applies to it.

In this data set how a film was framed predicts its label in train (each original's aspect ratio
survives the squash to 224×224 as a trace in the image), so a model can score well on validation
without looking at the lungs. A model that reads the lungs keeps its specificity and sensitivity
when the framing changes; one that reads the framing does not. The stresses, each a pure function
of a uint8 gray film (same size out):

- ``vertical stretch 85 %``: the central 85 % of the rows, resized back to the full height (the
  anatomy looks 1/0.85 = 1.18 times taller, as in a film framed tighter top to bottom);
- ``horizontal stretch 85 %``: the same across the columns;
- ``centre crop 80 %``: the central 80 % of both sides, resized back (closer framing);
- ``zoom-out 85 %``: the film shrunk to 85 % inside a black border (wider framing, as many
  originals in this data set have).

The rule (``SELECTION_RULE``), written before any model v2 was trained: a candidate is eligible
only if every stressed specificity and sensitivity stays within ``MAX_DROP`` (2 points) of the
unstressed one on validation, at the model's default threshold.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..errors import ModelFileError
from ..evaluation import metrics

MAX_DROP = 0.02
SELECTION_RULE = (f"eligible only if, on validation at the default threshold, every stressed specificity and "
                  f"sensitivity stays within {MAX_DROP:.0%} of the unstressed one")
UNSTRESSED = "as it is"


def _crop_back(u8: np.ndarray, keep_rows: float, keep_cols: float) -> np.ndarray:
    h, w = u8.shape
    ch, cw = max(1, round(h * keep_rows)), max(1, round(w * keep_cols))
    top, left = (h - ch) // 2, (w - cw) // 2
    return cv2.resize(u8[top:top + ch, left:left + cw], (w, h), interpolation=cv2.INTER_AREA)


def zoom_out(u8: np.ndarray, factor: float) -> np.ndarray:
    """The film shrunk to ``factor`` of each side, centred on black."""
    h, w = u8.shape
    sh, sw = max(1, round(h * factor)), max(1, round(w * factor))
    out = np.zeros_like(u8)
    top, left = (h - sh) // 2, (w - sw) // 2
    out[top:top + sh, left:left + sw] = cv2.resize(u8, (sw, sh), interpolation=cv2.INTER_AREA)
    return out


STRESSES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    UNSTRESSED: lambda u8: u8,
    "vertical stretch 85 %": lambda u8: _crop_back(u8, 0.85, 1.0),
    "horizontal stretch 85 %": lambda u8: _crop_back(u8, 1.0, 0.85),
    "centre crop 80 %": lambda u8: _crop_back(u8, 0.8, 0.8),
    "zoom-out 85 %": lambda u8: zoom_out(u8, 0.85),
}


def stress_report(probabilities: Callable[[list[np.ndarray]], np.ndarray], images_u8: list[np.ndarray],
                  labels, threshold: float) -> dict:
    """``probabilities`` (uint8 gray films -> P(PNEUMONIA)) judged under every stress: per stress,
    specificity, sensitivity and ROC AUC at ``threshold``, and the drops from the unstressed ones."""
    y = np.asarray(labels, dtype=np.int64)
    if len(images_u8) != len(y):
        raise ValueError(f"expected as many films as labels; got {len(images_u8)} and {len(y)}")
    rows = {}
    for name, stress in STRESSES.items():
        p = np.asarray(probabilities([np.ascontiguousarray(stress(im)) for im in images_u8]), dtype=np.float64)
        at = metrics.at_threshold(p, y, threshold)
        rows[name] = {"specificity": at["specificity"], "sensitivity": at["sensitivity"],
                      "roc_auc": metrics.ranking(p, y)["roc_auc"]}
    base = rows[UNSTRESSED]
    for row in rows.values():
        for key in ("specificity", "sensitivity"):
            row[f"{key}_drop"] = (base[key] - row[key]) if None not in (base[key], row[key]) else None
    worst = max((r[k] for r in rows.values() for k in ("specificity_drop", "sensitivity_drop") if r[k] is not None),
                default=0.0)
    return {"threshold": float(threshold), "images": int(len(y)), "rows": rows, "worst_drop": float(worst),
            "max_drop": MAX_DROP, "eligible": bool(worst <= MAX_DROP), "rule": SELECTION_RULE}


def _cell(name: str, row: dict, key: str) -> str:
    value, drop = row[key], row.get(f"{key}_drop")
    if value is None:
        return "–"
    return f"{value:.1%}" + ("" if name == UNSTRESSED or drop is None else f" ({round(-drop, 6) + 0.0:+.1%})")


def table(report: dict) -> str:
    """The stress report as a Markdown table (printed by the ``stress`` command, pasted in the README)."""
    lines = ["| validation films | specificity | sensitivity | ROC AUC |", "|---|---|---|---|"]
    for name, r in report["rows"].items():
        lines.append(f"| {name} | {_cell(name, r, 'specificity')} | {_cell(name, r, 'sensitivity')} | {r['roc_auc']:.3f} |")
    verdict = "eligible" if report["eligible"] else "not eligible"
    lines.append(f"\nworst drop {report['worst_drop']:.1%} at threshold {report['threshold']:.3f}: {verdict} "
                 f"({report['rule']})")
    return "\n".join(lines)


def judge(bundle, data_dir, workers: int = 2, predictor=None) -> dict:
    """The stress report and the shortcut probe of a model bundle on its own validation split
    (the training part of the split feeds the probe's statistics classifier); ``predictor``: that
    model, already loaded."""
    from ..model import calibration
    from ..model.predictor import Predictor
    from .batches import load_u8
    from .kermany import list_split
    from .recalibrate import validation_samples
    from .shortcut import image_statistics, probe

    predictor = predictor or Predictor(bundle)
    if predictor.meta.validation.get("out_of_fold"):
        raise ModelFileError(f"{bundle.weights.name} was assembled from K folds and has seen every training film; its "
                             "stress report was written by `assemble` (run it again to renew it)")
    record = bundle.validation_record()
    val = validation_samples(record, data_dir)
    held_out = set(record.files)
    train = [s for s in list_split(data_dir, "train") if s.path.name not in held_out]
    val_u8 = load_u8(val, workers, "validation films")
    labels = np.array([s.label for s in val])
    report = stress_report(lambda films: predictor.probabilities([f.astype(np.float32) / 255 for f in films]),
                           val_u8, labels, predictor.meta.default_threshold)
    train_u8 = load_u8(train, workers, "training films (statistics)")
    train_stats = np.stack([image_statistics(u8, s.path.stat().st_size) for u8, s in zip(train_u8, train)])
    val_stats = np.stack([image_statistics(u8, s.path.stat().st_size) for u8, s in zip(val_u8, val)])
    logits = calibration.logit(np.asarray(record.raw, dtype=np.float64))
    report["shortcut"] = probe(train_stats, [s.label for s in train], val_stats, labels, logits)
    return report


def probe_text(shortcut: dict) -> str:
    """The shortcut probe in one paragraph (figures too few films could not give are said so)."""
    def share(value) -> str:
        return "–" if value is None else f"{value:.0%}"

    auc = shortcut["statistics_auc"]
    return (f"{shortcut['statistics']} image statistics alone (no anatomy) separate the validation classes with "
            f"ROC AUC {'–' if auc is None else f'{auc:.3f}'}; they explain {share(shortcut['explained'])} of the "
            f"model's validation output, {share(shortcut['explained_within_class'])} within a class (lower is better)")
