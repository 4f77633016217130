from __future__ import annotations

import pytest

from pneumo_core import DataLayoutError
from pneumo_core.training import kermany as data


@pytest.mark.parametrize("name,patient,subtype", [
    ("person1079_bacteria_3019.jpeg", "person1079", "bacteria"),
    ("person867_virus_1512.jpeg", "person867", "virus"),
    ("person1_virus_6_1.jpeg", "person1", "virus"),
    ("IM-0115-0001.jpeg", "IM-0115", "none"),
    ("IM-0117-0001-0002.jpeg", "IM-0117", "none"),
    ("NORMAL2-IM-0622-0001.jpeg", "NORMAL2-IM-0622", "none"),
])
def test_patient_and_subtype(name, patient, subtype):
    assert data.patient_id(name) == patient
    assert data.subtype(name) == subtype


@pytest.mark.parametrize("strategy", data.SPLIT_STRATEGIES)
def test_split_is_by_patient(data_dir, strategy):
    samples = data.list_split(data_dir, "train")
    train, val = data.split_by_patient(samples, 0.2, seed=3, strategy=strategy)
    assert len(train) + len(val) == len(samples)
    assert not {s.patient for s in train} & {s.patient for s in val}
    assert {s.label for s in val} == {0, 1}


def test_official_split_sizes(data_dir):
    counts = [sum(s.label == c for s in data.list_split(data_dir, split)) for split in ("train", "test")
              for c in (0, 1)]
    assert counts == [1341, 3875, 234, 390]


@pytest.mark.parametrize("fraction,strategy,error", [(0.0, "earliest", "val_fraction"), (0.2, "alphabetical", "strategy")])
def test_split_errors(fraction, strategy, error):
    with pytest.raises(ValueError, match=error):
        data.split_by_patient([], fraction, 0, strategy)


def test_missing_layout(tmp_path):
    with pytest.raises(DataLayoutError, match="NORMAL"):
        data.list_split(tmp_path, "train")
