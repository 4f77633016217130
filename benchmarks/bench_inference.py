"""Time each step of reading one upload, side by side: python benchmarks/bench_inference.py [IMAGE].

Prints a table of median wall-clock times (3 runs after one warm-up) on this machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from pneumo_core import METHODS, Predictor, load_image

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/datasets/fullres-samples/PNEUMONIA/person35_bacteria_180.jpeg"


def timed(fn, runs: int = 3) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(path: str = str(DEFAULT)) -> None:
    data = Path(path).read_bytes()
    predictor = Predictor()
    image = load_image(data)
    label = predictor.predict(image).label
    rows = [("decode upload", timed(lambda: load_image(data))),
            ("predict (calibrated probability)", timed(lambda: predictor.predict(image)))]
    rows += [(f"heatmap: {m}", timed(lambda m=m: predictor.explain(image, label, m), runs=1)) for m in METHODS]
    sys.stdout.write(f"image {image.info.width}x{image.info.height}, model {predictor.meta.version}\n")
    sys.stdout.write(f"| step | median seconds |\n|---|---|\n")
    for name, seconds in rows:
        sys.stdout.write(f"| {name} | {seconds:.2f} |\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
