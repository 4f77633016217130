"""The networks through the app's own path, side by side: ``python -m benchmarks.bench_architectures [IMAGE]``.

For one full-resolution JPEG (default: a sample of ``../shared/datasets/fullres-samples``), each
network is served by a ``Predictor`` exactly as the app serves a model, and timed for:
- decode + predict: the file's bytes read for the model alone, as ``predict`` and the archive read
  them (the JPEG decoded at a reduced scale), the input gate's checks, the model input, the forward
  pass and calibration;
- + Grad-CAM: the same, then the Grad-CAM heatmap (tf-keras-vis) at the size the app shows the film;
- app upload: what the Read page does with an upload (``read_uploads``): the JPEG decoded whole for
  the display copy the app keeps, the model's own reduced decode, the checks and the probability.
Medians of 10 runs after a warm-up, in milliseconds, on this machine. The shipped model is the
committed one (with its learned gate); the others have random weights: how fast a network runs does
not depend on what it learnt, and none of them has a gate yet (it adds ~2.5 ms). Nothing is trained.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from pneumo_core import ModelBundle, Predictor, Settings, load_image, read_uploads
from pneumo_core.training.compare_speed import median_seconds, time_bundle, untrained_bundle

DEFAULT = Settings.from_env().fullres_dir / "PNEUMONIA" / "person35_bacteria_180.jpeg"
# (row name, architecture, width, members); None = the committed model
NETWORKS = [("ResNet50V2 (keras.applications)", "resnet50v2", 0, 1),
            ("shipped: 5 residual CNNs (pneumo-ens5)", None, 0, 0),
            ("one residual CNN, width 24", "resnet", 24, 1),
            ("fast (model v2), width 32", "fast", 32, 1)]


def main(path: str = str(DEFAULT)) -> int:
    data = Path(path).read_bytes()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, architecture, width, members in NETWORKS:
            bundle = (ModelBundle.default() if architecture is None
                      else untrained_bundle(Path(tmp), architecture, 224, width, members))
            predictor = Predictor(bundle)
            ms = time_bundle(predictor, data, runs=10, gate=True)
            upload_ms = 1000 * median_seconds(lambda p=predictor: read_uploads(p, [("film.jpeg", data)]), runs=10)
            rows.append((name, predictor.model.count_params(), bundle.weights.stat().st_size / 2**20,
                         ms["predict_ms"], ms["gradcam_ms"], upload_ms))
    image = load_image(data)
    reference = rows[0]
    out = sys.stdout
    out.write(f"image {image.info.width}x{image.info.height}; medians of 10, milliseconds\n\n")
    out.write("| network | parameters | file MB | decode + predict | + Grad-CAM | app upload | "
              "vs ResNet50V2 (predict / + Grad-CAM / upload) |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    for name, params, mb, predict_ms, explain_ms, upload_ms in rows:
        out.write(f"| {name} | {params / 1e6:.2f} M | {mb:.1f} | {predict_ms:.0f} | {explain_ms:.0f} | {upload_ms:.0f} | "
                  f"{reference[3] / predict_ms:.1f}× / {reference[4] / explain_ms:.1f}× / {reference[5] / upload_ms:.1f}× |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
