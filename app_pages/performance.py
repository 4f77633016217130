"""Model performance, for stakeholders: every number and chart comes from the committed evaluation
report of the shipped model on the official test split (no images needed)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pneumo_core import CUSTOM, PUBLISHED, charts, model_words, summary, texts
from ui import state
from ui.comparison import comparison_section
from ui.guard import guarded
from ui.resources import get_bundle, get_gate_report, get_report

_pct = texts.pct


def comparison_table(report, default: dict) -> pd.DataFrame:
    ci = default["interval_95"]
    rows = [{"Model": f"pneumo {report.model_version} (this app), {texts.preset_title(report.default_preset)} preset",
             "Accuracy": summary.with_interval(default["accuracy"], ci["accuracy"]),
             "Sensitivity": summary.with_interval(default["sensitivity"], ci["sensitivity"]),
             "Specificity": summary.with_interval(default["specificity"], ci["specificity"]),
             "ROC AUC": summary.auc_with_interval(report.ranking["roc_auc"], report.roc_auc_interval),
             "How it was measured": "Official 624-image test split, evaluated once; trained from scratch; threshold "
                                    "and calibration fixed on a validation split carved from train by patient. "
                                    "`python -m pneumo_core evaluate --split test`."}]
    for p in PUBLISHED:
        rows.append({"Model": p.source, "Accuracy": _pct(p.accuracy), "Sensitivity": _pct(p.sensitivity),
                     "Specificity": _pct(p.specificity), "ROC AUC": "—" if p.roc_auc is None else f"{p.roc_auc:.3f}",
                     "How it was measured": p.how_measured})
    return pd.DataFrame(rows)


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
    st.table(pd.DataFrame(rows).set_index("Images"))
    st.caption(f"Measured by `{report.get('command', 'benchmarks/gate_out_of_scope.py')}`; the gate's thresholds were "
               "fixed on the validation split. Out-of-scope images come from scikit-image, pydicom's test files, "
               "rendered documents, screenshots of this app, noise, and test films turned, flipped or inverted.")


def stress_section(stress: dict) -> None:
    """Whether the model reads the lungs or the framing: the validation stress report in its metadata."""
    st.subheader(model_words.STRESS_TITLE)
    if not stress:
        st.info("This model has not been checked this way yet.")
        return
    st.markdown(model_words.STRESS_INTRO.format(limit=f"{100 * stress['max_drop']:g}"))
    st.markdown(f"**{model_words.stress_takeaway(stress)}**")
    st.table(pd.DataFrame(model_words.stress_rows(stress)).set_index("Validation films"))
    st.caption(f"{stress['images']:,} validation films (from the training split, never the test split), at the default "
               f"threshold {_pct(stress['threshold'])}. Measured by `{stress.get('command', 'python -m pneumo_core stress')}`.")


def headline_metrics(report, threshold: float) -> None:
    """Accuracy, sensitivity and specificity with their 95 % intervals, then precision and ROC AUC:
    three to a row, so the numbers never truncate on a laptop or at a high browser zoom."""
    at = report.at(threshold)
    ci = at["interval_95"]
    for col, name in zip(st.columns(3), ("accuracy", "sensitivity", "specificity")):
        col.metric(name.capitalize(), _pct(at[name]), help=texts.METRIC_HELP[name])
        col.caption(summary.interval_text(ci[name]))
    left, middle, _ = st.columns(3)
    left.metric("Precision", _pct(at["precision"]), help=texts.METRIC_HELP["precision"])
    middle.metric("ROC AUC", f"{report.ranking['roc_auc']:.3f}", help=texts.METRIC_HELP["roc_auc"])
    if report.roc_auc_interval:
        middle.caption(summary.auc_interval_text(report.roc_auc_interval))


@guarded
def page() -> None:
    meta = get_bundle().meta
    report = get_report()
    st.title("Model performance")
    counts = report.counts
    with st.container(border=True):
        st.markdown("**In short.** " + " ".join(summary.plain_summary(
            report, meta.presets[meta.default_preset], texts.preset_title(meta.default_preset).lower())))
    st.caption(f"Model {report.model_version} on the official Kermany et al. test films "
               f"({counts.get('NORMAL', '?')} without pneumonia, {counts.get('PNEUMONIA', '?')} with), evaluated once. "
               "Thresholds were fixed on films set aside from the training data, never on these. The 95% confidence "
               "intervals (Wilson for a rate, DeLong for the ROC AUC) say how far the true value could lie from what "
               "these few hundred films show.")

    names = list(meta.presets)
    choice = st.radio("Operating point", names + [CUSTOM], horizontal=True, format_func=texts.preset_title,
                      index=names.index(meta.default_preset), key=state.PERF_PRESET)
    if choice == CUSTOM:
        threshold = st.slider("PNEUMONIA from this probability", 0.01, 0.99, float(round(meta.default_threshold, 3)),
                              0.001, key=state.PERF_THRESHOLD, format="percent")
    else:
        threshold = meta.presets[choice]
    st.caption(texts.preset_line(choice, meta.presets))
    headline_metrics(report, threshold)
    st.caption(f"At threshold {texts.pct(threshold)}: PNEUMONIA when the calibrated probability is at or above it.")

    left, right = st.columns(2)
    left.plotly_chart(charts.threshold_tradeoff(report, threshold), width="stretch")
    right.plotly_chart(charts.confusion(report, threshold), width="stretch")
    left, right = st.columns(2)
    left.plotly_chart(charts.reliability(report), width="stretch")
    right.plotly_chart(charts.subtype_sensitivity(report, threshold), width="stretch")
    left, right = st.columns(2)
    left.plotly_chart(charts.roc(report), width="stretch")
    right.plotly_chart(charts.precision_recall(report), width="stretch")

    band = report.band_summary
    if band:
        held = "" if band.errors_in_band is None else f" and {_pct(band.errors_in_band)} of the default threshold's mistakes"
        on_validation = meta.validation.get("band")
        fixed = ("" if not on_validation else f" On the set-aside films it was fixed on, it flagged "
                 f"{_pct(on_validation['fraction_of_images'])} of films and held {_pct(on_validation['errors_in_band'])} "
                 "of the mistakes.")
        st.markdown(f"**Where the model is unsure** ({_pct(meta.band[0])} to {_pct(meta.band[1])}, where it asks for a "
                    f"second opinion): {_pct(band.fraction_of_images)} of test films fall in it{held}; outside it the "
                    f"label at the default threshold is right {_pct(band.accuracy_outside_band)} of the time.{fixed}")

    gate_section()
    stress_section(meta.stress)

    st.subheader("Against published results")
    st.table(comparison_table(report, report.at(meta.default_threshold)).set_index("Model"))
    st.caption("Published figures are quoted as their authors report them; only the first row was measured here. "
               "The published VGG16, ResNet50V2 and InceptionV3 models start from ImageNet weights; this one is "
               "trained from scratch because no pretrained weights can be downloaded where it is built.")
    comparison_section()


page()
