"""Widgets the pages share: the operating point, heatmap and reader controls of the sidebar, one
way to show a label and a prediction, a table whose open row survives reruns, and the session's
heatmap cache. Each returns plain values; wording comes from ``pneumo_core.texts``."""

from __future__ import annotations

import time

import streamlit as st

from pneumo_core import COLORMAPS, CUSTOM, HEATMAP_METHODS, METHODS, Prediction, texts

from . import state
from .keyboard import focus_next_run
from .selection import Shown, grid_key, open_row

DEFAULT_OPACITY = 0.45
MAX_HEATMAPS = 24  # heatmaps kept per session (oldest dropped first)
PROBABILITY_TITLE = texts.PROBABILITY_TITLE
# Tables get probabilities in percent (0-100) so they round as every other screen does ("19.6%").
PROBABILITY_COLUMN = st.column_config.ProgressColumn(PROBABILITY_TITLE, min_value=0.0, max_value=100.0,
                                                     format="%.1f%%")
FAST_METHODS = [m for m in METHODS if HEATMAP_METHODS[m].per_member]  # offered without "Advanced"


def as_percent(probability: float | None) -> float | None:
    """A probability as a ``PROBABILITY_COLUMN`` cell."""
    return None if probability is None else 100 * probability


def persist(key: str, default):
    """A value that survives page switches (widget state does not): ``key`` holds it, ``_key`` the widget."""
    if key not in st.session_state:
        st.session_state[key] = default
    st.session_state[f"_{key}"] = st.session_state[key]

    def copy():
        st.session_state[key] = st.session_state[f"_{key}"]
    return f"_{key}", copy


def operating_point_ui(meta) -> tuple[str | None, float | None]:
    """Sidebar preset or custom threshold; returns (preset, None) or (None, threshold)."""
    st.sidebar.subheader("Operating point")
    names = list(meta.presets) + [CUSTOM]
    key, copy = persist(state.PRESET, meta.default_preset)
    choice = st.sidebar.radio("Preset", names, key=key, on_change=copy, format_func=texts.preset_title,
                              help=texts.PRESETS_CHOSEN)
    st.sidebar.caption(texts.preset_line(choice, meta.presets))
    if choice != CUSTOM:
        return choice, None
    # steps of 0.1 %: it starts where the default preset is, as every screen rounds it ("18.9%", not "19%")
    key, copy = persist(state.THRESHOLD, float(round(meta.default_threshold, 3)))
    threshold = st.sidebar.slider("PNEUMONIA from this probability", 0.01, 0.99, key=key, on_change=copy,
                                  step=0.001, format="percent")
    return None, threshold


def heatmap_controls_ui() -> tuple[str, float, str]:
    """The sidebar's heatmap settings: what to show (the slow methods only under Advanced), how
    strongly, in which colours."""
    st.sidebar.subheader("Heatmap")
    key, copy = persist(state.HEATMAP_ADVANCED, False)
    advanced = st.sidebar.toggle("Advanced: slow methods too", key=key, on_change=copy,
                                 help=texts.ADVANCED_HELP)
    offered = list(METHODS) if advanced else FAST_METHODS
    key, copy = persist(state.HEATMAP_METHOD, METHODS[0])
    if st.session_state[key] not in offered:  # Advanced switched off while a slow method was chosen
        st.session_state[key] = st.session_state[state.HEATMAP_METHOD] = offered[0]
    method = st.sidebar.selectbox("Show", offered, key=key, on_change=copy, format_func=texts.method_title,
                                  help=texts.METHOD_HELP)
    key, copy = persist(state.HEATMAP_OPACITY, DEFAULT_OPACITY)
    opacity = st.sidebar.slider("Opacity", 0.0, 1.0, key=key, on_change=copy, step=0.05)
    key, copy = persist(state.HEATMAP_COLORMAP, next(iter(COLORMAPS)))
    colormap = st.sidebar.selectbox("Colour map", list(COLORMAPS), key=key, on_change=copy)
    return method, opacity, colormap


def heatmap_store() -> dict:
    """The session's heatmaps, by (film, label, method): (values, seconds it took to compute)."""
    return st.session_state.setdefault(state.HEATMAPS, {})


def stored_heatmap(store: dict, key: tuple, compute) -> tuple:
    """``compute().values`` (a ``Heatmap``'s) kept in ``store`` under ``key``, computed only when it is
    not there yet, the oldest dropped past ``MAX_HEATMAPS``: (values, seconds). No Streamlit call, so
    a callable run after the page's run (a download's data) can use it with a store taken during the
    run. Raises what ``compute`` raises, and stores nothing then."""
    if key not in store:
        start = time.perf_counter()
        values = compute().values
        store[key] = (values, time.perf_counter() - start)
        while len(store) > MAX_HEATMAPS:
            store.pop(next(iter(store)))
    return store[key]


def session_heatmap(key: tuple, method: str, compute) -> tuple:
    """A heatmap computed once per session for ``key`` (with a spinner while it is computed):
    ``stored_heatmap`` in ``heatmap_store()``."""
    heatmaps = heatmap_store()
    if key in heatmaps:
        return heatmaps[key]
    slow = "" if HEATMAP_METHODS[method].per_member else f" (this method takes {texts.SCORECAM_TIME})"
    with st.spinner(f"Computing the heatmap: {texts.method_title(method).lower()}{slow}…"):
        return stored_heatmap(heatmaps, key, compute)


def label_ui(label: str, suffix: str = "", anchor: bool = False) -> None:
    """A label, large, in its one colour (the same on every page, chart and PDF). ``anchor``: the
    open image's result, where keyboard focus goes after an upload or a save (``keyboard.RESULT``)."""
    target = " id='pneumo-result' tabindex='-1' role='status'" if anchor else ""
    # never broken mid-word (nowrap), and smaller in a narrow column or at a high browser zoom
    st.markdown(f"<div{target} style='font-size:clamp(1.5rem, 2.6vw, 2.1rem);font-weight:700;white-space:nowrap;"
                f"color:{texts.LABEL_COLOURS[label]};line-height:1.1'>{label}</div>{suffix}", unsafe_allow_html=True)


def prediction_ui(pred: Prediction, band: tuple[float, float], errors_in_band: float | None = None,
                  test_errors_in_band: float | None = None) -> None:
    """The model's answer, large: label, calibrated probability, operating point and, with its
    numbers, whether the probability lies in the second-opinion band (``errors_in_band``: the share
    of validation mistakes it held; ``test_errors_in_band``: of the test films' mistakes)."""
    label_ui(pred.label, anchor=True)
    st.markdown(f"**{texts.PROBABILITY_TITLE}: {texts.pct(pred.probability)}** (calibrated)")
    st.caption(f"{texts.preset_title(pred.preset)}: PNEUMONIA from {texts.pct(pred.threshold)} · "
               f"model {pred.model_version}")
    if pred.needs_second_opinion:
        st.warning(f"**{texts.SECOND_OPINION_HEADLINE}.** {texts.band_text(band)}", icon=":material/warning:")
    else:
        st.caption(texts.band_outside(band, errors_in_band, test_errors_in_band))


def selectable_table(frame, ids: list, key: str, focus: str | None = None, **kwargs) -> int | None:
    """A sortable dataframe whose open row is kept by its id across reruns, even when the rows change
    under it (``ui.selection``). ``ids`` identify the rows; returns the position of the open row, or
    None. ``focus``: where keyboard focus goes when the user opens a row (a CSS selector, see
    ``ui.keyboard``). The page may open a row itself by setting ``state.open_row_key(key)``."""
    ids = list(ids)
    open_key, shown_key = state.open_row_key(key), state.shown_rows_key(key)
    shown = st.session_state.get(shown_key)
    value = st.session_state.get(shown.key) if shown is not None else None
    reported = tuple(value["selection"]["rows"]) if value is not None else None
    opened, picked = open_row(ids, st.session_state.get(open_key), shown, reported)
    ticked = (ids.index(opened),) if opened is not None else ()
    grid = grid_key(key, shown, ids, ticked, reported)
    if picked and focus:
        focus_next_run(focus)
    st.session_state[open_key] = opened
    st.session_state[shown_key] = Shown(grid, tuple(ids), ticked)
    st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key=grid,
                 selection_default={"selection": {"rows": list(ticked)}} if ticked else None, **kwargs)
    return ticked[0] if ticked else None


def table_without_rows(key: str) -> None:
    """For a page that draws no table when it has no rows (an empty worklist): the open row closes,
    as a row that leaves a drawn table does, so that it does not open again by itself later."""
    st.session_state.pop(state.open_row_key(key), None)
