"""Identities that hold no patient data: a case id from the pixels alone, a digest of an upload's
bytes, and an image copy with no metadata. Pure functions; nothing is stored here."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np

from .preprocess import downscale, to_uint8

KEEP_MAX_SIDE = 512  # longest side of an image copy kept for reviewers


def digest_of(data: bytes) -> str:
    """SHA-256 of an upload's bytes (tells two uploads apart within one session)."""
    return hashlib.sha256(data).hexdigest()


def case_id_of(pixels: np.ndarray) -> str:
    """A stable id from the image content alone (SHA-256 of its 8-bit pixels and shape)."""
    u8 = to_uint8(pixels)
    return hashlib.sha256(repr(u8.shape).encode() + u8.tobytes()).hexdigest()


def deidentified_png(pixels: np.ndarray, max_side: int = KEEP_MAX_SIDE) -> bytes:
    """The image alone, downsampled, as a PNG with no metadata chunks."""
    ok, buf = cv2.imencode(".png", to_uint8(downscale(pixels, max_side)))
    if not ok:
        raise ValueError("could not encode the image copy as PNG")
    return buf.tobytes()
