"""The K-fold recipe end to end on a few images: patient-grouped folds, fold runs, the final run on
all of train, and ``assemble`` serving the final network calibrated on out-of-fold outputs."""

from __future__ import annotations

import json
import re

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
    """Fold runs, a final run taught by them (``--distill``; its teachers listed out of order), assembled."""
    root = tmp_path_factory.mktemp("kfold")
    for fold in range(K):
        assert cli_main(["train", "--data", str(data_dir), "--out", str(root / f"f{fold}"), "--fold", str(fold),
                         *COMMON]) == 0
    teachers = [str(root / f"f{f}") for f in reversed(range(K))]
    assert cli_main(["train", "--data", str(data_dir), "--out", str(root / "final"), "--fold", "-1", *COMMON,
                     "--distill", "0.5", "--teachers", *teachers]) == 0
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
    assert meta.training["architecture"] == "fast" and meta.training["distill"] == 0.5 and meta.training["mixup"] == 0
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


def test_a_distilled_final_network_learns_the_folds_out_of_fold_outputs(assembled):
    """``--distill W --teachers FOLD_RUN...``: the final network's targets are (1 - W) of each label
    plus W of the output of the fold network that never saw the film; recorded with the run, and
    assembled only with the fold runs that taught it."""
    import dataclasses
    import shutil

    from pneumo_core.training.assemble import assemble
    from pneumo_core.training.settings import TrainSettings
    from pneumo_core.training.train import FINAL_RECORD, _distilled_targets, load_split, teachers_of

    final = assembled / "final"
    folds_sha256 = [ModelBundle(assembled / f"f{f}" / "model.keras").read_metadata().weights_sha256 for f in range(K)]
    record = json.loads((final / FINAL_RECORD).read_text())
    assert record["distill"] == 0.5 and record["teachers_sha256"] == folds_sha256  # in fold order
    settings = TrainSettings.read(final)
    assert settings.teachers == tuple(str(assembled / f"f{f}") for f in reversed(range(K))) and settings.distill == 0.5
    train_s, _ = load_split(settings)
    labels = np.array([s.label for s in train_s], dtype=np.int64)
    targets = _distilled_targets(settings, teachers_of(settings), train_s, labels)
    by_file = {n: r for f in range(K) for n, r in zip(*(lambda rec: (rec.files, rec.raw))(
        ModelBundle(assembled / f"f{f}" / "model.keras").validation_record()))}
    expected = [0.5 * s.label + 0.5 * by_file[s.path.name] for s in train_s]
    np.testing.assert_allclose(targets, expected, rtol=1e-6)
    assert targets.min() > 0 and targets.max() < 1  # soft: no film is taught a bare 0 or 1
    assert _distilled_targets(dataclasses.replace(settings, distill=0.0, teachers=()), [], train_s, labels) is None

    other = assembled / "taught-elsewhere"
    shutil.copytree(final, other)
    (other / FINAL_RECORD).write_text(json.dumps({**record, "teachers_sha256": list(reversed(folds_sha256))}))
    with pytest.raises(ModelFileError, match="taught by other fold networks"):
        assemble([assembled / f"f{f}" for f in range(K)], other, assembled / "refused-served")
    assert not (assembled / "refused-served").exists()  # refused before anything is written


@pytest.mark.parametrize(("extra", "message"), [
    (["--fold", "-1", "--distill", "0.5"], "--distill WEIGHT and --teachers FOLD_RUN... together"),
    (["--fold", "-1", "--teachers", "f0", "f1", "f2"], "together; got only --teachers"),
    (["--fold", "0", "--distill", "0.5", "--teachers", "f0", "f1", "f2"], "only with --folds K --fold -1"),
    (["--fold", "-1", "--distill", "0.5", "--teachers", "f0", "f1"], "one run for each fold"),
    (["--fold", "-1", "--distill", "0.5", "--teachers", "f0", "f1", "f2", "--width", "4"], "has width=8"),
    (["--fold", "-1", "--distill", "0.5", "--teachers", "f0", "f1", "f2", "--mixup", "0.2"], "has mixup=0.0"),
    (["--fold", "-1", "--distill", "1.5", "--teachers", "f0", "f1", "f2"], r"weight in \(0, 1\]"),
    (["--fold", "0", "--mixup", "-0.2"], "--mixup 0 \\(off\\) or a positive"),
])
def test_what_cannot_be_honoured_is_refused_before_anything_is_written(assembled, data_dir, capsys, extra, message):
    extra = [str(assembled / a) if a in ("f0", "f1", "f2") else a for a in extra]
    out = assembled / "refused"
    assert cli_main(["train", "--data", str(data_dir), "--out", str(out), *COMMON, *extra]) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not out.exists()
