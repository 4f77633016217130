"""DICOM reading. pydicom is imported here only, and only when a DICOM file arrives.

Memory is bounded before pixels are decoded: a deflated data set is inflated at most to
``MAX_DECODED_BYTES``; rows x columns (``MAX_PIXELS``) and one frame's decoded bytes are checked
from the header; only the first frame of a multi-frame file is decoded.

Pixel pipeline (returns float32 in [0, 1], 1 = white):
1. the stored values of the first frame (pydicom masks them to BitsStored and applies PixelRepresentation);
2. the Modality LUT Sequence, or RescaleSlope and RescaleIntercept; the result must be finite;
3. the VOI LUT or the first WindowCenter/WindowWidth, when the file has a usable one (a window of
   width <= 0, or one that turns the image into a single grey, is ignored and logged);
4. scaling to [0, 1]: by the output range when a LUT or window was applied or values were
   rescaled, else by the BitsStored range (so an 8-bit and a 16-bit copy of one image agree);
5. MONOCHROME1 (white = low values) is inverted.

Patient tags are never read into the result; of BurnedInAnnotation (0028,0301) only whether it says
YES (the pixels carry identifying text, so no copy may be kept). Any failure is an
``UnreadableImageError`` saying what was expected and what was found.
"""

from __future__ import annotations

import io
import logging
import zlib

import numpy as np

from ..errors import UnreadableImageError
from .raster import check_size
from .types import MAX_DECODED_BYTES, ImageInfo, LoadedImage

log = logging.getLogger(__name__)

MONOCHROME = ("MONOCHROME1", "MONOCHROME2")
DEFLATED = "1.2.840.10008.1.2.1.99"
_FLOAT_DATA = ("FloatPixelData", "DoubleFloatPixelData")


def _pydicom():
    """pydicom, set never to warn about (and so never to log) header values it finds invalid, and
    with its own log quiet below CRITICAL: its lines may carry header values (a patient's name or
    id) and decoder tracebacks. Every failure reaches the user as an ``UnreadableImageError``."""
    import pydicom

    pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
    return pydicom


def looks_like_dicom(data: bytes) -> bool:
    """True for a DICOM file without the 128-byte preamble (pydicom can parse its first element)."""
    pydicom = _pydicom()

    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True, stop_before_pixels=True)
        return "Rows" in ds and "Columns" in ds
    except Exception:  # noqa: BLE001 -- anything pydicom cannot parse is not DICOM
        return False


def load_dicom(data: bytes) -> LoadedImage:
    """Decode a DICOM image (the first frame if multi-frame) to gray [0, 1]."""
    try:
        return _load(data)
    except UnreadableImageError:
        raise
    except Exception as exc:  # noqa: BLE001 -- pydicom raises many types on damaged or hostile files
        raise UnreadableImageError(
            f"the DICOM file is damaged or holds values pneumo cannot use ({exc.__class__.__name__}); "
            "expected a readable single-image X-ray. Export it again from the imaging system.") from exc


def _load(data: bytes) -> LoadedImage:
    pydicom = _pydicom()

    _check_inflated_size(data)
    ds = pydicom.dcmread(io.BytesIO(data), force=True)
    if any(tag in ds for tag in _FLOAT_DATA):
        raise UnreadableImageError("this DICOM stores floating-point values (e.g. a parametric map), not an X-ray image")
    if "PixelData" not in ds:
        raise UnreadableImageError("the DICOM file holds no image (no pixel data): it may be a report or a "
                                   "structured document. Upload the X-ray image itself.")
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip().upper()
    samples = _integer(ds, "SamplesPerPixel", 1)
    if photometric not in MONOCHROME or samples != 1:
        raise UnreadableImageError(f"expected a grayscale X-ray (MONOCHROME1 or MONOCHROME2); this DICOM is "
                                   f"{photometric or 'of no stated type'} with {samples} samples per pixel")
    rows, cols = _integer(ds, "Rows", 0), _integer(ds, "Columns", 0)
    frames = _integer(ds, "NumberOfFrames", 1) or 1
    check_size(cols, rows, 1, max(1, _integer(ds, "BitsAllocated", 16) // 8), "DICOM image")
    if frames > 1:
        ds.pixel_array_options(index=0)  # decode only the frame that is used
    arr = _first_frame(ds)
    if frames > 1:
        log.info("multi-frame DICOM (%d frames): reading the first frame only", frames)
    if arr.ndim != 2:
        raise UnreadableImageError(f"expected a single 2-D image; the DICOM pixel data has shape {arr.shape}")
    pixels = _to_unit_range(arr, ds)
    if photometric == "MONOCHROME1":
        pixels = 1.0 - pixels
    info = ImageInfo(
        format="DICOM", width=cols, height=rows, bits=_integer(ds, "BitsStored", 8),
        modality=_text(ds, "Modality"), body_part=_text(ds, "BodyPartExamined"),
        view=_text(ds, "ViewPosition"), photometric=photometric, frames=frames, age_years=_age(ds),
        burned_in_annotation=_says_yes(ds, "BurnedInAnnotation"),
    )
    return LoadedImage(pixels.astype(np.float32), info)


def _check_inflated_size(data: bytes) -> None:
    """A deflated data set is inflated by pydicom in one piece: refuse it first if it would be too large."""
    if DEFLATED.encode() not in data[:4096]:
        return
    from pydicom.filereader import _read_file_meta_info, read_preamble

    stream = io.BytesIO(data)
    read_preamble(stream, force=True)
    meta = _read_file_meta_info(stream)
    if str(meta.get("TransferSyntaxUID", "")) != DEFLATED:
        return
    if _inflated_size(data[stream.tell():], MAX_DECODED_BYTES + 1) > MAX_DECODED_BYTES:
        raise UnreadableImageError(f"the DICOM file is compressed (deflate) and would unpack to more than "
                                   f"{MAX_DECODED_BYTES / 2**20:.0f} MB; expected a single X-ray image")


def _inflated_size(deflated: bytes, stop_at: int, chunk: int = 1 << 20) -> int:
    """How many bytes ``deflated`` inflates to, counted a chunk at a time (stops past ``stop_at``)."""
    inflater, total, pending = zlib.decompressobj(-zlib.MAX_WBITS), 0, deflated
    while pending and total < stop_at:
        total += len(inflater.decompress(pending, chunk))
        pending = inflater.unconsumed_tail
    return total


def _first_frame(ds) -> np.ndarray:
    try:
        return ds.pixel_array
    except (NotImplementedError, RuntimeError) as exc:
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        if syntax is not None and syntax.is_compressed:
            raise UnreadableImageError(
                f"the DICOM image is compressed as {syntax.name}, which pneumo cannot decode; "
                "export it uncompressed or as JPEG/PNG") from exc
        raise UnreadableImageError(f"the DICOM pixel data does not match its header ({exc.__class__.__name__}); "
                                   "expected rows x columns x bits as the header says") from exc
    except ValueError as exc:
        raise UnreadableImageError(f"the DICOM pixel data does not match its header: {exc}"[:300]) from exc


def _to_unit_range(arr: np.ndarray, ds) -> np.ndarray:
    from pydicom.pixels import apply_modality_lut

    values = arr.astype(np.float64)
    slope, intercept = _number(ds, "RescaleSlope", 1.0), _number(ds, "RescaleIntercept", 0.0)
    rescaled = slope != 1 or intercept != 0 or "ModalityLUTSequence" in ds
    if rescaled:
        values = np.asarray(apply_modality_lut(arr, ds), dtype=np.float64)
        if not np.isfinite(values).all():
            raise UnreadableImageError(f"the DICOM header's rescale (slope {slope:g}, intercept {intercept:g}) gives "
                                       "pixel values that are not numbers; expected a usable rescale")
    windowed = _windowed(values, ds)
    if windowed is not None:
        values = windowed
    if windowed is not None or rescaled:
        lo, hi = float(values.min()), float(values.max())
        return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    bits = _integer(ds, "BitsStored", arr.dtype.itemsize * 8)
    if _integer(ds, "PixelRepresentation", 0) == 1:
        values = values + 2.0 ** (bits - 1)
    return np.clip(values / (2.0 ** bits - 1.0), 0.0, 1.0)


def _windowed(values: np.ndarray, ds) -> np.ndarray | None:
    """The VOI LUT or first window applied, or None when there is none or it is unusable."""
    from pydicom.pixels import apply_voi_lut

    if "VOILUTSequence" not in ds and "WindowCenter" not in ds:
        return None
    try:
        out = np.asarray(apply_voi_lut(values, ds, index=0), dtype=np.float64)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        log.warning("ignoring the DICOM window/VOI LUT: %s", type(exc).__name__)
        return None
    if not np.isfinite(out).all() or (np.ptp(out) == 0 and np.ptp(values) > 0):
        log.warning("ignoring the DICOM window/VOI LUT: it turns the image into a single grey")
        return None
    return out


def _integer(ds, keyword: str, default: int) -> int:
    value = ds.get(keyword, default)
    try:
        return int(str(value if value not in (None, "") else default).strip())
    except (TypeError, ValueError):
        raise UnreadableImageError(f"the DICOM header's {keyword} should be a whole number; found {str(value)[:40]!r}") from None


def _number(ds, keyword: str, default: float) -> float:
    value = ds.get(keyword, default)
    try:
        number = float(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        raise UnreadableImageError(f"the DICOM header's {keyword} should be a number; found {str(value)[:40]!r}") from None
    if not np.isfinite(number):
        raise UnreadableImageError(f"the DICOM header's {keyword} should be a finite number; found {number}")
    return number


def _age(ds) -> float | None:
    """PatientAge ("004Y", "018M", "003W", "010D", or a bare number of years) in years; None if absent,
    unreadable or negative. An impossible age (999Y) is kept: the gate refuses it (``checks``)."""
    text = (_text(ds, "PatientAge") or "").upper()
    unit = text[-1:] if text[-1:] in ("Y", "M", "W", "D") else "Y"
    try:
        number = float(text.rstrip("YMWD"))
    except ValueError:
        return None
    years = number / {"Y": 1, "M": 12, "W": 52.18, "D": 365.25}[unit]
    return years if np.isfinite(years) and years >= 0 else None


def _says_yes(ds, keyword: str) -> bool:
    """Whether a coded-string tag says YES (in any of its values); nothing else of it is kept."""
    from pydicom.multival import MultiValue

    try:
        value = ds.get(keyword)
        values = value if isinstance(value, MultiValue) else [value]
        return any(str(v).strip().upper() == "YES" for v in values if v is not None)
    except Exception:  # noqa: BLE001 -- a damaged optional tag is simply absent
        return False


def _text(ds, keyword: str) -> str | None:
    try:
        value = ds.get(keyword)
    except Exception:  # noqa: BLE001 -- a damaged optional tag is simply absent
        return None
    return str(value).strip()[:64] or None if value is not None else None
