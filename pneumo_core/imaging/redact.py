"""Text burned into the pixels (a name, a date, a hospital's label), found by OCR and blacked out.

Pure functions: a gray image in [0, 1] in, a copy with every word found set to 0 (black) out.

The OCR engine is Tesseract (Debian's ``tesseract-ocr``, English), called through ``pytesseract``.
On a film as it is, Tesseract's own global threshold loses text on a grey, uneven background, so it
reads the image at a working size (longest side ``OCR_SIDE``, enlarged at most ``MAX_UPSCALE``
times; labels on a 2,000-pixel film are 20-80 pixels tall) drawn twice as black ink on white: the
thin bright strokes (white text, a top-hat) and the thin dark ones (dark text, a black-hat). Every
word holding a letter or a digit is blacked out, whatever Tesseract's confidence (a name left legible
costs more than a small black patch), with a margin; a word read with confidence is widened along
its line while ink continues, so a line read only in part is blacked out whole.

Measured on the 16 full-resolution samples (2-core machine): 0.55 s a film (at most 0.9 s), 0.5 s for
the 1,024-pixel display copy; 1.2 % of an ordinary film blacked out on average (at most 4.1 %, partly
the exposure some films carry printed on them). A made-up name and date drawn in 3 sizes, white and
black, at 3 places on 8 of them: 142 of 144 blacked out (>= 90 % of its box), none read by Tesseract
afterwards; "KV58": 131 of 138. Missed: text nearly the grey of its background (black on the black
border), a small label touching another marker, single letters (side markers) more often than not.

If Tesseract is missing or fails, ``RedactionUnavailableError`` is raised: never an unredacted copy.
"""

from __future__ import annotations

import logging
import math
import re

import cv2
import numpy as np

from ..errors import RedactionUnavailableError
from .preprocess import to_uint8

log = logging.getLogger(__name__)

OCR_SIDE = 2000  # longest side of the image Tesseract reads (burned-in labels are then ~20-80 px tall)
MAX_UPSCALE = 2.0  # a smaller image is enlarged at most this much (a display copy of 1,024 px is read at 2,000)
STROKE_MAX = 21  # the widest stroke, in working pixels, that the top-hat and black-hat keep
INK_CONTRAST = 40  # grey levels (of 255) a stroke must stand out from its surroundings
EXTREME, FAINT = 10, 12  # a stroke within EXTREME levels of pure white or black need stand out only FAINT levels
WORD_MAX_HEIGHT = 0.2  # a "word" taller than this fraction of the image is anatomy, not text
SURE = 60  # Tesseract's confidence (0-100) from which a word is widened along its line
MARGIN = (0.5, 0.25)  # black margin around a word, in word heights: (left and right, above and below)
INK_MAX = 0.05  # fraction of the image in strokes beyond which the drawing is noise, not text
MIN_SIDE = 600  # a smaller image's burned-in labels are a few pixels tall: OCR misses them, so no copy
MAX_COVERED = 0.15  # boxes covering more than this are anatomy taken for text (a large name drawn on a film: 8-10 %)
OCR_TIMEOUT_S = 20  # per Tesseract run (a film takes well under a second)
_TESSERACT = "--psm 11 -c tessedit_do_invert=0"  # sparse text in any order; the drawing is black on white
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
REFUSAL = ("pneumo cannot check this image for burned-in text ({why}), so no copy was kept; the reading "
           "itself can still be saved without a copy")


def copy_refusal(shape: tuple[int, ...]) -> str | None:
    """Why an image of ``shape`` (height, width) cannot be checked for burned-in text, so no copy of it
    can be kept; None when it can be checked. Known before anyone asks for a copy."""
    if max(shape[:2]) < MIN_SIDE:  # measured: on 224-px films "KV59" stayed legible while a lung was blacked out
        return (f"at {shape[1]}×{shape[0]} pixels the image is too small to find burned-in text reliably; "
                f"a copy needs at least {MIN_SIDE} pixels on its longest side")
    return None


def redact_text(pixels: np.ndarray) -> tuple[np.ndarray, int]:
    """A copy of a gray image in [0, 1] with every word of burned-in text found set to 0, and how many.

    Raises:
        RedactionUnavailableError: the OCR engine is not installed or failed (nothing is redacted).
        ValueError: ``pixels`` is not a gray image in [0, 1].
    """
    u8 = to_uint8(pixels)
    if why := copy_refusal(u8.shape):
        raise RedactionUnavailableError(REFUSAL.format(why=why))
    scale = min(OCR_SIDE / max(u8.shape), MAX_UPSCALE)
    work = cv2.resize(u8, (max(1, round(u8.shape[1] * scale)), max(1, round(u8.shape[0] * scale))),
                      interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    boxes = text_boxes(work)
    out = np.array(pixels, dtype=np.float32, copy=True)
    for x0, y0, x1, y1 in boxes:  # working pixels -> the image's pixels, rounded outwards
        out[math.floor(y0 / scale):math.ceil(y1 / scale), math.floor(x0 / scale):math.ceil(x1 / scale)] = 0.0
    covered = float(np.mean((out == 0) & (np.asarray(pixels) != 0)))
    if covered > MAX_COVERED:
        raise RedactionUnavailableError(REFUSAL.format(
            why=f"the text check could not tell text from anatomy (it would black out {covered:.0%} of the image)"))
    log.info("burned-in text: %d word boxes blacked out", len(boxes))
    return out, len(boxes)


def text_boxes(u8: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` with margins, clipped to the image, around the words in a uint8 image."""
    inks = strokes(u8)
    any_ink = inks[0] | inks[1]
    height, width = u8.shape
    boxes = []
    for ink in inks:
        for x, y, w, h, confidence in _words(np.where(ink, 0, 255).astype(np.uint8)):
            if h > WORD_MAX_HEIGHT * height:
                continue
            if confidence >= SURE:
                x, w = _along_line(any_ink[y:y + h], x, w, gap=max(2, round(1.2 * h)), reach=30 * h)
            mx, my = MARGIN[0] * h + 2, MARGIN[1] * h + 2
            boxes.append((max(0, math.floor(x - mx)), max(0, math.floor(y - my)),
                          min(width, math.ceil(x + w + mx)), min(height, math.ceil(y + h + my))))
    return boxes


def strokes(u8: np.ndarray) -> list[np.ndarray]:
    """Where a uint8 image has thin bright strokes and thin dark ones (two boolean masks): narrower than
    ``STROKE_MAX`` and standing out by ``INK_CONTRAST``, or by ``FAINT`` when nearly pure white or black
    (the greys burned-in text is drawn in, visible even on a bright shoulder or a dark corner)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (STROKE_MAX, STROKE_MAX))
    bright = cv2.morphologyEx(u8, cv2.MORPH_TOPHAT, kernel)
    dark = cv2.morphologyEx(u8, cv2.MORPH_BLACKHAT, kernel)
    return [_ink((bright > INK_CONTRAST) | ((bright > FAINT) & (u8 >= 255 - EXTREME))),
            _ink((dark > INK_CONTRAST) | ((dark > FAINT) & (u8 <= EXTREME)))]


def _ink(ink: np.ndarray) -> np.ndarray:
    """The strokes Tesseract is shown. A film has well under 1 % of its pixels in strokes; where there are
    more than ``INK_MAX`` (noise, a grainy texture), shapes taller than any word are first removed.
    Still more ink would make Tesseract run for minutes: refused."""
    if np.count_nonzero(ink) <= INK_MAX * ink.size:
        return ink
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_HEIGHT] <= WORD_MAX_HEIGHT * ink.shape[0]
    keep[0] = False
    ink = keep[labels]
    if np.count_nonzero(ink) > INK_MAX * ink.size:
        log.warning("OCR refused: %.0f %% of the image looks like strokes", 100 * np.count_nonzero(ink) / ink.size)
        raise RedactionUnavailableError(REFUSAL.format(why="the image is too grainy for the text check"))
    return ink


def _words(drawing: np.ndarray) -> list[tuple[int, int, int, int, float]]:
    """Tesseract's words with a letter or digit: ``(x, y, width, height, confidence)``."""
    pytesseract = _pytesseract()
    try:
        data = pytesseract.image_to_data(drawing, config=_TESSERACT, timeout=OCR_TIMEOUT_S,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        log.warning("OCR unavailable: the tesseract program was not found")
        raise RedactionUnavailableError(REFUSAL.format(why="the OCR engine is not installed")) from exc
    except Exception as exc:  # noqa: BLE001 -- broken or timed out: no copy is better than an unchecked one
        log.warning("OCR failed: %s", type(exc).__name__)
        raise RedactionUnavailableError(REFUSAL.format(why=f"the OCR engine failed: {type(exc).__name__}")) from exc
    fields = zip(data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"])
    return [(int(x), int(y), int(w), int(h), float(c)) for t, c, x, y, w, h in fields
            if _LETTER_OR_DIGIT.search(str(t)) and int(w) > 0 and int(h) > 0]


def _pytesseract():
    """The OCR wrapper, imported when a copy is made (the rest of pneumo works without it)."""
    try:
        import pytesseract
    except ImportError as exc:
        log.warning("OCR unavailable: pytesseract is not installed")
        raise RedactionUnavailableError(REFUSAL.format(why="the OCR package is not installed")) from exc
    return pytesseract


def _along_line(band: np.ndarray, x: int, w: int, gap: int, reach: int) -> tuple[int, int]:
    """``(x, width)`` widened left and right over the ink of the word's rows, across gaps up to ``gap``."""
    columns = np.count_nonzero(band, axis=0) >= 2
    left, right = x, x + w
    while left > 0 and x - left < reach:
        found = np.flatnonzero(columns[max(0, left - gap):left])
        if not found.size:
            break
        left = max(0, left - gap) + int(found[0])
    while right < columns.size and right - (x + w) < reach:
        found = np.flatnonzero(columns[right:right + gap])
        if not found.size:
            break
        right += int(found[-1]) + 1
    return left, right - left
