"""What the review log holds, as plain records: a reading (``Case``) and the review actions on it
(``Event``), and how a reading's current state follows from its events. No database here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..decision import SECOND_OPINION

DOCTOR_LABELS = ("NORMAL", "PNEUMONIA", "UNSURE")
EVENT_KINDS = ("re-read", "comment", "reviewed")
AGREEMENTS = ("agree", "disagree", "unsure")
STATUSES = ("open", "reviewed")
FLAG_REASONS = ("disagreement", "doctor unsure", "second opinion", "input caution")  # why a case is flagged


def agreement_of(model_label: str, doctor_label: str) -> str:
    if doctor_label == "UNSURE":
        return "unsure"
    return "agree" if doctor_label == model_label else "disagree"


def check_label(label: str) -> None:
    if label not in DOCTOR_LABELS:
        raise ValueError(f"expected a reading in {DOCTOR_LABELS}; got {label!r}")


@dataclass(frozen=True)
class Event:
    created_at: dt.datetime
    who: str
    kind: str
    doctor_label: str | None
    comment: str
    who_verified: bool = False  # signed in through the identity provider, not a typed name


@dataclass(frozen=True)
class Reread:
    """The latest re-read of a case: who read it, when, what, and whether that agrees with the model."""

    who: str
    at: dt.datetime
    doctor_label: str
    agreement: str
    verified: bool = False


@dataclass(frozen=True)
class Case:
    """A saved reading exactly as its reader saved it (``doctor_label``, ``agreement``, ``reader``,
    ``note`` never change), the latest re-read by another reading (``latest``, if any), the review
    status and the whole history."""

    reading_id: int
    case_id: str
    created_at: dt.datetime
    model_version: str
    weights_sha256: str
    probability: float
    preset: str
    threshold: float
    model_label: str
    band: str
    doctor_label: str
    note: str
    agreement: str
    reader: str
    status: str  # one of STATUSES
    has_image: bool
    history: tuple[Event, ...] = ()
    gate_status: str = "ok"  # the input gate's status of the image: ok or caution
    concern: str = ""  # the gate's concern, when it had one
    latest: Reread | None = None  # the last re-read, by its own reader; None when nobody re-read the case
    reader_id: str = ""  # the reader's stable id: sign-in subject, or demo:<name> for a typed name
    reader_verified: bool = False  # the reader was signed in (not a typed name)

    @property
    def current_label(self) -> str:
        """The reading that stands now: the latest re-read's, else the original."""
        return self.latest.doctor_label if self.latest else self.doctor_label

    @property
    def current_agreement(self) -> str:
        return self.latest.agreement if self.latest else self.agreement

    @property
    def needs_second_opinion(self) -> bool:
        """The model's probability lay in its second-opinion band."""
        return self.band == SECOND_OPINION

    @property
    def flag_reasons(self) -> tuple[str, ...]:
        """Why the case is on the worklist, in ``FLAG_REASONS`` order: the reader (or a later re-read)
        disagreed with the model or was unsure, the model asked for a second opinion, or the input gate
        had a concern about the image. Empty when none holds."""
        said = {self.agreement, self.current_agreement}
        found = {"disagreement": "disagree" in said, "doctor unsure": "unsure" in said,
                 "second opinion": self.needs_second_opinion, "input caution": bool(self.concern)}
        return tuple(reason for reason in FLAG_REASONS if found[reason])

    @property
    def flagged(self) -> bool:
        """Any of ``flag_reasons`` holds."""
        return bool(self.flag_reasons)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time in UTC: SQLite gives it back naive (stored in UTC), PostgreSQL in its server's
    own time zone, which may be local time (then the date would be the local one)."""
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def fold(row: Mapping, history: Iterable[Event]) -> Case:
    """A stored reading with its events applied in order: a re-read becomes the latest reading (the
    original stays as saved) and reopens the case; "reviewed" closes it; a comment changes nothing
    but the history."""
    history = tuple(history)
    case = Case(
        reading_id=row["id"], case_id=row["case_id"], created_at=aware(row["created_at"]),
        model_version=row["model_version"], weights_sha256=row["weights_sha256"], probability=row["probability"],
        preset=row["preset"], threshold=row["threshold"], model_label=row["model_label"], band=row["band"],
        doctor_label=row["doctor_label"], note=row["note"], agreement=row["agreement"], reader=row["reader"],
        status="open", has_image=row.get("image_png") is not None, history=history,
        gate_status=row.get("gate_status") or "ok", concern=row.get("concern") or "",
        reader_id=row.get("reader_id") or "", reader_verified=bool(row.get("reader_verified")),
    )
    for e in history:
        if e.kind == "re-read":
            case = replace(case, latest=Reread(e.who, e.created_at, e.doctor_label,
                                               agreement_of(case.model_label, e.doctor_label), e.who_verified),
                           status="open")
        elif e.kind == "reviewed":
            case = replace(case, status="reviewed")
    return case
