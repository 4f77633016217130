"""The input gate's learned checks: is this image like the films the model was trained on?

- **Feature distance**: the model's own pooled features (each member's global average pool, the
  views averaged) against the training films: the smallest class-conditional Mahalanobis distance
  (one mean per class, one shared covariance with Ledoit-Wolf shrinkage). Photos, documents, other
  body parts and noise lie far from every training film.
- **Orientation**: a linear classifier on the 64x64 equalised image, trained on training films
  against their rotated, vertically flipped and inverted (negative) copies: the model's features
  barely notice a film shown upside down.

Both thresholds are fixed on the validation split only (a percentile of its scores, the rule
recorded in the metadata's ``gate``), by ``pneumo_core.training.gate_fit``. The arrays live in the
model's bundle (``bundle.gate_path``); their SHA-256 is in the metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from ..decision import REFUSED, Finding
from ..imaging.preprocess import equalize, resize_square, to_uint8

ORIENTATION_SIZE = 64
FAR_FROM_TRAINING = Finding(REFUSED, "the image does not look like the chest films the model was trained on (it may "
                                     "be another body part, a photo, a document or a screenshot)")
TURNED = Finding(REFUSED, "the film looks turned, upside down, flipped or inverted (a negative); upload it upright, "
                          "as the imaging system shows it")
# When both fire, which of the two it is cannot be told apart: one reason covering either.
FAR_OR_TURNED = Finding(REFUSED, "the image does not look like an upright chest film of the kind the model was "
                                 "trained on: it may be another body part, a photo, a document or a screenshot, or "
                                 "a chest film turned, upside down, flipped or inverted")


def orientation_input(gray: np.ndarray, size: int = ORIENTATION_SIZE) -> np.ndarray:
    """A gray image in [0, 1] -> the orientation check's input: ``size*size`` float32, equalised. Pure."""
    return orientation_input_u8(to_uint8(gray), size)


def orientation_input_u8(gray_u8: np.ndarray, size: int = ORIENTATION_SIZE) -> np.ndarray:
    """``orientation_input`` of an 8-bit gray image."""
    return equalize(resize_square(gray_u8, size)).ravel()


@dataclass(frozen=True)
class LearnedGate:
    means: np.ndarray  # (classes, D) pooled-feature mean of each class on the training films
    precision: np.ndarray  # (D, D) inverse of the shared, shrunk covariance
    distance_threshold: float  # refuse above this Mahalanobis distance (validation percentile)
    orientation_weights: np.ndarray  # (ORIENTATION_SIZE**2,) of a logistic regression, on standardised inputs
    orientation_bias: float
    orientation_mean: np.ndarray  # standardisation of the orientation input
    orientation_scale: np.ndarray
    orientation_threshold: float  # refuse above this probability of "not an upright positive film"

    def distances(self, features: np.ndarray) -> np.ndarray:
        """(N, D) pooled features -> (N,) smallest class-conditional Mahalanobis distance."""
        f = np.asarray(features, dtype=np.float64)
        out = []
        for mean in self.means:
            d = f - mean
            out.append(np.einsum("nd,de,ne->n", d, self.precision, d))
        return np.sqrt(np.maximum(np.min(out, axis=0), 0.0))

    def orientation_scores(self, inputs: np.ndarray) -> np.ndarray:
        """(N, size*size) orientation inputs -> (N,) probability that the film is turned, flipped or inverted."""
        z = (np.atleast_2d(inputs) - self.orientation_mean) / self.orientation_scale
        return 1.0 / (1.0 + np.exp(-(z @ self.orientation_weights + self.orientation_bias)))

    def feature_finding(self, distance: float) -> Finding | None:
        return FAR_FROM_TRAINING if distance > self.distance_threshold else None

    def orientation_finding(self, score: float) -> Finding | None:
        return TURNED if score > self.orientation_threshold else None

    def before_network(self, gray_u8: np.ndarray) -> list[Finding]:
        """The orientation check of one 8-bit gray image (needs no network). The predictor passes the
        film squashed to ``FILM_SIZE``, the size of the films the check was fitted on."""
        found = self.orientation_finding(float(self.orientation_scores(orientation_input_u8(gray_u8))[0]))
        return [found] if found else []

    def with_distance(self, findings: list[Finding], distance: float) -> list[Finding]:
        """``findings`` (made before the network) with the feature-distance check added, worded once:
        a plain reason (colour, blank, header...) stands alone, and when both learned checks fire,
        one reason covers either."""
        if any(f.status == REFUSED and f != TURNED for f in findings):
            return [f for f in findings if f != TURNED]
        found = self.feature_finding(distance)
        if found is None:
            return list(findings)
        if TURNED in findings:
            return [f for f in findings if f != TURNED] + [FAR_OR_TURNED]
        return [*findings, found]

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, means=self.means, precision=self.precision,
                            distance_threshold=self.distance_threshold, orientation_weights=self.orientation_weights,
                            orientation_bias=self.orientation_bias, orientation_mean=self.orientation_mean,
                            orientation_scale=self.orientation_scale, orientation_threshold=self.orientation_threshold)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedGate:
        with np.load(io.BytesIO(data)) as z:
            return cls(means=z["means"], precision=z["precision"], distance_threshold=float(z["distance_threshold"]),
                       orientation_weights=z["orientation_weights"], orientation_bias=float(z["orientation_bias"]),
                       orientation_mean=z["orientation_mean"], orientation_scale=z["orientation_scale"],
                       orientation_threshold=float(z["orientation_threshold"]))
