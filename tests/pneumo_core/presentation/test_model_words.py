"""The model described in words: its stress report and its known limits, from the metadata."""

from __future__ import annotations

import pytest

from pneumo_core import model_words


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
    assert expected in model_words.stress_takeaway(_report(drops, eligible))


@pytest.mark.parametrize(("stress", "said"), [
    (_report({"centre crop 80 %": 0.15}, False),
     "Checked on films set aside from its training data: on films cropped closer (80%), it calls 16.0% of healthy "
     "children PNEUMONIA instead of 1.0%."),
    (_report({"centre crop 80 %": 0.01}, True), None),  # a model that passes has no such limit
    (None, None),  # a model with no stress report
])
def test_known_limits_say_when_the_model_learnt_the_framing(stress, said):
    limits = model_words.known_limits(0.99, 0.79, stress)
    assert ("how the training films were taken" in limits) is (said is not None)
    if said:
        assert said in limits


def test_rows_speak_in_points_and_plain_names():
    rows = model_words.stress_rows(_report({"vertical stretch 85 %": 0.128}, False))
    assert rows[0] == {"Validation films": "Films as they are", "Healthy children called healthy": "99.0%",
                       "Pneumonia found": "97.0%"}
    assert rows[1]["Validation films"] == "Stretched top to bottom"
    assert rows[1]["Healthy children called healthy"] == "86.2% (-12.8 points)"


def test_every_stress_has_a_plain_name():
    from pneumo_core.training.stress import STRESSES

    assert set(STRESSES) == set(model_words.STRESS_NAMES)
