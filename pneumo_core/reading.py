"""Reading a batch of uploads for the app: decode each file, keep a display copy, score them together.

One bad file never stops the others: it comes back with a message instead of a probability. The
model sees the full-resolution image (through its 224-px input, kept for the heatmap); the app keeps
only a copy no larger than ``DISPLAY_MAX_SIDE`` so a session's memory stays small.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import PneumoError
from .loader import ImageInfo, load_image
from .predict import Predictor
from .preprocess import DISPLAY_MAX_SIDE, IDENTITY_VIEW, downscale, model_inputs

log = logging.getLogger(__name__)
BATCH = 8


@dataclass(frozen=True)
class ReadImage:
    """One uploaded file after reading: its display copy and the model's probability, or an error."""

    name: str  # shown in this session only; never stored or logged
    digest: str  # SHA-256 of the uploaded bytes
    info: ImageInfo | None = None
    display: np.ndarray | None = None  # gray [0, 1], longest side <= DISPLAY_MAX_SIDE
    x: np.ndarray | None = None  # the model's views (V, S, S, 1), made from the full image
    probability: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(name: str, data: bytes, input_size: int, views: tuple[tuple[float, float], ...] = (IDENTITY_VIEW,)) -> ReadImage:
    """Decode one upload; a file that cannot be read comes back with its error message."""
    digest = digest_of(data)
    try:
        image = load_image(data)
    except PneumoError as exc:
        return ReadImage(name, digest, error=str(exc))
    except Exception as exc:  # a decoder bug must not take the batch down
        log.warning("unexpected %s while decoding an upload", type(exc).__name__)
        return ReadImage(name, digest, error=f"this file could not be read ({type(exc).__name__}); "
                                             "expected a JPEG, PNG or DICOM chest X-ray")
    return ReadImage(name, digest, image.info, downscale(image.pixels),
                     model_inputs(image.pixels, input_size, views))


def read_uploads(predictor: Predictor, files: Sequence[tuple[str, bytes]],
                 progress: Callable[[int, int], None] | None = None) -> list[ReadImage]:
    """Decode and score ``(name, bytes)`` pairs in order; ``progress(done, total)`` after each file."""
    total, done = len(files), 0
    out: list[ReadImage] = []
    for start in range(0, total, BATCH):
        chunk = [decode(name, data, predictor.meta.input_size, predictor.meta.views)
                 for name, data in files[start:start + BATCH]]
        good = [i for i, r in enumerate(chunk) if r.ok]
        if good:
            probs = predictor.probabilities_of_inputs(np.stack([chunk[i].x for i in good]))
            for i, p in zip(good, probs):
                r = chunk[i]
                chunk[i] = ReadImage(r.name, r.digest, r.info, r.display, r.x, float(p))
        out.extend(chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    return out
