"""A training run of a few steps on a few images, end to end, and the evaluation report schema."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pneumo_core import Predictor, data
from pneumo_core.evaluate import REPORT_SCHEMA, build_report
from pneumo_core.train import main as train_main

PRESET_KEYS = {"threshold", "accuracy", "sensitivity", "specificity", "precision", "f1", "confusion_matrix",
               "sensitivity_by_subtype"}


@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = train_main(["--data", str(data_dir), "--out", str(out), "--epochs", "1", "--limit", "12",
                       "--image-size", "32", "--batch-size", "8", "--width", "4", "--workers", "2",
                       "--verbose", "0"])
    assert code == 0
    return out


def test_training_writes_model_metadata_and_records(trained):
    for name in ("model.keras", "model.json", "member.keras", "history.csv", "settings.json",
                 "validation_predictions.json"):
        assert (trained / name).is_file(), name
    meta = json.loads((trained / "model.json").read_text())
    assert meta["input_size"] == 32 and meta["classes"] == list(data.CLASSES)
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
    samples = data.list_split(data_dir, "test")
    samples = samples[:5] + samples[-5:]
    probs = np.linspace(0.05, 0.95, len(samples))
    report = build_report(probs, samples, tiny_predictor, "test")
    assert report["schema"] == REPORT_SCHEMA
    assert set(report) >= {"model_version", "weights_sha256", "ranking", "presets", "calibration", "curves",
                           "threshold_sweep", "images", "second_opinion_band", "counts"}
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
