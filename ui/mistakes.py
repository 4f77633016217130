"""The Review page's second tab: the model's own mistakes on the official test films, at the
operating point chosen in the sidebar, each in the film viewer with its heatmap (the images come
from the data folder; the list alone needs only the committed report)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pneumo_core import CUSTOM, PneumoError, Settings, decide, load_image, texts

from . import state
from .resources import get_predictor, get_report
from .viewer import film_view
from .widgets import PROBABILITY_COLUMN, PROBABILITY_TITLE, as_percent, label_ui, selectable_table, table_without_rows


def mistakes_tab(meta, preset, threshold, look) -> None:
    """How many test films the model gets wrong at this operating point, the list of one kind (most
    confident first) and the chosen one in the viewer."""
    report = get_report()
    t = threshold if threshold is not None else meta.presets[preset]
    found = report.mistakes(t)
    counts = {k: sum(m.kind == k for m in found) for k in texts.MISTAKE_KINDS}
    named = {k: texts.count(n, *texts.MISTAKE_TITLES[k]) for k, n in counts.items()}
    st.markdown(f"With {texts.preset_title(preset or CUSTOM)} (PNEUMONIA from {texts.pct(t)}) the model gets "
                f"**{len(found)}** of the {len(report.probabilities)} test films wrong: "
                f"**{named['false negative']}** and **{named['false positive']}**. Most confident mistakes first.")
    # the options' wording never changes, so the choice survives a change of preset
    if st.session_state.get(state.MISTAKE_KIND) not in texts.MISTAKE_KINDS:
        st.session_state[state.MISTAKE_KIND] = texts.MISTAKE_KINDS[0]
    kind = st.radio("Show", list(texts.MISTAKE_KINDS), horizontal=True, key=state.MISTAKE_KIND,
                    format_func=lambda k: texts.MISTAKE_TITLES[k][1].capitalize())
    chosen = [m for m in found if m.kind == kind]
    if not chosen:
        st.success(f"No {texts.MISTAKE_TITLES[kind][1]} at this threshold.")
        table_without_rows(f"{state.MISTAKE_TABLE}-{kind}")
        return
    # the film picked stays picked by name when a preset change reorders or shortens the list
    row = selectable_table(pd.DataFrame([{"File": m.file, "Truth": m.truth.capitalize(),
                                          "Kind": texts.SUBTYPE_TITLES.get(m.subtype, m.subtype) or "—",
                                          PROBABILITY_TITLE: as_percent(m.probability)} for m in chosen]),
                           [f"{m.truth}/{m.file}" for m in chosen], f"{state.MISTAKE_TABLE}-{kind}",
                           height=260 if len(chosen) > 6 else "auto", column_config={PROBABILITY_TITLE: PROBABILITY_COLUMN})
    settings = Settings.from_env()
    test_dir = settings.test_dir
    if not test_dir.is_dir():
        st.info(f"To see these images and their heatmaps, put the Kermany et al. chest X-ray data "
                f"(`test/NORMAL`, `test/PNEUMONIA`) at `{settings.data_dir}` or set `PNEUMO_DATA_DIR` to its folder, "
                "then reload. The list above needs no images.")
        return
    mistake = chosen[row if row is not None else 0]  # the most confident mistake until one is picked
    show_mistake(mistake, test_dir, decide(mistake.probability, meta, preset, threshold), look)


def show_mistake(m, test_dir, pred, look) -> None:
    path = test_dir / m.truth / m.file
    try:
        pixels = load_image(path).pixels
    except PneumoError as exc:
        st.warning(f"{m.file} could not be read from the data folder: {exc}")
        return
    left, right = st.columns([3, 2], gap="medium")
    kind = texts.SUBTYPE_TITLES.get(m.subtype, m.subtype)
    truth = f"{m.truth}" + (f" ({kind})" if kind else "")
    with right:
        label_ui(pred.label, "<small>the model's label</small>")
        st.markdown(f"**{texts.PROBABILITY_TITLE}: {texts.pct(m.probability)}**")
        st.markdown(f"Truth: **{truth}**")
    with left:
        film_view(f"mistake-{m.file}", pixels, pred.label, look,
                  lambda method: get_predictor().explain(pixels, pred.label, method), f"{m.file} · truth {truth}")
