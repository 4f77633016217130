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


@pytest.mark.parametrize("value, shown", [(0.19567, "19.6%"), (0.0342, "3.4%"), (1.0, "100.0%"), (None, "—")])
def test_one_rounding_everywhere(value, shown):
    assert texts.pct(value) == shown


@pytest.mark.parametrize("n, shown", [(0, "0 missed pneumonias"), (1, "1 missed pneumonia"), (2, "2 missed pneumonias")])
def test_counts_agree_with_their_noun(n, shown):
    assert texts.count(n, "missed pneumonia") == shown


@pytest.mark.parametrize("presets, name, expected", [
    ({"screening": 0.03, "balanced": 0.19, "high_specificity": 0.43}, "balanced", "PNEUMONIA from 19.0%."),
    ({"screening": 0.03, "balanced": 0.19, "high_specificity": 0.19}, "high_specificity",
     "Same threshold as Balanced."),  # two presets that are one threshold say so
    ({"screening": 0.03, "balanced": 0.19}, "custom", "A threshold you set yourself"),
])
def test_preset_lines_say_what_each_is_for(presets, name, expected):
    line = texts.preset_line(name, presets)
    assert expected in line and line.startswith(texts.PRESET_LINES[name])


def test_the_band_is_explained_with_its_numbers():
    assert texts.band_text((0.0209, 0.4914)) == "The model is unsure between 2.1% and 49.1%: read this one yourself."
    assert "2.1% to 49.1%" in texts.band_outside((0.0209, 0.4914))


@pytest.mark.parametrize("code, shown", [("DX", "digital X-ray"), ("OT", "other kind of image"), (None, ""),
                                         ("ZZ", "ZZ")])
def test_modality_codes_become_words(code, shown):
    assert texts.modality_title(code) == shown


def test_heatmap_methods_have_plain_names_and_keep_the_technical_one_in_the_help():
    from pneumo_core import METHODS

    for method in METHODS:
        assert texts.method_title(method) != method and method in texts.METHOD_HELP
