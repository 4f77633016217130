"""Re-fix calibration and operating points of a model from its recorded validation predictions.

``python -m pneumo_core.calibrate models/pneumo_cnn.keras`` reads ``<model>.validation.json`` (the
raw validation outputs written at training time) and rewrites the temperature, presets and band in
``<model>.json``. Use it after changing the rules in ``pneumo_core.calibration``; it never looks
at the test split.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path

import numpy as np

from . import calibration, metrics
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
    return dataclasses.replace(meta, temperature=temperature, presets=ops["presets"],
                               default_preset=ops["default_preset"], band=tuple(ops["band"]),
                               rules=ops["rules"], validation=validation)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ap = argparse.ArgumentParser(prog="python -m pneumo_core.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    args = ap.parse_args(argv)
    meta = ModelMetadata.load(metadata_path(args.model))
    record = json.loads(validation_path(args.model).read_text())
    new = recalibrate(meta, record["raw"], record["labels"])
    new.save(metadata_path(args.model))
    log.info("temperature %.3f, presets %s, band %s", new.temperature, new.presets, new.band)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
