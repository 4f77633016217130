"""One loader for every upload: bytes, a path or a file object -> a gray image and its facts.

The format is found from the content (magic bytes), never from the file name: DICOM files often
have no extension. The returned pixels are a 2-D float32 array in [0, 1] where 1 is white (dense
structures, bone). 8- and 16-bit rasters are scaled by the full range of their bit depth; DICOM
is scaled as described in ``pneumo_core.imaging.dicom``.

Only non-identifying facts are returned (format, size, bit depth, for DICOM the modality, body
part and view): never names, ids, dates or the file name.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import UnreadableImageError
from .types import MAX_FILE_BYTES, MAX_PIXELS, ImageInfo, LoadedImage, Source

log = logging.getLogger(__name__)

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


def read_bytes(source: Source) -> bytes:
    """The raw bytes of ``source`` (bytes, path or binary file object), size-checked."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise UnreadableImageError("expected an image file; no file found at the given path")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableImageError(_too_big(path.stat().st_size))
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
    else:
        raise TypeError(f"expected bytes, a path or a binary file; got {type(source).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableImageError(_too_big(len(data)))
    if not data:
        raise UnreadableImageError("the file is empty (0 bytes); expected a JPEG, PNG or DICOM image")
    return data


def _too_big(n: int) -> str:
    return (f"the file is {n / 1e6:.0f} MB; expected at most {MAX_FILE_BYTES / 1e6:.0f} MB. "
            "Export the X-ray as a single-frame JPEG, PNG or DICOM image.")


def sniff_format(data: bytes) -> str | None:
    """"JPEG", "PNG", "DICOM" or None, from the first bytes."""
    if data.startswith(_JPEG):
        return "JPEG"
    if data.startswith(_PNG):
        return "PNG"
    if len(data) >= 132 and data[128:132] == b"DICM":
        return "DICOM"
    return None


def load_image(source: Source) -> LoadedImage:
    """Load a JPEG, PNG or DICOM chest X-ray as a gray image in [0, 1].

    Raises:
        UnreadableImageError: the content is not a readable JPEG, PNG or DICOM image.
    """
    data = read_bytes(source)
    kind = sniff_format(data)
    if kind in ("JPEG", "PNG"):
        return _load_raster(data, kind)
    from .dicom import load_dicom, looks_like_dicom  # pydicom is imported lazily

    if kind == "DICOM" or looks_like_dicom(data):
        return load_dicom(data)
    raise UnreadableImageError(
        "this file is not a JPEG, PNG or DICOM image (its first bytes match none of them). "
        "Upload the X-ray as JPEG, PNG or DICOM."
    )


def _load_raster(data: bytes, kind: str) -> LoadedImage:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise UnreadableImageError(
                    f"the image is {img.width}x{img.height} pixels; expected at most "
                    f"{MAX_PIXELS / 1e6:.0f} million pixels"
                )
            img = ImageOps.exif_transpose(img)
            pixels, bits = _raster_to_gray(img)
    except UnreadableImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImageError(
            f"the {kind} file is damaged or truncated and cannot be decoded ({exc.__class__.__name__})"
        ) from exc
    height, width = pixels.shape
    return LoadedImage(pixels, ImageInfo(format=kind, width=width, height=height, bits=bits))


def _raster_to_gray(img: Image.Image) -> tuple[np.ndarray, int]:
    """PIL image -> ((H, W) float32 in [0, 1], bits per sample)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        full = 65535.0 if arr.max(initial=0) <= 65535 else float(arr.max())
        return np.clip(arr / full, 0.0, 1.0).astype(np.float32), 16
    if img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        return ((arr - lo) / (hi - lo or 1.0)).astype(np.float32), 32
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (0, 0, 0, 255))
        img = Image.alpha_composite(background, img.convert("RGBA"))
    gray = img.convert("L")
    return np.asarray(gray, dtype=np.float32) / 255.0, 8
