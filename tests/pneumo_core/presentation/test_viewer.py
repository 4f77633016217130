"""The viewer's figure: film, heatmap over it, colour bar and the in-place film/heatmap switch."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from pneumo_core import overlay
from pneumo_core.imaging.overlay import COLORMAPS
from pneumo_core.presentation.viewer import FILM, WITH_HEATMAP, colorscale, png_uri, viewer_figure

FILM_PIXELS = np.tile(np.linspace(0, 1, 120, dtype=np.float32), (80, 1))  # 80 high, 120 wide
HEAT = np.zeros((80, 120), np.float32)
HEAT[20:40, 30:60] = 1.0


def _png(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_film_and_heatmap_are_two_layers_with_a_colour_bar_and_a_switch():
    fig = viewer_figure(FILM_PIXELS, overlay(FILM_PIXELS, HEAT, 0.5, "turbo"), "turbo", "PNEUMONIA")
    film, heat, bar = fig.data
    assert _png(film.source).shape == (80, 120) and _png(heat.source).shape == (80, 120, 3)  # the film as grey
    assert heat.visible and bar.marker.showscale and "PNEUMONIA" in bar.marker.colorbar.title.text
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [FILM, WITH_HEATMAP]
    assert buttons[0].args[0]["visible"] == [True, False, False]  # film alone, in place, no server round trip
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.dragmode == "pan"  # square pixels; drag pans


def test_a_film_without_heatmap_has_no_switch_or_colour_bar():
    fig = viewer_figure(FILM_PIXELS)
    assert len(fig.data) == 1 and not fig.layout.updatemenus


def test_the_heatmap_can_start_hidden():
    fig = viewer_figure(FILM_PIXELS, overlay(FILM_PIXELS, HEAT), show_heatmap=False)
    assert fig.data[1].visible is False and fig.layout.updatemenus[0].active == 0


@pytest.mark.parametrize("colormap", sorted(COLORMAPS))
def test_the_colour_bar_matches_the_overlays_colours(colormap):
    scale = colorscale(colormap)
    hottest = overlay(np.zeros((2, 2), np.float32), np.ones((2, 2), np.float32), 1.0, colormap)[0, 0]
    assert scale[0][0] == 0 and scale[-1][0] == 1
    assert scale[-1][1] == "rgb({},{},{})".format(*hottest.tolist())


@pytest.mark.parametrize("film, heat, error", [
    (np.zeros((4, 4, 3)), None, "2-D gray film"),
    (FILM_PIXELS, np.zeros((10, 10, 3), np.uint8), "at the film's size"),
])
def test_mismatched_inputs_are_refused(film, heat, error):
    with pytest.raises(ValueError, match=error):
        viewer_figure(film, heat)


def test_unknown_colour_map_is_refused():
    with pytest.raises(ValueError, match="unknown colour map"):
        colorscale("rainbow")


def test_png_uri_round_trips_gray_and_rgb():
    assert _png(png_uri(FILM_PIXELS)).shape == (80, 120)
    assert _png(png_uri(np.zeros((5, 6, 3), np.uint8))).shape == (5, 6, 3)
