"""Hostile input: bombs are refused before they cost memory, lying or damaged files get a message
that says what was expected and what was found, and nothing but ``UnreadableImageError`` comes out."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hostile import UNREADABLE, dicom, jpeg, modality_lut_dicom, png16

from pneumo_core import UnreadableImageError, load_image
from pneumo_core.config import REPO_ROOT


@pytest.fixture(scope="module")
def xray(data_dir) -> np.ndarray:
    from pneumo_core.imaging.preprocess import to_uint8

    return to_uint8(load_image(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg").pixels)


@pytest.mark.parametrize("name, build, words", UNREADABLE, ids=[r[0] for r in UNREADABLE])
def test_hostile_files_are_refused_with_a_reason(xray, name, build, words):
    with pytest.raises(UnreadableImageError, match=words):
        load_image(build(xray))


@pytest.mark.parametrize("window", [("0", "0"), ("100", "-5"), ("1e300", "1e300"), ("abc", "def")],
                         ids=["width 0", "negative width", "window 1e300", "text"])
def test_an_unusable_window_is_ignored(xray, window):
    plain = load_image(dicom(xray)).pixels
    centre, width = window
    shown = load_image(dicom(xray, elements=(("WindowCenter", "LO", centre), ("WindowWidth", "LO", width)))).pixels
    assert np.ptp(shown) > 0.9  # the image, not a single grey
    np.testing.assert_allclose(shown, plain, atol=1e-6)


def test_multi_frame_dicom_reads_the_first_frame_only(xray):
    loaded = load_image(dicom(xray, frames=12))
    assert loaded.info.frames == 12
    np.testing.assert_allclose(loaded.pixels, load_image(dicom(xray)).pixels, atol=1e-6)


def test_the_modality_lut_is_applied(xray):
    pixels = load_image(modality_lut_dicom(xray)).pixels
    assert pixels.min() == 0.0 and pixels.max() == 1.0  # the LUT's output range, not 16 bits' (washed out)
    np.testing.assert_allclose(pixels, (xray.astype(np.float32) - xray.min()) / np.ptp(xray), atol=1e-3)


@pytest.mark.parametrize("sbit", [None, 12])
def test_a_12_bit_png_keeps_its_grey_levels(xray, sbit):
    values = xray.astype(np.uint16) * 16  # 0..4080 in 16-bit storage
    loaded = load_image(png16(values, sbit))
    assert loaded.info.bits == 12
    assert len(np.unique(np.rint(loaded.pixels * 255))) > 100  # was 17 when scaled by 65535
    np.testing.assert_allclose(loaded.pixels, values / 4095.0, atol=1e-6)


def test_a_huge_jpeg_is_decoded_at_a_reduced_scale():
    big = np.tile(np.linspace(0, 255, 256, dtype=np.uint8), (4800, 20))[:, :5000]  # 5000x4800
    loaded = load_image(jpeg(big))
    assert (loaded.info.width, loaded.info.height) == (5000, 4800)  # the file's own size
    assert loaded.pixels.shape == (2400, 2500) and loaded.scale == 2  # JPEG's own 1/2 scale


BOMB_MEMORY = """
import resource, sys
sys.path.insert(0, "tests")
from hostile import {builder}
from pneumo_core import UnreadableImageError, load_image
data = {call}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_image(data)
except UnreadableImageError as exc:
    print("refused:", exc)
print("peak MB added:", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.mark.parametrize("builder, call", [
    ("png_bomb", "png_bomb(60_000, 60_000)"),
    ("deflate_bomb", "deflate_bomb(3 * 2**30)"),
], ids=["png 60000x60000", "dicom deflating to 3 GB"])
def test_bombs_are_refused_before_they_cost_memory(builder, call):
    """Refused with less than 50 MB more memory (the deflate check counts the inflated size a megabyte at a time)."""
    script = textwrap.dedent(BOMB_MEMORY.format(builder=builder, call=call))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "refused:" in out.stdout
    added = float(out.stdout.split("peak MB added:")[1])
    assert added < 50, out.stdout


def test_invalid_header_values_are_never_logged_or_warned(xray, caplog, recwarn):
    """pydicom would warn about (and log) an invalid value: the value may be a patient's name."""
    import logging

    data = dicom(xray, patient_name="Zyxwvut^Qwerty" * 8,  # longer than a person name may be
                 elements=(("PatientBirthDate", "DA", "1987-06-05 Zyxwvut"),))  # not a date
    recwarn.clear()
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    load_image(data)
    logged = caplog.text + " ".join(str(w.message) for w in recwarn)
    assert "Zyxwvut" not in logged and "1987" not in logged
