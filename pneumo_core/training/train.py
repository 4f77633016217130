"""Train a model from scratch: ``python -m pneumo_core train --data DIR --out runs/NAME``.

Validation is carved from ``DIR/train`` by patient (``--split-seed``); class imbalance is handled
with class weights; images are augmented on the CPU; seeds are fixed. One run trains one network
(``--member-index`` i: seed ``--seed + i``, layer names ``m{i}_*``); ``ensemble`` merges runs that
share a split into one averaging model. Calibration and operating points are fixed on the
validation split. Written to ``--out``: ``member.keras`` (the trained network), the calibrated
deployable model ``model.keras`` with its metadata and validation record (see ``model.bundle``),
``history.csv`` and ``settings.json``.

Runs on any Keras 3 backend (``KERAS_BACKEND=jax`` on the GPU machine, TensorFlow on the CPU).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from ..decision import CLASSES
from ..errors import TrainingOptionsError
from ..evaluation import metrics
from ..imaging.preprocess import PREPROCESSING
from ..model.bundle import ModelBundle, ValidationRecord
from ..model.metadata import ModelMetadata, sha256_of
from . import kermany
from .batches import AugmentedBatches, load_u8, stack_inputs
from .recalibrate import fit_bundle_gate, recalibrate
from .settings import MODEL_FILE, TrainSettings

log = logging.getLogger(__name__)
FINAL_RECORD = "final.json"  # how the final network of a K-fold recipe was trained


def command_line() -> str:
    """How this process was started, as recorded in a model's metadata."""
    return "python -m pneumo_core " + " ".join(sys.argv[1:])


def limit_per_class(samples: list[kermany.Sample], limit: int) -> list[kermany.Sample]:
    if limit <= 0:
        return samples
    return [s for c in range(len(CLASSES)) for s in [x for x in samples if x.label == c][:limit]]


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


def train_member(s: TrainSettings, train_u8, train_y, val_x, val_y, out: Path, targets=None):
    """Train one network (seed ``s.seed + s.member_index``) towards ``targets`` (default: the labels
    ``train_y``); returns the Keras model."""
    import keras

    from ..model.architecture import build_model, member_prefix

    seed = s.seed + s.member_index
    keras.utils.set_random_seed(seed)
    batches = AugmentedBatches(train_u8, train_y if targets is None else targets, s.image_size, s.batch_size,
                               s.augment, seed=seed, workers=s.workers, mixup=s.mixup)
    model = build_model(s.image_size, width=s.width, dropout=s.dropout, prefix=member_prefix(s.member_index),
                        architecture=s.architecture)
    _compile(model, s, len(batches))
    counts = np.bincount(train_y, minlength=2)
    class_weight = {c: float(len(train_y) / (2 * counts[c])) for c in range(2)}
    log.info("member %d: %d params, class weights %s", s.member_index, model.count_params(), class_weight)
    callbacks = [keras.callbacks.CSVLogger(str(out / "history.csv"))]
    if s.max_minutes > 0:
        callbacks.append(_TimeBudget(s.max_minutes))
    validation = (val_x, val_y) if val_x is not None else None
    model.fit(batches, validation_data=validation, epochs=s.epochs, class_weight=class_weight,
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
    """(train samples, validation samples) of the patient split these settings define (validation is
    empty for the final network of a K-fold recipe)."""
    samples = limit_per_class(kermany.list_split(s.data, "train"), s.limit)
    if not s.folds:
        return kermany.split_by_patient(samples, s.val_fraction, s.split_seed, s.split)
    if not -1 <= s.fold < s.folds:
        raise ValueError(f"expected --fold between 0 and {s.folds - 1}, or -1 for all of train; got {s.fold}")
    folds = kermany.patient_folds(samples, s.folds, s.split_seed)
    return ([x for x, f in zip(samples, folds) if f != s.fold], [x for x, f in zip(samples, folds) if f == s.fold])


def finalize(members: list, s: TrainSettings, train_s, val_s, val_x, out: Path, command: str,
             seconds: float) -> ModelMetadata:
    """Merge ``members`` into one model, calibrate it and fit its input gate on validation, write
    model and metadata."""
    import keras

    from ..model.architecture import build_ensemble, gradcam_layers

    val_y = np.array([x.label for x in val_s], dtype=np.int64)
    model = build_ensemble(members, s.image_size, s.width)  # uncompiled: no optimizer state saved
    bundle = ModelBundle(out / MODEL_FILE)
    model.save(bundle.weights)
    raw = model.predict(val_x, batch_size=s.batch_size, verbose=0).ravel()
    member_auc = [metrics.ranking(m.predict(val_x, verbose=0).ravel(), val_y)["roc_auc"] for m in members]
    stub = ModelMetadata(
        version=s.version, classes=CLASSES, input_size=s.image_size, preprocessing=PREPROCESSING,
        temperature=1.0, presets={"balanced": 0.5}, default_preset="balanced", band=(0.5, 0.5),
        gradcam_layers=tuple(gradcam_layers(members)),
        weights_sha256=sha256_of(bundle.weights),
        training={
            "data": "Kermany et al. 2018 pediatric chest X-rays (kermany-224 train split)",
            "command": command, "train_images": len(train_s),
            "train_patients": len({x.patient for x in train_s}), "members": len(members),
            "epochs": s.epochs, "architecture": s.architecture, "keras_backend": keras.backend.backend(),
            "parameters": int(model.count_params()), "seconds": round(seconds, 1), "mixup": s.mixup,
        },
        validation={"images": len(val_s), "patients": len({x.patient for x in val_s}),
                    "split": s.split, "roc_auc_members": member_auc},
    )
    meta = fit_bundle_gate(bundle, recalibrate(stub, raw, val_y), train_s, val_s)
    bundle.write_metadata(meta)
    bundle.write_validation_record(ValidationRecord(tuple(x.path.name for x in val_s), tuple(val_y.tolist()),
                                                    tuple(raw.tolist())))
    log.info("validation ROC AUC %.4f, temperature %.3f, presets %s", meta.validation["roc_auc"] or 0,
             meta.temperature, meta.presets)
    return meta


def teachers_of(s: TrainSettings) -> list[Path]:
    """The fold runs ``--teachers``, in fold order, checked to be this recipe's folds ([] without
    ``--distill``); every option that cannot be honoured is refused here, before anything is written."""
    if s.mixup < 0:
        raise TrainingOptionsError(f"expected --mixup 0 (off) or a positive Beta parameter; got {s.mixup}")
    if not s.distill and not s.teachers:
        return []
    if not s.distill or not s.teachers:
        raise TrainingOptionsError("expected --distill WEIGHT and --teachers FOLD_RUN... together; got only "
                                   + ("--distill" if s.distill else "--teachers"))
    if not 0.0 < s.distill <= 1.0:
        raise TrainingOptionsError(f"expected a distillation weight in (0, 1]; got {s.distill}")
    if not s.folds or s.fold != -1:
        raise TrainingOptionsError("expected --distill and --teachers only with --folds K --fold -1 (the final "
                                   "network of a K-fold recipe, taught by its fold runs)")
    from .out_of_fold import check_runs

    return check_runs([TrainSettings.read(Path(d)) for d in s.teachers], s, [Path(d) for d in s.teachers])


def _distilled_targets(s: TrainSettings, teachers: list[Path], train_s, train_y: np.ndarray) -> np.ndarray | None:
    """The final network's targets with ``--distill``: the labels blended with the out-of-fold outputs
    of the fold runs ``teachers`` (``teachers_of``); None without it."""
    if not teachers:
        return None
    from .out_of_fold import out_of_fold_raw, teacher_targets

    raw = out_of_fold_raw(teachers, train_s, kermany.patient_folds(train_s, s.folds, s.split_seed))
    log.info("distilling: targets are %.0f %% the fold networks' out-of-fold outputs", 100 * s.distill)
    return teacher_targets(train_y.astype(np.float32), raw, s.distill)


def run(s: TrainSettings) -> ModelMetadata | None:
    teachers = teachers_of(s)
    out = Path(s.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    s.save(out)
    train_s, val_s = load_split(s)
    log.info("train %d images, validation %d images (split by patient)", len(train_s), len(val_s))
    train_u8 = load_u8(train_s, s.workers, "train images")
    train_y = np.array([x.label for x in train_s], dtype=np.int64)
    if not val_s:  # the final network of a K-fold recipe: `assemble` calibrates it on the folds
        member = train_member(s, train_u8, train_y, None, None, out,
                              _distilled_targets(s, teachers, train_s, train_y))
        member.save(out / "member.keras")
        taught_by = [ModelBundle(d / MODEL_FILE).read_metadata().weights_sha256 for d in teachers]
        (out / FINAL_RECORD).write_text(json.dumps({"command": command_line(), "seconds": round(time.time() - started, 1),
                                                    "train_images": len(train_s), "distill": s.distill,
                                                    "teachers_sha256": taught_by}) + "\n")
        log.info("trained on all %d training images; calibrate with `assemble`", len(train_s))
        return None
    val_x = stack_inputs(load_u8(val_s, s.workers, "validation images"), s.image_size)
    val_y = np.array([x.label for x in val_s], dtype=np.int64)
    member = train_member(s, train_u8, train_y, val_x, val_y, out)
    member.save(out / "member.keras")
    return finalize([member], s, train_s, val_s, val_x, out, command_line(), time.time() - started)
