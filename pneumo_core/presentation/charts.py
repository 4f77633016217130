"""Plotly figures of an evaluation report for the performance page (report in, figure out; no I/O)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..evaluation.report import EvaluationReport
from .summary import auc_with_interval
from .texts import BAND_COLOUR, LABEL_COLOURS, NEUTRAL_COLOUR, PROBABILITY_TITLE, SUBTYPE_TITLES, pct, preset_title

# Sized for a projector as well as a laptop: 15-px text, 18-px titles.
LAYOUT = dict(template="plotly_white", height=440, margin=dict(l=60, r=20, t=56, b=20),
               font=dict(size=15), title_font=dict(size=18),
               legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, font=dict(size=14)))
_MARKERS = {"screening": "diamond", "balanced": "circle", "high_specificity": "square"}


def _preset_points(report: EvaluationReport):
    """(name, threshold, metrics) per preset; presets sharing a threshold are named together."""
    by_threshold: dict[float, list[str]] = {}
    for name, m in report.presets.items():
        by_threshold.setdefault(round(m["threshold"], 6), []).append(name)
    for t, names in by_threshold.items():
        yield " = ".join(preset_title(n) for n in names), names[0], report.at(t)


def roc(report: EvaluationReport) -> go.Figure:
    c = report.curves["roc"]
    fig = go.Figure(go.Scatter(x=c["fpr"], y=c["tpr"], mode="lines", name="ROC", line=dict(color=NEUTRAL_COLOUR)))
    fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line=dict(dash="dot", color="#999"))
    for title, name, m in _preset_points(report):
        fig.add_trace(go.Scatter(x=[1 - m["specificity"]], y=[m["sensitivity"]], mode="markers", name=title,
                                 marker=dict(size=12, symbol=_MARKERS.get(name, "x"))))
    fig.update_layout(title=f"ROC curve: AUC {auc_with_interval(report.ranking['roc_auc'], report.roc_auc_interval)}",
                      xaxis_title="1 − specificity (healthy children called PNEUMONIA)", xaxis_tickformat=".0%",
                      yaxis_title="Sensitivity", yaxis_tickformat=".0%", xaxis_range=[0, 1], yaxis_range=[0, 1.02],
                      **LAYOUT)
    return fig


def precision_recall(report: EvaluationReport) -> go.Figure:
    c = report.curves["pr"]
    fig = go.Figure(go.Scatter(x=c["recall"], y=c["precision"], mode="lines", name="Precision–recall",
                               line=dict(color=NEUTRAL_COLOUR)))
    for title, name, m in _preset_points(report):
        fig.add_trace(go.Scatter(x=[m["sensitivity"]], y=[m["precision"]], mode="markers", name=title,
                                 marker=dict(size=12, symbol=_MARKERS.get(name, "x"))))
    fig.update_layout(title=f"Precision–recall (AUC {report.ranking['pr_auc']:.3f})", xaxis_title="Recall (sensitivity)",
                      yaxis_title="Precision", xaxis_tickformat=".0%", yaxis_tickformat=".0%", xaxis_range=[0, 1.02],
                      yaxis_range=[0, 1.02], **LAYOUT)
    return fig


def confusion(report: EvaluationReport, threshold: float) -> go.Figure:
    cm = report.at(threshold)["confusion_matrix"]
    z = np.array([[cm["tn"], cm["fp"]], [cm["fn"], cm["tp"]]])
    labels = [["True NORMAL<br>(correct)", "False PNEUMONIA<br>(false alarm)"],
              ["Missed PNEUMONIA<br>(false negative)", "True PNEUMONIA<br>(correct)"]]
    text = [[f"{labels[i][j]}<br><b>{z[i, j]}</b>" for j in range(2)] for i in range(2)]
    fig = go.Figure(go.Heatmap(z=z, x=["Model: NORMAL", "Model: PNEUMONIA"], y=["Truth: NORMAL", "Truth: PNEUMONIA"],
                               text=text, texttemplate="%{text}", colorscale="Blues", showscale=False))
    fig.update_traces(textfont=dict(size=16))
    fig.update_layout(title=f"Right and wrong at threshold {pct(threshold)}", yaxis_autorange="reversed", **LAYOUT)
    return fig


def threshold_tradeoff(report: EvaluationReport, threshold: float) -> go.Figure:
    s = report.sweep()
    m = report.at(threshold)
    fig = go.Figure([
        go.Scatter(x=s["threshold"], y=s["sensitivity"], name="Sensitivity", line=dict(color=LABEL_COLOURS["PNEUMONIA"])),
        go.Scatter(x=s["threshold"], y=s["specificity"], name="Specificity", line=dict(color=LABEL_COLOURS["NORMAL"])),
        go.Scatter(x=[threshold, threshold], y=[m["sensitivity"], m["specificity"]], mode="markers",
                   name=f"Threshold {pct(threshold)}", marker=dict(size=12, color="black")),
    ])
    fig.add_vline(x=threshold, line=dict(color="black", dash="dash"))
    if report.band is not None:
        lo, hi = report.band
        fig.add_vrect(x0=lo, x1=hi, fillcolor=BAND_COLOUR, opacity=0.12, line_width=0,
                      annotation_text="model unsure", annotation_position="bottom right",
                      annotation_font=dict(color=BAND_COLOUR))
    fig.update_layout(title="Sensitivity and specificity against the threshold",
                      xaxis_title=f"Threshold on the {PROBABILITY_TITLE.lower()}", xaxis_tickformat=".0%",
                      yaxis_title="Rate", yaxis_tickformat=".0%", yaxis_range=[0, 1.02], **LAYOUT)
    return fig


def reliability(report: EvaluationReport) -> go.Figure:
    bins = [b for b in report.calibration["bins"] if b["count"]]
    fig = go.Figure([
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="Perfect calibration", line=dict(dash="dot", color="#999")),
        go.Scatter(x=[b["mean_probability"] for b in bins], y=[b["fraction_pneumonia"] for b in bins],
                   mode="lines+markers", name="Model", line=dict(color=NEUTRAL_COLOUR),
                   marker=dict(size=[6 + 18 * np.sqrt(b["count"] / max(x["count"] for x in bins)) for b in bins]),
                   customdata=[b["count"] for b in bins],
                   hovertemplate="mean P %{x:.2f}<br>observed %{y:.2f}<br>%{customdata} images<extra></extra>"),
    ])
    fig.update_layout(title=f"Does the probability mean what it says?<br><sup>off by {100 * report.calibration['ece']:.1f} "
                            "points on average; marker size: number of films</sup>",
                      xaxis_title=f"{PROBABILITY_TITLE} given", xaxis_tickformat=".0%", yaxis_tickformat=".0%",
                      yaxis_title="Share that had pneumonia",
                      xaxis_range=[-0.03, 1.03], yaxis_range=[-0.03, 1.03], **LAYOUT)  # room for the end markers
    return fig


def subtype_sensitivity(report: EvaluationReport, threshold: float) -> go.Figure:
    groups = report.at(threshold)["sensitivity_by_subtype"]
    names = sorted(groups)
    fig = go.Figure(go.Bar(x=[(SUBTYPE_TITLES.get(n) or n).capitalize() for n in names],
                           y=[groups[n]["sensitivity"] for n in names],
                           text=[f"{pct(groups[n]['sensitivity'])}<br>of {groups[n]['n']}" for n in names],
                           textposition="inside", marker_color=LABEL_COLOURS["PNEUMONIA"]))
    fig.update_layout(title=f"Pneumonias found, by type, at threshold {pct(threshold)}", yaxis_title="Sensitivity",
                      yaxis_tickformat=".0%",
                      yaxis_range=[0, 1.05], **LAYOUT)
    return fig
