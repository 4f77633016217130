"""Predictions: a frozen record per image, from a model loaded once.

``Predictor`` holds a Keras model and its metadata; it is read-only after construction and guards
inference with a lock, so one instance can serve every user of the app. It owns the model input:
``prepare`` makes it from an image once (the model's views of the image, at its input size), and
the probability and the heatmap of an upload are both computed from that one prepared input.
Deciding a label from a probability is ``pneumo_core.decision``'s job, so changing a preset or
threshold never re-runs the network.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..decision import Assessment, Prediction, decide
from ..errors import ModelFileError
from ..imaging.checks import assess
from ..imaging.load import grey_levels, load_image, model_view
from ..imaging.preprocess import FILM_SIZE, model_inputs_u8, resize_square
from ..imaging.types import LoadedImage, Source
from . import calibration
from .bundle import ModelBundle
from .explain import Explainer
from .heatmaps import Heatmap
from .metadata import ModelMetadata

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedImage:
    """One image as the model sees it: its views ``(V, S, S, 1)`` float32 in [0, 1], the (height,
    width) of the image as it was decoded (a JPEG read from its bytes for the model alone: at the
    decoder's reduced scale), and the input gate's assessment of that image."""

    x: np.ndarray
    shape: tuple[int, int]
    assessment: Assessment = Assessment()  # the checks made before the network (header, pixels, orientation)


@dataclass(frozen=True)
class Scored:
    """An image's calibrated probability and the input gate's whole assessment (network checks included)."""

    probability: float
    assessment: Assessment


class Predictor:
    """A model and its metadata, loaded once; thread-safe inference."""

    def __init__(self, bundle: ModelBundle | Path | str | None = None, meta: ModelMetadata | None = None,
                 verify: bool = True):
        """``bundle``: the model (default: the one the app serves). ``meta``: metadata to use instead
        of the bundle's file (e.g. other views being tried); it must describe the same weights."""
        self.bundle = bundle if isinstance(bundle, ModelBundle) else (
            ModelBundle.default() if bundle is None else ModelBundle(bundle))
        self.meta = meta or self.bundle.meta
        if verify:
            self.bundle.verify_weights(self.meta)
        elif not self.bundle.weights.is_file():
            raise ModelFileError(f"expected model weights at {self.bundle.weights}; none found")
        import keras  # only now: a missing or damaged model file is reported without loading TensorFlow

        self.model = keras.models.load_model(self.bundle.weights, compile=False)
        expected = (None, self.meta.input_size, self.meta.input_size, 1)
        if tuple(self.model.input_shape) != expected:
            raise ModelFileError(f"model input {self.model.input_shape} does not match metadata {expected}")
        self._lock = threading.Lock()
        self.explainer = Explainer(self.model, self.meta.gradcam_layers, self.meta.classes)
        self.gate = self.bundle.read_gate(self.meta)
        self._with_features = keras.Model(self.model.input, [self.model.output, *self._pool_outputs()])
        log.info("loaded model %s (%s)", self.meta.version, self.bundle.weights.name)

    def prepare(self, image: PreparedImage | LoadedImage | np.ndarray | Source) -> PreparedImage:
        """The model's input for one image (loaded, a gray array in [0, 1], or bytes/path to load),
        with the input gate's assessment of it (every prediction passes through the gate here)."""
        if isinstance(image, PreparedImage):
            return image
        size = self.meta.input_size  # another size is made from the whole film, as it always was
        if not isinstance(image, (LoadedImage, np.ndarray)):  # no display copy: a JPEG may be decoded reduced
            image = load_image(image, fit=FILM_SIZE if size == FILM_SIZE else None)
        # what the gate's checks and the film as the data set stores it (made once, for the gate and a
        # model of that size) read: the JPEG decoder's reduced scale where it has one, the same whether
        # the upload was decoded whole (the app) or for the model alone (``model_view``)
        view = model_view(image, FILM_SIZE)
        film = resize_square(grey_levels(view), FILM_SIZE) if self.gate or size == FILM_SIZE else None
        findings = list(assess(view).findings) + (self.gate.before_network(film) if self.gate else [])
        model_film = film if size == FILM_SIZE else grey_levels(image)
        return PreparedImage(model_inputs_u8(model_film, size, self.meta.views), _as_gray(image).shape[:2],
                             Assessment.of(findings))

    def _pool_outputs(self) -> list:
        """Each member's pooled-feature layer (what the learned gate measures), found by name."""
        from .architecture import GRADCAM_LAYER, POOL_LAYER

        names = [layer[: -len(GRADCAM_LAYER)] + POOL_LAYER for layer in self.meta.gradcam_layers]
        known = {layer.name for layer in self.model.layers}
        return [self.model.get_layer(n).output for n in names if n in known]

    def score(self, images: list, batch_size: int = 32) -> list[Scored]:
        """Calibrated probability and the whole gate's assessment of each image (anything ``prepare``
        takes): the checks made in ``prepare`` plus the distance of the model's own features."""
        out: list[Scored] = []
        for start in range(0, len(images), batch_size):
            prepared = [self.prepare(im) for im in images[start:start + batch_size]]
            raw, features = self._forward(prepared, with_features=self.gate is not None)
            probs = calibration.apply_temperature(raw, self.meta.temperature)
            distances = self.gate.distances(features) if features is not None else [None] * len(prepared)
            for p, im, distance in zip(probs, prepared, distances):
                findings = list(im.assessment.findings)
                if distance is not None:
                    findings = self.gate.with_distance(findings, float(distance))
                out.append(Scored(float(p), Assessment.of(findings)))
        return out

    def pooled_features(self, images: list, batch_size: int = 32) -> np.ndarray:
        """The pooled features ``(N, D)`` the learned gate measures (views averaged), for gate fitting."""
        return np.concatenate([self._forward([self.prepare(im) for im in images[s:s + batch_size]], True)[1]
                               for s in range(0, len(images), batch_size)])

    def probabilities(self, images: list, batch_size: int = 32) -> np.ndarray:
        """Calibrated P(PNEUMONIA) for images (anything ``prepare`` takes)."""
        return calibration.apply_temperature(self.raw_probabilities(images, batch_size), self.meta.temperature)

    def raw_probabilities(self, images: list, batch_size: int = 32) -> np.ndarray:
        """The model's own output before calibration (what calibration is fitted on): the sigmoid of
        the mean logit over an image's views."""
        if not len(images):
            return np.zeros(0)
        return np.concatenate([self._forward([self.prepare(im) for im in images[start:start + batch_size]])[0]
                               for start in range(0, len(images), batch_size)])

    def _forward(self, prepared: list[PreparedImage], with_features: bool = False):
        """(raw probabilities (N,), pooled features (N, D) or None): one pass of the network; the
        logits and the features of an image's views are averaged."""
        size, n_views = self.meta.input_size, len(self.meta.views)
        x = np.stack([p.x for p in prepared])
        expected = (n_views, size, size, 1)
        if x.shape[1:] != expected:
            raise ValueError(f"expected model inputs of shape (N, {expected}); got {x.shape}")
        flat = x.reshape((-1, size, size, 1))
        features = None
        with self._lock:  # predict_on_batch: Keras' compiled forward pass (an eager call costs ~10x more on a CPU)
            if with_features and len(self._with_features.outputs) > 1:
                out = self._with_features.predict_on_batch(flat)
                raw = np.asarray(out[0]).ravel()
                features = np.concatenate([np.asarray(o) for o in out[1:]], axis=1)
                features = features.reshape(len(x), n_views, -1).mean(axis=1)
            else:
                raw = np.asarray(self.model.predict_on_batch(flat)).ravel()
        return calibration.sigmoid(calibration.logit(raw).reshape(len(x), n_views).mean(axis=1)), features

    def predict(self, image, preset: str | None = None, threshold: float | None = None) -> Prediction:
        """One image (anything ``prepare`` takes) -> a Prediction."""
        return self.predict_batch([image], preset, threshold)[0]

    def predict_batch(self, images: list, preset: str | None = None,
                      threshold: float | None = None) -> list[Prediction]:
        """Predictions carrying the gate's assessment: a refused image still has its probability and
        label (for audit); ``prediction.assessment.labelled`` says whether they may be shown."""
        return [decide(s.probability, self.meta, preset, threshold, s.assessment) for s in self.score(images)]

    def explain(self, image, label: str | None = None, method: str = "Grad-CAM",
                out_size: tuple[int, int] | None = None) -> Heatmap:
        """Heatmap explaining ``label`` (default: the label at the default preset) for one image
        (anything ``prepare`` takes), at ``out_size`` (h, w; default the size the image was decoded at:
        for a JPEG's bytes, the decoder's reduced scale; pass the size the film is shown at)."""
        prepared = self.prepare(image)
        if label is None:
            label = self.predict(prepared).label
        return self.explainer.explain(prepared.x, label, method, out_size=out_size or prepared.shape,
                                      views=self.meta.views)


def _as_gray(image: LoadedImage | np.ndarray) -> np.ndarray:
    return image.pixels if isinstance(image, LoadedImage) else image
