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
from pydicom.uid import DeflatedExplicitVRLittleEndian, JPEG2000Lossless

from pneumo_core.decision import CAUTION, OK, REFUSED
from pneumo_core.imaging.types import MAX_DECODED_BYTES


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




def _png(array: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode).save(buf, format="PNG")
    return buf.getvalue()


UNREADABLE = [  # (name, builder(film u8) -> bytes, words the message must hold): never decoded
    ("png bomb 20000x20000", lambda u8: png_bomb(20_000, 20_000), "million pixels"),
    ("png 6000x6000 RGBA", lambda u8: png_bomb(6_000, 6_000, 8, 6), "MB to decode"),
    ("png of size zero", lambda u8: png_bomb(0, 10), "damaged"),
    ("jpeg cut short, end marker put back", lambda u8: cut_short_jpeg(u8), "incomplete"),
    ("dicom deflate bomb", lambda u8: deflate_bomb(MAX_DECODED_BYTES + 2**20), "unpack to more than"),
    ("dicom 20000x20000", lambda u8: dicom(u8[:8, :8], elements=(("Rows", "US", 20000), ("Columns", "US", 20000))),
     "million pixels"),
    ("dicom rescale slope 1e308", lambda u8: dicom(u8, elements=(("RescaleSlope", "DS", "1e308"),
                                                                 ("RescaleIntercept", "DS", "0"))), "not numbers"),
    ("dicom rescale slope NaN", lambda u8: dicom(u8, elements=(("RescaleSlope", "LO", "nan"),)), "finite number"),
    ("dicom rescale slope text", lambda u8: dicom(u8, elements=(("RescaleSlope", "LO", "abc"),)), "should be a number"),
    ("dicom frames text", lambda u8: dicom(u8, elements=(("NumberOfFrames", "LO", "abc"),)), "whole number"),
    ("dicom float pixels", float_pixel_dicom, "floating-point"),
    ("dicom without pixels", lambda u8: dicom(u8, pixel_data=b"")[:-8], "DICOM"),
    ("dicom pixels shorter than header", lambda u8: dicom(u8, pixel_data=u8[:10].tobytes()), "does not match its header"),
    ("dicom jpeg 2000 garbage", jpeg2000_garbage, "JPEG 2000"),
    ("dicom colour", lambda u8: dicom(u8[:16, :16], samples_per_pixel=3), "MONOCHROME"),
    ("dicom without preamble, short pixels", lambda u8: dicom(u8, preamble=False, pixel_data=b"\x00" * 10),
     "does not match its header"),
]


GATED = [  # (name, builder(film u8) -> bytes, the gate's status, words of its reason): decoded, then judged
    ("the film itself", lambda f: _png(f), OK, ""),
    ("all black", lambda f: _png(np.zeros_like(f)), REFUSED, "blank"),
    ("all white", lambda f: _png(np.full_like(f, 255)), REFUSED, "blank"),
    ("fully transparent", lambda f: _png(np.dstack([f, f, f, np.zeros_like(f)]), "RGBA"), REFUSED, "blank"),
    ("1x1", lambda f: _png(f[:1, :1]), REFUSED, "only 1x1 pixels"),
    ("1x100000", lambda f: _png(np.tile(f[:1], (1, 447))[:, :100_000]), REFUSED, "only 100000x1"),
    ("a strip 200x1000", lambda f: _png(np.tile(f, (1, 5))[:200, :1000]), REFUSED, "far longer"),
    ("a tall strip 1x2000", lambda f: _png(np.tile(f, (9, 1))[:2000, :1]), REFUSED, "only 1x2000"),
    ("colour gradient", lambda f: _png(np.dstack([f, f[::-1], f[:, ::-1]])), REFUSED, "colour"),
    ("grey film stored as RGB", lambda f: _png(np.dstack([f, f, f])), OK, ""),
    ("dicom CT", lambda f: make_dicom(f, elements=(("Modality", "CS", "CT"),)), REFUSED, "CT image"),
    ("dicom abdomen", lambda f: make_dicom(f, elements=(("BodyPartExamined", "CS", "ABDOMEN"),)), REFUSED, "ABDOMEN"),
    ("dicom lateral", lambda f: make_dicom(f, elements=(("ViewPosition", "CS", "LL"),)), REFUSED, "lateral"),
    ("dicom 4 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "004Y"),)), OK, ""),
    ("dicom 6 months", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "006M"),)), CAUTION, "6 months old"),
    ("dicom 12 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "012Y"),)), CAUTION, "12 years old"),
    ("dicom 17 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "017Y"),)), CAUTION, "17 years old"),
    ("dicom 215 months", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "215M"),)), CAUTION, "17 years old"),
    ("dicom 216 months", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "216M"),)), REFUSED, "18 years old, an adult"),
    ("dicom 10 days", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "010D"),)), CAUTION, "1 week old"),
    ("dicom without an age", lambda f: make_dicom(f, elements=()), CAUTION, "gives no usable age"),
    ("dicom age unreadable", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "abc"),)), CAUTION, "no usable age"),
    ("dicom 999 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "999Y"),)), REFUSED, "cannot be right"),
    ("dicom 18 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "018Y"),)), REFUSED, "18 years old, an adult"),
    ("dicom 81 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "081Y"),)), REFUSED, "81 years old, an adult"),
    ("dicom CT of an adult", lambda f: make_dicom(f, elements=(("Modality", "CS", "CT"), ("PatientAge", "AS", "040Y"))),
     REFUSED, "CT image"),
]
