"""Train a model from scratch: ``python -m pneumo_core.train --data DIR --out runs/NAME``.

Validation is carved from ``DIR/train`` by patient (``--split-seed``); class imbalance is handled
with class weights; images are augmented on the CPU; seeds are fixed. One run trains one network
(``--member-index`` i: seed ``--seed + i``, layer names ``m{i}_*``); ``pneumo_core.ensemble`` merges
runs that share a split into one averaging model. Calibration and operating points are fixed on the
validation split. Written to ``--out``: ``member.keras`` (the trained network), ``model.keras``
and ``model.json`` (the calibrated deployable model and its metadata), ``history.csv``,
``settings.json`` and ``validation_predictions.json``.

Runs on any Keras 3 backend (``KERAS_BACKEND=jax`` on the GPU machine, TensorFlow on the CPU).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import data, metrics
from .augment import AugmentSettings
from .dataset import AugmentedBatches, load_u8, stack_inputs
from .calibrate import recalibrate
from .metadata import ModelMetadata, sha256_of
from .preprocess import PREPROCESSING

log = logging.getLogger("pneumo_core.train")


@dataclass(frozen=True)
class TrainSettings:
    data: str
    out: str
    image_size: int = 224
    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 5e-4
    label_smoothing: float = 0.05
    dropout: float = 0.4
    width: int = 24
    member_index: int = 0
    val_fraction: float = 0.2
    split: str = "earliest"  # see data.split_by_patient
    split_seed: int = 20180222
    seed: int = 1
    limit: int = 0  # >0: use only this many images per class (tests, smoke runs)
    workers: int = 8
    verbose: int = 1
    max_minutes: float = 0.0  # >0: stop after the epoch that passes this wall-clock budget
    version: str = ""
    augment: AugmentSettings = field(default_factory=AugmentSettings)


def parse_args(argv: list[str] | None = None) -> TrainSettings:
    ap = argparse.ArgumentParser(prog="python -m pneumo_core.train", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(data.default_data_dir()), help="folder with train/{NORMAL,PNEUMONIA}")
    ap.add_argument("--out", required=True, help="output folder for the model and the run's records")
    defaults = TrainSettings(data="", out="")
    for name in ("image_size", "epochs", "batch_size", "learning_rate", "weight_decay", "label_smoothing",
                 "dropout", "width", "member_index", "val_fraction", "split", "split_seed", "seed", "limit", "workers", "verbose", "max_minutes"):
        value = getattr(defaults, name)
        ap.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    ap.add_argument("--version", default="", help="model version string (default: out folder name)")
    args = vars(ap.parse_args(argv))
    args["version"] = args["version"] or Path(args["out"]).name
    return TrainSettings(**args)


def _subset(samples: list[data.Sample], limit: int) -> list[data.Sample]:
    if limit <= 0:
        return samples
    return [s for c in range(len(data.CLASSES)) for s in [x for x in samples if x.label == c][:limit]]


def _compile(model, s: TrainSettings, steps_per_epoch: int):
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        s.learning_rate / 10, decay_steps=max(1, s.epochs * steps_per_epoch),
        warmup_target=s.learning_rate, warmup_steps=max(1, steps_per_epoch),
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(schedule, weight_decay=s.weight_decay),
        loss=keras.losses.BinaryCrossentropy(label_smoothing=s.label_smoothing),
        metrics=[keras.metrics.AUC(name="auc"), keras.metrics.BinaryAccuracy(name="accuracy")],
    )


def train_member(s: TrainSettings, train_u8, train_y, val_x, val_y, out: Path):
    """Train one network (seed ``s.seed + s.member_index``); returns the Keras model."""
    import keras

    from .architecture import build_model, member_prefix

    seed = s.seed + s.member_index
    keras.utils.set_random_seed(seed)
    batches = AugmentedBatches(train_u8, train_y, s.image_size, s.batch_size, s.augment,
                               seed=seed, workers=s.workers)
    model = build_model(s.image_size, width=s.width, dropout=s.dropout, prefix=member_prefix(s.member_index))
    _compile(model, s, len(batches))
    counts = np.bincount(train_y, minlength=2)
    class_weight = {c: float(len(train_y) / (2 * counts[c])) for c in range(2)}
    log.info("member %d: %d params, class weights %s", s.member_index, model.count_params(), class_weight)
    callbacks = [keras.callbacks.CSVLogger(str(out / "history.csv"))]
    if s.max_minutes > 0:
        callbacks.append(_TimeBudget(s.max_minutes))
    model.fit(batches, validation_data=(val_x, val_y), epochs=s.epochs, class_weight=class_weight,
              callbacks=callbacks, verbose=s.verbose)
    return model


def _TimeBudget(minutes: float):
    """A callback that ends training after the epoch that exceeds ``minutes`` (logged, not silent)."""
    import keras

    class TimeBudget(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.started = time.time()

        def on_epoch_end(self, epoch, logs=None):
            if time.time() - self.started > minutes * 60:
                log.warning("time budget of %.1f min reached after epoch %d: stopping", minutes, epoch + 1)
                self.model.stop_training = True

    return TimeBudget()


def load_split(s: TrainSettings):
    """(train samples, validation samples) of the patient split these settings define."""
    samples = _subset(data.list_split(s.data, "train"), s.limit)
    return data.split_by_patient(samples, s.val_fraction, s.split_seed, s.split)


def finalize(members: list, s: TrainSettings, train_s, val_s, val_x, out: Path, command: str,
             seconds: float) -> ModelMetadata:
    """Merge ``members`` into one model, calibrate it on validation, write model and metadata."""
    import keras

    from .architecture import build_ensemble, gradcam_layers

    val_y = np.array([x.label for x in val_s], dtype=np.int64)
    model = build_ensemble(members, s.image_size, s.width)  # uncompiled: no optimizer state saved
    model_file = out / "model.keras"
    model.save(model_file)
    raw = model.predict(val_x, batch_size=s.batch_size, verbose=0).ravel()
    member_auc = [metrics.ranking(m.predict(val_x, verbose=0).ravel(), val_y)["roc_auc"] for m in members]
    stub = ModelMetadata(
        version=s.version, classes=data.CLASSES, input_size=s.image_size, preprocessing=PREPROCESSING,
        temperature=1.0, presets={"balanced": 0.5}, default_preset="balanced", band=(0.5, 0.5),
        gradcam_layers=tuple(gradcam_layers(members)),
        weights_file=model_file.name, weights_sha256=sha256_of(model_file),
        training={
            "data": "Kermany et al. 2018 pediatric chest X-rays (kermany-224 train split)",
            "command": command, "train_images": len(train_s),
            "train_patients": len({x.patient for x in train_s}), "members": len(members),
            "epochs": s.epochs, "keras_backend": keras.backend.backend(),
            "parameters": int(model.count_params()), "seconds": round(seconds, 1),
        },
        validation={"images": len(val_s), "patients": len({x.patient for x in val_s}),
                    "split": s.split, "roc_auc_members": member_auc},
    )
    meta = recalibrate(stub, raw, val_y)
    meta.save(out / "model.json")
    (out / "validation_predictions.json").write_text(json.dumps({
        "files": [x.path.name for x in val_s], "labels": val_y.tolist(), "raw": raw.tolist(),
    }) + "\n")
    log.info("validation ROC AUC %.4f, temperature %.3f, presets %s", meta.validation["roc_auc"] or 0,
             meta.temperature, meta.presets)
    return meta


def run(s: TrainSettings) -> ModelMetadata:
    out = Path(s.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    (out / "settings.json").write_text(json.dumps(asdict(s), indent=2) + "\n")
    train_s, val_s = load_split(s)
    log.info("train %d images, validation %d images (split by patient)", len(train_s), len(val_s))
    train_u8 = load_u8(train_s, s.workers, "train images")
    val_x = stack_inputs(load_u8(val_s, s.workers, "validation images"), s.image_size)
    train_y = np.array([x.label for x in train_s], dtype=np.int64)
    val_y = np.array([x.label for x in val_s], dtype=np.int64)
    member = train_member(s, train_u8, train_y, val_x, val_y, out)
    member.save(out / "member.keras")
    command = "python -m pneumo_core.train " + " ".join(sys.argv[1:])
    return finalize([member], s, train_s, val_s, val_x, out, command, time.time() - started)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
