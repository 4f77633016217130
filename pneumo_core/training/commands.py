"""The offline commands of ``python -m pneumo_core``: train, ensemble, assemble, calibrate, evaluate, stress,
and compare (``compare`` declares its own).

``add_commands`` declares their options (light: no keras is imported to build ``--help``); each
``run_*`` imports what it needs when it runs. Logging and argument parsing are set up once, by
``pneumo_core.cli``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from ..config import Settings
from . import settings as train_settings

log = logging.getLogger(__name__)


def _view(text: str) -> tuple[float, float]:
    from .recalibrate import parse_view

    try:
        return parse_view(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_commands(sub, env: Settings) -> None:
    """Add the offline subcommands to ``sub`` (an argparse subparsers object)."""
    p = sub.add_parser("evaluate", help="score a labelled split and write the model's report on it",
                       description="Score every image of DATA/SPLIT and write the model's evaluation report "
                                   "(thresholds from the model's metadata, fixed on validation).")
    p.add_argument("--data", type=Path, default=env.data_dir, help="data folder (default: %(default)s)")
    p.add_argument("--split", default="test", choices=("train", "test"))
    p.add_argument("--model", type=Path, default=env.model_path, help="model file (default: %(default)s)")
    p.add_argument("--out", type=Path, default=None, help="report file (default: into the model's bundle)")
    p.set_defaults(run=run_evaluate)

    p = sub.add_parser("train", help="train one network from scratch (use a GPU: tools/train_gpu.sh)",
                       description="Train one network from scratch; validation is carved from train by patient.")
    train_settings.add_arguments(p, env.data_dir)
    p.set_defaults(run=run_train)

    p = sub.add_parser("ensemble", help="merge trained runs into one averaging model, calibrated on validation",
                       description="Merge the runs of `train` (same split, distinct --member-index) into one model.")
    p.add_argument("runs", nargs="+", type=Path, help="output folders of `train`")
    p.add_argument("--out", required=True, type=Path, help="folder for the merged model")
    p.add_argument("--data", default=None, help="data folder (default: the one the runs used)")
    p.add_argument("--version", default="", help="model version string (default: the out folder's name)")
    p.set_defaults(run=run_ensemble)

    p = sub.add_parser("assemble", help="calibrate the final network of a K-fold recipe on its folds' out-of-fold outputs",
                       description="Serve the network of `train --folds K --fold -1`, with calibration, presets, band, "
                                   "input gate and stress report fixed on the out-of-fold outputs of the K fold runs.")
    p.add_argument("folds", nargs="+", type=Path, help="output folders of `train --folds K --fold i`, i = 0..K-1")
    p.add_argument("--final", required=True, type=Path, help="output folder of `train --folds K --fold -1`")
    p.add_argument("--out", required=True, type=Path, help="folder for the deployable model")
    p.add_argument("--data", default=None, help="data folder (default: the one the runs used)")
    p.add_argument("--version", default="", help="model version string (default: the out folder's name)")
    p.set_defaults(run=run_assemble)

    p = sub.add_parser("calibrate", help="re-fix calibration and presets from the recorded validation outputs",
                       description="Re-fix temperature, presets and band on the model's validation record; "
                                   "never looks at the test split.")
    p.add_argument("model", type=Path, help="model file (its metadata is rewritten)")
    p.add_argument("--views", nargs="+", type=_view, default=None, metavar="DEG:SCALE",
                   help="how the model looks at an image; the validation images are re-scored first")
    p.add_argument("--views-rule", default="", help="how the views were chosen (recorded in the metadata)")
    p.add_argument("--gate", action="store_true",
                   help="fit the input gate's learned checks (re-fitted anyway when the model has them)")
    p.add_argument("--data", type=Path, default=env.data_dir,
                   help="data folder, with --views or --gate (default: %(default)s)")
    p.set_defaults(run=run_calibrate)

    p = sub.add_parser("stress", help="judge a model on validation under framing changes, and probe for shortcuts",
                       description="Specificity and sensitivity on the model's validation split under vertical and "
                                   "horizontal stretch, centre crop and zoom-out, and how much of its output global "
                                   "image statistics explain; never looks at the test split.")
    p.add_argument("model", type=Path, help="model file")
    p.add_argument("--data", type=Path, default=env.data_dir, help="data folder (default: %(default)s)")
    p.add_argument("--save", action="store_true", help="keep the report in the model's metadata")
    p.set_defaults(run=run_stress)

    from .compare_cli import add_command as add_compare  # light: options only

    add_compare(sub, env)


def run_evaluate(args: argparse.Namespace) -> int:
    from ..model.bundle import ModelBundle
    from .evaluate import evaluate, summary

    bundle = ModelBundle(args.model)
    report = evaluate(args.data, args.split, bundle)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")
        out = args.out
    else:
        out = bundle.write_report(args.split, report)
    log.info("%s -> %s", summary(report), out)
    return 0


def run_train(args: argparse.Namespace) -> int:
    from .train import run

    run(train_settings.from_arguments(args))
    return 0


def run_ensemble(args: argparse.Namespace) -> int:
    from .ensemble import merge

    started = time.time()
    merge(args.runs, args.out, args.data, args.version)
    log.info("merged %d runs in %.0f s", len(args.runs), time.time() - started)
    return 0


def run_assemble(args: argparse.Namespace) -> int:
    from .assemble import assemble

    started = time.time()
    assemble(args.folds, args.final, args.out, args.data, args.version)
    log.info("assembled %d folds in %.0f s", len(args.folds), time.time() - started)
    return 0


def run_stress(args: argparse.Namespace) -> int:
    import dataclasses
    import sys

    from ..model.bundle import ModelBundle
    from .stress import judge, probe_text, table

    bundle = ModelBundle(args.model)
    report = judge(bundle, args.data)
    sys.stdout.write(table(report) + "\n" + probe_text(report["shortcut"]) + "\n")
    if args.save:
        command = f"python -m pneumo_core stress {args.model} --save"
        bundle.write_metadata(dataclasses.replace(bundle.read_metadata(), stress={**report, "command": command}))
    return 0


def run_calibrate(args: argparse.Namespace) -> int:
    from ..model.bundle import ModelBundle
    from .recalibrate import calibrate

    calibrate(ModelBundle(args.model), args.views, args.views_rule, args.data, gate=args.gate)
    return 0
