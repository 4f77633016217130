"""Fitting the input gate's learned checks, on a handful of real films and the tiny model: the
thresholds come from the validation films, the arrays travel in the bundle with their SHA-256, and
the predictor refuses what lies beyond them."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from pneumo_core import ModelBundle, ModelFileError, Predictor
from pneumo_core.decision import REFUSED
from pneumo_core.imaging.preprocess import to_uint8
from pneumo_core.model.gate import LearnedGate
from pneumo_core.training.gate_fit import PERCENTILE, TRANSFORMS, fit_gate
from pneumo_core.training.kermany import list_split


@pytest.fixture(scope="module")
def films(data_dir):
    from pneumo_core import load_image

    samples = list_split(data_dir, "train")
    chosen = samples[:40] + samples[-40:]  # both classes
    u8 = [to_uint8(load_image(s.path).pixels) for s in chosen]
    return u8, np.array([s.label for s in chosen])


@pytest.fixture(scope="module")
def fitted(tiny_predictor, films):
    u8, labels = films
    features = tiny_predictor.pooled_features([im / 255.0 for im in u8])
    train, val = slice(0, 60), slice(60, 80)
    order = np.r_[0:30, 50:80]  # train: 30 NORMAL + 30 PNEUMONIA; validation: the last 20 PNEUMONIA
    gate, record = fit_gate(features[order[:60]], labels[order[:60]], features[60:],
                            [u8[i] for i in order[:60]], u8[60:], seed=0)
    return gate, record, features, train, val


def test_thresholds_are_the_validation_percentile(fitted):
    gate, record, features, _, _ = fitted
    assert record["distance_threshold"] == pytest.approx(np.percentile(gate.distances(features[60:]), PERCENTILE))
    assert record["distance_threshold"] == gate.distance_threshold
    assert set(record["validation"]["turned_copies_refused"]) == set(TRANSFORMS)
    assert str(PERCENTILE) in record["rules"]["distance"] and str(PERCENTILE) in record["rules"]["orientation"]


def test_round_trip_and_far_features_are_refused(fitted):
    gate = fitted[0]
    again = LearnedGate.from_bytes(gate.to_bytes())
    np.testing.assert_allclose(again.precision, gate.precision)
    far = gate.means[:1] + 1e3
    assert gate.feature_finding(float(gate.distances(far)[0])).status == REFUSED
    assert gate.feature_finding(float(gate.distances(gate.means[:1])[0])) is None


def test_the_predictor_uses_the_bundles_gate(fitted, tiny_model_path, tmp_path, films):
    gate, record = fitted[0], fitted[1]
    path = tmp_path / tiny_model_path.name
    shutil.copy(tiny_model_path, path)
    bundle = ModelBundle(path)
    meta = ModelBundle(tiny_model_path).read_metadata()
    sha = bundle.write_gate(gate)
    film = films[0][0] / 255.0
    # the metadata's thresholds are the ones in force: everything passes, then everything is refused
    for distance, orientation, expected in [(1e9, 1.0, "ok"), (-1.0, 1.0, REFUSED), (1e9, -1.0, REFUSED)]:
        bundle.write_metadata(dataclasses.replace(meta, gate={**record, "sha256": sha, "distance_threshold": distance,
                                                              "orientation_threshold": orientation}))
        predictor = Predictor(bundle)
        assert predictor.gate.distance_threshold == distance
        scored = predictor.score([film])[0]
        assert scored.assessment.status == expected, scored.assessment.reasons
        assert predictor.predict(film).status == expected
    bundle.gate_path.write_bytes(bundle.gate_path.read_bytes() + b"x")
    with pytest.raises(ModelFileError, match="SHA-256"):
        Predictor(bundle)
