"""How one network is trained: every choice of a run, recorded beside it (``settings.json``) and
read back when runs are merged. Light to import (no keras), so the command line can offer its
options without loading a network."""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .augment import RECIPES, SHORTCUT_FREE, AugmentSettings

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
MODEL_FILE = "model.keras"  # a run's calibrated, deployable model (with its metadata beside it)
# Settings a command line may change (the rest come from the data folder, the output folder and the run).
TUNABLE = ("image_size", "epochs", "batch_size", "learning_rate", "weight_decay", "label_smoothing", "dropout",
           "architecture", "width", "member_index", "val_fraction", "split", "folds", "fold", "split_seed", "seed",
           "limit", "workers", "verbose", "max_minutes", "mixup", "distill")


@dataclass(frozen=True)
class TrainSettings:
    data: str
    out: str
    image_size: int = 224
    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 5e-4
    label_smoothing: float = 0.05
    dropout: float = 0.4
    architecture: str = "fast"  # model v2's; the shipped ensemble's members are "resnet", width 24
    width: int = 32
    member_index: int = 0
    val_fraction: float = 0.2
    split: str = "earliest"  # see kermany.split_by_patient
    split_seed: int = 20180222
    # With folds > 0 the split is patient-grouped K-fold instead (``kermany.patient_folds``, split_seed):
    # ``fold`` in 0..folds-1 is held out for validation; fold = -1 trains on all of train, without
    # validation (the final network; ``assemble`` calibrates it on the folds' out-of-fold outputs).
    folds: int = 0
    fold: int = -1
    seed: int = 1
    limit: int = 0  # >0: use only this many images per class (tests, smoke runs)
    workers: int = 8
    verbose: int = 1
    max_minutes: float = 0.0  # >0: stop after the epoch that passes this wall-clock budget
    version: str = ""
    # mixup (Zhang et al. 2018): each training batch blended with itself shuffled, images and targets
    # alike, by a Beta(mixup, mixup) share; 0 = off. Blends the framing of two films as well as their lungs.
    mixup: float = 0.0
    # The final network of a K-fold recipe learns, with this weight, the fold networks' out-of-fold
    # outputs (``teachers``: the fold runs) instead of the bare labels; 0 = off (``out_of_fold.teacher_targets``).
    distill: float = 0.0
    teachers: tuple[str, ...] = ()
    # Model v2's recipe; the shipped ensemble was trained with ``AugmentSettings()`` (see its settings.json).
    augment: AugmentSettings = SHORTCUT_FREE

    def save(self, run_dir: Path) -> None:
        (Path(run_dir) / SETTINGS_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, run_dir: Path) -> TrainSettings:
        """The settings a run was trained with (its ``settings.json``)."""
        raw = json.loads((Path(run_dir) / SETTINGS_FILE).read_text())
        known_augment = {f.name for f in fields(AugmentSettings)}
        dropped = sorted(set(raw["augment"]) - known_augment)
        if dropped:
            log.warning("%s: augmentation settings %s are no longer known; ignored", run_dir, dropped)
        raw["augment"] = AugmentSettings(**{k: tuple(v) if isinstance(v, list) else v
                                            for k, v in raw["augment"].items() if k in known_augment})
        raw.setdefault("architecture", "resnet")  # runs recorded before there was a choice
        raw["teachers"] = tuple(raw.get("teachers", ()))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


def add_arguments(parser: argparse.ArgumentParser, default_data: Path) -> None:
    """The ``train`` command's options: one per tunable setting, with its default."""
    parser.add_argument("--data", default=str(default_data), help="folder with train/{NORMAL,PNEUMONIA}")
    parser.add_argument("--out", required=True, help="output folder for the model and the run's records")
    defaults = TrainSettings(data="", out="")
    for name in TUNABLE:
        value = getattr(defaults, name)
        parser.add_argument("--" + name.replace("_", "-"), type=type(value), default=value,
                            help=f"default {value}")
    parser.add_argument("--version", default="", help="model version string (default: the out folder's name)")
    parser.add_argument("--teachers", nargs="+", default=[], metavar="FOLD_RUN",
                        help="with --distill: the fold runs (train --folds K --fold i, i = 0..K-1) whose "
                             "out-of-fold outputs the final network (--fold -1) learns")
    parser.add_argument("--augment", choices=sorted(RECIPES), default="shortcut-free",
                        help="augmentation recipe (default: %(default)s; 'ensemble-2026.11' is the shipped model's)")


def from_arguments(args: argparse.Namespace) -> TrainSettings:
    chosen = {name: getattr(args, name) for name in ("data", "out", "version", *TUNABLE)}
    chosen["version"] = chosen["version"] or Path(chosen["out"]).name
    chosen["augment"] = RECIPES[getattr(args, "augment", "shortcut-free")]
    chosen["teachers"] = tuple(str(t) for t in getattr(args, "teachers", ()))
    return TrainSettings(**chosen)
