"""The film viewer on every page that shows an X-ray: brightness and contrast (window/level presets
and a slider to drag), then the film with its heatmap in one figure that zooms (scroll or the zoom
button), pans (drag), flips between film and heatmap in place and carries a colour bar. The figure
is ``pneumo_core.viewer_figure``; this module only adds the controls (kept while the film is open)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from pneumo_core import VIEWER_CONFIG, VIEWER_TOP_MARGIN, apply_window, overlay, texts, viewer_figure, window_presets

from . import state

MIN_WIDTH = 240  # px: a thin strip (refused, but still shown) keeps a usable viewer
VIEWER_HEIGHT = 520  # px for an upright film: it fits a 1366x768 screen; a landscape film gets less


def _window(key: str, film: np.ndarray) -> tuple[float, float]:
    """The brightness/contrast controls of one film; returns its window (low, high) on [0, 1]."""
    presets = window_presets(film)
    preset_key, range_key = f"{state.WINDOW}-{key}-preset", f"{state.WINDOW}-{key}-range"
    st.session_state.setdefault(range_key, (0, 100))

    def chosen():
        name = st.session_state.get(preset_key)
        if name in presets:
            low, high = presets[name]
            st.session_state[range_key] = (round(100 * low), round(100 * high))

    def dragged():  # a window of one's own: no preset is chosen any more (choosing one again applies it)
        st.session_state[preset_key] = None

    st.segmented_control("Brightness and contrast", list(presets), key=preset_key, on_change=chosen,
                         help=texts.WINDOW_HELP, format_func=texts.WINDOW_TITLES.get)
    low, high = st.slider("Grey levels shown (%)", 0, 100, key=range_key, step=1, on_change=dragged,
                          help=texts.WINDOW_SLIDER_HELP)
    if high - low < 2:  # a window needs some width
        low, high = (low, low + 2) if low <= 98 else (98, 100)
    return low / 100, high / 100


def viewer_ui(key: str, film: np.ndarray, heat: np.ndarray | None, label: str, opacity: float, colormap: str,
              caption: str) -> None:
    """Show ``film`` (gray [0, 1]) with ``heat`` ([0, 1], film-sized; None when there is none) above its
    controls. ``key`` names the film: its brightness, contrast and zoom hold while it stays open (they
    start afresh when another film is opened or the page is left)."""
    figure_slot = st.container()  # the film first, its controls under it
    low, high = _window(key, film)
    shown = apply_window(film, low, high)
    blended = overlay(shown, heat, opacity, colormap) if heat is not None else None
    h, w = film.shape
    height = int(max(300, min(VIEWER_HEIGHT, VIEWER_HEIGHT * 1.15 * h / w)))  # little black above a wide film
    figure = viewer_figure(shown, blended, colormap, label, height=height, revision=key)
    # as wide as the film at that height plus its colour bar (a narrower column shrinks it), so the bar
    # sits beside the film instead of across an empty band
    width = max(MIN_WIDTH, int((height - VIEWER_TOP_MARGIN) * w / h) + (110 if heat is not None else 0))
    figure_slot.plotly_chart(figure, key=f"{state.VIEWER}-{key}", config=VIEWER_CONFIG, theme=None, width=width)
    figure_slot.caption(" · ".join([caption] + ([texts.HEATMAP_LIMIT] if heat is not None else []) + [texts.VIEWER_HELP]))
