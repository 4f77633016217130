"""Plain-language texts made from reports: the stress report for stakeholders."""

from __future__ import annotations

import pytest

from pneumo_core import texts


def _report(drops: dict[str, float], eligible: bool) -> dict:
    rows = {"as it is": {"specificity": 0.99, "sensitivity": 0.97, "specificity_drop": 0.0, "sensitivity_drop": 0.0}}
    for name, drop in drops.items():
        rows[name] = {"specificity": 0.99 - drop, "sensitivity": 0.97, "specificity_drop": drop, "sensitivity_drop": 0.0}
    return {"rows": rows, "eligible": eligible, "max_drop": 0.02}


@pytest.mark.parametrize(("drops", "eligible", "expected"), [
    ({"centre crop 80 %": 0.15, "zoom-out 85 %": 0.05}, False,
     "On films cropped closer (80%), it calls 16.0% of healthy children PNEUMONIA instead of 1.0%"),
    ({"centre crop 80 %": 0.01}, True, "This model passes"),
])
def test_takeaway_names_the_worst_change(drops, eligible, expected):
    assert expected in texts.stress_takeaway(_report(drops, eligible))


def test_rows_speak_in_points_and_plain_names():
    rows = texts.stress_rows(_report({"vertical stretch 85 %": 0.128}, False))
    assert rows[0] == {"Validation films": "Films as they are", "Healthy children called healthy": "99.0%",
                       "Pneumonia found": "97.0%"}
    assert rows[1]["Validation films"] == "Stretched top to bottom"
    assert rows[1]["Healthy children called healthy"] == "86.2% (-12.8 points)"


def test_every_stress_has_a_plain_name():
    from pneumo_core.training.stress import STRESSES

    assert set(STRESSES) == set(texts.STRESS_NAMES)
