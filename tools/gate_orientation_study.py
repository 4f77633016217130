"""Which orientation check? Decided on the validation split only: ``python -m tools.gate_orientation_study``.

Fits the gate's orientation classifier two ways on the training part of the model's split: on the
films as they are (attempt G1, shipped first) and on films first varied by mild acquisition changes
(G2, ``gate_fit.ORIENTATION_AUGMENT``). Each gets its threshold at the 99.5th percentile of the
validation films, as the gate does. Then, on validation only, prints: the share of turned, flipped
and inverted validation copies caught, and the share of validation films refused when they are
varied by other acquisition changes (``STRESS``, another seed: a stand-in for films from another
period or machine).

The rule, fixed before running it: among the variants catching at least 99 % of every turned
category, choose the one refusing the fewest stressed validation films (a tie keeps G1).
"""

from __future__ import annotations

import sys

import numpy as np

from pneumo_core import ModelBundle, Settings
from pneumo_core.model.gate import orientation_input_u8
from pneumo_core.training.augment import AugmentSettings, augment
from pneumo_core.training.batches import load_u8
from pneumo_core.training.gate_fit import ORIENTATION_AUGMENT, PERCENTILE, TRANSFORMS, fit_orientation
from pneumo_core.training.kermany import list_split
from pneumo_core.training.recalibrate import validation_samples

STRESS = AugmentSettings(rotation_deg=10.0, scale=(0.85, 1.15), aspect=(0.85, 1.15), shift_fraction=0.08,
                         erase_probability=0.0)
VARIANTS = {"G1: films as they are": None, "G2: films varied first": ORIENTATION_AUGMENT}


def scores(weights, bias, mean, scale, images_u8) -> np.ndarray:
    z = (np.stack([orientation_input_u8(np.ascontiguousarray(im)) for im in images_u8]) - mean) / scale
    return 1.0 / (1.0 + np.exp(-(z @ weights + bias)))


def main() -> int:
    env = Settings.from_env()
    bundle = ModelBundle.default()
    record = bundle.validation_record()
    held_out = set(record.files)
    train = [s for s in list_split(env.data_dir, "train") if s.path.name not in held_out]
    train_u8 = load_u8(train, 2, "train")
    val_u8 = load_u8(validation_samples(record, env.data_dir), 2, "validation")
    rng = np.random.default_rng(2026)
    stressed = [augment(im, rng, STRESS) for im in val_u8]
    rows = {}
    for name, varied in VARIANTS.items():
        fitted = fit_orientation(train_u8, 0, varied)
        threshold = float(np.percentile(scores(*fitted, val_u8), PERCENTILE))
        caught = {t: float(np.mean(scores(*fitted, [f(im) for im in val_u8]) > threshold)) for t, f in TRANSFORMS.items()}
        rows[name] = {"stressed validation refused": float(np.mean(scores(*fitted, stressed) > threshold)),
                      **{f"caught: {t}": c for t, c in caught.items()}}
    cols = list(next(iter(rows.values())))
    out = sys.stdout
    out.write(f"validation: {len(val_u8)} films; train: {len(train_u8)} films\n\n| variant | " + " | ".join(cols) + " |\n")
    out.write("|---|" + "---|" * len(cols) + "\n")
    for name, r in rows.items():
        out.write(f"| {name} | " + " | ".join(f"{r[c]:.2%}" for c in cols) + " |\n")
    eligible = [n for n, r in rows.items() if all(r[c] >= 0.99 for c in cols if c.startswith("caught"))]
    chosen = min(eligible, key=lambda n: (rows[n]["stressed validation refused"], n != next(iter(VARIANTS))))
    out.write(f"\nrule (fewest stressed validation films refused among those catching >= 99 % of every "
              f"turned category): {chosen}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
