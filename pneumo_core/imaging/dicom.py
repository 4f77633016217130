"""DICOM reading. pydicom is imported here only, and only when a DICOM file arrives.

Pixel pipeline (returns float32 in [0, 1], 1 = white):
1. the stored values (pydicom masks them to BitsStored and applies PixelRepresentation);
2. the modality LUT / RescaleSlope and RescaleIntercept;
3. the VOI LUT or the first WindowCenter/WindowWidth, when the file has one;
4. scaling to [0, 1]: by the output range when a LUT or window was applied or values were
   rescaled, else by the BitsStored range (so an 8-bit and a 16-bit copy of one image agree);
5. MONOCHROME1 (white = low values) is inverted.

Patient tags are never read into the result.
"""

from __future__ import annotations

import io
import logging

import numpy as np

from ..errors import UnreadableImageError
from .types import MAX_PIXELS, ImageInfo, LoadedImage

log = logging.getLogger(__name__)

MONOCHROME = ("MONOCHROME1", "MONOCHROME2")


def looks_like_dicom(data: bytes) -> bool:
    """True for a DICOM file without the 128-byte preamble (pydicom can parse its first element)."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True, stop_before_pixels=True)
    except (InvalidDicomError, OSError, ValueError, KeyError, TypeError, EOFError, AttributeError):
        return False
    return "Rows" in ds and "Columns" in ds


def load_dicom(data: bytes) -> LoadedImage:
    """Decode a DICOM image (first frame if multi-frame) to gray [0, 1]."""
    import pydicom

    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True)
    except Exception as exc:  # pydicom raises many types on damaged files
        raise UnreadableImageError(f"the DICOM file is damaged and cannot be parsed ({exc.__class__.__name__})") from exc
    if "PixelData" not in ds:
        raise UnreadableImageError("the DICOM file holds no image (no PixelData): it may be a report or a structured document")
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).upper()
    if photometric not in MONOCHROME or int(ds.get("SamplesPerPixel", 1)) != 1:
        raise UnreadableImageError(
            f"expected a grayscale X-ray (MONOCHROME1 or MONOCHROME2); this DICOM is {photometric}"
        )
    rows, cols = int(ds.get("Rows", 0)), int(ds.get("Columns", 0))
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if rows * cols > MAX_PIXELS:
        raise UnreadableImageError(f"the DICOM image is {cols}x{rows} pixels; expected at most {MAX_PIXELS / 1e6:.0f} million")
    try:
        arr = ds.pixel_array
    except Exception as exc:
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        name = getattr(syntax, "name", "unknown")
        raise UnreadableImageError(
            f"the DICOM pixel data cannot be decoded (transfer syntax: {name}); "
            "export the image uncompressed or as JPEG/PNG"
        ) from exc
    if frames > 1:
        log.warning("multi-frame DICOM (%d frames): reading the first frame only", frames)
        arr = arr[0]
    if arr.ndim != 2:
        raise UnreadableImageError(f"expected a single 2-D image; the DICOM pixel data has shape {arr.shape}")
    pixels = _to_unit_range(arr, ds)
    if photometric == "MONOCHROME1":
        pixels = 1.0 - pixels
    info = ImageInfo(
        format="DICOM", width=cols, height=rows, bits=int(ds.get("BitsStored", 8)),
        modality=_text(ds, "Modality"), body_part=_text(ds, "BodyPartExamined"),
        view=_text(ds, "ViewPosition"), photometric=photometric, frames=frames,
    )
    return LoadedImage(pixels.astype(np.float32), info)


def _to_unit_range(arr: np.ndarray, ds) -> np.ndarray:
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    values = arr.astype(np.float64)
    has_rescale = float(ds.get("RescaleSlope", 1) or 1) != 1 or float(ds.get("RescaleIntercept", 0) or 0) != 0
    has_voi = "VOILUTSequence" in ds or "WindowCenter" in ds
    if has_rescale or "ModalityLUTSequence" in ds:
        values = np.asarray(apply_modality_lut(arr, ds), dtype=np.float64)
    if has_voi:
        values = np.asarray(apply_voi_lut(values, ds, index=0), dtype=np.float64)
    if has_voi or has_rescale:
        lo, hi = float(values.min()), float(values.max())
        return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    bits = int(ds.get("BitsStored", arr.dtype.itemsize * 8))
    if int(ds.get("PixelRepresentation", 0)) == 1:
        values = values + 2.0 ** (bits - 1)
    return np.clip(values / (2.0 ** bits - 1.0), 0.0, 1.0)


def _text(ds, keyword: str) -> str | None:
    value = ds.get(keyword)
    return str(value).strip() or None if value is not None else None
