"""The architectures the public projects on this data set report, for ``python -m pneumo_core
compare``: built the way pneumo builds its own networks (one grey channel in, the last feature map
kept for Grad-CAM, global pooling, one logit; see ``architecture``) and from random weights. No
ImageNet weights can be downloaded where pneumo is built, so none of these starts where its authors'
did; every table that shows them says so.

- ``mlp``: the film averaged down 4 times (56 x 56 at 224) and flattened into two dense layers
  (256 and 64 units); it has no spatial feature map, so its "map" is 1 x 1 and Grad-CAM cannot
  point anywhere;
- ``cnn3``: three 3 x 3 convolution layers (32, 64 and 128 filters), each followed by 2 x 2 max
  pooling (the public "3-layer CNN");
- ``vgg16``, ``resnet50v2``, ``inceptionv3``, ``mobilenetv2``: ``keras.applications`` without their
  ImageNet top, ``weights=None``. InceptionV3 needs an input of at least 75 pixels.

Each builder takes the scaled input tensor and a layer-name prefix and returns the last feature
map. Keras' applications name their layers themselves (the prefix is not used), so two of them
cannot be merged into one ensemble; pneumo's comparison trains one network of each. Light to
import (keras is imported by the builders), so the table can be read without a network.
"""

from __future__ import annotations


def _mlp(x, prefix: str):
    from keras import layers

    x = layers.AveragePooling2D(4, name=f"{prefix}mlp_downscale")(x)
    x = layers.Flatten(name=f"{prefix}mlp_flatten")(x)
    x = layers.Dense(256, activation="relu", name=f"{prefix}mlp_dense1")(x)
    x = layers.Dense(64, activation="relu", name=f"{prefix}mlp_dense2")(x)
    return layers.Reshape((1, 1, 64), name=f"{prefix}mlp_as_map")(x)


def _cnn3(x, prefix: str):
    from keras import layers

    for i, filters in enumerate((32, 64, 128), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{prefix}cnn3_conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"{prefix}cnn3_pool{i}")(x)
    return x


def _application(name: str):
    def features(x, prefix: str):
        import keras

        return getattr(keras.applications, name)(include_top=False, weights=None, input_tensor=x).output
    features.__doc__ = f"keras.applications.{name}, randomly initialised."
    return features


# name -> (builder, how it is described in tables)
PUBLISHED_NETS = {
    "mlp": (_mlp, "MLP on the film averaged down 4x (2 dense layers)"),
    "cnn3": (_cnn3, "3-layer CNN (32-64-128 filters)"),
    "vgg16": (_application("VGG16"), "VGG16 (keras.applications)"),
    "resnet50v2": (_application("ResNet50V2"), "ResNet50V2 (keras.applications)"),
    "inceptionv3": (_application("InceptionV3"), "InceptionV3 (keras.applications)"),
    "mobilenetv2": (_application("MobileNetV2"), "MobileNetV2 (keras.applications)"),
}
