"""Identities that hold no patient data: a case id from the pixels alone, a digest of an upload's
bytes, and an image copy with no metadata and no burned-in text. Pure functions; nothing is stored here."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np

from .preprocess import downscale, to_uint8
from .redact import redact_text

KEEP_MAX_SIDE = 512  # longest side of an image copy kept for reviewers


def digest_of(data: bytes) -> str:
    """SHA-256 of an upload's bytes (tells two uploads apart within one session)."""
    return hashlib.sha256(data).hexdigest()


def case_id_of(pixels: np.ndarray) -> str:
    """A stable id from the image content alone (SHA-256 of its 8-bit pixels and shape)."""
    u8 = to_uint8(pixels)
    return hashlib.sha256(repr(u8.shape).encode() + u8.tobytes()).hexdigest()


def deidentified_png(pixels: np.ndarray, max_side: int = KEEP_MAX_SIDE) -> bytes:
    """The image alone, its burned-in text blacked out (``redact.redact_text``), then downsampled, as a
    PNG with no metadata chunks.

    Raises:
        RedactionUnavailableError: the image could not be checked for burned-in text (the OCR engine
            is missing or failed): no copy, never one that was not checked.
    """
    redacted, _ = redact_text(pixels)
    ok, buf = cv2.imencode(".png", to_uint8(downscale(redacted, max_side)))
    if not ok:
        raise ValueError("could not encode the image copy as PNG")
    return buf.tobytes()
