"""The performance page's words for people who will not read a chart: a three-sentence summary of
the test results, and a rate with its 95 % confidence interval. Report in, text out."""

from __future__ import annotations

from ..evaluation.report import EvaluationReport
from .texts import pct


def with_interval(value: float | None, interval: tuple[float, float] | None) -> str:
    """"78.6% (95% CI 72.9–83.4%)"."""
    if value is None:
        return "—"
    return pct(value) + ("" if interval is None else f" ({interval_text(interval)})")


def interval_text(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f"95% CI {pct(interval[0])[:-1]}–{pct(interval[1])}"


def auc_with_interval(value: float | None, interval: tuple[float, float] | None) -> str:
    """"0.983 (95% CI 0.972–0.989)"; "—" when there is no AUC."""
    if value is None:
        return "—"
    return f"{value:.3f}" + ("" if interval is None else f" ({auc_interval_text(interval)})")


def auc_interval_text(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f"95% CI {interval[0]:.3f}–{interval[1]:.3f}"


def one_in(rate: float) -> str:
    """A small rate as "about one in five" (for 0.214)."""
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    if rate <= 0:
        return "none of the"
    n = round(1 / rate)
    return f"about one in {words.get(n, str(n))}" if n > 1 else f"{round(100 * rate)} in 100"


def plain_summary(report: EvaluationReport, threshold: float, preset_name: str) -> list[str]:
    """Three sentences on the test results at ``threshold``: pneumonias found, healthy children
    called healthy (and how many false alarms that means), and what the probability is worth."""
    at = report.at(threshold)
    cm, ci = at["confusion_matrix"], at["interval_95"]
    positives, negatives = cm["tp"] + cm["fn"], cm["tn"] + cm["fp"]
    false_alarm_rate = cm["fp"] / negatives if negatives else 0.0
    ece = report.calibration.get("ece")
    first = (f"On {positives + negatives} chest X-rays of children it had never seen ({positives} with pneumonia, "
             f"{negatives} without), pneumo at its {preset_name} setting found {cm['tp']} of the {positives} "
             f"pneumonias: {with_interval(at['sensitivity'], ci['sensitivity'])}.")
    second = (f"It called {cm['tn']} of the {negatives} healthy children healthy, "
              f"{with_interval(at['specificity'], ci['specificity'])}: {one_in(false_alarm_rate)} healthy children "
              "would be flagged as pneumonia and need a doctor to clear them.")
    second_opinion = "a second opinion beside a doctor's reading, never a diagnosis on its own."
    third = (f"On average its probabilities were within {100 * ece:.1f} percentage points of how often pneumonia was really "
             "present, but much less reliable in the middle range it flags as unsure; it is "
             f"{second_opinion}" if ece is not None else f"It is {second_opinion}")
    return [first, second, third]
