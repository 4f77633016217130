"""Merge trained runs into one averaging model: ``python -m pneumo_core.ensemble RUN... --out DIR``.

Each RUN is an output folder of ``pneumo_core.train`` (``member.keras`` + ``settings.json``) with
a distinct ``--member-index``. The runs must share the data, the patient split and the input size,
so that the validation split stays unseen by every member. The merged model is calibrated and its
operating points fixed on that validation split, exactly as for a single run.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from .augment import AugmentSettings
from .dataset import load_u8, stack_inputs
from .errors import ModelFileError
from .train import TrainSettings, finalize, load_split

log = logging.getLogger("pneumo_core.ensemble")
_MUST_MATCH = ("data", "image_size", "width", "val_fraction", "split", "split_seed", "limit")


def read_settings(run_dir: Path) -> TrainSettings:
    raw = json.loads((run_dir / "settings.json").read_text())
    raw["augment"] = AugmentSettings(**{k: tuple(v) if isinstance(v, list) else v
                                        for k, v in raw["augment"].items()})
    return TrainSettings(**raw)


def merge(run_dirs: list[Path], out: Path, data_dir: str | None = None, version: str = ""):
    import keras

    settings = [read_settings(d) for d in run_dirs]
    first = settings[0]
    for d, s in zip(run_dirs, settings):
        for key in _MUST_MATCH[1:]:
            if getattr(s, key) != getattr(first, key):
                raise ModelFileError(f"{d} has {key}={getattr(s, key)!r}; expected {getattr(first, key)!r} like {run_dirs[0]}")
    indices = [s.member_index for s in settings]
    if sorted(indices) != list(range(len(indices))):
        raise ModelFileError(f"expected member indices 0..{len(indices) - 1}; got {indices}")
    ordered = [d for _, d in sorted(zip(indices, run_dirs))]
    members = [keras.models.load_model(d / "member.keras", compile=False) for d in ordered]
    s = TrainSettings(**{**first.__dict__, "data": data_dir or first.data, "out": str(out),
                         "version": version or out.name})
    train_s, val_s = load_split(s)
    val_x = stack_inputs(load_u8(val_s, s.workers, "validation images"), s.image_size)
    out.mkdir(parents=True, exist_ok=True)
    seconds = sum(json.loads((d / "model.json").read_text())["training"]["seconds"] for d in ordered)
    command = ("; ".join(json.loads((d / "model.json").read_text())["training"]["command"] for d in ordered)
               + "; python -m pneumo_core.ensemble " + " ".join(sys.argv[1:]))
    return finalize(members, s, train_s, val_s, val_x, out, command, seconds)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ap = argparse.ArgumentParser(prog="python -m pneumo_core.ensemble", description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--data", default=None, help="data folder (default: the one the runs used)")
    ap.add_argument("--version", default="")
    args = ap.parse_args(argv)
    started = time.time()
    merge(args.runs, args.out, args.data, args.version)
    log.info("merged %d runs in %.0f s", len(args.runs), time.time() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
