"""The options of ``python -m pneumo_core compare`` and what each step runs (``compare`` says what
the steps do). Light to import: the command line builds its options from here."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..evaluation.comparison import markdown, read_comparison
from . import compare
from .compare import CANDIDATES, merge, score, train_all


def add_command(sub, env: Settings) -> None:
    """``compare`` and its five steps (options only: nothing heavy is imported)."""
    p = sub.add_parser("compare", help="train and measure the published architectures under pneumo's protocol",
                       description=compare.__doc__.split("\n\n")[0] + " Training belongs on the GPU machine "
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


def _run_merge(args: argparse.Namespace) -> int:
    sys.stdout.write(markdown(merge(args.reports, args.out)) + "\n")
    return 0


def _run_show(args: argparse.Namespace) -> int:
    report = read_comparison(args.report)
    if report is None:
        args.parser.error(f"no comparison report at {args.report}; run `python -m pneumo_core compare score` first")
    sys.stdout.write(markdown(report) + "\n")
    return 0
