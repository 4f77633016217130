"""Would test-time augmentation help? Decided on the validation split only (never the test split).

``.venv/bin/python tools/tta_validation.py [--data DIR] [--model models/pneumo_cnn.keras]``

Takes the model's validation images (recorded by name beside it), scores every one
under a few mild views (identity, zoom in/out, small rotations: all inside the training
augmentation's range), averages the logits over views (as the ensemble averages its members) and
prints, side by side, the validation numbers of each candidate after the same calibration and
threshold rules. The rule, fixed before the candidates were run: among the candidates whose
validation ROC AUC is not lower than the shipped model's, choose the lowest validation log-loss.
``--cache FILE`` keeps the per-view logits (an .npz) so the table can be re-printed at once.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from pneumo_core import ModelBundle, Predictor, Settings
from pneumo_core.evaluation import metrics
from pneumo_core.imaging.preprocess import model_inputs
from pneumo_core.model import calibration
from pneumo_core.training.batches import load_u8
from pneumo_core.training.recalibrate import validation_samples

VIEWS = {"identity": (0.0, 1.0), "zoom in 8 %": (0.0, 1.08), "zoom out 7 %": (0.0, 0.93),
         "rotate +6°": (6.0, 1.0), "rotate -6°": (-6.0, 1.0)}
# Candidates: name -> the views whose logits are averaged.
CANDIDATES = {
    "no TTA (shipped)": ["identity"],
    "zoom out 7 % only": ["zoom out 7 %"],
    "TTA, all 5 views": list(VIEWS),
    "TTA, 3 views with a border (zoom out, rotate ±6°)": ["zoom out 7 %", "rotate +6°", "rotate -6°"],
    "TTA, 4 views (all but identity)": [v for v in VIEWS if v != "identity"],
}


def raw_logits(predictor: Predictor, images_u8: list[np.ndarray], angle: float, scale: float) -> np.ndarray:
    size = predictor.meta.input_size
    out = []
    for start in range(0, len(images_u8), 32):
        x = np.concatenate([model_inputs(im / 255.0, size, [(angle, scale)]) for im in images_u8[start:start + 32]])
        out.append(calibration.logit(np.asarray(predictor.model(x, training=False)).ravel()))
    return np.concatenate(out)


def summary(raw_probs: np.ndarray, labels: np.ndarray) -> dict:
    t = calibration.fit_temperature(raw_probs, labels)
    p = calibration.apply_temperature(raw_probs, t)
    thr = calibration.operating_points(p, labels)["presets"]["balanced"]
    eps = 1e-7
    nll = float(-np.mean(labels * np.log(p + eps) + (1 - labels) * np.log(1 - p + eps)))
    at = metrics.at_threshold(p, labels, thr)
    return {"log-loss": nll, "ROC AUC": metrics.ranking(p, labels)["roc_auc"],
            "ECE": metrics.calibration(p, labels)["ece"], "threshold": thr,
            "accuracy": at["accuracy"], "sensitivity": at["sensitivity"], "specificity": at["specificity"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    env = Settings.from_env()
    ap.add_argument("--data", default=str(env.data_dir))
    ap.add_argument("--model", default=str(env.model_path))
    ap.add_argument("--cache", default=None, help="an .npz to keep the per-view validation logits in")
    args = ap.parse_args(argv)
    bundle = ModelBundle(args.model)
    predictor = Predictor(bundle)
    meta = predictor.meta
    val = validation_samples(bundle.validation_record(), args.data)  # the images the model's calibration was fitted on
    labels = np.array([x.label for x in val])
    cache = Path(args.cache) if args.cache else None
    if cache and cache.is_file():
        logits = dict(np.load(cache))
    else:
        images = load_u8(val, 2, "validation images")
        logits = {}
        for name, (angle, scale) in VIEWS.items():
            started = time.time()
            logits[name] = raw_logits(predictor, images, angle, scale)
            sys.stderr.write(f"{name}: {time.time() - started:.0f} s\n")
        if cache:
            np.savez(cache, **logits)
    rows = {name: summary(calibration.sigmoid(np.mean([logits[v] for v in views], axis=0)), labels)
            for name, views in CANDIDATES.items()}
    for name in VIEWS:
        rows[f"(single view: {name})"] = summary(calibration.sigmoid(logits[name]), labels)
    cols = list(next(iter(rows.values())))
    sys.stdout.write(f"validation split: {len(val)} images ({int(labels.sum())} PNEUMONIA), model {meta.version}\n\n")
    sys.stdout.write("| | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols) + "\n")
    for name, r in rows.items():
        sys.stdout.write(f"| {name} | " + " | ".join(f"{r[c]:.4f}" for c in cols) + " |\n")
    base = rows["no TTA (shipped)"]["ROC AUC"]
    eligible = [name for name in CANDIDATES if rows[name]["ROC AUC"] >= base]
    chosen = min(eligible, key=lambda name: rows[name]["log-loss"])
    sys.stdout.write(f"\nrule (lowest log-loss among candidates with ROC AUC >= {base:.4f}): {chosen}, "
                     f"views {CANDIDATES[chosen]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
