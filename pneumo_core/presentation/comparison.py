"""The comparison of published architectures, worded and drawn for the Model performance page
(report in, table rows, sentence or figure out; no I/O)."""

from __future__ import annotations

import plotly.graph_objects as go

from ..evaluation.comparison import INITIALISATION, ComparisonReport, ComparisonRow
from ..evaluation.published import CLAIMS_BY_ARCHITECTURE
from .charts import LAYOUT
from .summary import auc_with_interval, with_interval
from .texts import pct

__all__ = ["INITIALISATION", "INTRO", "STRESS_COLUMN", "TITLE", "cost_rows", "provenance_rows", "results_rows",
           "roc_overlay", "takeaway"]

STRESS_COLUMN = "Kept its results when the framing changed?"
TITLE = "The published approaches, trained here the same way"
INTRO = ("Public projects on this data set each trained several networks and reported one number each; how each "
         "network, epoch and threshold was chosen is mostly not documented. Here the same kinds of network are "
         "trained by this app's own recipe and judged by its rules: thresholds fixed on films set aside from the "
         "training data, the test films scored once, and the check of whether the network reads the lungs or how "
         "the film was taken.")


def _ms(row: ComparisonRow, key: str) -> str:
    if key == "gradcam_ms" and row.map_side <= 1:
        return "no map to show"
    value = (row.speed or {}).get(key)
    return "–" if value is None else f"{value:.0f} ms"


def _stress(row: ComparisonRow) -> str:
    if row.eligible is None:
        return "not checked"
    if row.one_sided:
        return "cannot tell: it calls most films of one kind wrongly"
    verdict = "yes" if row.eligible else "no"
    return f"{verdict} (worst drop {100 * row.stress['worst_drop']:.1f} points)"


def _ranked(report: ComparisonReport) -> list[ComparisonRow]:
    return sorted(report.rows, key=lambda r: -(r.test.get("accuracy") or 0))


def results_rows(report: ComparisonReport) -> list[dict]:
    """How each network did on the test films (best accuracy first) and whether it reads the lungs."""
    out = []
    for r in _ranked(report):
        ci = r.test.get("interval_95") or {}
        out.append({"Network": r.name,
                    **{name.capitalize(): with_interval(r.test.get(name), ci.get(name))
                       for name in ("accuracy", "sensitivity", "specificity")},
                    "ROC AUC": auc_with_interval(r.test["roc_auc"], r.test.get("roc_auc_interval_95")),
                    "Calibration error": f"{r.test['ece']:.3f}",
                    STRESS_COLUMN: _stress(r)})
    return out


def cost_rows(report: ComparisonReport) -> list[dict]:
    """Size, training and speed of each network, in the same order."""
    out = []
    for r in _ranked(report):
        run, asked = r.training.get("epochs_run"), r.training.get("epochs")
        epochs = str(run) if run is not None else ("–" if asked is None else f"{asked} (its own recipe)")
        timed_on = (r.speed or {}).get("timed_on", "not timed yet")
        out.append({"Network": r.name, "Weights": f"{r.parameters / 1e6:.2f} million",
                    "File": f"{r.file_mb:.1f} MB", "Epochs trained": epochs,
                    "Label in": _ms(r, "predict_ms"), "Heatmap in": _ms(r, "gradcam_ms"), "Timed on": timed_on})
    return out


def provenance_rows(report: ComparisonReport) -> list[dict]:
    """What was published for each kind of network, and how each row here was obtained."""
    return [{"Network": r.name, "Published for this kind of network": CLAIMS_BY_ARCHITECTURE.get(r.architecture, "—"),
             "How this row was obtained": r.how} for r in _ranked(report)]


def takeaway(report: ComparisonReport) -> str:
    """What the comparison shows, in plain sentences computed from its rows."""
    rows = [r for r in report.rows if r.test.get("accuracy") is not None]
    trained = [r for r in rows if r.training.get("epochs_run") is not None]  # by `compare train`
    if not trained:
        return ("The published kinds of network have not been trained here yet; only the model this app serves has "
                "been measured.")
    best = max(trained, key=lambda r: r.test["accuracy"])
    text = (f"Trained the same way and scored once on the same test films, {best.name} was the most accurate, at "
            f"{pct(best.test['accuracy'])} (healthy children called healthy: {pct(best.test['specificity'])}). ")
    text += " ".join(f"{r.name}: {pct(r.test['accuracy'])}." for r in rows if r not in trained)
    judged = [r for r in rows if r.eligible is not None and not r.one_sided]
    if judged:
        passed = [r for r in judged if r.eligible]
        names = f" ({', '.join(r.name for r in passed)})" if passed else ""
        failed = "" if len(passed) == len(judged) else "; the others partly read how a film was taken"
        text += (f" {len(passed)} of {len(judged)} kept their results when only the framing of the films changed"
                 f"{names}{failed}.")
    timed = [r for r in rows if r.speed and r.speed.get("predict_ms")]
    if timed:
        fastest = min(timed, key=lambda r: r.speed["predict_ms"])
        text += f" The quickest to a label was {fastest.name}, in {fastest.speed['predict_ms']:.0f} ms."
    return text.strip() + " None of them started from ImageNet weights, unlike the published VGG16, ResNet50V2 and InceptionV3."


def roc_overlay(report: ComparisonReport) -> go.Figure:
    """Every network's test ROC curve on one chart."""
    fig = go.Figure()
    for r in sorted(report.rows, key=lambda r: -(r.test.get("roc_auc") or 0)):
        roc = r.test.get("roc") or {}
        fig.add_trace(go.Scatter(x=roc.get("fpr", []), y=roc.get("tpr", []), mode="lines",
                                 name=f"{r.name} (AUC {r.test['roc_auc']:.3f})"))
    fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line=dict(dash="dot", color="#999"))
    fig.update_layout(**{**LAYOUT, "height": 560, "legend": dict(font=dict(size=13), yanchor="top", y=-0.15, x=0)},
                      title="ROC curves on the test films, same protocol for all",
                      xaxis_title="1 − specificity (healthy children called PNEUMONIA)",
                      yaxis_title="Sensitivity (pneumonia found)")
    return fig
