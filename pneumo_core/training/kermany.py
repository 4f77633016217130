"""The Kermany chest X-ray folder layout: listing files, patients, subtypes, splits.

Layout: ``DIR/{train,test}/{NORMAL,PNEUMONIA}/*.jpeg``. File names carry the patient:
``person1079_bacteria_3019.jpeg`` is patient ``person1079`` (bacterial pneumonia),
``IM-0115-0001.jpeg`` is patient ``IM-0115``, ``NORMAL2-IM-0622-0001.jpeg`` is
``NORMAL2-IM-0622``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..decision import CLASSES
from ..errors import DataLayoutError

IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png")
_PERSON = re.compile(r"^(person\d+)_(bacteria|virus)_", re.IGNORECASE)
_IM = re.compile(r"^((?:NORMAL\d*-)?IM-\d+)-", re.IGNORECASE)


def patient_id(file_name: str) -> str:
    """The patient a Kermany file name belongs to (the whole stem if no pattern matches)."""
    stem = Path(file_name).stem
    for pattern in (_PERSON, _IM):
        match = pattern.match(stem)
        if match:
            return match.group(1)
    return stem


def subtype(file_name: str) -> str:
    """``bacteria``, ``virus`` or ``none`` from a Kermany file name."""
    match = _PERSON.match(Path(file_name).stem)
    return match.group(2).lower() if match else "none"


@dataclass(frozen=True)
class Sample:
    """One image of the data set: where it is and what it is labelled."""

    path: Path
    label: int  # index into CLASSES

    @property
    def patient(self) -> str:
        return patient_id(self.path.name)

    @property
    def subtype(self) -> str:
        return subtype(self.path.name)


def list_split(data_dir: Path | str, split: str) -> list[Sample]:
    """All images of ``split`` (``train`` or ``test``), sorted by class then name."""
    root = Path(data_dir) / split
    if not root.is_dir():
        raise DataLayoutError(
            f"expected a folder {root} holding {'/'.join(CLASSES)} sub-folders; it does not exist"
        )
    samples: list[Sample] = []
    for label, name in enumerate(CLASSES):
        folder = root / name
        if not folder.is_dir():
            raise DataLayoutError(f"expected a class folder {folder}; it does not exist")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        samples.extend(Sample(p, label) for p in files)
    if not samples:
        raise DataLayoutError(f"expected images under {root}; found none")
    return samples


def patient_series(patient: str) -> tuple[str, int]:
    """``NORMAL2-IM-0622`` -> (``NORMAL2-IM``, 622); ``person1079`` -> (``person``, 1079)."""
    match = re.match(r"^(.*?)-?(\d+)$", patient)
    if not match:
        return patient, 0
    return match.group(1), int(match.group(2))


SPLIT_STRATEGIES = ("earliest", "random")


def split_by_patient(
    samples: list[Sample], val_fraction: float, seed: int, strategy: str = "earliest"
) -> tuple[list[Sample], list[Sample]]:
    """Split into (train, validation) so that no patient is on both sides.

    Done per class (the validation split keeps the class balance) and, with ``earliest``, per
    naming series (``IM``, ``NORMAL2-IM``, ``person``): the lowest-numbered patients of each
    series are held out. The official test split was built the same way for NORMAL (its patients
    are numbered below every train patient of the series), so this validation split is the part
    of train closest to how the test split differs, rather than a random, easier sample.
    ``random`` draws patients at random (``seed``).
    """
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction}")
    if strategy not in SPLIT_STRATEGIES:
        raise ValueError(f"unknown split strategy {strategy!r}; expected one of {SPLIT_STRATEGIES}")
    rng = np.random.default_rng(seed)
    val_patients: set[str] = set()
    for label in range(len(CLASSES)):
        patients = sorted({s.patient for s in samples if s.label == label})
        if strategy == "random":
            rng.shuffle(patients)
            val_patients.update(patients[: max(1, round(len(patients) * val_fraction))])
            continue
        series: dict[str, list[tuple[int, str]]] = {}
        for p in patients:
            name, number = patient_series(p)
            series.setdefault(name, []).append((number, p))
        for members in series.values():
            members.sort()
            val_patients.update(p for _, p in members[: max(1, round(len(members) * val_fraction))])
    train = [s for s in samples if s.patient not in val_patients]
    val = [s for s in samples if s.patient in val_patients]
    return train, val


def patient_folds(samples: list[Sample], k: int, seed: int) -> np.ndarray:
    """A fold number in ``0..k-1`` for every sample: no patient in two folds, each fold with about
    the class balance of the whole (``StratifiedGroupKFold``, shuffled with ``seed``)."""
    from sklearn.model_selection import StratifiedGroupKFold

    if k < 2:
        raise ValueError(f"expected at least 2 folds; got {k}")
    labels = np.array([s.label for s in samples])
    patients = [s.patient for s in samples]
    if len(set(patients)) < k:
        raise ValueError(f"expected at least {k} patients for {k} folds; got {len(set(patients))}")
    folds = np.full(len(samples), -1)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for fold, (_, held_out) in enumerate(splitter.split(np.zeros(len(samples)), labels, patients)):
        folds[held_out] = fold
    return folds
