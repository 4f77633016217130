"""The input gate's checks that need no model: each hostile or out-of-scope image gets the status
and reason it should, and no real test film is refused."""

from __future__ import annotations

import numpy as np
import pytest
from hostile import GATED

from pneumo_core import load_image
from pneumo_core.decision import CAUTION, OK, REFUSED, Assessment, Finding
from pneumo_core.imaging.checks import age_words, assess


@pytest.fixture(scope="module")
def film(data_dir) -> np.ndarray:
    from pneumo_core.imaging.preprocess import to_uint8

    return to_uint8(load_image(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg").pixels)


@pytest.mark.parametrize("name, build, status, words", GATED, ids=[c[0] for c in GATED])
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


def test_the_adult_dicom_is_refused_with_its_age(dicom_dir):
    found = assess(load_image(dicom_dir / "chest-dx-adult-nih.dcm"))
    assert found.status == REFUSED and "81 years old, an adult" in found.reason


@pytest.mark.parametrize("years, words", [
    (81.0, "81 years"), (17.999, "17 years"), (18.0, "18 years"), (2.0, "2 years"), (1.99, "23 months"),
    (0.5, "6 months"), (1 / 12, "1 month"), (10 / 365.25, "1 week"), (14 / 365.25, "2 weeks"), (3 / 365.25, "3 days"),
    (1 / 365.25, "1 day"), (0.0, "0 days"),
])
def test_ages_are_said_in_completed_units(years, words):
    assert age_words(years) == words
