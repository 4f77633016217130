"""A training run of a few steps on a few images, end to end, and the evaluation report schema."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pneumo_core import ModelBundle, Predictor
from pneumo_core.cli import main as cli_main
from pneumo_core.decision import CLASSES
from pneumo_core.evaluation.report import REPORT_SCHEMA, build_report
from pneumo_core.training import kermany

PRESET_KEYS = {"threshold", "accuracy", "sensitivity", "specificity", "precision", "f1", "confusion_matrix",
               "sensitivity_by_subtype"}


@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = cli_main(["train", "--data", str(data_dir), "--out", str(out), "--epochs", "1", "--limit", "12",
                       "--image-size", "32", "--batch-size", "8", "--width", "4", "--workers", "2",
                       "--verbose", "0"])
    assert code == 0
    return out


def test_training_writes_model_metadata_and_records(trained):
    bundle = ModelBundle(trained / "model.keras")
    for path in (bundle.weights, bundle.metadata_path, bundle.validation_path, trained / "member.keras",
                 trained / "history.csv", trained / "settings.json"):
        assert path.is_file(), path.name
    meta = json.loads(bundle.metadata_path.read_text())
    assert meta["input_size"] == 32 and meta["classes"] == list(CLASSES)
    assert meta["training"]["command"].startswith("python -m pneumo_core ")
    assert "weights_file" not in meta
    assert meta["gate"]["sha256"] and bundle.gate_path.is_file()  # a trained model comes with its input gate
    assert meta["gate"]["validation"]["images"] == meta["validation"]["images"]
    p = meta["presets"]
    assert 0 <= p["screening"] <= p["balanced"] <= p["high_specificity"] <= 1
    assert meta["band"][0] <= p["balanced"] <= meta["band"][1]
    assert meta["training"]["train_images"] > 0 and meta["validation"]["images"] > 0
    history = (trained / "history.csv").read_text().splitlines()
    assert history[0].startswith("epoch") and len(history) == 2


def test_trained_model_predicts_and_explains(trained, data_dir):
    predictor = Predictor(trained / "model.keras")
    image = data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg"
    pred = predictor.predict(image)
    assert 0.0 <= pred.probability <= 1.0
    assert pred.model_version == trained.name


def test_report_schema(tiny_predictor, data_dir):
    samples = kermany.list_split(data_dir, "test")
    samples = samples[:5] + samples[-5:]
    probs = np.linspace(0.05, 0.95, len(samples))
    meta = tiny_predictor.meta
    report = build_report(probs, [s.label for s in samples], [s.path.name for s in samples],
                          [s.subtype for s in samples], meta, meta.weights_sha256, "test")
    assert report["schema"] == REPORT_SCHEMA
    assert set(report) >= {"model_version", "weights_sha256", "ranking", "presets", "calibration", "curves",
                           "images", "second_opinion_band", "counts"}
    assert set(report["presets"]) == set(tiny_predictor.meta.presets)
    for preset in report["presets"].values():
        assert set(preset) == PRESET_KEYS
        cm = preset["confusion_matrix"]
        assert cm["tn"] + cm["fp"] + cm["fn"] + cm["tp"] == len(samples)
    assert report["ranking"]["roc_auc"] == pytest.approx(1.0)  # probabilities rise with the label here
    assert len(report["calibration"]["bins"]) == 10
    assert len(report["images"]) == len(samples)
    assert {r["subtype"] for r in report["images"]} <= {"bacteria", "virus", "none"}
    json.dumps(report)  # serialisable


def test_stress_command_judges_a_trained_model_and_keeps_the_report(trained, data_dir, capsys):
    from pneumo_core.training.stress import STRESSES

    assert cli_main(["stress", str(trained / "model.keras"), "--data", str(data_dir), "--save"]) == 0
    printed = capsys.readouterr().out
    assert "| vertical stretch 85 % |" in printed and "image statistics alone" in printed
    stress = ModelBundle(trained / "model.keras").read_metadata().stress
    assert set(stress["rows"]) == set(STRESSES) and stress["command"].startswith("python -m pneumo_core stress")
    assert stress["images"] == json.loads((trained / "model.json").read_text())["validation"]["images"]
    assert isinstance(stress["eligible"], bool) and stress["shortcut"]["statistics"] == 27
