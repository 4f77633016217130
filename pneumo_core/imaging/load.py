"""One loader for every upload: bytes, a path or a file object -> a gray image and its facts.

The format is found from the content (magic bytes), never from the file name: DICOM files often
have no extension. The returned pixels are a 2-D float32 array in [0, 1] where 1 is white (dense
structures, bone). 8- and 16-bit rasters are scaled by the full range of their bit depth; DICOM
is scaled as described in ``pneumo_core.imaging.dicom``.

Only non-identifying facts are returned (format, size, bit depth, for DICOM the modality, body
part and view): never names, ids, dates or the file name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..errors import UnreadableImageError
from .preprocess import to_uint8
from .raster import load_raster
from .types import MAX_FILE_BYTES, LoadedImage, Source

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


def load_image(source: Source, fit: int | None = None) -> LoadedImage:
    """Load a JPEG, PNG or DICOM chest X-ray as a gray image in [0, 1]. With ``fit`` (for the model
    alone, where no display copy is kept), a JPEG may be decoded at 1/2, 1/4 or 1/8 of its size,
    keeping both sides at least ``fit`` pixels (``raster.load_raster``).

    Raises:
        UnreadableImageError: the content is not a readable JPEG, PNG or DICOM image. No other
            exception comes out for any content: a decoder's own error becomes this one.
        TypeError: ``source`` is not bytes, a path or a binary file (a programming error).
    """
    data = read_bytes(source)
    try:
        return _decode(data, fit)
    except UnreadableImageError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any decoder failure on hostile content is the file's fault
        log.warning("unexpected %s while decoding an image", type(exc).__name__)
        raise UnreadableImageError(f"this file could not be decoded ({type(exc).__name__}); expected a JPEG, PNG "
                                   "or DICOM chest X-ray. It may be damaged: export or copy it again.") from exc


def model_view(image: LoadedImage | np.ndarray, fit: int) -> LoadedImage | np.ndarray:
    """The image as the model's ``fit``-pixel film and the input gate's checks read it. A JPEG at least
    twice ``fit`` on both sides is decoded again by the JPEG decoder at a reduced scale, so the view
    is the same whether the file was loaded whole (the app keeps a display copy) or with
    ``load_image(data, fit)`` (``predict``, the archive); anything else is its own view."""
    if isinstance(image, LoadedImage) and image.source is not None and min(image.pixels.shape) * image.scale >= 2 * fit:
        return load_image(image.source, fit)
    return image


def grey_levels(image: LoadedImage | np.ndarray) -> np.ndarray:
    """An image's 8-bit grey levels: as the file held them where it did, else from its pixels."""
    if isinstance(image, LoadedImage):
        return image.u8 if image.u8 is not None else to_uint8(image.pixels)
    return to_uint8(image)


def _decode(data: bytes, fit: int | None = None) -> LoadedImage:
    kind = sniff_format(data)
    if kind in ("JPEG", "PNG"):
        return load_raster(data, kind, fit)
    from .dicom import load_dicom, looks_like_dicom  # pydicom is imported lazily

    if kind == "DICOM" or looks_like_dicom(data):
        return load_dicom(data)
    raise UnreadableImageError(
        "this file is not a JPEG, PNG or DICOM image (its first bytes match none of them). "
        "Upload the X-ray as JPEG, PNG or DICOM."
    )
