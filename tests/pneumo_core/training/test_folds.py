"""The K-fold recipe end to end on a few images: patient-grouped folds, fold runs, the final run on
all of train, and ``assemble`` serving the final network calibrated on out-of-fold outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pneumo_core import ModelBundle, ModelFileError, Predictor
from pneumo_core.cli import main as cli_main
from pneumo_core.training import kermany
from pneumo_core.training.stress import STRESSES

K = 3
COMMON = ["--image-size", "32", "--batch-size", "8", "--width", "8", "--workers", "2", "--verbose", "0",
          "--epochs", "1", "--limit", "12", "--folds", str(K)]


def test_folds_keep_patients_apart_and_classes_balanced(data_dir):
    samples = kermany.list_split(data_dir, "train")[::7]
    folds = kermany.patient_folds(samples, 5, 1)
    assert set(folds) == set(range(5))
    by_patient: dict[str, set[int]] = {}
    for s, f in zip(samples, folds):
        by_patient.setdefault(s.patient, set()).add(int(f))
    assert all(len(v) == 1 for v in by_patient.values())
    share = [np.mean([s.label for s, f in zip(samples, folds) if f == k]) for k in range(5)]
    assert max(share) - min(share) < 0.05
    assert np.array_equal(folds, kermany.patient_folds(samples, 5, 1))  # reproducible


@pytest.mark.parametrize(("k", "message"), [(1, "at least 2 folds"), (500, "at least 500 patients")])
def test_impossible_folds_are_refused(data_dir, k, message):
    with pytest.raises(ValueError, match=message):
        kermany.patient_folds(kermany.list_split(data_dir, "train")[:300], k, 0)


@pytest.fixture(scope="module")
def assembled(data_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("kfold")
    for fold in [*range(K), -1]:
        name = f"f{fold}" if fold >= 0 else "final"
        assert cli_main(["train", "--data", str(data_dir), "--out", str(root / name), "--fold", str(fold), *COMMON]) == 0
    assert not (root / "final" / "model.keras").exists()  # nothing to calibrate it on by itself
    code = cli_main(["assemble", *(str(root / f"f{f}") for f in range(K)), "--final", str(root / "final"),
                     "--out", str(root / "served")])
    assert code == 0
    return root


def test_assembled_model_is_calibrated_gated_and_judged_out_of_fold(assembled, data_dir):
    bundle = ModelBundle(assembled / "served" / "model.keras")
    meta = bundle.read_metadata()
    train = [s for s in kermany.list_split(data_dir, "train") if s.label == 0][:12] + \
            [s for s in kermany.list_split(data_dir, "train") if s.label == 1][:12]
    record = bundle.validation_record()
    assert sorted(record.files) == sorted(s.path.name for s in train)  # every training film, once
    folds = [ModelBundle(assembled / f"f{f}" / "model.keras").validation_record() for f in range(K)]
    by_file = {n: r for rec in folds for n, r in zip(rec.files, rec.raw)}
    assert all(by_file[n] == r for n, r in zip(record.files, record.raw))  # from the fold that never saw it
    assert meta.validation["out_of_fold"] and meta.validation["images"] == 24 and meta.training["folds"] == K
    assert meta.gate["sha256"] and "out-of-fold" in meta.gate["rules"]["distance"]
    assert set(meta.stress["rows"]) == set(STRESSES) and meta.stress["judged_by"] == "the fold networks"
    assert meta.training["architecture"] == "fast"
    settings = json.loads((assembled / "final" / "settings.json").read_text())
    assert settings["fold"] == -1 and settings["augment"]["fill"] == "reflect"


def test_assembled_model_serves(assembled, data_dir):
    predictor = Predictor(assembled / "served" / "model.keras")
    prediction = predictor.predict(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg")
    assert 0.0 <= prediction.probability <= 1.0 and predictor.gate is not None


def test_what_would_measure_an_assembled_model_on_films_it_saw_is_refused(assembled, data_dir):
    served = str(assembled / "served" / "model.keras")
    assert cli_main(["stress", served, "--data", str(data_dir)]) == 2
    assert cli_main(["calibrate", served, "--gate", "--data", str(data_dir)]) == 2


@pytest.mark.parametrize(("runs", "message"), [
    (["f0", "f1"], "one run for each fold"),
    (["f0", "f1", "f1"], "one run for each fold"),
])
def test_incomplete_fold_sets_are_refused(assembled, runs, message):
    from pneumo_core.training.assemble import assemble

    with pytest.raises(ModelFileError, match=message):
        assemble([assembled / r for r in runs], assembled / "final", assembled / "bad")
