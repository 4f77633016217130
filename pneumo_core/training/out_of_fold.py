"""The K-fold recipe's fold runs read back: checked to be one recipe, and their out-of-fold outputs
(each training film scored by the one fold network that never saw it), for ``assemble`` (which
calibrates and judges the final network on them) and for ``train --distill`` (which teaches the
final network with them).

A fold run is an output folder of ``train --folds K --fold i``; its bundle's validation record holds
its network's raw outputs on fold i.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ModelFileError, TrainingOptionsError
from ..model.bundle import ModelBundle
from . import kermany
from .settings import MODEL_FILE, TrainSettings

# What every fold run and the final run must share to be one recipe.
MUST_MATCH = ("image_size", "architecture", "width", "folds", "split_seed", "limit", "epochs", "augment", "mixup")


def check_runs(fold_settings: list[TrainSettings], final: TrainSettings, fold_dirs: list[Path]) -> list[Path]:
    """The fold runs ordered by fold, after checking they and the final run share one recipe."""
    for d, s in zip([*fold_dirs, "the final run"], [*fold_settings, final]):
        for key in MUST_MATCH:
            if getattr(s, key) != getattr(final, key):
                raise ModelFileError(f"{d} has {key}={getattr(s, key)!r}; the final run has {getattr(final, key)!r}")
    if final.folds < 2 or final.fold != -1:
        raise ModelFileError(f"expected the final run trained with --folds K --fold -1; it has folds={final.folds}, "
                             f"fold={final.fold}")
    if sorted(s.fold for s in fold_settings) != list(range(final.folds)):
        raise ModelFileError(f"expected one run for each fold 0..{final.folds - 1}; got folds "
                             f"{sorted(s.fold for s in fold_settings)}")
    return [d for _, d in sorted(zip([s.fold for s in fold_settings], fold_dirs))]


def out_of_fold_raw(fold_dirs: list[Path], samples: list[kermany.Sample], folds: np.ndarray) -> np.ndarray:
    """The raw output of every sample from the fold network that never saw it (``fold_dirs`` in fold order)."""
    raw = np.full(len(samples), np.nan)
    index = {s.path.name: i for i, s in enumerate(samples)}
    for f, d in enumerate(fold_dirs):
        record = ModelBundle(Path(d) / MODEL_FILE).validation_record()
        expected = {samples[i].path.name for i in np.flatnonzero(folds == f)}
        if set(record.files) != expected:
            raise ModelFileError(f"{d}'s validation films are not fold {f} of this split; was it trained on other data?")
        for name, p in zip(record.files, record.raw):
            raw[index[name]] = p
    return raw


def teacher_targets(labels: np.ndarray, raw: np.ndarray, weight: float) -> np.ndarray:
    """Distillation targets: ``(1 - weight)`` of each film's label plus ``weight`` of the fold networks'
    out-of-fold output for it (none of them saw the film, so none passes on its own label)."""
    if raw.shape != labels.shape or not np.isfinite(raw).all():
        raise TrainingOptionsError("expected one out-of-fold output for every training film")
    return ((1.0 - weight) * labels + weight * raw).astype(np.float32)
