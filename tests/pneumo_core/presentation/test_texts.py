"""Shared wording: presets, the band, rounding, counts, modalities."""

from __future__ import annotations

import pytest

from pneumo_core import texts


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
    assert texts.band_outside((0.0209, 0.4914), 0.8387) == (
        "No second opinion flagged: the probability is outside 2.1% to 49.1%, the range that held 84% of the default "
        "setting's mistakes on validation films.")
    assert texts.band_outside((0.0209, 0.4914)) == "No second opinion flagged: the probability is outside 2.1% to 49.1%."
    assert "unsure" not in texts.band_outside((0.0209, 0.4914), 0.8387)  # never says the model is sure
    assert texts.band_outside((0.0209, 0.4914), 0.8387, 0.385).endswith(
        "held 84% of the default setting's mistakes on validation films but only 38% on the separately collected "
        "test films.")


@pytest.mark.parametrize("code, shown", [("DX", "digital X-ray"), ("OT", "other kind of image"), (None, ""),
                                         ("ZZ", "ZZ")])
def test_modality_codes_become_words(code, shown):
    assert texts.modality_title(code) == shown


def test_heatmap_methods_have_plain_names_and_keep_the_technical_one_in_the_help():
    from pneumo_core import METHODS

    for method in METHODS:
        assert texts.method_title(method) != method and method in texts.METHOD_HELP
