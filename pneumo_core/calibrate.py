"""Re-fix calibration and operating points of a model from its recorded validation predictions.

``python -m pneumo_core.calibrate models/pneumo_cnn.keras`` reads ``<model>.validation.json`` (the
raw validation outputs written at training time) and rewrites the temperature, presets and band in
``<model>.json``. Use it after changing the rules in ``pneumo_core.calibration``; it never looks
at the test split.

``--views DEG:SCALE ...`` changes how the model looks at an image (``ModelMetadata.views``, e.g.
``0:0.93`` = zoomed out 7 % inside a black border, as training's augmentation shows images) and
first re-scores the recorded validation images (found by name in ``--data``/train) that way.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path

import numpy as np

from . import calibration, data, metrics
from .errors import DataLayoutError
from .metadata import ModelMetadata, metadata_path

log = logging.getLogger("pneumo_core.calibrate")


def validation_path(model_path: Path | str) -> Path:
    return Path(model_path).with_suffix(".validation.json")


def recalibrate(meta: ModelMetadata, raw, labels) -> ModelMetadata:
    """A copy of ``meta`` with temperature, presets and band fitted on (raw, labels)."""
    raw, labels = np.asarray(raw, float), np.asarray(labels, int)
    temperature = calibration.fit_temperature(raw, labels)
    calibrated = calibration.apply_temperature(raw, temperature)
    ops = calibration.operating_points(calibrated, labels)
    validation = {**meta.validation, **metrics.ranking(calibrated, labels),
                  "ece": metrics.calibration(calibrated, labels)["ece"],
                  "at_default": metrics.at_threshold(calibrated, labels, ops["presets"][ops["default_preset"]])}
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


def validation_samples(model_path: Path | str, data_dir: Path | str) -> list[data.Sample]:
    """The model's validation images (recorded by name at training time), found in ``data_dir``/train."""
    record = json.loads(validation_path(model_path).read_text())
    samples = []
    for name, label in zip(record["files"], record["labels"]):
        path = Path(data_dir) / "train" / data.CLASSES[label] / name
        if not path.is_file():
            raise DataLayoutError(f"expected the validation image {path}; it is not there")
        samples.append(data.Sample(path, label))
    return samples


def rescore_validation(model_path: Path, data_dir: Path) -> dict:
    """Raw outputs of the model (as its metadata now says to look) on its recorded validation files."""
    from .dataset import load_u8
    from .predict import Predictor

    samples = validation_samples(model_path, data_dir)
    predictor = Predictor(model_path)
    raw = predictor.raw_probabilities([im / 255.0 for im in load_u8(samples, 2, "validation images")])
    record = json.loads(validation_path(model_path).read_text())
    return {**record, "raw": raw.tolist(), "views": [list(v) for v in predictor.meta.views]}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ap = argparse.ArgumentParser(prog="python -m pneumo_core.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--views", nargs="+", type=parse_view, default=None, metavar="DEG:SCALE",
                    help="how the model looks at an image; the validation images are re-scored")
    ap.add_argument("--views-rule", default="", help="how the views were chosen (recorded in the metadata)")
    ap.add_argument("--data", type=Path, default=data.default_data_dir(), help="data folder (with --views)")
    args = ap.parse_args(argv)
    meta = ModelMetadata.load(metadata_path(args.model))
    if args.views:
        rule = args.views_rule or "set by hand with pneumo_core.calibrate --views"
        old, meta = meta, dataclasses.replace(meta, views=tuple(args.views), rules={**meta.rules, "views": rule})
        meta.save(metadata_path(args.model))  # the Predictor that re-scores reads it from disk
        try:
            record = rescore_validation(args.model, args.data)
        except BaseException:
            old.save(metadata_path(args.model))  # never leave new views with the old calibration
            raise
        validation_path(args.model).write_text(json.dumps(record) + "\n")
    record = json.loads(validation_path(args.model).read_text())
    new = recalibrate(meta, record["raw"], record["labels"])
    new.save(metadata_path(args.model))
    log.info("temperature %.3f, presets %s, band %s", new.temperature, new.presets, new.band)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
