"""What a loaded image is: its gray pixels and the few non-identifying facts about it, and the
limits every reader enforces."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np

Source = Union[bytes, bytearray, str, Path, BinaryIO]

MAX_FILE_BYTES = 200 * 1024 * 1024
# ~6,300 x 6,300: more than any plain radiograph (a 43 cm detector at 0.07 mm is ~6,100 pixels).
MAX_PIXELS = 40_000_000
MAX_DECODED_BYTES = 128 * 2**20  # decoded samples of one image (or one frame), before any conversion


@dataclass(frozen=True)
class ImageInfo:
    """Non-identifying facts about a loaded image."""

    format: str  # "JPEG", "PNG" or "DICOM"
    width: int  # the file's own size, upright (its EXIF orientation applied), whatever scale it was decoded at
    height: int
    bits: int  # bits per sample in the source (8, 12, 16...)
    modality: str | None = None  # DICOM only, e.g. "DX", "CR"
    body_part: str | None = None  # DICOM BodyPartExamined, if present
    view: str | None = None  # DICOM ViewPosition, if present
    photometric: str | None = None  # DICOM PhotometricInterpretation
    frames: int = 1
    colourfulness: float = 0.0  # mean difference between colour channels, in 8-bit grey levels (0: grey)
    age_years: float | None = None  # DICOM PatientAge, if present (an age, never a date of birth)
    # DICOM BurnedInAnnotation (0028,0301) is "YES": the pixels carry identifying text; never keep a copy
    burned_in_annotation: bool = False


@dataclass(frozen=True)
class LoadedImage:
    pixels: np.ndarray  # (H, W) float32 in [0, 1], 1 = white
    info: ImageInfo
    # The same pixels as 8-bit grey levels when the file held them so (8-bit JPEG and PNG): the model
    # input and the gate start from these instead of converting ``pixels`` back (same values: u8 / 255
    # -> rint(x * 255) gives u8 again). None for DICOM and 16-bit images.
    u8: np.ndarray | None = field(default=None, repr=False, compare=False)
    scale: int = 1  # a JPEG decoded at 1/2, 1/4 or 1/8 of its stored size by the decoder itself
    # A JPEG decoded whole keeps its bytes (in memory only, never written): the model's film is
    # decoded from them at a reduced scale, the same levels as a load for the model alone gives.
    source: bytes | None = field(default=None, repr=False, compare=False)
