"""The loader: every ordinary format of one real X-ray gives the same pixels and prediction."""

from __future__ import annotations

import io
import re

import cv2
import numpy as np
import pytest
from dicom_factory import make_dicom
from hostile import cut_short_jpeg
from PIL import Image

from pneumo_core import UnreadableImageError, load_image, sniff_format
from pneumo_core.imaging.load import grey_levels, model_view


def encode_raster(u8: np.ndarray, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG16":
        Image.fromarray(u8.astype(np.uint16) * 257).save(buf, format="PNG")
    else:
        Image.fromarray(u8).save(buf, format=fmt, **({"quality": 100} if fmt == "JPEG" else {}))
    return buf.getvalue()


FORMATS = [
    ("PNG", lambda u8: encode_raster(u8, "PNG"), "PNG", 8),
    ("PNG16", lambda u8: encode_raster(u8, "PNG16"), "PNG", 16),
    ("DICOM mono2 8-bit", lambda u8: make_dicom(u8, 8), "DICOM", 8),
    ("DICOM mono2 16-bit", lambda u8: make_dicom(u8, 16), "DICOM", 16),
    ("DICOM mono1 8-bit", lambda u8: make_dicom(u8, 8, "MONOCHROME1"), "DICOM", 8),
    ("DICOM mono1 16-bit", lambda u8: make_dicom(u8, 16, "MONOCHROME1"), "DICOM", 16),
    ("DICOM without preamble", lambda u8: make_dicom(u8, 8, preamble=False), "DICOM", 8),
]


@pytest.mark.parametrize("name,encode,fmt,bits", FORMATS, ids=[f[0] for f in FORMATS])
def test_lossless_formats_give_the_same_pixels(chest_u8, name, encode, fmt, bits):
    loaded = load_image(encode(chest_u8))
    assert loaded.info.format == fmt
    assert loaded.info.bits == bits
    assert (loaded.info.height, loaded.info.width) == chest_u8.shape
    assert loaded.pixels.dtype == np.float32 and 0.0 <= loaded.pixels.min() <= loaded.pixels.max() <= 1.0
    np.testing.assert_allclose(loaded.pixels, chest_u8 / 255.0, atol=1e-6)


def test_jpeg_loads_close_to_the_original(chest_u8):
    loaded = load_image(encode_raster(chest_u8, "JPEG"))
    assert loaded.info.format == "JPEG"
    assert np.abs(loaded.pixels - chest_u8 / 255.0).mean() < 0.01


def test_same_image_same_prediction_in_every_format(chest_u8, predictor):
    reference = predictor.predict(chest_u8 / 255.0).probability
    for name, encode, _, _ in FORMATS:
        assert predictor.predict(encode(chest_u8)).probability == pytest.approx(reference, abs=1e-5), name
    assert predictor.predict(encode_raster(chest_u8, "JPEG")).probability == pytest.approx(reference, abs=0.02)


def test_dicom_facts_are_non_identifying(chest_u8):
    loaded = load_image(make_dicom(chest_u8, 16, patient_name="Doe^Jane"))
    assert loaded.info.modality == "DX" and loaded.info.body_part == "CHEST"
    assert "Doe" not in repr(loaded.info) and "ID-12345" not in repr(loaded.info)


@pytest.mark.parametrize("value,flag", [
    ("YES", True), ("yes ", True), ("NO", False), ("", False), (None, False), ("NO\\YES", True), ("Doe^Jane", False),
], ids=["YES", "yes padded", "NO", "empty", "absent", "two values", "not a code"])
def test_burned_in_annotation_is_kept_as_a_flag_only(value, flag):
    u8 = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (48, 1))
    elements = () if value is None else (("BurnedInAnnotation", "CS", value),)
    info = load_image(make_dicom(u8, elements=elements)).info
    assert info.burned_in_annotation is flag
    assert "Doe" not in repr(info) and "Jane" not in repr(info)


def test_a_raster_has_no_burned_in_annotation_flag():
    assert load_image(encode_raster(np.zeros((32, 32), np.uint8), "PNG")).info.burned_in_annotation is False


def test_real_dicom_samples_load(dicom_dir):
    for path in sorted(dicom_dir.glob("*.dcm")):
        loaded = load_image(path.read_bytes())
        assert loaded.info.format == "DICOM"
        assert loaded.pixels.ndim == 2 and loaded.pixels.max() > loaded.pixels.min()


def test_path_and_file_object_sources(fullres_dir):
    path = next((fullres_dir / "NORMAL").glob("*.jpeg"))
    from_path = load_image(path)
    with open(path, "rb") as fh:
        from_file = load_image(fh)
    np.testing.assert_array_equal(from_path.pixels, from_file.pixels)
    assert from_path.info.width > 1000  # full resolution


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"hello, this is a text file and not an X-ray" * 10, "not a JPEG, PNG or DICOM"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "damaged"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "damaged"),
    (b"\x00" * 128 + b"DICM" + b"\x00" * 16, "DICOM"),
])
def test_unreadable_input_raises_a_clear_error(data, message):
    with pytest.raises(UnreadableImageError, match=message) as raised:
        load_image(data)
    assert not re.search(r"\w+(Error|Exception)\b", str(raised.value))  # the decoder's words: not for a doctor


def test_colour_dicom_is_rejected(chest_u8):
    with pytest.raises(UnreadableImageError, match="MONOCHROME"):
        load_image(make_dicom(chest_u8[:64, :64], samples_per_pixel=3))


def test_truncated_jpeg_is_rejected(chest_u8):
    data = encode_raster(chest_u8, "JPEG")
    with pytest.raises(UnreadableImageError, match="damaged or incomplete.*upload the original file"):
        load_image(data[: len(data) // 3])


@pytest.mark.parametrize("head,expected", [
    (b"\xff\xd8\xff\xdb", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x00" * 128 + b"DICM", "DICOM"), (b"GIF89a", None),
])
def test_sniff_format(head, expected):
    assert sniff_format(head) == expected


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize(("orientation", "upright"), [
    (1, lambda a: a), (3, lambda a: np.rot90(a, 2)), (6, lambda a: np.rot90(a, -1)), (8, lambda a: np.rot90(a, 1)),
])
def test_a_film_saved_turned_with_its_exif_orientation_is_read_upright(chest_u8, fmt, orientation, upright):
    stored = np.ascontiguousarray(chest_u8[:96, :64])
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    Image.fromarray(stored).save(buf, format=fmt, exif=exif, **({"quality": 100} if fmt == "JPEG" else {}))
    image = load_image(buf.getvalue())
    expected = upright(stored)
    assert (image.info.height, image.info.width) == expected.shape  # the size as shown, not as stored
    if fmt == "PNG":
        np.testing.assert_array_equal(image.u8, expected)
    else:  # lossy: within a few grey levels of the film turned upright, far from it as stored
        assert np.abs(image.u8.astype(int) - expected).mean() < 2


def _film(width: int, height: int) -> np.ndarray:
    """A smooth grey film (no flat rows of the level a cut-short JPEG leaves)."""
    y, x = np.mgrid[0:height, 0:width]
    return (60 + 120 * np.sin(x / 37.0) ** 2 + 60 * np.cos(y / 53.0) ** 2).astype(np.uint8)


@pytest.mark.parametrize(("fmt", "width", "height", "fit", "scale"), [
    ("JPEG", 1000, 800, 224, 2),   # 1000//224 = 4, 800//224 = 3: 1/2 keeps both sides >= 224
    ("JPEG", 2000, 1000, 224, 4),
    ("JPEG", 2400, 1900, 224, 8),
    ("JPEG", 440, 900, 224, 1),    # a side under twice the size: read whole
    ("JPEG", 2000, 1000, None, 1),  # no fit: whole
    ("PNG", 2000, 1000, 224, 1),   # the decoder's reduced scale is JPEG's
])
def test_a_jpeg_read_for_the_model_is_decoded_at_a_reduced_scale(fmt, width, height, fit, scale):
    film = _film(width, height)
    image = load_image(encode_raster(film, fmt), fit=fit)
    assert image.scale == scale
    assert image.pixels.shape == (-(-height // scale), -(-width // scale))
    assert (image.info.width, image.info.height) == (width, height)  # the file's own size, whatever the scale
    assert min(image.pixels.shape) >= min(fit or 1, height, width)
    # a JPEG read whole keeps its bytes for the model's film; one read for the model alone does not
    assert (image.source is not None) == (fmt == "JPEG" and fit is None)
    whole = cv2.resize(film, image.pixels.shape[::-1], interpolation=cv2.INTER_AREA)
    assert np.abs(image.u8.astype(int) - whole).mean() < 2  # the same film, smaller


@pytest.mark.parametrize("orientation", [1, 6])
def test_the_models_view_is_the_same_whether_the_jpeg_was_read_whole_or_for_the_model(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    Image.fromarray(_film(1200, 900)).save(buf, format="JPEG", quality=95, exif=exif)
    whole, reduced = load_image(buf.getvalue()), load_image(buf.getvalue(), fit=224)
    assert whole.scale == 1 and reduced.scale == 4
    assert reduced.pixels.shape == ((300, 225) if orientation == 6 else (225, 300))  # upright, a quarter
    assert whole.info == reduced.info == model_view(whole, 224).info  # the size upright: 900x1200 when turned
    assert (reduced.info.width, reduced.info.height) == ((900, 1200) if orientation == 6 else (1200, 900))
    np.testing.assert_array_equal(grey_levels(model_view(whole, 224)), reduced.u8)
    assert model_view(reduced, 224) is reduced
    small = load_image(encode_raster(_film(300, 400), "PNG"))  # no reduced scale: its own view
    assert model_view(small, 224) is small


def test_a_jpeg_cut_short_is_refused_at_a_reduced_scale_too():
    data = cut_short_jpeg(_film(1600, 1200), keep=0.6)  # decodes, grey from where its data ended
    for fit in (None, 224):
        with pytest.raises(UnreadableImageError, match="rows are blank grey"):
            load_image(data, fit=fit)


def test_blank_rows_a_reduced_scale_blurs_are_judged_on_the_film_read_whole():
    """22 grey rows at the bottom of 1,000 pass the whole film's check (under 2 %); at a quarter the
    block row above them decodes grey too and would refuse it: the whole film decides, in every path."""
    film = _film(900, 1000)
    film[-22:] = 128
    buf = io.BytesIO()
    Image.fromarray(film).save(buf, format="JPEG", quality=95)
    whole, for_model = load_image(buf.getvalue()), load_image(buf.getvalue(), fit=224)
    assert for_model.scale == 1 and for_model.source is None
    np.testing.assert_array_equal(for_model.u8, whole.u8)
    np.testing.assert_array_equal(grey_levels(model_view(whole, 224)), whole.u8)
