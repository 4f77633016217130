"""Reading a batch of uploads for the app: decode each file, keep a display copy, score them together.

One bad file never stops the others: it comes back with a message instead of a probability. The
file is decoded whole for the display copy; the model reads its own film (a JPEG decoded again at
the decoder's reduced scale, ``imaging.load.model_view``: the same input and gate checks ``predict``
gives the file), prepared once and kept for the heatmap. The app keeps only a copy no larger than
``DISPLAY_MAX_SIDE`` so a session's memory stays small.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .decision import Assessment
from .errors import PneumoError
from .imaging.deidentify import digest_of
from .imaging.load import load_image
from .imaging.preprocess import downscale
from .imaging.types import ImageInfo
from .model.predictor import Predictor, PreparedImage

log = logging.getLogger(__name__)
BATCH = 8


@dataclass(frozen=True)
class ReadImage:
    """One uploaded file after reading: its display copy and the model's probability, or an error."""

    name: str  # shown in this session only; never stored or logged
    digest: str  # SHA-256 of the uploaded bytes
    info: ImageInfo | None = None
    display: np.ndarray | None = None  # gray [0, 1], longest side <= DISPLAY_MAX_SIDE
    prepared: PreparedImage | None = None  # the model's input, made once from the upload
    probability: float | None = None
    assessment: Assessment | None = None  # the input gate's whole verdict (None until scored)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def decode(name: str, data: bytes, predictor: Predictor) -> ReadImage:
    """Decode one upload and prepare the model's input; a file that cannot be read comes back with
    its error message."""
    digest = digest_of(data)
    try:
        image = load_image(data)
        prepared = predictor.prepare(image)
    except PneumoError as exc:
        return ReadImage(name, digest, error=str(exc))
    except Exception as exc:  # a decoder bug must not take the batch down
        log.warning("unexpected %s while decoding an upload", type(exc).__name__)
        return ReadImage(name, digest, error=f"this file could not be read ({type(exc).__name__}); "
                                             "expected a JPEG, PNG or DICOM chest X-ray")
    return ReadImage(name, digest, image.info, downscale(image.pixels), prepared)


def read_uploads(predictor: Predictor, files: Sequence[tuple[str, bytes]],
                 progress: Callable[[int, int], None] | None = None) -> list[ReadImage]:
    """Decode and score ``(name, bytes)`` pairs in order; ``progress(done, total)`` after each batch."""
    total, done = len(files), 0
    out: list[ReadImage] = []
    for start in range(0, total, BATCH):
        chunk = [decode(name, data, predictor) for name, data in files[start:start + BATCH]]
        good = [i for i, r in enumerate(chunk) if r.ok]
        if good:
            scored = predictor.score([chunk[i].prepared for i in good])
            for i, s in zip(good, scored):
                chunk[i] = replace(chunk[i], probability=s.probability, assessment=s.assessment)
        out.extend(chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    return out

