"""Widgets the pages share: the operating point, heatmap and reader controls of the sidebar, one
way to show a label and a prediction, a table whose open row survives reruns, and the session's
heatmap cache. Each returns plain values; wording comes from ``pneumo_core.texts``."""

from __future__ import annotations

import streamlit as st

from pneumo_core import COLORMAPS, CUSTOM, HEATMAP_METHODS, METHODS, Prediction, texts

from . import state

DEFAULT_OPACITY = 0.45
MAX_HEATMAPS = 24  # heatmaps kept per session (oldest dropped first)
PROBABILITY_TITLE = "P(pneumonia)"
PROBABILITY_COLUMN = st.column_config.ProgressColumn(PROBABILITY_TITLE, min_value=0.0, max_value=1.0,
                                                     format="percent")


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
                              help="Screening misses the fewest pneumonias; high specificity raises the fewest "
                                   "false alarms. Thresholds were fixed on a validation split, never on the test split.")
    if choice != CUSTOM:
        st.sidebar.caption(f"Threshold {meta.presets[choice]:.3f} on the probability of pneumonia.")
        return choice, None
    key, copy = persist(state.THRESHOLD, float(round(meta.default_threshold, 2)))
    threshold = st.sidebar.slider(f"Threshold on {PROBABILITY_TITLE}", 0.01, 0.99, key=key, on_change=copy,
                                  step=0.01)
    return None, threshold


def heatmap_controls_ui() -> tuple[str, float, str]:
    st.sidebar.subheader("Heatmap")
    key, copy = persist(state.HEATMAP_METHOD, METHODS[0])
    method = st.sidebar.selectbox("Method", METHODS, key=key, on_change=copy,
                                  help=" ".join(f"{m.name}: {m.description}" for m in HEATMAP_METHODS.values()))
    key, copy = persist(state.HEATMAP_OPACITY, DEFAULT_OPACITY)
    opacity = st.sidebar.slider("Opacity", 0.0, 1.0, key=key, on_change=copy, step=0.05)
    key, copy = persist(state.HEATMAP_COLORMAP, next(iter(COLORMAPS)))
    colormap = st.sidebar.selectbox("Colour map", list(COLORMAPS), key=key, on_change=copy)
    return method, opacity, colormap


def session_heatmap(key: tuple, method: str, compute):
    """A heatmap computed once per session for ``key`` (with a spinner), the oldest dropped past
    ``MAX_HEATMAPS``; ``compute()`` returns a ``Heatmap``. Raises what ``compute`` raises."""
    heatmaps = st.session_state.setdefault(state.HEATMAPS, {})
    if key not in heatmaps:
        with st.spinner(f"Computing the {method} heatmap…"):
            heatmaps[key] = compute().values
        while len(heatmaps) > MAX_HEATMAPS:
            heatmaps.pop(next(iter(heatmaps)))
    return heatmaps[key]


def label_ui(label: str, suffix: str = "") -> None:
    """A label, large, in its one colour (the same on every page, chart and PDF)."""
    st.markdown(f"<div style='font-size:2.1rem;font-weight:700;color:{texts.LABEL_COLOURS[label]};line-height:1.1'>"
                f"{label}</div>{suffix}", unsafe_allow_html=True)


def prediction_ui(pred: Prediction) -> None:
    """The model's answer, large: label, calibrated probability, operating point, second-opinion flag."""
    label_ui(pred.label)
    st.metric("Probability of pneumonia (calibrated)", f"{pred.probability:.1%}")
    st.caption(f"{texts.preset_title(pred.preset)}: PNEUMONIA at ≥ {pred.threshold:.3f} · model {pred.model_version}")
    if pred.needs_second_opinion:
        headline, reason = texts.SECOND_OPINION_TEXT.split(":", 1)
        st.warning(f"**{headline}**:{reason}", icon=":material/warning:")


def selectable_table(frame, ids: list, key: str, **kwargs) -> int | None:
    """A sortable dataframe whose selected row stays open across reruns, even when its data change
    (Streamlit resets a dataframe's selection when its data change). ``ids`` identify the rows;
    returns the position of the open row, or None."""
    open_key = state.open_row_key(key)
    opened = st.session_state.get(open_key)
    default = [ids.index(opened)] if opened in ids else []
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key=key,
                         selection_default={"selection": {"rows": default}} if default else None, **kwargs)
    if event.selection.rows:
        st.session_state[open_key] = ids[event.selection.rows[0]]
    opened = st.session_state.get(open_key)
    return ids.index(opened) if opened in ids else None
