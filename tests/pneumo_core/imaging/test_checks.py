"""The input gate's checks that need no model: each hostile or out-of-scope image gets the status
and reason it should, and no real test film is refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from dicom_factory import make_dicom
from PIL import Image

from pneumo_core import load_image
from pneumo_core.decision import CAUTION, OK, REFUSED, Assessment, Finding
from pneumo_core.imaging.checks import assess


def _png(array: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def film(data_dir) -> np.ndarray:
    from pneumo_core.imaging.preprocess import to_uint8

    return to_uint8(load_image(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg").pixels)


CASES = [  # (name, builder(film) -> bytes, status, words of the reason)
    ("the film itself", lambda f: _png(f), OK, ""),
    ("all black", lambda f: _png(np.zeros_like(f)), REFUSED, "blank"),
    ("all white", lambda f: _png(np.full_like(f, 255)), REFUSED, "blank"),
    ("fully transparent", lambda f: _png(np.dstack([f, f, f, np.zeros_like(f)]), "RGBA"), REFUSED, "blank"),
    ("1x1", lambda f: _png(f[:1, :1]), REFUSED, "only 1x1 pixels"),
    ("1x100000", lambda f: _png(np.tile(f[:1], (1, 447))[:, :100_000]), REFUSED, "only 100000x1"),
    ("a strip 200x1000", lambda f: _png(np.tile(f, (1, 5))[:200, :1000]), REFUSED, "far longer"),
    ("colour gradient", lambda f: _png(np.dstack([f, f[::-1], f[:, ::-1]])), REFUSED, "colour"),
    ("grey film stored as RGB", lambda f: _png(np.dstack([f, f, f])), OK, ""),
    ("dicom CT", lambda f: make_dicom(f, elements=(("Modality", "CS", "CT"),)), REFUSED, "CT image"),
    ("dicom abdomen", lambda f: make_dicom(f, elements=(("BodyPartExamined", "CS", "ABDOMEN"),)), REFUSED, "ABDOMEN"),
    ("dicom lateral", lambda f: make_dicom(f, elements=(("ViewPosition", "CS", "LL"),)), REFUSED, "lateral"),
    ("dicom 4 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "004Y"),)), OK, ""),
    ("dicom 6 months", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "006M"),)), CAUTION, "6 months old"),
    ("dicom 12 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "012Y"),)), CAUTION, "12 years old"),
    ("dicom 81 years", lambda f: make_dicom(f, elements=(("PatientAge", "AS", "081Y"),)), CAUTION, "81 years old"),
    ("dicom CT of an adult", lambda f: make_dicom(f, elements=(("Modality", "CS", "CT"), ("PatientAge", "AS", "040Y"))),
     REFUSED, "CT image"),
]


@pytest.mark.parametrize("name, build, status, words", CASES, ids=[c[0] for c in CASES])
def test_gate_table(film, name, build, status, words):
    found = assess(load_image(build(film)))
    assert found.status == status, found.reasons
    assert words in found.reason
    assert found.labelled == (status in (OK, CAUTION))


def test_the_worst_finding_wins_and_every_reason_is_kept():
    found = Assessment.of([Finding(CAUTION, "a"), Finding(REFUSED, "b"), Finding(CAUTION, "c")])
    assert (found.status, found.reasons, found.reason) == (REFUSED, ("a", "b", "c"), "A. B. C.")
    assert Assessment.of([]) == Assessment() and Assessment().status == OK


def test_a_finding_cannot_say_ok():
    with pytest.raises(ValueError, match="status"):
        Finding(OK, "fine")


def test_no_test_film_and_no_full_resolution_sample_is_refused(data_dir, fullres_dir):
    paths = sorted((data_dir / "test").glob("*/*.jpeg")) + sorted(fullres_dir.glob("*/*.jpeg"))
    assert len(paths) == 624 + 16
    not_ok = [p.name for p in paths if assess(load_image(p)).status != OK]
    assert not_ok == []


def test_the_adult_dicom_is_never_plain_ok(dicom_dir):
    found = assess(load_image(dicom_dir / "chest-dx-adult-nih.dcm"))
    assert found.status == CAUTION and "81 years" in found.reason
