"""Burned-in text is found by OCR and blacked out, an ordinary film keeps its lungs, and without the
OCR engine no copy is made. In CI (``CI`` set) a missing tesseract fails the OCR tests."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np
import pytest

from pneumo_core import PneumoError, RedactionUnavailableError, load_image
from pneumo_core.imaging.deidentify import KEEP_MAX_SIDE, deidentified_png
from pneumo_core.imaging.preprocess import DISPLAY_MAX_SIDE
from pneumo_core.imaging.redact import redact_text, strokes

NAME = "DOE JANE 2019-03-04"
SECRETS = ("DOE", "JANE", "2019", "KV58", "HOSP")
WHITE, BLACK = 255, 0


@pytest.fixture(scope="module")
def tesseract():
    try:
        import pytesseract

        return pytesseract.get_tesseract_version()
    except Exception as exc:  # noqa: BLE001 -- not installed, in whatever way
        message = (f"the OCR tests need Debian's tesseract-ocr and pytesseract ({type(exc).__name__}); "
                   "tools/install_debian.sh installs them")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def stamp(u8: np.ndarray, text: str, scale: float, colour: int, where: str) -> tuple[np.ndarray, tuple]:
    """``u8`` with ``text`` drawn on it (OpenCV's sans-serif, anti-aliased) and the text's box (x, y, w, h)."""
    thickness = max(1, round(2 * scale))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    rows, cols = u8.shape
    pad = int(0.03 * cols)
    x, y = {"top-left": (pad, pad + h), "bottom-right": (cols - pad - w, rows - pad),
            "lung": (int(0.2 * cols), int(0.45 * rows)), "centre": ((cols - w) // 2, rows // 2)}[where]
    out = u8.copy()
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
    return out, (x, y - h, w, h + base)


def read(u8: np.ndarray) -> str:
    """Everything tesseract reads in the image as it is and in its bright and dark strokes, upper case."""
    import pytesseract

    views = [u8] + [np.where(ink, 0, 255).astype(np.uint8) for ink in strokes(u8)]
    return " ".join(pytesseract.image_to_string(v, config="--psm 11") for v in views).upper()


def assert_unreadable(stamped: np.ndarray, box: tuple, text: str) -> np.ndarray:
    """Redact ``stamped`` (uint8) and check that the text in ``box`` was legible before and is blacked out after."""
    words = [w[:4] for w in text.split() if w[:4] in SECRETS]
    assert any(w in read(stamped) for w in words), "the test's text should be legible to OCR before"
    redacted, count = redact_text(stamped / 255.0)
    x, y, w, h = box
    assert count >= 1
    assert (redacted[y:y + h, x:x + w] == 0).mean() > 0.9, "the text's area should be blacked out"
    after = read(np.rint(redacted * 255).astype(np.uint8))
    assert not [w for w in words if w in after], f"still legible after redaction: {after!r}"
    return redacted


def as_displayed(u8: np.ndarray, box: tuple) -> tuple[np.ndarray, tuple]:
    """The copy the Read page keeps and hands to the review log (longest side ``DISPLAY_MAX_SIDE``)."""
    f = DISPLAY_MAX_SIDE / max(u8.shape)
    x, y, w, h = box
    return cv2.resize(u8, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), (int(x * f), int(y * f), int(w * f), int(h * f))


def synthetic_film(rows: int = 1100, cols: int = 1300) -> np.ndarray:
    """A grey film-like image: a bright body, two darker 'lungs', a soft vignette."""
    yy, xx = np.mgrid[0:rows, 0:cols] / max(rows, cols)
    body = 150 + 60 * np.exp(-((xx - 0.5) ** 2 + (yy - 0.45) ** 2) / 0.08)
    for cx in (0.35, 0.65):
        body -= 70 * np.exp(-((xx - cx) ** 2 / 0.01 + (yy - 0.45) ** 2 / 0.04))
    return np.clip(body, 0, 255).astype(np.uint8)


SYNTHETIC = [
    (NAME, 1.5, WHITE, "top-left"),
    (NAME, 1.0, BLACK, "bottom-right"),
    ("ST MARY HOSP KV58", 2.0, WHITE, "centre"),
    ("KV58", 2.5, BLACK, "top-left"),
]


@pytest.mark.parametrize("text,scale,colour,where", SYNTHETIC,
                         ids=["-".join([t.split()[0], str(c), "white" if w else "black", p]) for t, c, w, p in SYNTHETIC])
def test_text_on_a_synthetic_film_is_blacked_out(tesseract, text, scale, colour, where):
    assert_unreadable(*stamp(synthetic_film(), text, scale, colour, where), text)


# Real films (never committed: read from the full-resolution samples folder) with a made-up label on them,
# read at full resolution or as the Read page's display copy.
FILMS = [
    ("NORMAL/IM-0117-0001.jpeg", NAME, 1.5, WHITE, "top-left", "full"),
    ("NORMAL/IM-0641-0001.jpeg", NAME, 0.8, WHITE, "lung", "full"),
    ("NORMAL/NORMAL2-IM-0793-0001.jpeg", NAME, 2.5, BLACK, "top-left", "full"),
    ("PNEUMONIA/person1008_virus_1691.jpeg", NAME, 1.5, WHITE, "bottom-right", "full"),
    ("PNEUMONIA/person35_bacteria_180.jpeg", NAME, 2.5, WHITE, "lung", "full"),
    ("PNEUMONIA/person1629_bacteria_4299.jpeg", "KV58", 1.5, WHITE, "top-left", "full"),
    ("PNEUMONIA/person278_virus_573.jpeg", "KV58", 2.5, BLACK, "lung", "full"),
    ("NORMAL/IM-0282-0001.jpeg", NAME, 1.5, WHITE, "top-left", "display"),
    ("PNEUMONIA/person1431_bacteria_3698.jpeg", NAME, 2.5, BLACK, "bottom-right", "display"),
]


@pytest.mark.parametrize("film,text,scale,colour,where,size", FILMS,
                         ids=["-".join([f[0].split("/")[1][:12], f[1].split()[0], str(f[2]),
                                        "white" if f[3] else "black", *f[4:]]) for f in FILMS])
def test_text_on_a_real_film_is_blacked_out(tesseract, fullres_dir, film, text, scale, colour, where, size):
    stamped, box = stamp(cv2.imread(str(fullres_dir / film), cv2.IMREAD_GRAYSCALE), text, scale, colour, where)
    if size == "display":
        stamped, box = as_displayed(stamped, box)
    assert_unreadable(stamped, box, text)


def test_the_exposure_printed_on_a_real_film_is_blacked_out(tesseract, fullres_dir):
    """This film carries its exposure (``mA:400 mS:7 mAs:2.80``) in its top-right corner."""
    u8 = cv2.imread(str(fullres_dir / "PNEUMONIA/person1216_virus_2062.jpeg"), cv2.IMREAD_GRAYSCALE)
    assert "MA:400" in read(u8)
    redacted, _ = redact_text(u8 / 255.0)
    after = read(np.rint(redacted * 255).astype(np.uint8))
    assert not [s for s in ("MA:", "MS:", "MAS:", "400", "2.80") if s in after], after


def test_ordinary_films_are_mostly_untouched(tesseract, fullres_dir):
    fractions, lungs = [], []
    for path in sorted(fullres_dir.glob("*/*.jpeg")):
        pixels = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) / 255.0
        redacted, _ = redact_text(pixels)
        blacked = (redacted == 0) & (pixels > 0)
        rows, cols = pixels.shape
        fractions.append(blacked.mean())
        lungs.append(blacked[int(0.2 * rows):int(0.8 * rows), int(0.15 * cols):int(0.85 * cols)].mean())
    print(f"blacked out on {len(fractions)} films: mean {np.mean(fractions):.2%}, max {max(fractions):.2%}; "
          f"of the chest's middle: mean {np.mean(lungs):.2%}, max {max(lungs):.2%}")
    assert len(fractions) >= 8 and np.mean(fractions) < 0.02 and max(fractions) < 0.06
    assert max(lungs) < 0.05


def test_a_grainy_image_is_answered_quickly(tesseract):
    noise = np.random.default_rng(0).uniform(0, 1, (1500, 1200)).astype(np.float32)
    try:
        redacted, _ = redact_text(noise)
    except RedactionUnavailableError as exc:  # refused as too grainy: no copy, said so
        assert "grainy" in str(exc)
    else:
        assert redacted.shape == noise.shape and redacted.dtype == np.float32


def test_the_kept_copy_is_redacted_small_and_bare(tesseract):
    stamped, (x, y, w, h) = stamp(synthetic_film(1600, 2000), NAME, 2.0, WHITE, "top-left")
    png = deidentified_png(stamped / 255.0)
    assert png.startswith(b"\x89PNG") and b"tEXt" not in png
    copy = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert max(copy.shape) == KEEP_MAX_SIDE
    f = KEEP_MAX_SIDE / 2000
    inner = copy[int(y * f) + 1:int((y + h) * f) - 1, int(x * f) + 1:int((x + w) * f) - 1]
    assert inner.size and inner.max() == 0
    assert not [s for s in ("DOE", "JANE", "2019") if s in read(copy)]


def _no_tesseract(monkeypatch):
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")


def _no_wrapper(monkeypatch):
    monkeypatch.setitem(sys.modules, "pytesseract", None)  # `import pytesseract` raises ImportError


def _engine_fails(monkeypatch):
    pytesseract = pytest.importorskip("pytesseract")

    def broken(*args, **kwargs):
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", broken)


@pytest.mark.parametrize("breakage,why", [
    (_no_tesseract, "the OCR engine is not installed"),
    (_no_wrapper, "the OCR package is not installed"),
    (_engine_fails, "the OCR engine failed"),
], ids=["no tesseract", "no pytesseract", "tesseract fails"])
@pytest.mark.parametrize("make", [lambda p: redact_text(p), deidentified_png], ids=["redact", "kept copy"])
def test_without_ocr_no_copy_is_made(monkeypatch, breakage, why, make):
    breakage(monkeypatch)
    with pytest.raises(RedactionUnavailableError, match=why) as caught:
        make(synthetic_film(640, 800) / 255.0)  # large enough to be checked (MIN_SIDE)
    assert isinstance(caught.value, PneumoError) and isinstance(caught.value, ValueError)
    assert "no copy was kept" in str(caught.value) and "can still be saved" in str(caught.value)


@pytest.mark.parametrize("pixels,error", [
    (np.zeros((4, 4, 3)), "2-D"),
    (np.full((8, 8), 2.0), r"\[0, 1\]"),
], ids=["colour", "out of range"])
def test_bad_input_is_refused(pixels, error):
    with pytest.raises(ValueError, match=error):
        redact_text(pixels)


@pytest.mark.parametrize("side, why", [(224, "too small"), (599, "too small")])
def test_an_image_too_small_to_check_gets_no_copy(tesseract, side, why):
    """On 224-px films OCR missed a burned-in "KV59" and blacked out a lung instead: no copy, said why."""
    with pytest.raises(RedactionUnavailableError, match=why):
        redact_text(synthetic_film(side, side) / 255.0)


def test_small_kermany_films_get_no_copy_rather_than_a_mutilated_one(tesseract, data_dir):
    film = load_image(data_dir / "test" / "NORMAL" / "NORMAL2-IM-0221-0001.jpeg").pixels  # "KV59" burned in
    with pytest.raises(RedactionUnavailableError, match="too small"):
        deidentified_png(film)
