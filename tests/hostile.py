"""Hostile files, made in the tests: image bombs, cut-short and lying files, DICOMs with headers no
X-ray has. Each builder returns bytes; nothing here is decoded."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pydicom
from dicom_factory import make_dicom
from PIL import Image
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian, JPEG2000Lossless


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(width: int, height: int, bit_depth: int = 8, colour_type: int = 0) -> bytes:
    """A small PNG whose header claims ``width x height``, with a few zero rows of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def png16(values: np.ndarray, significant_bits: int | None = None) -> bytes:
    """A 16-bit grey PNG of ``values``, with an ``sBIT`` chunk when ``significant_bits`` is given."""
    buf = io.BytesIO()
    Image.fromarray(values.astype(np.uint16)).save(buf, format="PNG")
    data = buf.getvalue()
    if significant_bits is None:
        return data
    end_of_ihdr = 8 + 8 + 13 + 4
    return data[:end_of_ihdr] + _chunk(b"sBIT", bytes([significant_bits])) + data[end_of_ihdr:]


def jpeg(u8: np.ndarray, **options) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(u8).save(buf, format="JPEG", quality=90, **options)
    return buf.getvalue()


def cut_short_jpeg(u8: np.ndarray, keep: float = 0.5) -> bytes:
    """A baseline JPEG cut part-way through its image data, with the end-of-image marker put back."""
    data = jpeg(u8)
    return data[: int(len(data) * keep)] + b"\xff\xd9"


def deflate_bomb(inflated_bytes: int) -> bytes:
    """A deflated DICOM whose pixel data of zeros inflates to about ``inflated_bytes``."""
    side = int(np.sqrt(inflated_bytes))
    small = make_dicom(np.zeros((8, 8), np.uint8))
    ds = pydicom.dcmread(io.BytesIO(small))
    del ds.PixelData
    ds.Rows = ds.Columns = side
    meta = ds.file_meta
    meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    body = io.BytesIO()
    pydicom.filewriter.write_dataset(pydicom.filebase.DicomFileLike(body), ds)  # explicit VR little endian
    body.seek(0)
    plain = body.getvalue()
    header = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OB", 0, side * side)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [packer.compress(plain + header)]
    zeros = b"\x00" * (1 << 20)
    for _ in range(side * side // len(zeros)):
        parts.append(packer.compress(zeros))
    parts.append(packer.compress(b"\x00" * (side * side % len(zeros))))
    parts.append(packer.flush())
    out = io.BytesIO()
    out.write(b"\x00" * 128 + b"DICM")
    pydicom.filewriter.write_file_meta_info(pydicom.filebase.DicomFileLike(out), meta)
    return out.getvalue() + b"".join(parts)


def dicom(u8: np.ndarray, **kwargs) -> bytes:
    return make_dicom(u8, **kwargs)


def modality_lut_dicom(u8: np.ndarray) -> bytes:
    """12-bit stored values (0..4095) with a Modality LUT Sequence mapping them onto 0..4095 linearly."""
    values = (u8.astype(np.uint16) * 16)
    ds = pydicom.dcmread(io.BytesIO(make_dicom(u8, bits=16)))
    ds.BitsStored, ds.HighBit = 12, 11
    ds.PixelData = values.tobytes()
    item = pydicom.Dataset()
    item.LUTDescriptor = [4096, 0, 16]
    item.ModalityLUTType = "US"
    item.LUTData = np.arange(4096, dtype=np.uint16).tobytes()
    ds.ModalityLUTSequence = [item]
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def jpeg2000_garbage(u8: np.ndarray) -> bytes:
    """A DICOM that says its pixels are JPEG 2000 but holds bytes no decoder can read."""
    ds = pydicom.dcmread(io.BytesIO(make_dicom(u8)))
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
    ds.PixelData = pydicom.encaps.encapsulate([b"\xff\x4f\xff\x51" + b"\x00" * 64])
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def float_pixel_dicom(u8: np.ndarray) -> bytes:
    ds = pydicom.dcmread(io.BytesIO(make_dicom(u8)))
    del ds.PixelData
    ds.FloatPixelData = np.zeros(u8.size, np.float32).tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


__all__ = ["ExplicitVRLittleEndian"]
