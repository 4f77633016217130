"""Image maths before the model: views (zoom/rotation about the centre) and the model's inputs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pneumo_core.imaging.load import load_image
from pneumo_core.imaging.preprocess import (
    IDENTITY_VIEW,
    apply_view,
    downscale,
    model_input,
    model_inputs,
    model_inputs_u8,
    to_uint8,
    undo_view,
)


def _smooth(size: int = 64) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] / size
    return (0.5 + 0.4 * np.sin(3 * xx) * np.cos(2 * yy)).astype(np.float32)


def test_identity_view_changes_nothing():
    image = _smooth()
    assert apply_view(image, IDENTITY_VIEW) is image
    assert undo_view(image, IDENTITY_VIEW) is image


def test_zoom_out_leaves_a_black_border_and_keeps_the_centre():
    image = np.full((100, 100), 200, np.uint8)
    out = apply_view(image, (0.0, 0.8))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert out[0, 0] == 0 and out[50, 50] == 200
    assert out[:8].max() == 0 and out[12:88, 12:88].min() == 200


@pytest.mark.parametrize("view", [(0.0, 0.93), (6.0, 1.0), (-6.0, 1.0), (5.0, 1.08)])
def test_undo_view_puts_a_map_back_where_it_came_from(view):
    image = _smooth()
    back = undo_view(apply_view(image, view), view)
    inner = slice(10, 54)
    np.testing.assert_allclose(back[inner, inner], image[inner, inner], atol=0.02)


@pytest.mark.parametrize("image, view, message", [
    (np.zeros((4, 4, 3), np.uint8), (0.0, 1.0), "2-D image"),
    (np.zeros((8, 8), np.uint8), (0.0, 0.0), "scale > 0"),
    (np.zeros((8, 8), np.uint8), (10.0, -1.0), "scale > 0"),
])
def test_apply_view_errors(image, view, message):
    with pytest.raises(ValueError, match=message):
        apply_view(image, view)


def test_undo_view_needs_a_2d_map():
    with pytest.raises(ValueError, match="2-D map"):
        undo_view(np.zeros((4, 4, 1)), (0.0, 0.9))


def test_model_inputs_stack_one_equalised_input_per_view():
    image = _smooth(300)[:, :250]
    x = model_inputs(image, 32, [IDENTITY_VIEW, (0.0, 0.9)])
    assert x.shape == (2, 32, 32, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[0], model_input(image, 32))
    assert x[1, 0, 0, 0] < x[1, 16, 16, 0]  # the border is black, even after equalisation
    with pytest.raises(ValueError, match="at least one view"):
        model_inputs(image, 32, [])


def test_every_8_bit_grey_level_survives_the_trip_to_0_1_and_back():
    levels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(to_uint8(levels.astype(np.float32) / np.float32(255.0)), levels)


def test_an_8_bit_film_gives_the_model_exactly_the_input_its_pixels_give(fullres_dir):
    """The lean path (the decoded grey levels, kept by the loader) changes no probability: same input, bit for bit."""
    views = (IDENTITY_VIEW, (0.0, 0.93))
    for path in sorted(fullres_dir.rglob("*.jpeg")):
        image = load_image(path)
        assert image.u8 is not None and image.u8.dtype == np.uint8
        np.testing.assert_array_equal(image.u8, to_uint8(image.pixels))
        np.testing.assert_array_equal(model_inputs_u8(image.u8, 224, views), model_inputs(image.pixels, 224, views))


def _encoded(mode: str, fmt: str, orientation: int | None = None) -> bytes:
    rng = np.random.default_rng(3)
    rgb = Image.fromarray((rng.random((120, 90, 3)) * 255).astype(np.uint8), "RGB")
    img = rgb.convert(mode) if mode != "P" else rgb.quantize(64)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, fmt, exif=exif)
    return buf.getvalue()


@pytest.mark.parametrize(("mode", "fmt", "orientation"), [
    ("RGB", "JPEG", None), ("RGB", "JPEG", 6), ("L", "JPEG", 3), ("CMYK", "JPEG", None),
    ("RGBA", "PNG", None), ("LA", "PNG", None), ("P", "PNG", None), ("L", "PNG", 8),
])
def test_the_kept_grey_levels_are_the_pixels_turned_and_converted_as_they_are(mode, fmt, orientation):
    image = load_image(_encoded(mode, fmt, orientation))
    assert image.u8 is not None and image.u8.shape == image.pixels.shape
    np.testing.assert_array_equal(image.u8, to_uint8(image.pixels))


@pytest.mark.parametrize(("image", "message"), [
    (np.zeros((8, 8), np.float32), "uint8"),
    (np.zeros((8, 8, 3), np.uint8), "2-D uint8"),
])
def test_the_lean_path_takes_8_bit_grey_images_only(image, message):
    with pytest.raises(ValueError, match=message):
        model_inputs_u8(image, 32, (IDENTITY_VIEW,))


@pytest.mark.parametrize("shape, max_side, expected", [
    ((100, 50), 200, (100, 50)),
    ((2000, 1000), 1024, (1024, 512)),
    ((1000, 3000), 300, (100, 300)),
])
def test_downscale(shape, max_side, expected):
    assert downscale(np.zeros(shape, np.float32), max_side).shape == expected


def test_downscale_wants_a_gray_image():
    with pytest.raises(ValueError, match="expected a 2-D gray image"):
        downscale(np.zeros((4, 4, 3), np.float32))
