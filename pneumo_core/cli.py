"""The one command line: ``python -m pneumo_core COMMAND ...`` (``--help`` on each explains it).

- ``predict PATH...``: for images and folders (walked), the input gate's status (ok, caution,
  refused, unreadable) and its reason, the calibrated probability of PNEUMONIA, the label at an
  operating point and whether a second opinion is recommended. With ``--csv`` a refused image keeps
  its probability and label for audit. An unreadable file is reported on its own row and does not
  stop the others; the exit status is 1 if any file could not be read.
- ``score-archive SRC --out DIR``: the same for a whole archive on Ray Data, to Parquet, resumable
  (``pneumo_core.archive``).
- ``backup DEST``: a consistent copy of the review log while the app runs.
- ``evaluate``, ``train``, ``ensemble``, ``assemble``, ``calibrate``, ``stress``: the offline pipeline
  (``pneumo_core.training``, loaded only when one of them runs).

Logging and argument parsing are set up here once. Bad arguments get a usage message and exit
status 2, never a traceback; so does an error pneumo raises on purpose (a missing model file...).
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

from .archive.engine import DEFAULT_BATCH
from .config import Settings
from .decision import UNREADABLE, check_threshold
from .errors import PneumoError
from .presentation.texts import SECOND_OPINION_CLI

log = logging.getLogger("pneumo_core")
CSV_HEADER = ("file", "status", "reason", "probability_pneumonia", "label", "threshold", "preset", "band")


def _threshold(text: str) -> float:
    try:
        return check_threshold(float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc) if "threshold" in str(exc) else
                                         f"expected a number strictly between 0 and 1; got {text!r}") from None


def _walk(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def run_predict(args: argparse.Namespace) -> int:
    from .model.bundle import ModelBundle
    from .model.predictor import Predictor

    bundle = ModelBundle(args.model)
    if args.preset and args.preset not in bundle.meta.presets:  # checked before the network is loaded
        args.parser.error(f"unknown preset {args.preset!r}; expected one of {sorted(bundle.meta.presets)}")
    predictor = Predictor(bundle)
    writer = csv.writer(sys.stdout) if args.csv else None
    if writer:
        writer.writerow(CSV_HEADER)
    failed = 0
    for path in _walk(args.paths):
        try:
            pred = predictor.predict(path, preset=args.preset, threshold=args.threshold)
        except Exception as exc:  # noqa: BLE001 -- one bad file never stops the others
            failed += 1
            if not isinstance(exc, PneumoError):
                log.warning("unexpected %s while reading a file", type(exc).__name__)
                exc = f"this file could not be read ({type(exc).__name__})"
            if writer:
                writer.writerow([str(path), UNREADABLE, str(exc), "", "", "", "", ""])
            else:
                sys.stdout.write(f"{path}\t{UNREADABLE.upper()}\t{exc}\n")
            continue
        if writer:  # refused images keep their probability and label here, for audit
            writer.writerow([str(path), pred.status, pred.assessment.reason, f"{pred.probability:.4f}", pred.label,
                             f"{pred.threshold:.4f}", pred.preset, pred.band])
        elif not pred.assessment.labelled:
            sys.stdout.write(f"{path}\t{pred.status.upper()}\t{pred.assessment.reason}\n")
        else:
            flag = f"  {SECOND_OPINION_CLI}" if pred.needs_second_opinion else ""
            concern = f"  (caution: {pred.assessment.reason})" if pred.assessment.reasons else ""
            sys.stdout.write(f"{path}\t{pred.probability:.3f}\t{pred.label}{flag}{concern}\n")
    return 1 if failed else 0


def run_backup(args: argparse.Namespace) -> int:
    from .review.backup import backup

    done = backup(args.dest, args.database)
    sys.stdout.write(f"backed up {done['readings']} readings and {done['events']} review actions to {done['dest']}\n")
    return 0


def run_score_archive(args: argparse.Namespace) -> int:
    from .archive.engine import score_archive

    done = score_archive(args.src, args.out, model=args.model, preset=args.preset, threshold=args.threshold,
                         workers=args.workers, address=args.address, batch_size=args.batch_size)
    by_status = ", ".join(f"{n} {status}" for status, n in sorted(done.statuses.items())) or "nothing new"
    sys.stdout.write(f"{done.found} files in {args.src}: {done.skipped} already in {args.out}, "
                     f"{done.scored} scored now ({by_status})\n")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1; got {text!r}")
    return value


def build_parser(env: Settings | None = None) -> argparse.ArgumentParser:
    env = env or Settings.from_env()
    ap = argparse.ArgumentParser(prog="python -m pneumo_core", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="count", default=0, help="more log messages (-vv: debug)")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("predict", help="probability of PNEUMONIA for images or folders",
                       description="Probability of PNEUMONIA, label and second-opinion flag for each "
                                   "image (folders are walked). Exit status 1 if any file could not be read.")
    p.add_argument("paths", nargs="+", type=Path, help="JPEG, PNG or DICOM files, or folders of them")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--preset", default=None, help="operating point (default: the model's)")
    group.add_argument("--threshold", type=_threshold, default=None, help="custom threshold in (0, 1)")
    p.add_argument("--csv", action="store_true", help="CSV output")
    p.add_argument("--model", type=Path, default=env.model_path, help="model file (default: %(default)s)")
    p.set_defaults(run=run_predict, parser=p)

    p = sub.add_parser("score-archive", help="score a whole archive of films on Ray Data, to Parquet",
                       description="Score every file under SRC (folders walked) with a pool of workers, each "
                                   "loading the model once, and write one row per file (gate status, reason, "
                                   "probability, label, band) to a Parquet folder. Unreadable files get their "
                                   "own row. Run it again to carry on: files already in OUT are skipped.")
    p.add_argument("src", type=Path, help="a folder of JPEG, PNG or DICOM files (or one file)")
    p.add_argument("--out", type=Path, required=True, help="results folder, e.g. results.parquet (created)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--preset", default=None, help="operating point (default: the model's)")
    group.add_argument("--threshold", type=_threshold, default=None, help="custom threshold in (0, 1)")
    p.add_argument("--workers", type=_positive, default=1, help="workers, each with the model (default 1)")
    p.add_argument("--address", default=None,
                   help="a Ray cluster's address (e.g. ray://head:10001 or auto); default: Ray embedded here")
    p.add_argument("--batch-size", type=_positive, default=DEFAULT_BATCH,
                   help="files per worker call (default %(default)s)")
    p.add_argument("--model", type=Path, default=env.model_path, help="model file (default: %(default)s)")
    p.set_defaults(run=run_score_archive)

    p = sub.add_parser("backup", help="a consistent copy of the review log, while the app runs",
                       description="Copy the SQLite review log to a new file with SQLite's online backup API and "
                                   "check the copy. For a PostgreSQL log use pg_dump.")
    p.add_argument("dest", type=Path, help="the new file to write (never overwritten)")
    p.add_argument("--database", default=None, help="database URL (default: the app's review log)")
    p.set_defaults(run=run_backup)

    from .training.commands import add_commands  # declares options only; loads no network

    add_commands(sub, env)
    return ap


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    if args.command != "predict":
        level = min(level, logging.INFO)  # the offline commands report their progress
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except PneumoError as exc:
        sys.stderr.write(f"{parser.prog} {args.command}: error: {exc}\n")
        return 2
