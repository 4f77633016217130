"""Re-fix calibration and operating points of a model from its recorded validation predictions.

``python -m pneumo_core calibrate models/pneumo_cnn.keras`` reads the model's recorded raw
validation outputs (written at training time) and rewrites the temperature, presets and band in its
metadata. Use it after changing the rules in ``pneumo_core.model.calibration``; it never looks at
the test split.

``--views DEG:SCALE ...`` changes how the model looks at an image (``ModelMetadata.views``, e.g.
``0:0.93`` = zoomed out 7 % inside a black border, as training's augmentation shows images) and
first re-scores the recorded validation images (found by name in ``--data``/train) that way. The
metadata file is written once, at the end, and only if everything before succeeded.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np

from ..decision import CLASSES
from ..errors import DataLayoutError, ModelFileError
from ..evaluation import metrics
from ..model import calibration
from ..model.bundle import ModelBundle, ValidationRecord
from ..model.metadata import ModelMetadata
from .kermany import Sample

log = logging.getLogger(__name__)


def recalibrate(meta: ModelMetadata, raw, labels) -> ModelMetadata:
    """A copy of ``meta`` with temperature, presets and band fitted on (raw, labels)."""
    raw, labels = np.asarray(raw, float), np.asarray(labels, int)
    temperature = calibration.fit_temperature(raw, labels)
    calibrated = calibration.apply_temperature(raw, temperature)
    ops = calibration.operating_points(calibrated, labels)
    validation = {**meta.validation, **metrics.ranking(calibrated, labels),
                  "ece": metrics.calibration(calibrated, labels)["ece"],
                  "at_default": metrics.at_threshold(calibrated, labels, ops["presets"][ops["default_preset"]]),
                  "band": metrics.band(calibrated, labels, ops["presets"][ops["default_preset"]], *ops["band"])}
    kept = {k: v for k, v in meta.rules.items() if k == "views"}  # not a calibration rule
    return dataclasses.replace(meta, temperature=temperature, presets=ops["presets"],
                               default_preset=ops["default_preset"], band=tuple(ops["band"]),
                               rules={**ops["rules"], **kept}, validation=validation)


def parse_view(text: str) -> tuple[float, float]:
    """``"DEG:SCALE"`` -> (degrees, scale)."""
    try:
        angle, scale = (float(part) for part in text.split(":"))
    except ValueError:
        raise ValueError(f"expected a view as DEGREES:SCALE (e.g. 0:0.93); got {text!r}") from None
    if not scale > 0:
        raise ValueError(f"expected a view's scale > 0; got {text!r}")
    return angle, scale


def validation_samples(record: ValidationRecord, data_dir: Path | str) -> list[Sample]:
    """The model's validation images (recorded by name at training time), found in ``data_dir``/train."""
    samples = []
    for name, label in zip(record.files, record.labels):
        path = Path(data_dir) / "train" / CLASSES[label] / name
        if not path.is_file():
            raise DataLayoutError(f"expected the validation image {path}; it is not there")
        samples.append(Sample(path, label))
    return samples


def rescore_validation(bundle: ModelBundle, meta: ModelMetadata, data_dir: Path | str) -> ValidationRecord:
    """Raw outputs of the model, looking as ``meta`` says, on its recorded validation files."""
    from ..model.predictor import Predictor
    from .batches import load_u8

    record = bundle.validation_record()
    samples = validation_samples(record, data_dir)
    predictor = Predictor(bundle, meta=meta)
    raw = predictor.raw_probabilities([im / 255.0 for im in load_u8(samples, 2, "validation images")])
    return dataclasses.replace(record, raw=tuple(raw.tolist()), views=tuple(meta.views))


def fit_bundle_gate(bundle: ModelBundle, meta: ModelMetadata, train: list[Sample], val: list[Sample]) -> ModelMetadata:
    """``meta`` with the input gate fitted on ``train`` and its thresholds fixed on ``val`` (the
    model's own split); the gate's arrays are written into the bundle."""
    from ..model.predictor import Predictor
    from .batches import load_u8
    from .gate_fit import fit_gate

    train_u8, val_u8 = load_u8(train, 2, "gate: train images"), load_u8(val, 2, "gate: validation images")
    features = Predictor(bundle, meta=dataclasses.replace(meta, gate={})).pooled_features
    gate, record = fit_gate(features([im.astype(np.float32) / 255 for im in train_u8]), np.array([s.label for s in train]),
                            features([im.astype(np.float32) / 255 for im in val_u8]), train_u8, val_u8)
    return dataclasses.replace(meta, gate={**record, "sha256": bundle.write_gate(gate)})


def _refit_gate(bundle: ModelBundle, meta: ModelMetadata, record: ValidationRecord, data_dir) -> ModelMetadata:
    """The gate fitted on the training part of the model's split (all train films not in its
    validation record), thresholds on its validation part."""
    from .kermany import list_split

    held_out = set(record.files)
    train = [s for s in list_split(data_dir, "train") if s.path.name not in held_out]
    return fit_bundle_gate(bundle, meta, train, validation_samples(record, data_dir))


def calibrate(bundle: ModelBundle, views: list[tuple[float, float]] | None = None, views_rule: str = "",
              data_dir: Path | str | None = None, gate: bool = False) -> ModelMetadata:
    """Re-fit the bundle's calibration (after re-scoring validation with ``views``, if given) and
    write its metadata (and, with views, the re-scored validation record). The input gate's learned
    checks are re-fitted too when ``gate`` is asked for or the model already has them."""
    meta = bundle.read_metadata()
    record = bundle.validation_record()
    if meta.validation.get("out_of_fold") and (gate or views):
        raise ModelFileError(f"{bundle.weights.name} was assembled from K folds: its gate and views are fixed by "
                             "`assemble` (run it again); `calibrate` alone re-fits only its calibration")
    refit_gate = (gate or bool(meta.gate)) and not meta.validation.get("out_of_fold")
    if (views or refit_gate) and data_dir is None:
        raise ValueError("expected the data folder to re-score the validation images")
    if views:
        if data_dir is None:
            raise ValueError("expected the data folder to re-score the validation images with new views")
        rule = views_rule or "set by hand with python -m pneumo_core calibrate --views"
        meta = dataclasses.replace(meta, views=tuple(views), rules={**meta.rules, "views": rule}, gate={})
        record = rescore_validation(bundle, dataclasses.replace(meta, gate={}), data_dir)
    new = recalibrate(meta, record.raw, record.labels)
    if refit_gate:
        new = _refit_gate(bundle, dataclasses.replace(new, gate={}), record, data_dir)
    if views:
        bundle.write_validation_record(record)
    if new.stress and new.stress.get("threshold") != new.default_threshold:
        log.warning("the default threshold moved: the stress report no longer applies; run `stress --save` again")
        new = dataclasses.replace(new, stress={})
    bundle.write_metadata(new)
    log.info("temperature %.3f, presets %s, band %s", new.temperature, new.presets, new.band)
    return new
