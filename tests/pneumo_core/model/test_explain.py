"""Heatmaps: every method gives a non-empty [0, 1] map at the image's size; the fast per-member path
gives the whole ensemble's map."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core import HEATMAP_METHODS, METHODS, ExplanationError
from pneumo_core.model.heatmaps import normalize_map


@pytest.fixture(scope="module")
def xray(data_dir):
    from pneumo_core import load_image

    return load_image(data_dir / "test" / "PNEUMONIA" / "person100_bacteria_475.jpeg").pixels


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("label", ["NORMAL", "PNEUMONIA"])
@pytest.mark.parametrize("shape", [(40, 60), (32, 32)])
def test_tiny_model_maps(tiny_predictor, method, label, shape):
    rng = np.random.default_rng(1)
    image = rng.uniform(0, 1, size=shape).astype(np.float32)
    try:
        heat = tiny_predictor.explain(image, label, method)
    except ExplanationError:
        pytest.xfail("an untrained model may have nothing to show; the error is the documented outcome")
    assert heat.values.shape == shape
    assert heat.values.dtype == np.float32
    assert heat.values.min() >= 0.0 and heat.values.max() == pytest.approx(1.0)
    assert heat.method == method and heat.explained_class == label


@pytest.mark.parametrize("method", ["Grad-CAM", "Grad-CAM++"])
def test_committed_model_map_is_not_empty(predictor, xray, method):
    pred = predictor.predict(xray)
    heat = predictor.explain(xray, pred.label, method)
    assert heat.values.shape == xray.shape
    assert heat.values.min() >= 0.0 and heat.values.max() == pytest.approx(1.0)
    assert (heat.values > 0.5).mean() > 0.01  # a region, not a single hot pixel
    assert heat.explained_class == pred.label


@pytest.mark.parametrize("raw", [np.zeros((7, 7)), -np.ones((7, 7)), np.full((7, 7), np.nan)])
def test_empty_maps_raise(raw):
    with pytest.raises(ExplanationError, match="empty"):
        normalize_map(raw, (20, 20), "Grad-CAM")


def test_unknown_method_and_label(tiny_predictor):
    with pytest.raises(ValueError, match="unknown heatmap method"):
        tiny_predictor.explain(np.zeros((32, 32), np.float32) + 0.5, "NORMAL", "LIME")
    with pytest.raises(ValueError, match="expected a label"):
        tiny_predictor.explain(np.zeros((32, 32), np.float32) + 0.5, "COVID")


PER_MEMBER = [name for name, spec in HEATMAP_METHODS.items() if spec.per_member]


def test_the_fast_methods_are_the_gradient_ones():
    assert PER_MEMBER == ["Grad-CAM", "Grad-CAM++"]


@pytest.mark.parametrize("method", PER_MEMBER)
@pytest.mark.parametrize("label", ["NORMAL", "PNEUMONIA"])
def test_per_member_maps_equal_whole_ensemble_maps(predictor, xray, method, label):
    """The fast path (each member alone) gives the map of the whole ensemble's averaged logit."""
    from pneumo_core.imaging.preprocess import model_input
    from pneumo_core.model.explain import Explainer

    meta = predictor.meta
    x = model_input(xray, meta.input_size)
    fast = predictor.explainer.explain(x, label, method)
    whole = Explainer(predictor.model, meta.gradcam_layers, meta.classes, per_member=False).explain(x, label, method)
    assert predictor.explainer._members is not None  # the fast path was taken
    np.testing.assert_allclose(fast.values, whole.values, atol=2e-3)


def test_one_network_map_needs_no_extra_pass_and_equals_the_whole_model_map():
    """A single network (model v2's shape) is explained by its own signed logit: the same map."""
    import keras

    from pneumo_core.decision import CLASSES
    from pneumo_core.model.architecture import build_ensemble, build_model, gradcam_layers, member_prefix
    from pneumo_core.model.explain import Explainer

    keras.utils.set_random_seed(3)
    net = build_model(32, width=8, prefix=member_prefix(0), architecture="fast")
    model = build_ensemble([net], 32, width=8)
    x = np.random.default_rng(0).random((32, 32, 1)).astype(np.float32)
    fast = Explainer(model, tuple(gradcam_layers([net])), CLASSES)
    whole = Explainer(model, tuple(gradcam_layers([net])), CLASSES, per_member=False)
    assert fast._members is not None
    compared = 0
    for label in CLASSES:
        maps = []
        for explainer in (fast, whole):
            try:
                maps.append(explainer.explain(x, label).values)
            except ExplanationError:  # an untrained network may raise nothing towards a label: then both say so
                maps.append(None)
        assert (maps[0] is None) == (maps[1] is None)
        if maps[0] is not None:
            np.testing.assert_allclose(maps[0], maps[1], atol=2e-3)
            compared += 1
    assert compared >= 1
