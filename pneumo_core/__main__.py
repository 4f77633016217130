"""Command line: ``python -m pneumo_core predict PATH... [--preset NAME | --threshold T] [--csv]``.

Prints, for each file (folders are walked), the calibrated probability of PNEUMONIA, the label at
the chosen operating point and whether a second opinion is recommended. Unreadable files are
reported on their own line and do not stop the others; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

from .errors import PneumoError
from .predict import DEFAULT_MODEL, Predictor


def _walk(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def predict_command(args: argparse.Namespace) -> int:
    predictor = Predictor(args.model)
    if args.preset and args.preset not in predictor.meta.presets:
        sys.stderr.write(f"unknown preset {args.preset!r}; expected one of {sorted(predictor.meta.presets)}\n")
        return 2
    writer = csv.writer(sys.stdout) if args.csv else None
    if writer:
        writer.writerow(["file", "probability_pneumonia", "label", "threshold", "preset", "band", "error"])
    failed = 0
    for path in _walk(args.paths):
        try:
            pred = predictor.predict(path, preset=args.preset, threshold=args.threshold)
        except PneumoError as exc:
            failed += 1
            if writer:
                writer.writerow([str(path), "", "", "", "", "", str(exc)])
            else:
                sys.stdout.write(f"{path}\tERROR\t{exc}\n")
            continue
        if writer:
            writer.writerow([str(path), f"{pred.probability:.4f}", pred.label, f"{pred.threshold:.4f}",
                             pred.preset, pred.band, ""])
        else:
            flag = "  (second opinion recommended)" if pred.needs_second_opinion else ""
            sys.stdout.write(f"{path}\t{pred.probability:.3f}\t{pred.label}{flag}\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ap = argparse.ArgumentParser(prog="python -m pneumo_core")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="probability of PNEUMONIA for images or folders")
    p.add_argument("paths", nargs="+", type=Path)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--preset", default=None, help="operating point (default: the model's)")
    group.add_argument("--threshold", type=float, default=None, help="custom threshold in (0, 1)")
    p.add_argument("--csv", action="store_true", help="CSV output")
    p.add_argument("--model", default=str(DEFAULT_MODEL))
    args = ap.parse_args(argv)
    return predict_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
