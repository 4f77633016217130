"""Speed of every network in the comparison, side by side in one run on this machine.

Each row is served by a ``Predictor`` as the app serves a model and timed, for one full-resolution
JPEG, for decode + predict (the file's bytes read for the model alone, as ``predict`` and the archive
read them: a JPEG decoded at a reduced scale, the header and image checks, the model input, the
forward pass, calibration) and + Grad-CAM (then the heatmap at the size the app shows the film).
Every row is timed without the input gate's learned checks (an untrained network has none; they
add the same few milliseconds to any network). The model files of the comparison stay on the GPU
machine (several are over 50 MB); a row whose weights are not among ``models`` is timed on an
untrained network of the same architecture, width and input size, which runs as fast: speed does
not depend on what a network learnt. The report says which, row by row.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from ..config import Settings
from ..decision import CLASSES
from ..errors import DataLayoutError, ModelFileError
from ..evaluation.comparison import ComparisonReport, read_comparison, write_comparison
from ..imaging.load import load_image
from ..imaging.preprocess import downscale
from ..model.bundle import ModelBundle
from ..model.metadata import ModelMetadata, sha256_of

log = logging.getLogger(__name__)
DEFAULT_IMAGE = "PNEUMONIA/person35_bacteria_180.jpeg"  # in the full-resolution samples folder
DEFAULT_WIDTH = {"resnet": 24, "fast": 32}  # when a row does not record its width (the shipped ensemble: 24)


def median_seconds(fn, runs: int = 3) -> float:
    """Median wall-clock seconds of ``fn()`` over ``runs`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def untrained_bundle(folder: Path, architecture: str, input_size: int = 224, width: int = 32,
                     members: int = 1) -> ModelBundle:
    """A served-model bundle of a randomly initialised network (for timing only: it has no gate)."""
    import keras

    from ..model.architecture import build_ensemble, build_model, gradcam_layers, member_prefix

    keras.utils.set_random_seed(0)
    nets = [build_model(input_size, width=width, prefix=member_prefix(i), architecture=architecture)
            for i in range(members)]
    bundle = ModelBundle(folder / f"untrained-{architecture}-{members}.keras")
    build_ensemble(nets, input_size, width).save(bundle.weights)
    bundle.write_metadata(ModelMetadata(
        version=f"untrained-{architecture}", classes=CLASSES, input_size=input_size, preprocessing="timing only",
        temperature=1.0, presets={"balanced": 0.5}, default_preset="balanced", band=(0.4, 0.6),
        gradcam_layers=tuple(gradcam_layers(nets)), weights_sha256=sha256_of(bundle.weights)))
    return bundle


def time_bundle(model, data: bytes, runs: int, heatmap: bool = True, gate: bool = False) -> dict:
    """Median milliseconds of decode + predict and of + Grad-CAM (the model input made once, the label
    from it, then the heatmap) for ``model`` (a ``ModelBundle`` or a loaded ``Predictor``) on the JPEG
    ``data``; with ``gate``, its learned checks too."""
    from ..model.predictor import Predictor

    predictor = Predictor(model) if isinstance(model, ModelBundle) else model
    if not gate:
        predictor.gate = None  # the same steps for every row (an untrained network has no learned gate)

    shown = downscale(load_image(data).pixels).shape  # the film as the app shows it (its display copy)

    def predict():
        return predictor.predict(data)

    def explain():
        return predictor.explain(data, method="Grad-CAM", out_size=shown)

    out = {"predict_ms": round(1000 * median_seconds(predict, runs), 1)}
    if heatmap:
        out["gradcam_ms"] = round(1000 * median_seconds(explain, runs), 1)
    return out


def machine() -> str:
    return f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), {platform.system()}"


def time_report(report_path: Path, models: list[Path], image: Path | None = None, runs: int = 10) -> ComparisonReport:
    """Time every row of the report at ``report_path`` and write the speeds into it."""
    report = read_comparison(report_path)
    if report is None:
        raise ModelFileError(f"no comparison report at {report_path}; run `python -m pneumo_core compare score` first")
    image = image or Settings.from_env().fullres_dir / DEFAULT_IMAGE
    if not image.is_file():
        raise DataLayoutError(f"expected a full-resolution JPEG to time at {image}; pass one with --image")
    data = image.read_bytes()
    local = {ModelBundle(m).meta.weights_sha256: ModelBundle(m) for m in models if Path(m).is_file()}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for row in report.rows:
            bundle = local.get(row.weights_sha256)
            timed_on = "this model"
            if bundle is None:
                width = row.training.get("width") or DEFAULT_WIDTH.get(row.architecture, 32)
                bundle = untrained_bundle(Path(tmp), row.architecture, row.training.get("input_size") or 224,
                                          width=width, members=row.training.get("members") or 1)
                timed_on = "an untrained network of the same architecture"
            speed = {**time_bundle(bundle, data, runs, heatmap=row.map_side > 1), "timed_on": timed_on}
            log.info("%s: %s", row.name, speed)
            rows.append(dataclasses.replace(row, speed=speed))
    decoded = load_image(data).info
    timing = {"machine": machine(), "image": f"{image.name}, {decoded.width}x{decoded.height}", "runs": runs}
    updated = dataclasses.replace(report, rows=tuple(rows), timing=timing)
    write_comparison(updated, report_path)
    return updated
