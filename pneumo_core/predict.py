"""Predictions: a frozen record per image, from a model loaded once.

``Predictor`` holds a Keras model and its metadata; it is read-only after construction and guards
inference with a lock, so one instance can serve every user of the app. Deciding a label from a
probability (``decide``) needs no model, so changing a preset or threshold never re-runs it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import calibration
from .errors import ModelFileError
from .explain import Explainer, Heatmap
from .loader import LoadedImage, Source, load_image
from .metadata import ModelMetadata, metadata_path, sha256_of
from .preprocess import model_inputs

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL = MODELS_DIR / "pneumo_cnn.keras"
CONFIDENT, SECOND_OPINION = "confident", "second opinion"


@dataclass(frozen=True)
class Prediction:
    """What the model says about one image."""

    label: str  # "NORMAL" or "PNEUMONIA"
    probability: float  # calibrated P(PNEUMONIA)
    threshold: float
    preset: str  # a preset name, or "custom"
    band: str  # CONFIDENT or SECOND_OPINION
    model_version: str

    @property
    def needs_second_opinion(self) -> bool:
        return self.band == SECOND_OPINION


def decide(probability: float, meta: ModelMetadata, preset: str | None = None,
           threshold: float | None = None) -> Prediction:
    """Label a calibrated probability at a preset (default: the model's) or a custom threshold."""
    if threshold is not None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"expected a threshold strictly between 0 and 1; got {threshold}")
        name = "custom"
    else:
        name = preset or meta.default_preset
        if name not in meta.presets:
            raise ValueError(f"unknown preset {name!r}; expected one of {sorted(meta.presets)}")
        threshold = meta.presets[name]
    lo, hi = meta.band
    return Prediction(
        label=meta.classes[1] if probability >= threshold else meta.classes[0],
        probability=float(probability), threshold=float(threshold), preset=name,
        band=SECOND_OPINION if lo <= probability <= hi else CONFIDENT,
        model_version=meta.version,
    )


class Predictor:
    """A model and its metadata, loaded once; thread-safe inference."""

    def __init__(self, model_path: Path | str = DEFAULT_MODEL, verify: bool = True):
        import keras

        self.model_path = Path(model_path)
        self.meta = ModelMetadata.load(metadata_path(self.model_path))
        if not self.model_path.is_file():
            raise ModelFileError(f"expected model weights at {self.model_path}; none found")
        if verify and sha256_of(self.model_path) != self.meta.weights_sha256:
            raise ModelFileError(f"{self.model_path.name} does not match the SHA-256 in its metadata: "
                                 "the file is damaged or not the one the metadata describes")
        self.model = keras.models.load_model(self.model_path, compile=False)
        expected = (None, self.meta.input_size, self.meta.input_size, 1)
        if tuple(self.model.input_shape) != expected:
            raise ModelFileError(f"model input {self.model.input_shape} does not match metadata {expected}")
        self._lock = threading.Lock()
        self.explainer = Explainer(self.model, self.meta.gradcam_layers, self.meta.classes)
        log.info("loaded model %s (%s)", self.meta.version, self.model_path.name)

    def inputs(self, images: list[np.ndarray]) -> np.ndarray:
        """Gray images in [0, 1] -> a batch ``(N, views, S, S, 1)`` of the model's views of each."""
        return np.stack([model_inputs(im, self.meta.input_size, self.meta.views) for im in images])

    def probabilities(self, images: list[np.ndarray], batch_size: int = 32) -> np.ndarray:
        """Calibrated P(PNEUMONIA) for gray images in [0, 1] (any sizes)."""
        return calibration.apply_temperature(self.raw_probabilities(images, batch_size), self.meta.temperature)

    def raw_probabilities(self, images: list[np.ndarray], batch_size: int = 32) -> np.ndarray:
        """The model's own output for gray images, before calibration (what calibration is fitted on)."""
        if not len(images):
            return np.zeros(0)
        return np.concatenate([self.raw_probabilities_of_inputs(self.inputs(images[start:start + batch_size]))
                               for start in range(0, len(images), batch_size)])

    def probabilities_of_inputs(self, x: np.ndarray) -> np.ndarray:
        """Calibrated P(PNEUMONIA) for a batch made by ``inputs`` / ``model_inputs``: the logits of
        an image's views are averaged, then calibrated."""
        return calibration.apply_temperature(self.raw_probabilities_of_inputs(x), self.meta.temperature)

    def raw_probabilities_of_inputs(self, x: np.ndarray) -> np.ndarray:
        """The model's own output before calibration (sigmoid of the views' mean logit)."""
        size, n_views = self.meta.input_size, len(self.meta.views)
        expected = (n_views, size, size, 1)
        if x.ndim != 5 or x.shape[1:] != expected:
            raise ValueError(f"expected model inputs of shape (N, {expected}); got {x.shape}")
        with self._lock:
            raw = np.asarray(self.model(x.reshape((-1, size, size, 1)), training=False)).ravel()
        return calibration.sigmoid(calibration.logit(raw).reshape(len(x), n_views).mean(axis=1))

    def predict(self, image: LoadedImage | np.ndarray | Source, preset: str | None = None,
                threshold: float | None = None) -> Prediction:
        """One image (loaded, a gray array, or bytes/path to load) -> a Prediction."""
        return self.predict_batch([image], preset, threshold)[0]

    def predict_batch(self, images: list, preset: str | None = None,
                      threshold: float | None = None) -> list[Prediction]:
        gray = [_as_gray(im) for im in images]
        return [decide(p, self.meta, preset, threshold) for p in self.probabilities(gray)]

    def explain(self, image: LoadedImage | np.ndarray | Source, label: str | None = None,
                method: str = "Grad-CAM", x: np.ndarray | None = None) -> Heatmap:
        """Heatmap at the image's size explaining ``label`` (default: the default preset's label).
        ``x``: the model input already made from the full image, when ``image`` is a downscaled copy."""
        gray = _as_gray(image)
        x = model_inputs(gray, self.meta.input_size, self.meta.views) if x is None else x
        if label is None:
            label = decide(float(self.probabilities_of_inputs(x[None])[0]), self.meta).label
        return self.explainer.explain(x, label, method, out_size=gray.shape, views=self.meta.views)


def _as_gray(image) -> np.ndarray:
    if isinstance(image, LoadedImage):
        return image.pixels
    if isinstance(image, np.ndarray):
        return image
    return load_image(image).pixels
