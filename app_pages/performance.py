"""Model performance, for stakeholders: every number and chart comes from the committed evaluation
report of the shipped model on the official test split (no images needed)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pneumo_core import CUSTOM, PUBLISHED, charts, texts
from ui import state
from ui.guard import guarded
from ui.resources import get_bundle, get_gate_report, get_report
from ui.widgets import PROBABILITY_TITLE


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def comparison_table(report, default: dict) -> pd.DataFrame:
    rows = [{"Model": f"pneumo {report.model_version} (this app), {texts.preset_title(report.default_preset)} preset",
             "Accuracy": _pct(default["accuracy"]), "Sensitivity": _pct(default["sensitivity"]),
             "Specificity": _pct(default["specificity"]), "ROC AUC": f"{report.ranking['roc_auc']:.3f}",
             "How it was measured": "Official 624-image test split, evaluated once; trained from scratch; threshold "
                                    "and calibration fixed on a validation split carved from train by patient. "
                                    "`python -m pneumo_core evaluate --split test`."}]
    for p in PUBLISHED:
        rows.append({"Model": p.source, "Accuracy": _pct(p.accuracy), "Sensitivity": _pct(p.sensitivity),
                     "Specificity": _pct(p.specificity), "ROC AUC": "—" if p.roc_auc is None else f"{p.roc_auc:.3f}",
                     "How it was measured": p.how_measured})
    return pd.DataFrame(rows)


def _rows_height(n: int) -> int:
    """A table's height in pixels showing all of its ``n`` rows and the header (no inner scrolling)."""
    return 35 * (n + 1) + 3


def gate_section() -> None:
    """What the input gate refuses, from the committed gate report (out-of-scope images and test films)."""
    report = get_gate_report()
    st.subheader("What the model refuses to read")
    st.markdown(texts.GATE_SUMMARY)
    if report is None:
        st.info("The input gate has not been measured for this model yet.")
        return
    rows = [{"Images": name, "Number": r["images"], "Refused": _pct(r["refused or unreadable"]),
             "Read with a caution": _pct(r["caution"]), "Read": _pct(r["ok"])} for name, r in report["rows"].items()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=_rows_height(len(rows)))
    st.caption(f"Measured by `{report.get('command', 'benchmarks/gate_out_of_scope.py')}`; the gate's thresholds were "
               "fixed on the validation split. Out-of-scope images come from scikit-image, pydicom's test files, "
               "rendered documents, screenshots of this app, noise, and test films turned, flipped or inverted.")


def stress_section(stress: dict) -> None:
    """Whether the model reads the lungs or the framing: the validation stress report in its metadata."""
    st.subheader(texts.STRESS_TITLE)
    if not stress:
        st.info("This model has not been checked this way yet.")
        return
    st.markdown(texts.STRESS_INTRO.format(limit=f"{100 * stress['max_drop']:g}"))
    st.markdown(f"**{texts.stress_takeaway(stress)}**")
    st.dataframe(pd.DataFrame(texts.stress_rows(stress)), hide_index=True, width="stretch")
    st.caption(f"{stress['images']:,} validation films (from the training split, never the test split), at the default "
               f"threshold {stress['threshold']:.3f}. Measured by `{stress.get('command', 'python -m pneumo_core stress')}`.")


@guarded
def page() -> None:
    meta = get_bundle().meta
    report = get_report()
    st.title("Model performance")
    counts = report.counts
    st.caption(f"Model {report.model_version} on the official Kermany et al. test split "
               f"({counts.get('NORMAL', '?')} NORMAL, {counts.get('PNEUMONIA', '?')} PNEUMONIA images), evaluated once. "
               "Thresholds were fixed on validation data from the training split, never on these images.")

    names = list(meta.presets)
    choice = st.radio("Operating point", names + [CUSTOM], horizontal=True, format_func=texts.preset_title,
                      index=names.index(meta.default_preset), key=state.PERF_PRESET)
    if choice == CUSTOM:
        threshold = st.slider(f"Threshold on {PROBABILITY_TITLE}", 0.01, 0.99, float(round(meta.default_threshold, 2)),
                              0.01, key=state.PERF_THRESHOLD)
    else:
        threshold = meta.presets[choice]
    at = report.at(threshold)
    cols = st.columns(5)
    for col, (name, value) in zip(cols, [("Accuracy", at["accuracy"]), ("Sensitivity", at["sensitivity"]),
                                         ("Specificity", at["specificity"]), ("Precision", at["precision"])]):
        col.metric(name, _pct(value))
    cols[4].metric("ROC AUC", f"{report.ranking['roc_auc']:.3f}")
    st.caption(f"At threshold {threshold:.3f}: PNEUMONIA when the calibrated probability is at or above it.")

    left, right = st.columns(2)
    left.plotly_chart(charts.threshold_tradeoff(report, threshold), width="stretch")
    right.plotly_chart(charts.confusion(report, threshold), width="stretch")
    left, right = st.columns(2)
    left.plotly_chart(charts.roc(report), width="stretch")
    right.plotly_chart(charts.precision_recall(report), width="stretch")
    left, right = st.columns(2)
    left.plotly_chart(charts.reliability(report), width="stretch")
    right.plotly_chart(charts.subtype_sensitivity(report, threshold), width="stretch")

    band = report.band_summary
    if band:
        held = "" if band.errors_in_band is None else f" and {_pct(band.errors_in_band)} of the default threshold's mistakes"
        on_validation = meta.validation.get("band")
        fixed = ("" if not on_validation else f" On the validation films it was fixed on, it flagged "
                 f"{_pct(on_validation['fraction_of_images'])} of films and held {_pct(on_validation['errors_in_band'])} "
                 "of the mistakes.")
        st.markdown(f"**Second-opinion band** ({meta.band[0]:.3f}–{meta.band[1]:.3f}): "
                    f"{band.fraction_of_images:.1%} of test images fall in it{held}; outside it the label at the default "
                    f"threshold is right {_pct(band.accuracy_outside_band)} of the time.{fixed}")

    gate_section()
    stress_section(meta.stress)

    st.subheader("Against published results")
    st.dataframe(comparison_table(report, report.at(meta.default_threshold)), hide_index=True, width="stretch",
                 column_config={"How it was measured": st.column_config.TextColumn(width="large")})
    st.caption("Published figures are quoted as their authors report them; only the first row was measured here. "
               "The published models start from ImageNet weights; this one is trained from scratch because no "
               "pretrained weights can be downloaded where it is built.")


page()
