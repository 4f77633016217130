"""What every page shares: the model and review log loaded once per process, the operating point
and reader kept per session, one way to show a label, and a guard so no traceback reaches a user."""

from __future__ import annotations

import functools
import logging

import streamlit as st

from pneumo_core import (LABEL_COLOURS, METHODS, COLORMAPS, SECOND_OPINION_TEXT, EvaluationReport, ModelFileError,
                         Prediction, Predictor, ReviewLog, preset_title)

log = logging.getLogger("pneumo.app")
DEFAULT_OPACITY = 0.45
MAX_HEATMAPS = 24  # heatmaps kept per session (oldest dropped first)


@st.cache_resource(show_spinner="Loading the model…")
def get_predictor() -> Predictor:
    return Predictor()


@st.cache_resource(show_spinner=False)
def get_review_log() -> ReviewLog:
    return ReviewLog()


@st.cache_resource(show_spinner=False)
def get_report() -> EvaluationReport:
    return EvaluationReport.load()


def guarded(page):
    """Run a page; any unexpected error becomes an ``st.error`` (logged with its traceback server-side)."""
    @functools.wraps(page)
    def run():
        try:
            page()
        except ModelFileError as exc:
            st.error(f"The model could not be loaded: {exc}. Ask whoever installed pneumo to restore the "
                     "`models/` folder from the repository.")
        except Exception:  # noqa: BLE001 -- the last line of defence; st.stop/st.rerun are BaseExceptions
            log.exception("unexpected error on page %s", page.__name__)
            st.error("Something went wrong on this page and it was stopped. Nothing you saved is lost: "
                     "saved readings are in the review log. Reload the page and try again; if it happens "
                     "again, tell the pneumo maintainers what you did just before.")
    return run


def _persist(key: str, default):
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
    names = list(meta.presets) + ["custom"]
    key, copy = _persist("preset", meta.default_preset)
    choice = st.sidebar.radio("Preset", names, key=key, on_change=copy, format_func=preset_title,
                              help="Screening misses the fewest pneumonias; high specificity raises the fewest "
                                   "false alarms. Thresholds were fixed on a validation split, never on the test split.")
    if choice != "custom":
        st.sidebar.caption(f"Threshold {meta.presets[choice]:.3f} on the probability of pneumonia.")
        return choice, None
    key, copy = _persist("threshold", float(round(meta.default_threshold, 2)))
    threshold = st.sidebar.slider("Threshold on P(pneumonia)", 0.01, 0.99, key=key, on_change=copy, step=0.01)
    return None, threshold


def heatmap_controls_ui() -> tuple[str, float, str]:
    st.sidebar.subheader("Heatmap")
    key, copy = _persist("method", METHODS[0])
    method = st.sidebar.selectbox("Method", METHODS, key=key, on_change=copy,
                                  help="Grad-CAM is the fastest. Score-CAM takes longest and needs no gradients.")
    key, copy = _persist("opacity", DEFAULT_OPACITY)
    opacity = st.sidebar.slider("Opacity", 0.0, 1.0, key=key, on_change=copy, step=0.05)
    key, copy = _persist("colormap", next(iter(COLORMAPS)))
    colormap = st.sidebar.selectbox("Colour map", list(COLORMAPS), key=key, on_change=copy)
    return method, opacity, colormap


def reader_ui() -> str:
    """The reader: the signed-in user's name when login is configured, else a name typed once per session."""
    try:
        if st.user.get("is_logged_in"):
            name = str(st.user.get("name") or st.user.get("email") or "")
            st.sidebar.caption(f"Signed in as **{name}**")
            return name
    except Exception:  # noqa: BLE001 -- no auth configured
        pass
    key, copy = _persist("reader", "")
    return st.sidebar.text_input("Your name or initials (saved with each reading)", key=key, on_change=copy,
                                 max_chars=80).strip()


def session_heatmap(key: tuple, method: str, compute):
    """A heatmap computed once per session for ``key`` (with a spinner), the oldest dropped past
    ``MAX_HEATMAPS``; ``compute()`` returns a ``Heatmap``. Raises what ``compute`` raises."""
    heatmaps = st.session_state.setdefault("heatmaps", {})
    if key not in heatmaps:
        with st.spinner(f"Computing the {method} heatmap…"):
            heatmaps[key] = compute().values
        while len(heatmaps) > MAX_HEATMAPS:
            heatmaps.pop(next(iter(heatmaps)))
    return heatmaps[key]


PROBABILITY_COLUMN = st.column_config.ProgressColumn("P(pneumonia)", min_value=0.0, max_value=1.0, format="percent")


def label_ui(label: str, suffix: str = "") -> None:
    """A label, large, in its one colour (the same on every page, chart and PDF)."""
    st.markdown(f"<div style='font-size:2.1rem;font-weight:700;color:{LABEL_COLOURS[label]};line-height:1.1'>"
                f"{label}</div>{suffix}", unsafe_allow_html=True)


def prediction_ui(pred: Prediction) -> None:
    """The model's answer, large: label, calibrated probability, operating point, second-opinion flag."""
    label_ui(pred.label)
    st.metric("Probability of pneumonia (calibrated)", f"{pred.probability:.1%}")
    st.caption(f"{preset_title(pred.preset)}: PNEUMONIA at ≥ {pred.threshold:.3f} · model {pred.model_version}")
    if pred.needs_second_opinion:
        headline, reason = SECOND_OPINION_TEXT.split(":", 1)
        st.warning(f"**{headline}**:{reason}", icon=":material/warning:")


def selectable_table(frame, ids: list, key: str, **kwargs) -> int | None:
    """A sortable dataframe whose selected row stays open across reruns, even when its data change
    (Streamlit resets a dataframe's selection when its data change). ``ids`` identify the rows;
    returns the position of the open row, or None."""
    open_key = f"{key}__open"
    opened = st.session_state.get(open_key)
    default = [ids.index(opened)] if opened in ids else []
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key=key,
                         selection_default={"selection": {"rows": default}} if default else None, **kwargs)
    if event.selection.rows:
        st.session_state[open_key] = ids[event.selection.rows[0]]
    opened = st.session_state.get(open_key)
    return ids.index(opened) if opened in ids else None
