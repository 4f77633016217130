"""The overlay is pure: a gray image and a map in, an RGB picture out; bad arguments are refused."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core import COLORMAPS, overlay


@pytest.mark.parametrize("colormap", sorted(COLORMAPS))
@pytest.mark.parametrize("opacity", [0.0, 0.5, 1.0])
def test_overlay(colormap, opacity):
    image = np.linspace(0, 1, 20 * 30, dtype=np.float32).reshape(20, 30)
    heat = np.zeros((10, 15), np.float32)
    heat[2:5, 2:5] = 1.0
    out = overlay(image, heat, opacity, colormap)
    assert out.shape == (20, 30, 3) and out.dtype == np.uint8
    gray = np.repeat((image * 255)[..., None], 3, axis=2)
    assert np.abs(out[-1, -1].astype(float) - gray[-1, -1]).max() <= 1.0  # no map: image unchanged
    if opacity == 0.0:
        assert np.abs(out.astype(float) - gray).max() <= 1.0


@pytest.mark.parametrize("image,heat,opacity,colormap,error", [
    (np.zeros((4, 4, 3)), np.zeros((4, 4)), 0.5, "jet", "2-D"),
    (np.zeros((4, 4)), np.zeros((4, 4)), 1.5, "jet", "opacity"),
    (np.zeros((4, 4)), np.zeros((4, 4)), 0.5, "rainbow-unicorn", "colour map"),
])
def test_overlay_errors(image, heat, opacity, colormap, error):
    with pytest.raises(ValueError, match=error):
        overlay(image, heat, opacity, colormap)
