"""The comparison report: the published approaches trained and measured under pneumo's protocol
(written by ``python -m pneumo_core compare``, read back here with no network and no image).

One row per candidate: how it was trained (architecture, parameters, file size, epochs asked and
run, seconds, Keras backend, command), the official test split scored once at the threshold fixed
on validation (accuracy, sensitivity, specificity with 95 % Wilson intervals, ROC AUC and curve,
calibration error), the validation stress report, and the speed on the machine that timed it.
Every network starts from random weights (none can be downloaded where pneumo is built), unlike
the published VGG16, ResNet50V2 and InceptionV3 results, which started from ImageNet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelFileError

COMPARISON_SCHEMA = 1
INITIALISATION = ("Every network here was trained from random weights: no ImageNet weights can be downloaded where "
                  "pneumo is built. The published VGG16, ResNet50V2 and InceptionV3 results started from them.")
_ROW_KEYS = {"key", "name", "architecture", "weights_sha256", "parameters", "file_mb", "map_side", "training",
             "test", "stress", "speed", "how"}


@dataclass(frozen=True)
class ComparisonRow:
    """One candidate of the comparison, as measured."""

    key: str
    name: str
    architecture: str
    weights_sha256: str
    parameters: int
    file_mb: float
    map_side: int  # side of the Grad-CAM feature map at the model's input size (1: no spatial map)
    training: dict  # epochs, epochs_run, seconds, backend, command, train_images, input_size
    test: dict  # threshold, accuracy, sensitivity, specificity, interval_95, roc_auc, ece, counts, roc {fpr, tpr}
    stress: dict  # worst_drop, max_drop, eligible, rows (the validation stress report), or {} if not judged
    speed: dict | None  # predict_ms, gradcam_ms (medians on the timing machine), or None before timing
    how: str

    @classmethod
    def from_dict(cls, raw: dict) -> ComparisonRow:
        missing = _ROW_KEYS - set(raw)
        if missing:
            raise ModelFileError(f"a row of the comparison report lacks {sorted(missing)}; "
                                 "re-run `python -m pneumo_core compare score`")
        return cls(**{k: raw[k] for k in _ROW_KEYS})

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in sorted(_ROW_KEYS)}

    @property
    def eligible(self) -> bool | None:
        """Whether it passed the stress rule on validation (None: not judged)."""
        return self.stress.get("eligible") if self.stress else None

    @property
    def one_sided(self) -> bool:
        """True when, on validation as it is, the network calls at least half of one class wrongly:
        keeping such results under a framing change says nothing (a network that calls every film
        PNEUMONIA 'keeps' them all), so its stress verdict cannot be read."""
        base = (self.stress.get("rows") or {}).get("as it is") or {}
        return any(base.get(k) is not None and base[k] < 0.5 for k in ("specificity", "sensitivity"))


@dataclass(frozen=True)
class ComparisonReport:
    """What ``compare`` wrote: the rows, the protocol they share and the machine that timed them."""

    rows: tuple[ComparisonRow, ...]
    protocol: str
    timing: dict  # machine, image, runs (empty before timing)
    created: str

    @classmethod
    def from_dict(cls, raw: dict) -> ComparisonReport:
        if raw.get("schema") != COMPARISON_SCHEMA:
            raise ModelFileError(f"expected comparison report schema {COMPARISON_SCHEMA}; found {raw.get('schema')!r}")
        return cls(tuple(ComparisonRow.from_dict(r) for r in raw.get("rows", [])), str(raw.get("protocol", "")),
                   dict(raw.get("timing") or {}), str(raw.get("created", "")))

    def to_dict(self) -> dict:
        return {"schema": COMPARISON_SCHEMA, "created": self.created, "protocol": self.protocol,
                "initialisation": INITIALISATION, "timing": self.timing, "rows": [r.to_dict() for r in self.rows]}

    def row(self, sha256: str) -> ComparisonRow | None:
        return next((r for r in self.rows if r.weights_sha256 == sha256), None)


def read_comparison(path: Path | str) -> ComparisonReport | None:
    """The comparison report at ``path``, or None when there is none yet."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"the comparison report {path.name} could not be read ({type(exc).__name__})") from exc
    if not isinstance(raw, dict):
        raise ModelFileError(f"expected the comparison report {path.name} to hold a JSON object")
    return ComparisonReport.from_dict(raw)


def write_comparison(report: ComparisonReport, path: Path | str) -> Path:
    """Write ``report`` whole, then rename it into place (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(report.to_dict(), indent=1) + "\n")
    partial.replace(path)
    return path


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _with_ci(text: str, interval, form) -> str:
    """``text`` followed by its 95 % interval in ``form``, compactly: "93.6% (91.4–95.3)"."""
    return text if not interval else f"{text} ({form(interval[0])}–{form(interval[1])})"


def markdown(report: ComparisonReport) -> str:
    """The comparison as a Markdown table (printed by ``compare show``, pasted in the README)."""
    lines = ["| network | parameters | file | epochs run | accuracy (95% CI) | sensitivity (95% CI) | "
             "specificity (95% CI) | ROC AUC (95% CI) | ECE | "
             "stress (worst drop) | decode + predict | + Grad-CAM |", "|---|" + "---|" * 11]
    for r in report.rows:
        t, speed, ci = r.test, r.speed or {}, r.test.get("interval_95") or {}
        verdict = "cannot tell: one-sided" if r.one_sided else ("passes" if r.eligible else "fails")
        stress = "not judged" if r.eligible is None else f"{_pct(r.stress['worst_drop'])} ({verdict})"
        predict = f"{speed['predict_ms']:.0f} ms" if speed else "–"
        gradcam = "no map" if r.map_side <= 1 else (f"{speed['gradcam_ms']:.0f} ms" if speed else "–")
        rates = [_with_ci(_pct(t[k]), ci.get(k), lambda v: f"{100 * v:.1f}")
                 for k in ("accuracy", "sensitivity", "specificity")]
        auc = _with_ci(f"{t['roc_auc']:.3f}", t.get("roc_auc_interval_95"), "{:.3f}".format)
        epochs = f"{r.training.get('epochs_run') or '–'} of {r.training.get('epochs', '–')}"
        cells = [r.name, f"{r.parameters / 1e6:.2f} M", f"{r.file_mb:.1f} MB", epochs, *rates, auc,
                 f"{t['ece']:.3f}", stress, predict, gradcam]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"\n{report.protocol} {INITIALISATION}")
    if report.timing:
        lines.append(f"Speed: medians of {report.timing.get('runs', '?')} runs on {report.timing.get('machine', '?')}, "
                     f"one full-resolution JPEG ({report.timing.get('image', '?')}).")
    return "\n".join(lines)
