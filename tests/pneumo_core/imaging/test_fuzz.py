"""Fuzzing the loader with Hypothesis: valid JPEG, PNG and DICOM bytes, mutated (bytes changed,
cut, inserted or header fields rewritten). Whatever comes in, only ``UnreadableImageError`` may come
out, and what does load is a finite gray image in [0, 1]."""

from __future__ import annotations

import io

import numpy as np
import pytest
from dicom_factory import make_dicom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from pneumo_core import UnreadableImageError, load_image

EXAMPLES = 500


def _encode(u8: np.ndarray, fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(u8).save(buf, format=fmt)
    return buf.getvalue()


_IMAGE = (np.add.outer(np.arange(48), np.arange(40)) * 3 % 256).astype(np.uint8)
SEEDS = {
    "jpeg": _encode(_IMAGE, "JPEG"),
    "png": _encode(_IMAGE, "PNG"),
    "png16": _encode(_IMAGE.astype(np.uint16) * 64, "PNG"),
    "dicom": make_dicom(_IMAGE, 16, elements=(("WindowCenter", "DS", "512"), ("WindowWidth", "DS", "1024"),
                                             ("RescaleSlope", "DS", "1"), ("RescaleIntercept", "DS", "0"))),
    "dicom-no-preamble": make_dicom(_IMAGE, preamble=False),
    "dicom-frames": make_dicom(_IMAGE, frames=3),
}


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero-run", "ff-run"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[at:at + draw(st.integers(1, 8))] = (b"\x00" if kind == "zero-run" else b"\xff") * 8
        if not data:
            break
    return bytes(data)


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_give_an_image_or_a_clear_error(data):
    try:
        loaded = load_image(data)
    except UnreadableImageError as exc:
        assert str(exc)
        return
    pixels = loaded.pixels
    assert pixels.ndim == 2 and pixels.dtype == np.float32
    assert np.isfinite(pixels).all() and pixels.min() >= 0.0 and pixels.max() <= 1.0


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_seeds_load(name):
    assert load_image(SEEDS[name]).pixels.shape == _IMAGE.shape
