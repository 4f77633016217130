"""Both architectures: standard layers named as the predictor, the gate and Grad-CAM expect; the
fast one small; members of either merge into one model that averages their logits."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.model.architecture import (
    ARCHITECTURES,
    GRADCAM_LAYER,
    LOGIT_LAYER,
    POOL_LAYER,
    build_ensemble,
    build_model,
    gradcam_layers,
    member_prefix,
    prefix_of,
)


@pytest.mark.parametrize(("architecture", "size", "cam_side"), [
    ("resnet", 64, 4), ("fast", 64, 4),  # 1/16
    ("resnet50v2", 64, 2), ("vgg16", 64, 2), ("mobilenetv2", 64, 2), ("inceptionv3", 96, 1),  # 1/32 (Inception: less)
    ("cnn3", 64, 8),  # 1/8
    ("mlp", 64, 1),  # no spatial map
])
def test_layers_the_app_relies_on_are_there(architecture, size, cam_side):
    model = build_model(size, width=8, prefix="m0_", architecture=architecture)
    names = {layer.name for layer in model.layers}
    assert {f"m0_{GRADCAM_LAYER}", f"m0_{POOL_LAYER}", f"m0_{LOGIT_LAYER}"} <= names
    assert model.get_layer(f"m0_{GRADCAM_LAYER}").output.shape[1:3] == (cam_side, cam_side)
    assert model.input.shape[1:] == (size, size, 1)  # one grey channel, ImageNet's three not needed
    assert prefix_of(model) == "m0_"


def test_every_published_architecture_is_offered():
    assert set(ARCHITECTURES) == {"resnet", "fast", "mlp", "cnn3", "vgg16", "resnet50v2", "inceptionv3", "mobilenetv2"}


def test_a_keras_application_served_alone_keeps_its_weights():
    """Keras names some of an application's layers itself (InceptionV3: conv2d_94...), so a
    one-network 'ensemble' takes the weights in order, not by name, and answers exactly as the network."""
    net = build_model(96, prefix=member_prefix(0), architecture="inceptionv3")
    served = build_ensemble([net], 96)
    mine, theirs = net.get_weights(), served.get_weights()
    assert len(mine) == len(theirs) and all(np.array_equal(a, b) for a, b in zip(mine, theirs))
    x = np.random.default_rng(1).random((2, 96, 96, 1)).astype(np.float32)
    assert np.allclose(np.asarray(served(x, training=False)), np.asarray(net(x, training=False)), atol=1e-6)


def test_fast_network_is_small_at_its_default_width():
    fast, resnet = build_model(224, width=32, architecture="fast"), build_model(224, width=24)
    assert fast.count_params() < 500_000 < resnet.count_params()
    assert fast.count_params() * 4 < 5 * 2**20  # float32 weights under 5 MB


def test_members_of_both_architectures_merge_and_average(tmp_path):
    members = [build_model(32, width=4, prefix=member_prefix(i), architecture=a)
               for i, a in enumerate(("fast", "resnet"))]
    merged = build_ensemble(members, 32, width=4)
    x = np.random.default_rng(0).random((3, 32, 32, 1)).astype(np.float32)

    def logit(p):
        return np.log(p / (1 - p))

    expected = np.mean([logit(np.asarray(m(x, training=False))) for m in members], axis=0)
    assert np.allclose(logit(np.asarray(merged(x, training=False))), expected, atol=1e-4)
    assert gradcam_layers(members) == [f"m0_{GRADCAM_LAYER}", f"m1_{GRADCAM_LAYER}"]


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(input_size=60), "divisible by 16"),
    (dict(input_size=64, architecture="vgg"), "unknown architecture 'vgg'"),
])
def test_bad_requests_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_model(**kwargs)


def test_a_foreign_model_has_no_prefix():
    import keras

    inputs = keras.Input((8,))
    with pytest.raises(ValueError, match="built by build_model"):
        prefix_of(keras.Model(inputs, keras.layers.Dense(1)(inputs), name="other"))
