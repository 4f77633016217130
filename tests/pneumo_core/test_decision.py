"""Deciding a label needs no model: the same rule for the predictor, the report and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pneumo_core.decision import CONFIDENT, CUSTOM, SECOND_OPINION, band_of, decide, label_at, resolve


@dataclass
class Points:
    classes: tuple = ("NORMAL", "PNEUMONIA")
    presets: dict = field(default_factory=lambda: {"screening": 0.1, "balanced": 0.3, "high_specificity": 0.6})
    default_preset: str = "balanced"
    band: tuple = (0.2, 0.45)
    version: str = "v-test"


@pytest.mark.parametrize("p, t, label", [(0.3, 0.3, "PNEUMONIA"), (0.2999, 0.3, "NORMAL"), (1.0, 0.99, "PNEUMONIA")])
def test_label_at_is_inclusive(p, t, label):
    assert label_at(p, t) == label


@pytest.mark.parametrize("p, band", [(0.2, SECOND_OPINION), (0.45, SECOND_OPINION), (0.19, CONFIDENT), (0.9, CONFIDENT)])
def test_band_includes_its_ends(p, band):
    assert band_of(p, (0.2, 0.45)) == band


@pytest.mark.parametrize("preset, threshold, expected", [
    (None, None, ("balanced", 0.3)), ("screening", None, ("screening", 0.1)), (None, 0.5, (CUSTOM, 0.5)),
])
def test_resolve(preset, threshold, expected):
    assert resolve(Points(), preset, threshold) == expected


@pytest.mark.parametrize("preset, threshold, points, error", [
    ("aggressive", None, Points(), "unknown preset"),
    (None, 0.0, Points(), "strictly between 0 and 1"),
    (None, 1.5, Points(), "strictly between 0 and 1"),
    (None, None, Points(classes=("A", "B")), "expected classes"),
])
def test_decide_errors(preset, threshold, points, error):
    with pytest.raises(ValueError, match=error):
        decide(0.5, points, preset, threshold)


def test_decide_records_the_operating_point():
    pred = decide(0.25, Points())
    assert (pred.label, pred.band, pred.preset, pred.threshold, pred.model_version) == (
        "NORMAL", SECOND_OPINION, "balanced", 0.3, "v-test")
    assert pred.needs_second_opinion
