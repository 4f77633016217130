"""JPEG and PNG decoding, with the memory a file may cost bounded before anything is decoded.

- The header is read first: more than ``MAX_PIXELS`` pixels, or more than ``MAX_DECODED_BYTES`` of
  decoded samples (width x height x bands x bytes), is refused before decoding ("too large").
- A JPEG larger than ``DRAFT_ABOVE`` pixels on its long side is decoded at a reduced scale by the
  JPEG decoder itself (1/2, 1/4 or 1/8, keeping the long side at least ``DRAFT_TO``): the model sees
  224 pixels and the app shows at most 1,024, so nothing it uses is lost. Asked to ``fit`` a size
  (the model's film), the decoder reduces as far as keeps both sides at least that size: the DCT
  scaling of libjpeg costs a fraction of a whole decode and of an area resize of the whole film.
- A 16-bit PNG is scaled by the bit depth the image really uses: its ``sBIT`` chunk when it has one,
  else the smallest of 8, 10, 12, 14 or 16 bits that holds its largest value (a 12-bit image stored
  in 16 bits keeps its 4,096 grey levels instead of 17).
- A baseline JPEG cut short decodes as grey to the bottom; such a file is refused as damaged.
- Transparent images are composited on black; colour is converted to grey (ITU-R 601 luma).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
import struct

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import UnreadableImageError
from .preprocess import to_uint8
from .types import MAX_DECODED_BYTES, MAX_PIXELS, ImageInfo, LoadedImage

log = logging.getLogger(__name__)

DRAFT_ABOVE = 4096
DRAFT_TO = 2048
_BYTES_PER_BAND = {"1": 1, "L": 1, "P": 1, "RGB": 1, "RGBA": 1, "LA": 1, "PA": 1, "CMYK": 1, "YCbCr": 1,
                   "I;16": 2, "I;16B": 2, "I;16L": 2, "I": 4, "F": 4}
_GREY_FILL = 128  # what libjpeg writes where a baseline JPEG's data ran out
_MIN_GREY_ROWS = 16  # two 8-pixel block rows
_ORIENTATION, _TURNED = 0x0112, (5, 6, 7, 8)  # EXIF orientations that turn the image a quarter


def too_large(width: int, height: int, what: str = "image") -> str:
    return (f"the {what} is {width}x{height} pixels; expected at most {MAX_PIXELS / 1e6:.0f} million pixels. "
            "Export a smaller copy of the X-ray (a plain radiograph needs no more).")


def check_size(width: int, height: int, bands: int, bytes_per_band: int, what: str = "image") -> None:
    """Refuse, before decoding, an image whose pixels or decoded samples exceed the limits."""
    if width < 1 or height < 1:
        raise UnreadableImageError(f"the {what} says it is {width}x{height} pixels; expected a real image size")
    if width * height > MAX_PIXELS:
        raise UnreadableImageError(too_large(width, height, what))
    decoded = width * height * bands * bytes_per_band
    if decoded > MAX_DECODED_BYTES:
        raise UnreadableImageError(f"the {what} would take {decoded / 2**20:.0f} MB to decode; expected at most "
                                   f"{MAX_DECODED_BYTES / 2**20:.0f} MB. Export it as a single grey image.")


def load_raster(data: bytes, kind: str, fit: int | None = None) -> LoadedImage:
    """A JPEG or PNG as a gray image in [0, 1]; ``UnreadableImageError`` with the reason otherwise.
    ``fit``: a JPEG may be decoded at 1/2, 1/4 or 1/8 of its size, keeping both sides at least ``fit``
    pixels (``LoadedImage.scale`` says which); without it only a huge one is (``DRAFT_ABOVE``). The
    ``ImageInfo`` size is the file's own, upright, whatever scale the pixels were decoded at."""
    confirm_whole = False
    try:
        with Image.open(io.BytesIO(data)) as img:
            check_size(img.width, img.height, len(img.getbands()), _BYTES_PER_BAND.get(img.mode, 4), kind)
            stored = img.size
            if kind == "JPEG":
                _draft(img, fit)
            img.load()
            scale = max(1, round(stored[0] / img.width))
            if img.getexif().get(_ORIENTATION, 1) in _TURNED:  # upright, the stored size is the other way round
                stored = stored[::-1]
            ImageOps.exif_transpose(img, in_place=True)  # in place: no copy of an upright film
            colour = colourfulness(img)
            pixels, bits, u8 = _to_gray(img, _png_significant_bits(data) if kind == "PNG" else None)
            if kind == "JPEG":
                trailing = _blank_rows_at_bottom(u8 if u8 is not None else to_uint8(pixels))
                if trailing >= max(_MIN_GREY_ROWS / scale, 0.02 * len(pixels)):
                    if fit is None or scale == 1:
                        raise UnreadableImageError(_cut_short(trailing))
                    confirm_whole = True  # a reduced scale blurs the edge of the blank rows: the film read whole decides
    except UnreadableImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise UnreadableImageError(f"the {kind} image has far more pixels than an X-ray; expected at most "
                                   f"{MAX_PIXELS / 1e6:.0f} million pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as exc:
        log.info("%s decoder: %s", kind, exc.__class__.__name__)  # the decoder's words are no use to a doctor
        raise UnreadableImageError(
            f"the {kind} file is damaged or incomplete and cannot be decoded; upload the original file, or export "
            "it again from the imaging system") from exc
    if confirm_whole:  # refused as the whole film is, or read whole (then it is the model's film in every path)
        return dataclasses.replace(load_raster(data, kind), source=None)
    if u8 is None and not np.isfinite(pixels).all():  # 8-bit levels / 255 are always finite
        raise UnreadableImageError(f"the {kind} file holds pixel values that are not numbers; expected an X-ray")
    # the size the file says, upright (the pixels may have been decoded at a reduced scale)
    info = ImageInfo(format=kind, width=stored[0], height=stored[1], bits=bits, colourfulness=colour)
    # a JPEG read for display keeps its bytes, so the model's film can be decoded at a reduced scale from them
    return LoadedImage(pixels, info, u8, scale=scale, source=data if kind == "JPEG" and fit is None else None)


def _draft(img: Image.Image, fit: int | None) -> None:
    """Ask the JPEG decoder for a reduced scale (before ``load``): as far as keeps both sides at
    least ``fit`` pixels, or a huge image down to ``DRAFT_TO`` on its long side."""
    if fit is not None:
        img.draft(img.mode, (fit, fit))
    elif max(img.size) > DRAFT_ABOVE:
        scale = DRAFT_TO / max(img.size)
        img.draft(img.mode, (math.ceil(img.width * scale), math.ceil(img.height * scale)))


def _to_gray(img: Image.Image, significant_bits: int | None) -> tuple[np.ndarray, int, np.ndarray | None]:
    """PIL image -> ((H, W) float32 in [0, 1], bits per sample, the 8-bit grey levels or None)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float32)
        top = float(arr.max(initial=0.0))
        bits = significant_bits or next((b for b in (8, 10, 12, 14, 16) if top <= 2 ** b - 1), 16)
        full = max(float(2 ** bits - 1), top)
        return np.clip(arr / full, 0.0, 1.0).astype(np.float32), bits, None
    if img.mode == "F":
        arr = np.asarray(img, dtype=np.float32)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        return ((arr - lo) / (hi - lo or 1.0)).astype(np.float32), 32, None
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (0, 0, 0, 255))
        img = Image.alpha_composite(background, img.convert("RGBA"))
    u8 = np.asarray(img if img.mode == "L" else img.convert("L"))  # a grey film is not copied first
    return u8.astype(np.float32) / np.float32(255.0), 8, u8  # uint8 first: PIL to float32 directly is 2x slower


def colourfulness(img: Image.Image) -> float:
    """Mean absolute difference between the colour channels (8-bit levels) on a small copy; 0 for grey."""
    if img.mode not in ("RGB", "RGBA", "P", "PA", "CMYK", "YCbCr"):
        return 0.0
    small = img.convert("RGB")
    small.thumbnail((256, 256))
    rgb = np.asarray(small, dtype=np.float32)
    return float((np.abs(rgb[..., 0] - rgb[..., 1]) + np.abs(rgb[..., 1] - rgb[..., 2])).mean() / 2.0)


def _blank_rows_at_bottom(levels: np.ndarray) -> int:
    """A baseline JPEG whose data ended early is grey (exactly 128 of 255) from there to the bottom
    (``levels``: its 8-bit grey levels): how many rows at the bottom are."""
    rows = (levels == _GREY_FILL).all(axis=1)
    return len(rows) - int(np.flatnonzero(~rows)[-1]) - 1 if (~rows).any() else len(rows)


def _cut_short(trailing: int) -> str:
    return (f"the JPEG file is incomplete: its image data ends early and the bottom {trailing} rows are blank grey. "
            "Export or copy the X-ray again.")


def _png_significant_bits(data: bytes) -> int | None:
    """The grey channel's significant bits from a PNG's ``sBIT`` chunk (before the image data), or None."""
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT" or length > len(data):
            return None
        if kind == b"sBIT" and length >= 1:
            bits = data[pos + 8]
            return bits if 1 <= bits <= 16 else None
        pos += 12 + length
    return None
