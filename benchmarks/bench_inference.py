"""Time each step of reading one upload, side by side: python benchmarks/bench_inference.py [IMAGE].

Prints a table of median wall-clock times in milliseconds (3 runs after one warm-up; heatmaps 1 run
after one warm-up) on this machine. The JPEG is decoded whole (as the app does, for the display copy
it keeps) and for the model alone (the JPEG decoder's own reduced scale, keeping both sides at least
224 pixels: what ``predict``, the archive and the model's film read). The model input and the gate's
checks are timed from that reduced decode and as before (squashed from the whole decode). The
forward pass is timed twice: as the predictor runs it (Keras' compiled ``predict_on_batch``) and as
an eager model call (how it was done before). Grad-CAM and Grad-CAM++ are timed twice: as the app
computes them (each ensemble member alone) and through the whole ensemble once per member (how it
was done before; the same map).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pneumo_core import METHODS, Predictor, Settings, load_image
from pneumo_core.imaging.checks import assess
from pneumo_core.imaging.preprocess import FILM_SIZE, model_inputs_u8, resize_square
from pneumo_core.model.explain import Explainer
from pneumo_core.training.compare_speed import median_seconds

DEFAULT = Settings.from_env().fullres_dir / "PNEUMONIA" / "person35_bacteria_180.jpeg"


timed = median_seconds  # median seconds of a call over ``runs`` (default 3), after a warm-up


def main(path: str = str(DEFAULT)) -> None:
    data = Path(path).read_bytes()
    predictor = Predictor()
    image = load_image(data)
    label = predictor.predict(image).label

    reduced = load_image(data, fit=FILM_SIZE)

    def prepare_from_whole_decode():  # how the model input and the orientation check were made before
        film = resize_square(image.u8, FILM_SIZE)
        findings = list(assess(image).findings) + (predictor.gate.before_network(film) if predictor.gate else [])
        return model_inputs_u8(film, predictor.meta.input_size, predictor.meta.views), findings

    rows = [("decode upload whole (the app's display copy)", timed(lambda: load_image(data), runs=10)),
            ("decode for the model alone (JPEG decoder at a reduced scale)",
             timed(lambda: load_image(data, fit=FILM_SIZE), runs=10)),
            ("input gate: header and image checks of the whole decode", timed(lambda: assess(image))),
            ("input gate: header and image checks of the reduced decode", timed(lambda: assess(reduced))),
            ("model input + gate from the reduced decode (predict, the archive)",
             timed(lambda: predictor.prepare(reduced), runs=10)),
            ("model input + gate of the whole decode (the app: the reduced decode made again)",
             timed(lambda: predictor.prepare(image), runs=10)),
            ("model input + gate, the film squashed from the whole decode (before)",
             timed(prepare_from_whole_decode, runs=10)),
            ("predict from the file's bytes (decode included)", timed(lambda: predictor.predict(data), runs=10))]
    x = predictor.prepare(image).x
    rows += [("forward pass: compiled (predict_on_batch)", timed(lambda: predictor.model.predict_on_batch(x))),
             ("forward pass: eager model call (before)", timed(lambda: predictor.model(x, training=False)))]
    rows += [(f"heatmap: {m}", timed(lambda m=m: predictor.explain(image, label, m), runs=1)) for m in METHODS]
    meta = predictor.meta
    whole = Explainer(predictor.model, meta.gradcam_layers, meta.classes, per_member=False)
    rows += [(f"heatmap: {m}, whole ensemble per member (before)",
              timed(lambda m=m: whole.explain(x, label, m, image.pixels.shape, meta.views), runs=1))
             for m in ("Grad-CAM", "Grad-CAM++")]
    sys.stdout.write(f"image {image.info.width}x{image.info.height}, model {predictor.meta.version}\n")
    sys.stdout.write("| step | median ms |\n|---|---|\n")
    for name, seconds in rows:
        sys.stdout.write(f"| {name} | {1000 * seconds:.0f} |\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
