"""From a calibrated probability to a label: the one place a label and a second-opinion flag are decided.

Needs no model and no TensorFlow: changing a preset or threshold never re-runs the network, and the
review log, the reports and the pages decide exactly as the predictor does. ``decide`` takes any
object with the operating points of a model (``ModelMetadata`` has them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

CLASSES: tuple[str, ...] = ("NORMAL", "PNEUMONIA")  # index 1 is the positive class
CONFIDENT, SECOND_OPINION = "confident", "second opinion"
BANDS = (CONFIDENT, SECOND_OPINION)
CUSTOM = "custom"  # the preset name of a threshold chosen by hand
# What the input gate says of an image, from best to worst: ``ok`` (in scope, the label stands),
# ``caution`` (labelled, with a stated concern), ``refused`` (decoded, but not something the model
# may read: no label is shown), ``unreadable`` (could not be decoded).
OK, CAUTION, REFUSED, UNREADABLE = "ok", "caution", "refused", "unreadable"
STATUSES = (OK, CAUTION, REFUSED, UNREADABLE)


@dataclass(frozen=True)
class Finding:
    """One concern about an image: the status it calls for and why, in words a doctor understands."""

    status: str
    reason: str

    def __post_init__(self):
        if self.status not in STATUSES[1:]:
            raise ValueError(f"expected a finding's status in {STATUSES[1:]}; got {self.status!r}")


@dataclass(frozen=True)
class Assessment:
    """The gate's verdict on one image: the worst status among its findings, and every reason."""

    status: str = OK
    reasons: tuple[str, ...] = field(default_factory=tuple)
    findings: tuple[Finding, ...] = field(default_factory=tuple, compare=False, repr=False)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Assessment:
        findings = tuple(findings)
        if not findings:
            return cls()
        return cls(max((f.status for f in findings), key=STATUSES.index), tuple(f.reason for f in findings), findings)

    @property
    def labelled(self) -> bool:
        """Whether a label may be shown (ok or caution)."""
        return self.status in (OK, CAUTION)

    @property
    def reason(self) -> str:
        """Every reason as a sentence: "The image is blank. The patient is 81 years old."."""
        return " ".join(r[:1].upper() + r[1:].rstrip(".") + "." for r in self.reasons)


class OperatingPoints(Protocol):
    """What deciding needs of a model: its classes, presets, default preset, band and version."""

    classes: tuple[str, ...]
    presets: dict[str, float]
    default_preset: str
    band: tuple[float, float]
    version: str


@dataclass(frozen=True)
class Prediction:
    """What the model says about one image."""

    label: str  # "NORMAL" or "PNEUMONIA"
    probability: float  # calibrated P(PNEUMONIA)
    threshold: float
    preset: str  # a preset name, or CUSTOM
    band: str  # CONFIDENT or SECOND_OPINION
    model_version: str
    assessment: Assessment = field(default_factory=Assessment)  # what the input gate said of the image

    @property
    def needs_second_opinion(self) -> bool:
        return self.band == SECOND_OPINION

    @property
    def status(self) -> str:
        return self.assessment.status


def label_at(probability: float, threshold: float) -> str:
    """PNEUMONIA when the probability is at or above the threshold, else NORMAL."""
    return CLASSES[1] if probability >= threshold else CLASSES[0]


def band_of(probability: float, band: tuple[float, float]) -> str:
    """SECOND_OPINION inside the band ``(low, high)`` (both ends included), else CONFIDENT."""
    lo, hi = band
    return SECOND_OPINION if lo <= probability <= hi else CONFIDENT


def check_threshold(threshold: float) -> float:
    """``threshold`` if it lies strictly between 0 and 1; ``ValueError`` otherwise."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"expected a threshold strictly between 0 and 1; got {threshold}")
    return float(threshold)


def resolve(points: OperatingPoints, preset: str | None = None,
            threshold: float | None = None) -> tuple[str, float]:
    """(preset name, threshold) for a preset (default: the model's) or a custom threshold."""
    if threshold is not None:
        return CUSTOM, check_threshold(threshold)
    name = preset or points.default_preset
    if name not in points.presets:
        raise ValueError(f"unknown preset {name!r}; expected one of {sorted(points.presets)}")
    return name, float(points.presets[name])


def decide(probability: float, points: OperatingPoints, preset: str | None = None,
           threshold: float | None = None, assessment: Assessment | None = None) -> Prediction:
    """Label a calibrated probability at a preset (default: the model's) or a custom threshold,
    carrying the input gate's ``assessment`` of the image (default: ok). A refused image still gets
    its probability and label here, for audit; whoever shows it must not (``assessment.labelled``)."""
    name, threshold = resolve(points, preset, threshold)
    if tuple(points.classes) != CLASSES:
        raise ValueError(f"expected classes {CLASSES}; the model has {tuple(points.classes)}")
    return Prediction(label=label_at(probability, threshold), probability=float(probability),
                      threshold=threshold, preset=name, band=band_of(probability, points.band),
                      model_version=points.version, assessment=assessment or Assessment())
