"""Merge trained runs into one averaging model: ``python -m pneumo_core ensemble RUN... --out DIR``.

Each RUN is an output folder of ``train`` (``member.keras``, ``settings.json`` and its bundle) with a
distinct ``--member-index``. The runs must share the data, the patient split and the input size,
so that the validation split stays unseen by every member. The merged model is calibrated and its
operating points fixed on that validation split, exactly as for a single run.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from ..errors import ModelFileError
from ..model.bundle import ModelBundle
from .batches import load_u8, stack_inputs
from .settings import MODEL_FILE, TrainSettings
from .train import command_line, finalize, load_split

log = logging.getLogger(__name__)
_MUST_MATCH = ("image_size", "architecture", "width", "val_fraction", "split", "split_seed", "limit")


def merge(run_dirs: list[Path], out: Path, data_dir: str | None = None, version: str = ""):
    """The ensemble of the members trained in ``run_dirs``, calibrated and written to ``out``."""
    import keras

    run_dirs = [Path(d) for d in run_dirs]
    settings = [TrainSettings.read(d) for d in run_dirs]
    first = settings[0]
    for d, s in zip(run_dirs, settings):
        for key in _MUST_MATCH:
            if getattr(s, key) != getattr(first, key):
                raise ModelFileError(f"{d} has {key}={getattr(s, key)!r}; expected {getattr(first, key)!r} like {run_dirs[0]}")
    indices = [s.member_index for s in settings]
    if sorted(indices) != list(range(len(indices))):
        raise ModelFileError(f"expected member indices 0..{len(indices) - 1}; got {indices}")
    ordered = [d for _, d in sorted(zip(indices, run_dirs))]
    members = [keras.models.load_model(d / "member.keras", compile=False) for d in ordered]
    s = dataclasses.replace(first, data=data_dir or first.data, out=str(out), version=version or Path(out).name)
    train_s, val_s = load_split(s)
    val_x = stack_inputs(load_u8(val_s, s.workers, "validation images"), s.image_size)
    Path(out).mkdir(parents=True, exist_ok=True)
    trained = [ModelBundle(d / MODEL_FILE).read_metadata().training for d in ordered]
    seconds = sum(t["seconds"] for t in trained)
    command = "; ".join(t["command"] for t in trained) + "; " + command_line()
    return finalize(members, s, train_s, val_s, val_x, Path(out), command, seconds)
