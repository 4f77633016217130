"""Window/level: presets from the film's own grey levels, and the window applied (pure maths)."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.imaging.window import FULL, MIN_WIDTH, apply_window, window_presets

RAMP = np.tile(np.linspace(0, 1, 256, dtype=np.float32), (64, 1))


def test_presets_come_from_the_films_grey_levels():
    dark = RAMP * 0.5  # a film using only the lower half of the range
    presets = window_presets(dark)
    assert presets["As acquired"] == FULL
    assert presets["Auto contrast"][1] <= 0.5  # auto contrast stretches the levels the film uses
    assert presets["Lung detail"][1] < presets["Dense areas"][1]
    for low, high in presets.values():
        assert 0 <= low < high <= 1 and high - low >= MIN_WIDTH - 1e-9


def test_a_uniform_film_still_gets_usable_windows():
    for low, high in window_presets(np.full((32, 32), 0.999, np.float32)).values():
        assert 0 <= low < high <= 1 and high - low >= MIN_WIDTH - 1e-9


def test_the_window_maps_low_to_black_and_high_to_white():
    out = apply_window(RAMP, 0.25, 0.75)
    assert out.dtype == np.float32 and out.shape == RAMP.shape
    assert out[0, 0] == 0 and out[0, -1] == 1
    assert np.isclose(out[0, 128], (RAMP[0, 128] - 0.25) / 0.5, atol=1e-6)
    assert np.array_equal(apply_window(RAMP, *FULL), RAMP)


@pytest.mark.parametrize("image, low, high, error", [
    (RAMP, 0.5, 0.5, "0 <= low < high <= 1"),
    (RAMP, 0.6, 0.4, "0 <= low < high <= 1"),
    (RAMP, -0.1, 0.4, "0 <= low < high <= 1"),
    (RAMP, 0.1, 1.5, "0 <= low < high <= 1"),
])
def test_impossible_windows_are_refused(image, low, high, error):
    with pytest.raises(ValueError, match=error):
        apply_window(image, low, high)


@pytest.mark.parametrize("image", [np.zeros((4, 4, 3)), np.zeros((0, 0))])
def test_presets_need_a_gray_film(image):
    with pytest.raises(ValueError, match="non-empty 2-D gray image"):
        window_presets(image)
