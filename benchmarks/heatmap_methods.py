"""How long each heatmap method takes for one full-resolution upload, as the app computes it:
``python -m benchmarks.heatmap_methods [--films N]``.

For each method, side by side in one run: the first call in a fresh process (what the first user of
a method waits, graph tracing included) and the median over N different full-resolution films after
that. Prints a Markdown table in seconds. The app offers Score-CAM only under "Advanced" and states
the time measured here (``texts.METHOD_HELP``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from pneumo_core import METHODS, ExplanationError, Predictor, Settings, load_image, texts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--films", type=int, default=5, help="full-resolution films per method (default 5)")
    args = parser.parse_args(argv)
    files = sorted(Settings.from_env().fullres_dir.rglob("*.jpeg"))[: args.films + 1]
    if len(files) < 2:
        raise SystemExit(f"expected full-resolution films under {Settings.from_env().fullres_dir}; found {len(files)}")
    predictor = Predictor()
    images = [load_image(f.read_bytes()) for f in files]
    prepared = [predictor.prepare(i) for i in images]
    labels = [p.label for p in predictor.predict_batch(prepared)]  # prepared once, as the app does
    def explain(x, label, method) -> tuple[float, bool]:
        """Seconds taken, and whether a map came back (an empty one is an ExplanationError, as in the app)."""
        start = time.perf_counter()
        try:
            predictor.explain(x, label, method, out_size=(512, 512))
        except ExplanationError:
            return time.perf_counter() - start, False
        return time.perf_counter() - start, True

    rows = []
    for method in METHODS:
        first, _ = explain(prepared[0], labels[0], method)
        runs = [explain(x, label, method) for x, label in zip(prepared[1:], labels[1:])]
        times = [t for t, _ in runs]
        rows.append((method, first, statistics.median(times), max(times), sum(not ok for _, ok in runs)))
    sys.stdout.write(f"model {predictor.meta.version}, {len(files) - 1} full-resolution films after the first\n\n"
                     "| method | shown as | first call s | median s | slowest s | empty maps |\n|---|---|---|---|---|---|\n")
    for method, first, median, slowest, empty in rows:
        sys.stdout.write(f"| {method} | {texts.method_title(method)} | {first:.2f} | {median:.2f} | {slowest:.2f} "
                         f"| {empty} of {len(files) - 1} |\n")


if __name__ == "__main__":
    main()
