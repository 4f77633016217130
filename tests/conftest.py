"""Shared fixtures: the data directory, a tiny Keras model with metadata, the committed model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from pneumo_core.config import ENV, Settings
from pneumo_core.decision import CLASSES
from pneumo_core.model.bundle import ModelBundle
from pneumo_core.model.metadata import ModelMetadata, sha256_of


def _require(path: Path, field: str) -> Path:
    """Return ``path``; in CI a missing data folder fails loudly, locally the test is skipped."""
    if path.exists():
        return path
    message = f"test data not found at {path} (set {ENV[field]} or put ../shared beside the repo)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _require(Settings.from_env().data_dir, "data_dir")


@pytest.fixture(scope="session")
def fullres_dir() -> Path:
    return _require(Settings.from_env().fullres_dir, "fullres_dir")


@pytest.fixture(scope="session")
def dicom_dir() -> Path:
    return _require(Settings.from_env().dicom_dir, "dicom_dir")


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    """A 32x32 two-member model of the real architecture, untrained, with valid metadata."""
    import keras

    from pneumo_core.model.architecture import build_ensemble, build_model, gradcam_layers, member_prefix

    keras.utils.set_random_seed(0)
    members = [build_model(32, width=4, prefix=member_prefix(i)) for i in range(2)]
    model = build_ensemble(members, 32, width=4)
    folder = tmp_path_factory.mktemp("tiny")
    path = folder / "tiny.keras"
    model.save(path)
    ModelBundle(path).write_metadata(ModelMetadata(
        version="tiny-test", classes=CLASSES, input_size=32, preprocessing="test",
        temperature=1.0, presets={"screening": 0.3, "balanced": 0.5, "high_specificity": 0.7},
        default_preset="balanced", band=(0.4, 0.6), gradcam_layers=tuple(gradcam_layers(members)),
        weights_sha256=sha256_of(path),
    ))
    return path


@pytest.fixture(scope="session")
def tiny_predictor(tiny_model_path):
    from pneumo_core import Predictor

    return Predictor(tiny_model_path)


@pytest.fixture(scope="session")
def predictor():
    """The committed model (loaded once for the whole session)."""
    from pneumo_core import Predictor

    return Predictor()


@pytest.fixture()
def chest_u8(data_dir) -> np.ndarray:
    """One real test-split X-ray as uint8 gray."""
    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import to_uint8

    return to_uint8(load_image(data_dir / "test" / "PNEUMONIA" / "person100_bacteria_475.jpeg").pixels)
