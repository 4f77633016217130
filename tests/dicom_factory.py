"""Build DICOM files with pydicom from real images (8/16-bit, MONOCHROME1/2, with patient tags)."""

from __future__ import annotations

import io

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def make_dicom(u8: np.ndarray, bits: int = 8, photometric: str = "MONOCHROME2", preamble: bool = True,
               patient_name: str = "Anonymous^Test", samples_per_pixel: int = 1,
               patient_id: str = "ID-12345", birth_date: str = "20200101", frames: int = 1,
               elements: tuple = (), pixel_data: bytes | None = None, syntax=ExplicitVRLittleEndian) -> bytes:
    """A DICOM file of ``u8`` (8- or 16-bit, MONOCHROME1 stores inverted values). ``frames`` > 1
    stores that many frames (frame i is ``u8`` shifted by i); ``elements`` adds (keyword or tag, VR,
    value) as written, valid or not; ``pixel_data`` replaces the pixel bytes."""
    values = u8.astype(np.uint16) * 257 if bits == 16 else u8.copy()
    if photometric == "MONOCHROME1":
        values = (65535 if bits == 16 else 255) - values
    if samples_per_pixel == 3:
        values = np.repeat(values[..., None], 3, axis=2)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = pydicom.uid.DigitalXRayImageStorageForPresentation
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.PatientName, ds.PatientID, ds.PatientBirthDate = patient_name, patient_id, birth_date
    ds.Modality, ds.BodyPartExamined = "DX", "CHEST"
    ds.Rows, ds.Columns = values.shape[:2]
    ds.SamplesPerPixel = samples_per_pixel
    ds.PhotometricInterpretation = photometric if samples_per_pixel == 1 else "RGB"
    if samples_per_pixel == 3:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    stored = values.astype(np.uint16 if bits == 16 else np.uint8)
    if frames > 1:
        ds.NumberOfFrames = frames
        stored = np.stack([np.roll(stored, i, axis=1) for i in range(frames)])
    ds.PixelData = stored.tobytes() if pixel_data is None else pixel_data
    for key, vr, value in elements:
        tag = pydicom.datadict.tag_for_keyword(key) if isinstance(key, str) else key
        ds.add(pydicom.DataElement(tag, vr, value))
    buf = io.BytesIO()
    with pydicom.config.settings.writing_validation_mode_context(pydicom.config.IGNORE) \
            if hasattr(pydicom.config.settings, "writing_validation_mode_context") else _ignore_validation():
        ds.save_as(buf, enforce_file_format=preamble)
    return buf.getvalue()


class _ignore_validation:
    """Write invalid values on purpose (a hostile file), whatever pydicom would normally check."""

    def __enter__(self):
        self.saved = pydicom.config.settings.writing_validation_mode
        pydicom.config.settings.writing_validation_mode = pydicom.config.IGNORE

    def __exit__(self, *exc):
        pydicom.config.settings.writing_validation_mode = self.saved
