"""The networks, of standard Keras layers, trained from scratch.

Standard layers only, so a model trained with the JAX or PyTorch backend on the GPU machine loads
unchanged with TensorFlow on the CPU. The output is one sigmoid unit: P(PNEUMONIA) before
calibration. The last stage (``GRADCAM_LAYER``) keeps a 1/16 resolution map for Grad-CAM.

The architectures (``ARCHITECTURES``):
- ``resnet``: a compact residual CNN (the shipped ensemble's members: 3x3 convolutions, ~1 M
  parameters at width 24);
- ``fast``: model v2's, MobileNet-like: depthwise-separable blocks with residual connections
  (~0.35 M parameters, ~1.5 MB at width 32), several times cheaper on a CPU;
- the published ones (``published_nets``: an MLP, a 3-layer CNN, VGG16, ResNet50V2, InceptionV3,
  MobileNetV2) from random weights, for the comparison; ResNet50V2 is also the reference the speed
  targets name. Their last map (1/32 of the input for the applications) is renamed ``stage4_out``.
A member's architecture is in its name (``{prefix}pneumo_cnn``, ``{prefix}pneumo_fast``,
``{prefix}pneumo_vgg16``...).
"""

from __future__ import annotations

import keras
from keras import layers

from .published_nets import PUBLISHED_NETS

LOGIT_LAYER = "logit"
OUTPUT_LAYER = "probability"
GRADCAM_LAYER = "stage4_out"
POOL_LAYER = "gap"  # each member's pooled features (what the input gate measures)
_MEMBER_NAMES = {"resnet": "pneumo_cnn", "fast": "pneumo_fast", **{name: f"pneumo_{name}" for name in PUBLISHED_NETS}}


def _conv_bn(x, filters: int, name: str, stride: int = 1):
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                      name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def _residual_stage(x, filters: int, name: str, downsample: bool):
    """Optionally downsample by 2, then two 3x3 convolutions with a projected shortcut."""
    if downsample:
        x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
    shortcut = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_proj")(x)
    shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = _conv_bn(x, filters, f"{name}_a")
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                      name=f"{name}_b_conv")(y)
    y = layers.BatchNormalization(name=f"{name}_b_bn")(y)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def _separable(x, filters: int, name: str, stride: int = 1):
    """Depthwise 3x3 then pointwise 1x1 (each with batch norm), with a shortcut when shapes allow."""
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=f"{name}_dw")(x)
    y = layers.BatchNormalization(name=f"{name}_dw_bn")(y)
    y = layers.Activation("relu", name=f"{name}_dw_relu")(y)
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_pw")(y)
    y = layers.BatchNormalization(name=f"{name}_pw_bn")(y)
    if stride == 1 and x.shape[-1] == filters:
        y = layers.Add(name=f"{name}_add")([x, y])
    return layers.Activation("relu", name=f"{name}_out")(y)


def _resnet_features(x, width: int, prefix: str):
    x = _conv_bn(x, width, f"{prefix}stem", stride=2)
    for i, mult in enumerate((1, 2, 4, 8), start=1):
        x = _residual_stage(x, width * mult, f"{prefix}stage{i}", downsample=i > 1)
    return x


def _fast_features(x, width: int, prefix: str):
    """1/2 (stem), 1/4, 1/8, 1/16 with two, two, three and one separable blocks."""
    x = _conv_bn(x, width // 2, f"{prefix}stem", stride=2)
    for i, (mult, blocks) in enumerate(((1, 2), (2, 2), (4, 3)), start=1):
        for b in range(blocks):
            x = _separable(x, width * mult, f"{prefix}stage{i}{'abc'[b]}", stride=2 if b == 0 else 1)
    return _separable(x, width * 8, f"{prefix}stage4")  # its output is ``stage4_out``: Grad-CAM's map


def _published(builder):
    """A published architecture's features, its last map renamed ``{prefix}stage4_out`` for Grad-CAM
    (``width`` unused: the published sizes are kept)."""
    def features(x, width: int, prefix: str):
        return layers.Activation("linear", name=f"{prefix}{GRADCAM_LAYER}")(builder(x, prefix))
    return features


ARCHITECTURES = {"resnet": _resnet_features, "fast": _fast_features,
                 **{name: _published(builder) for name, (builder, _) in PUBLISHED_NETS.items()}}


def _backbone(inputs, width: int, dropout: float, prefix: str, architecture: str = "resnet"):
    """The CNN from the input to the pre-sigmoid logit; every layer name starts with ``prefix``."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; expected one of {sorted(ARCHITECTURES)}")
    x = layers.Rescaling(2.0, offset=-1.0, name=f"{prefix}to_signed")(inputs)
    x = ARCHITECTURES[architecture](x, width, prefix)
    x = layers.GlobalAveragePooling2D(name=f"{prefix}{POOL_LAYER}")(x)
    x = layers.Dropout(dropout, name=f"{prefix}dropout")(x)
    return layers.Dense(1, name=f"{prefix}{LOGIT_LAYER}")(x)


def _check_size(input_size: int) -> None:
    if input_size % 16:
        raise ValueError(f"expected an input size divisible by 16; got {input_size}")


def build_model(input_size: int, width: int = 24, dropout: float = 0.4, prefix: str = "", architecture: str = "resnet"):
    """Build one classifier for ``(input_size, input_size, 1)`` inputs in [0, 1].

    The last layer is a sigmoid; ``prefix + GRADCAM_LAYER`` is the last convolutional feature map.
    """
    _check_size(input_size)
    inputs = keras.Input((input_size, input_size, 1), name="xray")
    logit = _backbone(inputs, width, dropout, prefix, architecture)
    out = layers.Activation("sigmoid", name=OUTPUT_LAYER)(logit)
    return keras.Model(inputs, out, name=f"{prefix}{_MEMBER_NAMES[architecture]}")


def member_prefix(index: int) -> str:
    return f"m{index}_"


def _split_name(member) -> tuple[str, str]:
    """(layer-name prefix, architecture) of a model from ``build_model``."""
    for architecture, suffix in _MEMBER_NAMES.items():
        if member.name.endswith(suffix):
            return member.name[: -len(suffix)], architecture
    raise ValueError(f"expected a model built by build_model (name ending one of {sorted(_MEMBER_NAMES.values())}); "
                     f"got {member.name!r}")


def prefix_of(member) -> str:
    """The layer-name prefix a model from ``build_model`` was built with."""
    return _split_name(member)[0]


def build_ensemble(members: list, input_size: int, width: int = 24):
    """One model averaging the logits of ``members`` (built with ``member_prefix(i)``).

    A single file, a single sigmoid output, standard layers: loads like any other model. Weights
    are copied from the members by layer name.
    """
    _check_size(input_size)
    inputs = keras.Input((input_size, input_size, 1), name="xray")
    logits = [_backbone(inputs, width, 0.0, *_split_name(m)) for m in members]
    mean = layers.Average(name=LOGIT_LAYER)(logits) if len(logits) > 1 else logits[0]
    out = layers.Activation("sigmoid", name=OUTPUT_LAYER)(mean)
    ensemble = keras.Model(inputs, out, name=f"pneumo_ensemble_{len(members)}")
    if len(members) == 1:  # the same graph built again, so its weights come in the same order (some
        ensemble.set_weights(members[0].get_weights())  # Keras applications name their layers on their own)
        return ensemble
    for member in members:
        for layer in member.layers:
            if layer.weights and layer.name != OUTPUT_LAYER:
                ensemble.get_layer(layer.name).set_weights(layer.get_weights())
    return ensemble


def gradcam_layers(members: list) -> list[str]:
    """The Grad-CAM feature maps of the model ``build_ensemble(members)`` builds."""
    return [prefix_of(m) + GRADCAM_LAYER for m in members]
