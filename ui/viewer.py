"""The film viewer on every page that shows an X-ray: brightness and contrast (window/level presets
and a slider to drag), then the film with its heatmap in one figure that zooms (scroll or the zoom
button), pans (drag), flips between film and heatmap in place and carries a colour bar. The figure
is ``pneumo_core.viewer_figure``; this module only adds the controls (kept while the film is open)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from pneumo_core import (
    VIEWER_CONFIG,
    VIEWER_TOP_MARGIN,
    ExplanationError,
    apply_window,
    overlay,
    texts,
    viewer_figure,
    window_presets,
)

from . import state
from .widgets import session_heatmap

MIN_WIDTH = 240  # px: a thin strip (refused, but still shown) keeps a usable viewer
VIEWER_HEIGHT = 520  # px for an upright film: it fits a 1366x768 screen; a landscape film gets less


# Every rerun of a page (a click anywhere) draws its viewer again: the figure, two PNGs of the film,
# is built once per film and settings instead (in this process's memory, keyed by the pixels
# themselves, so only a session showing the same film can meet it; never written to disk).
_presets = st.cache_data(max_entries=32, show_spinner=False)(window_presets)


@st.cache_data(max_entries=32, show_spinner=False)
def _figure(film: np.ndarray, heat: np.ndarray | None, window: tuple[float, float], opacity: float, colormap: str,
            label: str, height: int, revision: str):
    shown = apply_window(film, *window)
    blended = overlay(shown, heat, opacity, colormap) if heat is not None else None
    return viewer_figure(shown, blended, colormap, label, height=height, revision=revision)


def _window(key: str, film: np.ndarray) -> tuple[float, float]:
    """The brightness/contrast controls of one film; returns its window (low, high) on [0, 1]."""
    presets = _presets(film)
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
    window = _window(key, film)
    h, w = film.shape
    height = int(max(300, min(VIEWER_HEIGHT, VIEWER_HEIGHT * 1.15 * h / w)))  # little black above a wide film
    figure = _figure(film, heat, window, opacity, colormap, label, height, key)
    # as wide as the film at that height plus its colour bar (a narrower column shrinks it), so the bar
    # sits beside the film instead of across an empty band
    width = max(MIN_WIDTH, int((height - VIEWER_TOP_MARGIN) * w / h) + (110 if heat is not None else 0))
    figure_slot.plotly_chart(figure, key=f"{state.VIEWER}-{key}", config=VIEWER_CONFIG, theme=None, width=width)
    figure_slot.caption(" · ".join([caption] + ([texts.HEATMAP_LIMIT] if heat is not None else []) + [texts.VIEWER_HELP]))


def film_view(key: str, film: np.ndarray, label: str, look: tuple[str, float, str], explain,
              caption: str) -> np.ndarray | None:
    """``film`` in the viewer with its heatmap for ``label``: ``explain(method)`` returns a ``Heatmap``
    at the film's size, computed once per session (film, label and method). A method that finds no
    region says so above the film, which is then shown alone. Returns the heatmap (None then)."""
    method, opacity, colormap = look
    heat = None
    try:
        heat, seconds = session_heatmap((key, label, method), method, lambda: explain(method))
        caption += f" · {texts.heatmap_caption(method, label)} (computed in {seconds:.1f} s)"
    except ExplanationError as exc:
        st.warning(str(exc))
    viewer_ui(key, film, heat, label, opacity, colormap, caption)
    return heat
