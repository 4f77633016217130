"""A model that looks at each image through views (``ModelMetadata.views``): metadata, probabilities,
heatmaps and the ``calibrate --views`` command that sets them."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from pneumo_core import (
    DataLayoutError,
    ModelBundle,
    ModelFileError,
    ModelMetadata,
    Predictor,
    PreparedImage,
    load_image,
)
from pneumo_core.cli import main as cli_main
from pneumo_core.model import calibration
from pneumo_core.model.explain import Explainer
from pneumo_core.training.recalibrate import calibrate, parse_view

VIEWS = ((0.0, 1.0), (6.0, 0.9))


def _with_views(model_path, folder, views, **changes):
    """A copy of a model whose metadata says to look through ``views``."""
    path = folder / model_path.name
    shutil.copy(model_path, path)
    meta = ModelBundle(model_path).read_metadata()
    # other views make other features: the gate fitted on the old ones does not travel
    ModelBundle(path).write_metadata(dataclasses.replace(meta, views=tuple(views), gate={}, **changes))
    return path


@pytest.fixture(scope="module")
def viewed_tiny(tiny_model_path, tmp_path_factory):
    return Predictor(_with_views(tiny_model_path, tmp_path_factory.mktemp("viewed"), VIEWS, temperature=0.8))


def test_old_metadata_without_views_loads_with_the_identity_view(tiny_model_path):
    raw = json.loads(ModelBundle(tiny_model_path).metadata_path.read_text())
    raw.pop("views")
    raw["weights_file"] = "tiny.keras"  # written by earlier releases, never read
    assert ModelMetadata.from_json(json.dumps(raw)).views == ((0.0, 1.0),)


@pytest.mark.parametrize("views", [[], [[0.0, 0.0]], [[1.0]], [[0.0, 1.0, 2.0]]])
def test_bad_views_are_refused(tiny_model_path, views):
    raw = json.loads(ModelBundle(tiny_model_path).metadata_path.read_text())
    raw["views"] = views
    with pytest.raises(ModelFileError, match="views|malformed"):
        ModelMetadata.from_json(json.dumps(raw))


def test_probability_averages_the_logits_of_the_views(viewed_tiny, tiny_predictor):
    image = np.random.default_rng(3).uniform(0, 1, (50, 40)).astype(np.float32)
    prepared = viewed_tiny.prepare(image)
    assert prepared.x.shape == (2, 32, 32, 1) and prepared.shape == (50, 40)
    one_each = [tiny_predictor.raw_probabilities([PreparedImage(prepared.x[v:v + 1], prepared.shape)]) for v in range(2)]
    expected = calibration.apply_temperature(calibration.sigmoid(np.mean(calibration.logit(one_each), axis=0)), 0.8)
    np.testing.assert_allclose(viewed_tiny.probabilities([image]), expected, rtol=1e-6)
    assert viewed_tiny.predict(image).probability == pytest.approx(float(expected[0]), rel=1e-6)


@pytest.mark.parametrize("shape", [(32, 32, 1), (1, 32, 32, 1), (2, 16, 16, 1)])
def test_inputs_of_the_wrong_shape_are_refused(viewed_tiny, shape):
    with pytest.raises(ValueError, match=r"expected model inputs of shape \(N, \(2, 32, 32, 1\)\)"):
        viewed_tiny.probabilities([PreparedImage(np.zeros(shape, np.float32), (32, 32))])


@pytest.mark.parametrize("views", [((0.0, 0.93),), ((0.0, 1.0), (6.0, 1.0), (-6.0, 0.95))])
def test_heatmap_of_views_is_mapped_back_onto_the_image(predictor, tmp_path, data_dir, views):
    path = _with_views(predictor.bundle.weights, tmp_path, views)
    viewed = Predictor(path)
    image = load_image(data_dir / "test" / "PNEUMONIA" / "person100_bacteria_475.jpeg").pixels
    x = viewed.prepare(image).x
    fast = viewed.explain(image, "PNEUMONIA", "Grad-CAM")
    whole = Explainer(viewed.model, viewed.meta.gradcam_layers, viewed.meta.classes, per_member=False)
    reference = whole.explain(x, "PNEUMONIA", "Grad-CAM", out_size=image.shape, views=views)
    assert fast.values.shape == image.shape
    assert (fast.values > 0.5).mean() > 0.01
    np.testing.assert_allclose(fast.values, reference.values, atol=2e-3)


def test_explainer_needs_one_view_per_input(tiny_predictor):
    with pytest.raises(ValueError, match="one view per model input"):
        tiny_predictor.explainer.explain(np.zeros((2, 32, 32, 1), np.float32), "NORMAL", views=((0.0, 1.0),))


@pytest.mark.parametrize("text, expected", [("0:0.93", (0.0, 0.93)), ("-6:1", (-6.0, 1.0)), ("5.5:1.1", (5.5, 1.1))])
def test_parse_view(text, expected):
    assert parse_view(text) == expected


@pytest.mark.parametrize("text, message", [("0.93", "DEGREES:SCALE"), ("a:b", "DEGREES:SCALE"),
                                           ("0:0", "scale > 0"), ("1:2:3", "DEGREES:SCALE")])
def test_parse_view_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_view(text)


def test_calibrate_views_rescores_validation_and_records_the_rule(tiny_model_path, tmp_path, data_dir):
    path = _with_views(tiny_model_path, tmp_path, ((0.0, 1.0),))
    files = {"NORMAL": ["IM-0115-0001.jpeg", "IM-0117-0001.jpeg"],
             "PNEUMONIA": ["person1000_bacteria_2931.jpeg", "person1000_virus_1681.jpeg"]}
    names = [n for c in files for n in files[c]]
    labels = [0, 0, 1, 1]
    bundle = ModelBundle(path)
    bundle.validation_path.write_text(json.dumps({"files": names, "labels": labels, "raw": [0.5] * 4}))
    assert cli_main(["calibrate", str(path), "--views", "0:0.93", "--views-rule", "because",
                     "--data", str(data_dir)]) == 0
    meta = bundle.read_metadata()
    assert meta.views == ((0.0, 0.93),) and meta.rules["views"] == "because"
    record = json.loads(bundle.validation_path.read_text())
    assert record["files"] == names and record["views"] == [[0.0, 0.93]]
    viewed = Predictor(path)
    images = [load_image(data_dir / "train" / c / n).pixels for c in files for n in files[c]]
    expected = viewed.raw_probabilities(images)
    np.testing.assert_allclose(record["raw"], expected, rtol=1e-5)
    assert set(meta.presets) == {"screening", "balanced", "high_specificity"}


def test_calibrate_views_without_the_images_changes_nothing(tiny_model_path, tmp_path):
    path = _with_views(tiny_model_path, tmp_path, ((0.0, 1.0),))
    bundle = ModelBundle(path)
    bundle.validation_path.write_text(json.dumps({"files": ["IM-0115-0001.jpeg"], "labels": [0], "raw": [0.5]}))
    before = bundle.metadata_path.read_text(), bundle.validation_path.read_text()
    with pytest.raises(DataLayoutError, match="expected the validation image"):
        calibrate(bundle, [(0.0, 0.93)], data_dir=tmp_path / "nowhere")
    assert cli_main(["calibrate", str(path), "--views", "0:0.93", "--data", str(tmp_path / "nowhere")]) == 2
    assert (bundle.metadata_path.read_text(), bundle.validation_path.read_text()) == before
