"""The input gate's checks that need no model: what the header and the pixels say about whether an
image is a frontal pediatric chest film the model may read.

Each check gives ``Finding``s (``refused`` or ``caution``, with the reason in plain words);
``assess`` combines them. Header checks (DICOM): a modality or body part that is not a plain chest
radiograph, a lateral view and an adult (18 years or older: not a pediatric film, and the model
has never seen one) are refused; a child outside the training population (1–5 years) is a caution
stating the age: infants under one and children of 6–17 are close enough to be read with that
caution, and so is a DICOM whose header gives no usable age. A JPEG or PNG says no age: an adult
film there is not caught (README).
Image checks: a blank or nearly uniform image, one too small or too elongated to be a chest
film, colour content and a transparent image composited to black are refused.

The limits are set wide of every image of the official test split and of the full-resolution
samples (smallest side 224 px, longest/shortest side at most 1.48, grey-level spread at least 0.098).
"""

from __future__ import annotations

import math

import numpy as np

from ..decision import CAUTION, REFUSED, Assessment, Finding
from .types import ImageInfo, LoadedImage

PLAIN_RADIOGRAPHY = {"CR", "DX", "DR", "RG", "OT", "SC"}  # OT/SC: secondary captures, allowed (other checks apply)
CHEST_BODY_PARTS = {"CHEST", "THORAX", "LUNG", "PORT CHEST", "CHEST PA", "CHEST AP"}
LATERAL_VIEWS = {"LL", "RL", "LAT", "LATERAL", "LLD", "RLD"}
AGE_RANGE = (1.0, 6.0)  # the training population: from the first birthday to before the sixth
ADULT_AGE = 18.0  # from here on a patient is an adult: pneumo reads pediatric films only
IMPOSSIBLE_AGE = 130.0  # a header age from here on cannot be a patient's
MIN_SIDE = 128  # pixels
MAX_ASPECT = 2.5  # longest side / shortest side
MIN_SPREAD = 0.03  # standard deviation of the gray image in [0, 1]
MAX_COLOURFULNESS = 6.0  # 8-bit levels between colour channels; grey films stored as RGB are ~0


def header_findings(info: ImageInfo) -> list[Finding]:
    found = []
    if info.modality and info.modality.upper() not in PLAIN_RADIOGRAPHY:
        found.append(Finding(REFUSED, f"the file is a {info.modality} image (DICOM modality), not a plain X-ray; "
                                      "upload a frontal chest radiograph"))
    if info.body_part and info.body_part.upper() not in CHEST_BODY_PARTS:
        found.append(Finding(REFUSED, f"the DICOM header says the body part is {info.body_part}, not the chest"))
    if info.view and info.view.upper() in LATERAL_VIEWS:
        found.append(Finding(REFUSED, f"this is a lateral view ({info.view}); the model reads frontal (PA/AP) films only"))
    age = info.age_years
    if age is not None and age >= IMPOSSIBLE_AGE:
        found.append(Finding(REFUSED, f"the DICOM header gives the patient's age as {age_words(age)}, which cannot be "
                                      "right, so pneumo cannot tell whether this is a child's film; correct the header"))
    elif age is not None and age >= ADULT_AGE:
        found.append(Finding(REFUSED, f"the DICOM header says the patient is {age_words(age)} old, an adult; pneumo "
                                      "reads children's chest films only (its model was trained on children aged 1–5 "
                                      "and has never seen an adult film), so do not upload this film in another "
                                      "format either"))
    elif age is None and info.format == "DICOM":
        found.append(Finding(CAUTION, "the DICOM header gives no usable age (PatientAge), so pneumo cannot check that "
                                      "this is a child's film: it reads children's films only"))
    elif age is not None and not AGE_RANGE[0] <= age < AGE_RANGE[1]:
        found.append(Finding(CAUTION, f"the patient is {age_words(age)} old; the model was trained on children aged "
                                      "1–5, so its label is less reliable here"))
    return found


def age_words(years: float) -> str:
    """An age as people say it, in completed units (never rounded up across a limit: 17.99 years is
    "17 years"): years from 2, months from one month, then weeks, then days."""
    if years >= 2:
        return _count(math.floor(years), "year")
    if years * 12 >= 1:
        return _count(math.floor(years * 12), "month")
    days = math.floor(years * 365.25 + 1e-6)
    return _count(days // 7, "week") if days >= 7 else _count(days, "day")


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def image_findings(pixels: np.ndarray, info: ImageInfo | None = None) -> list[Finding]:
    """Size and shape from the file's own size (``info``; the pixels may be decoded at a reduced
    scale), spread and colour from the pixels."""
    h, w = (info.height, info.width) if info is not None else pixels.shape[:2]
    found = []
    if min(h, w) < MIN_SIDE:
        found.append(Finding(REFUSED, f"the image is only {w}x{h} pixels; a chest film needs at least {MIN_SIDE} "
                                      "pixels on each side"))
    if max(h, w) > MAX_ASPECT * min(h, w):
        found.append(Finding(REFUSED, f"the image is {w}x{h} pixels, far longer than a chest film "
                                      f"(at most {MAX_ASPECT:g} times longer than wide)"))
    if not np.isfinite(pixels).all() or float(np.std(pixels)) < MIN_SPREAD:
        found.append(Finding(REFUSED, "the image is blank or almost uniform: there is no film to read"))
    if info is not None and info.colourfulness > MAX_COLOURFULNESS:
        found.append(Finding(REFUSED, "the image is in colour; an X-ray is grey. It may be a photo, a screenshot "
                                      "or a document"))
    return found


def assess(image: LoadedImage | np.ndarray) -> Assessment:
    """The gate's verdict from the header (if any) and the pixels, before the model is asked."""
    if isinstance(image, LoadedImage):
        return Assessment.of(header_findings(image.info) + image_findings(image.pixels, image.info))
    return Assessment.of(image_findings(image))
