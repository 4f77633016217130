"""A model's files through its bundle: names, metadata, a report that must match the weights."""

from __future__ import annotations

import json
import shutil

import pytest

from pneumo_core import ModelBundle, ModelFileError, Settings
from pneumo_core.model.bundle import ValidationRecord


@pytest.fixture()
def copy(tmp_path):
    """A copy of the committed model's bundle (weights, metadata, test report, validation record)."""
    src = ModelBundle.default()
    dst = ModelBundle(tmp_path / src.weights.name)
    for a, b in [(src.weights, dst.weights), (src.metadata_path, dst.metadata_path),
                 (src.report_path("test"), dst.report_path("test")), (src.validation_path, dst.validation_path)]:
        shutil.copy(a, b)
    return dst


def test_file_names(tmp_path):
    b = ModelBundle(tmp_path / "m.keras")
    assert [p.name for p in (b.metadata_path, b.validation_path, b.report_path("test"), b.card_path)] == [
        "m.json", "m.validation.json", "m.report-test.json", "MODEL_CARD.md"]


def test_the_default_follows_pneumo_model(tmp_path):
    assert ModelBundle.default(Settings.from_env({"PNEUMO_MODEL": str(tmp_path / "x.keras")})).weights == tmp_path / "x.keras"


def test_committed_bundle_is_whole():
    b = ModelBundle.default()
    b.verify_weights()
    assert b.report("test").weights_sha256 == b.meta.weights_sha256
    record = b.validation_record()
    assert len(record.files) == len(record.labels) == len(record.raw) == b.meta.validation["images"]
    assert b.card().startswith("# Model card")
    gate = b.read_gate()
    assert gate.distance_threshold == b.meta.gate["distance_threshold"] > 0
    assert b.gate_report()["rows"]["official test split (624)"]["images"] == 624


def test_a_report_of_other_weights_is_refused(copy):
    raw = json.loads(copy.report_path("test").read_text())
    raw["weights_sha256"] = "0" * 64
    copy.report_path("test").write_text(json.dumps(raw))
    with pytest.raises(ModelFileError, match="other weights"):
        copy.report("test")


@pytest.mark.parametrize("damage, error", [
    (lambda b: b.metadata_path.unlink(), "expected a metadata file"),
    (lambda b: b.metadata_path.write_text("{"), "malformed"),
    (lambda b: b.weights.write_bytes(b.weights.read_bytes() + b"x"), "SHA-256"),
    (lambda b: b.weights.unlink(), "expected model weights"),
])
def test_damaged_bundles_are_refused(copy, damage, error):
    damage(copy)
    with pytest.raises(ModelFileError, match=error):
        ModelBundle(copy.weights).verify_weights()


@pytest.mark.parametrize("content, error", [
    ('{"files": ["a"], "labels": [0]}', "malformed"),
    ('{"files": ["a", "b"], "labels": [0], "raw": [0.5]}', "expected as many"),
])
def test_damaged_validation_records_are_refused(copy, content, error):
    copy.validation_path.write_text(content)
    with pytest.raises(ModelFileError, match=error):
        copy.validation_record()


def test_validation_record_round_trip(tmp_path):
    b = ModelBundle(tmp_path / "m.keras")
    record = ValidationRecord(("a.jpeg", "b.jpeg"), (0, 1), (0.1, 0.9), ((0.0, 0.93),))
    b.write_validation_record(record)
    assert b.validation_record() == record


def test_a_report_that_cannot_be_read_back_is_not_written(tmp_path):
    with pytest.raises(ModelFileError, match="lacks"):
        ModelBundle(tmp_path / "m.keras").write_report("test", {"schema": 1})
    assert not (tmp_path / "m.report-test.json").exists()


def test_the_missing_card_is_explained(tmp_path):
    assert "missing" in ModelBundle(tmp_path / "m.keras").card()
