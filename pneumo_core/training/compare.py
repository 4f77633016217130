"""The published approaches under pneumo's protocol: ``python -m pneumo_core compare {train,score,time,show}``.

- ``train``: one run of ``train`` per architecture (``CANDIDATES``: the published ones of
  ``model.published_nets`` and pneumo's own ``fast``), all with the same patient split, augmentation,
  number of epochs and time cap, in parallel (on the GPU machine: ``tools/compare_gpu.sh``). Each
  run calibrates its network, fixes its presets and band and fits its input gate on validation, as
  every pneumo model is.
- ``score``: for each run, the official test split scored once at the threshold fixed on validation
  (a run already in the report, same weights, keeps its numbers and is not scored again) and the
  validation stress report; the served model joins with its committed test report. Written to the
  comparison report the Model performance page reads (``evaluation.comparison``).
- ``time``: every row's speed on this machine, side by side in one run (``compare_speed``).
- ``merge``: the reports of several ``score`` runs (e.g. two GPU commands) as one.
- ``show``: the report as a Markdown table.

Light to import (the command line builds its options from here): networks and images are loaded
by the functions that need them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import subprocess
import sys
import time
from pathlib import Path

from ..config import Settings
from ..errors import ModelFileError
from ..evaluation.comparison import ComparisonReport, ComparisonRow, markdown, read_comparison, write_comparison
from .settings import SETTINGS_FILE, TrainSettings

log = logging.getLogger(__name__)

# Trained by ``compare train`` in this order; "fast" is pneumo's own (model v2's) network.
CANDIDATES = ("mlp", "cnn3", "vgg16", "resnet50v2", "inceptionv3", "mobilenetv2", "fast")
PROTOCOL = ("The networks trained by `python -m pneumo_core compare train` share pneumo's pipeline: the same split of "
            "the training films by patient, the same augmentation, epochs and time cap; calibration, presets and band "
            "fixed on that validation split by the rules every pneumo model follows. Every row, the served model's "
            "too, is scored once on the official 624-film test split at its default threshold.")
MODEL_FILE = "model.keras"  # what `train` writes in its output folder


def train_all(out: Path, architectures: list[str], epochs: int, max_minutes: float, parallel: int,
              train_args: list[str]) -> int:
    """Run ``train`` once per architecture into ``out/ARCH`` (``parallel`` at a time); 0 if all ended well."""
    out.mkdir(parents=True, exist_ok=True)
    pending, running, failed = list(architectures), [], []
    while pending or running:
        while pending and len(running) < parallel:
            arch = pending.pop(0)
            command = [sys.executable, "-m", "pneumo_core", "train", "--architecture", arch, "--out", str(out / arch),
                       "--epochs", str(epochs), "--max-minutes", str(max_minutes), "--version", f"compare-{arch}",
                       *train_args]
            log.info("training %s: %s", arch, " ".join(command[1:]))
            handle = open(out / f"{arch}.log", "w")  # noqa: SIM115 -- closed when the run ends
            running.append((arch, subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT), handle))
        time.sleep(1)
        for item in list(running):
            arch, process, handle = item
            if process.poll() is not None:
                handle.close()
                running.remove(item)
                if process.returncode:
                    failed.append(arch)
                log.info("%s ended with status %d (log: %s)", arch, process.returncode, out / f"{arch}.log")
    if failed:
        log.error("these runs failed: %s", ", ".join(failed))
    return 1 if failed else 0


def _run_dir(path: Path) -> tuple[Path, Path | None]:
    """(model file, the run folder it came from or None) for a run folder of ``train`` or a model file."""
    return (path / MODEL_FILE, path) if path.is_dir() else (path, None)


def _epochs_run(run_dir: Path | None) -> int | None:
    history = run_dir / "history.csv" if run_dir else None
    if history is None or not history.is_file():
        return None
    return max(0, len(history.read_text().strip().splitlines()) - 1)


def _thin(values: list, points: int = 100) -> list:
    step = max(1, -(-len(values) // points))
    return [round(float(v), 4) for v in values[::step]] + ([round(float(values[-1]), 4)] if (len(values) - 1) % step else [])


def measure(model_file: Path, run_dir: Path | None, report, stress: dict, how: str, name: str = "") -> ComparisonRow:
    """A row from a model's files, its test ``EvaluationReport`` and its validation stress report."""
    import keras

    from ..model.bundle import ModelBundle
    from ..model.published_nets import PUBLISHED_NETS

    bundle = ModelBundle(model_file)
    meta = bundle.meta
    network = keras.models.load_model(bundle.weights, compile=False)
    arch = meta.training.get("architecture", "resnet")  # recorded since there was a choice; before: resnet
    threshold = meta.default_threshold
    at = report.at(threshold)
    roc = report.curves.get("roc") or {"fpr": [], "tpr": []}
    if not name:
        own = f"pneumo's {arch} network" + (" (model v2's)" if arch == "fast" else "")
        name = PUBLISHED_NETS[arch][1] if arch in PUBLISHED_NETS else own
    width = TrainSettings.read(run_dir).width if run_dir and (run_dir / SETTINGS_FILE).is_file() else None
    return ComparisonRow(
        key=meta.version, name=name, architecture=arch, weights_sha256=meta.weights_sha256,
        parameters=int(network.count_params()), file_mb=round(bundle.weights.stat().st_size / 2**20, 2),
        map_side=int(network.get_layer(meta.gradcam_layers[0]).output.shape[1]),
        training={"epochs": meta.training.get("epochs"), "epochs_run": _epochs_run(run_dir),
                  "seconds": meta.training.get("seconds"), "backend": meta.training.get("keras_backend"),
                  "command": meta.training.get("command"), "train_images": meta.training.get("train_images"),
                  "members": meta.training.get("members", 1), "input_size": meta.input_size, "width": width},
        test={"threshold": threshold, "preset": meta.default_preset,
              **{k: at[k] for k in ("accuracy", "sensitivity", "specificity", "confusion_matrix")},
              "interval_95": {k: list(v) if v else None for k, v in at["interval_95"].items()},
              "roc_auc": report.ranking["roc_auc"], "ece": report.calibration["ece"], "counts": report.counts,
              "roc": {"fpr": _thin(roc["fpr"]), "tpr": _thin(roc["tpr"])}},
        stress={k: stress[k] for k in ("worst_drop", "max_drop", "eligible", "rows", "images", "threshold")
                if k in stress},
        speed=None, how=how)


def score(runs: list[Path], reference: Path | None, data: Path, out: Path) -> ComparisonReport:
    """Add every run (and the served model) to the report at ``out``, scoring each test split once:
    rows already there (same weights) are kept as they are, and so are rows of other networks."""
    from ..evaluation.report import EvaluationReport
    from ..model.bundle import ModelBundle
    from .evaluate import evaluate, summary
    from .stress import judge

    existing = read_comparison(out)
    rows = {r.weights_sha256: r for r in existing.rows} if existing else {}
    for path in runs:
        model_file, run_dir = _run_dir(path)
        bundle = ModelBundle(model_file)
        if bundle.meta.weights_sha256 in rows:
            log.info("%s: already scored on the test split; kept as it was", rows[bundle.meta.weights_sha256].name)
            continue
        raw = evaluate(data, "test", bundle)
        bundle.write_report("test", raw)
        log.info("%s: %s", bundle.meta.version, summary(raw))
        stress = bundle.meta.stress or judge(bundle, data)
        rows[bundle.meta.weights_sha256] = measure(
            model_file, run_dir, EvaluationReport(raw), stress,
            f"Trained by `{bundle.meta.training.get('command', '?')}`; scored by `python -m pneumo_core compare score`.")
    if reference:
        bundle = ModelBundle(reference)
        rows[bundle.meta.weights_sha256] = measure(
            reference, None, bundle.report("test"), bundle.meta.stress,
            "The model this app serves, trained by its own recipe (see its training record), with its committed "
            "test report (`python -m pneumo_core evaluate --split test`, scored once).",
            name=f"pneumo {bundle.meta.version} (the model this app serves)")
    timing = existing.timing if existing else {}
    report = ComparisonReport(tuple(rows.values()), PROTOCOL, timing, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    write_comparison(report, out)
    return report


def add_command(sub, env: Settings) -> None:
    """``compare`` and its four steps (options only: nothing heavy is imported)."""
    p = sub.add_parser("compare", help="train and measure the published architectures under pneumo's protocol",
                       description=__doc__.split("\n\n")[0] + " Training belongs on the GPU machine "
                                   "(tools/compare_gpu.sh); timing on the machine the app runs on.")
    steps = p.add_subparsers(dest="step", required=True, metavar="STEP")
    t = steps.add_parser("train", help="train one network per architecture, same budget for all")
    t.add_argument("--out", required=True, type=Path, help="folder for the runs (one sub-folder per architecture)")
    t.add_argument("--architectures", nargs="+", default=list(CANDIDATES), choices=CANDIDATES, metavar="ARCH",
                   help=f"default: all of {', '.join(CANDIDATES)}")
    t.add_argument("--epochs", type=int, default=20, help="epochs for every network (default: %(default)s)")
    t.add_argument("--max-minutes", type=float, default=8.0,
                   help="wall-clock cap per network, recorded when it stops a run (default: %(default)s)")
    t.add_argument("--parallel", type=int, default=len(CANDIDATES), help="runs at a time (default: %(default)s)")
    t.add_argument("train_args", nargs=argparse.REMAINDER, help="after --: more options for every `train` run")
    t.set_defaults(run=_run_train)
    s = steps.add_parser("score", help="score the runs on the test split (once each) and judge them on validation")
    s.add_argument("runs", nargs="*", type=Path, help="output folders of `compare train` (or model files)")
    s.add_argument("--reference", type=Path, default=env.model_path, help="the served model (default: %(default)s)")
    s.add_argument("--no-reference", action="store_true", help="leave the served model out")
    s.add_argument("--data", type=Path, default=env.data_dir, help="data folder (default: %(default)s)")
    s.add_argument("--out", type=Path, default=env.comparison_path, help="report (default: %(default)s)")
    s.set_defaults(run=_run_score)
    m = steps.add_parser("time", help="time every row of the report on this machine, side by side")
    m.add_argument("--report", type=Path, default=env.comparison_path, help="report (default: %(default)s)")
    m.add_argument("--models", nargs="*", type=Path, default=[env.model_path],
                   help="model files to time as they are (others: an untrained copy of the same network)")
    m.add_argument("--image", type=Path, default=None, help="a full-resolution JPEG (default: a sample)")
    m.add_argument("--runs", type=int, default=10, help="timed runs per row, after a warm-up (default: %(default)s)")
    m.set_defaults(run=_run_time)
    g = steps.add_parser("merge", help="join the reports of several `score` runs into one")
    g.add_argument("reports", nargs="+", type=Path, help="comparison reports")
    g.add_argument("--out", type=Path, default=env.comparison_path, help="report (default: %(default)s)")
    g.set_defaults(run=_run_merge)
    w = steps.add_parser("show", help="print the report as a Markdown table")
    w.add_argument("--report", type=Path, default=env.comparison_path, help="report (default: %(default)s)")
    w.set_defaults(run=_run_show, parser=w)


def _run_train(args: argparse.Namespace) -> int:
    extra = args.train_args[1:] if args.train_args[:1] == ["--"] else args.train_args
    return train_all(args.out, args.architectures, args.epochs, args.max_minutes, max(1, args.parallel), extra)


def _run_score(args: argparse.Namespace) -> int:
    report = score(args.runs, None if args.no_reference else args.reference, args.data, args.out)
    sys.stdout.write(markdown(report) + "\n")
    return 0


def _run_time(args: argparse.Namespace) -> int:
    from .compare_speed import time_report

    sys.stdout.write(markdown(time_report(args.report, args.models, args.image, args.runs)) + "\n")
    return 0


def merge(reports: list[Path], out: Path) -> ComparisonReport:
    """One report of the rows of ``reports`` (a row found twice, same weights, is kept once; speeds
    are dropped: time the merged report in one run)."""
    rows: dict[str, ComparisonRow] = {}
    for path in reports:
        found = read_comparison(path)
        if found is None:
            raise ModelFileError(f"no comparison report at {path}")
        rows.update({r.weights_sha256: dataclasses.replace(r, speed=None) for r in found.rows})
    merged = ComparisonReport(tuple(rows.values()), PROTOCOL, {}, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    write_comparison(merged, out)
    return merged


def _run_merge(args: argparse.Namespace) -> int:
    sys.stdout.write(markdown(merge(args.reports, args.out)) + "\n")
    return 0


def _run_show(args: argparse.Namespace) -> int:
    report = read_comparison(args.report)
    if report is None:
        args.parser.error(f"no comparison report at {args.report}; run `python -m pneumo_core compare score` first")
    sys.stdout.write(markdown(report) + "\n")
    return 0
