"""The review log: doctors' readings beside the model's, and the review actions on them.

Pages use only this API (never SQL). Readings are written once; review actions are appended as
events and the current state is derived from them, so nothing a doctor saved is ever overwritten.
Nothing identifying is stored: the case id is a hash of the pixels, there is no file name and no
DICOM tag, and pixels only as a downsampled PNG when the user asks to keep a copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, replace

import cv2
import numpy as np
from sqlalchemy import insert, select

from .predict import SECOND_OPINION, Prediction
from .preprocess import downscale, to_uint8
from .review_db import make_engine
from .review_schema import events, readings

DOCTOR_LABELS = ("NORMAL", "PNEUMONIA", "UNSURE")
EVENT_KINDS = ("re-read", "comment", "reviewed")
KEEP_MAX_SIDE = 512
CSV_FIELDS = ("reading_id", "case_id", "created_at", "model_version", "weights_sha256", "probability", "preset",
              "threshold", "model_label", "band", "doctor_label", "agreement", "note", "reader", "status",
              "flagged", "events")


def case_id_of(pixels: np.ndarray) -> str:
    """A stable id from the image content alone (SHA-256 of its 8-bit pixels and shape)."""
    u8 = to_uint8(pixels)
    return hashlib.sha256(repr(u8.shape).encode() + u8.tobytes()).hexdigest()


def agreement_of(model_label: str, doctor_label: str) -> str:
    if doctor_label == "UNSURE":
        return "unsure"
    return "agree" if doctor_label == model_label else "disagree"


def deidentified_png(pixels: np.ndarray, max_side: int = KEEP_MAX_SIDE) -> bytes:
    """The image alone, downsampled, as a PNG with no metadata chunks."""
    ok, buf = cv2.imencode(".png", to_uint8(downscale(pixels, max_side)))
    if not ok:
        raise ValueError("could not encode the image copy as PNG")
    return buf.tobytes()


@dataclass(frozen=True)
class Event:
    created_at: dt.datetime
    who: str
    kind: str
    doctor_label: str | None
    comment: str


@dataclass(frozen=True)
class Case:
    """A reading's current state (its row with its events applied) and its history."""

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
    status: str  # "open" or "reviewed"
    has_image: bool
    history: tuple[Event, ...] = ()

    @property
    def flagged(self) -> bool:
        """Doctor and model disagree, the doctor was unsure, or the model asked for a second opinion."""
        return self.agreement != "agree" or self.band == SECOND_OPINION


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _check_label(label: str) -> None:
    if label not in DOCTOR_LABELS:
        raise ValueError(f"expected a reading in {DOCTOR_LABELS}; got {label!r}")


class ReviewLog:
    """The log on one database (``PNEUMO_DATABASE_URL`` or the default SQLite file)."""

    def __init__(self, url: str | None = None):
        self.engine = make_engine(url)

    def record_reading(self, pixels: np.ndarray, prediction: Prediction, weights_sha256: str, doctor_label: str,
                       reader: str, note: str = "", keep_image: bool = False) -> Case:
        """Save a doctor's reading beside the model's; one transaction, whole or absent."""
        _check_label(doctor_label)
        if not reader.strip():
            raise ValueError("expected the reader's name; got an empty string")
        row = {
            "case_id": case_id_of(pixels), "created_at": _now(), "model_version": prediction.model_version,
            "weights_sha256": weights_sha256, "probability": float(prediction.probability),
            "preset": prediction.preset, "threshold": float(prediction.threshold),
            "model_label": prediction.label, "band": prediction.band, "doctor_label": doctor_label,
            "note": note, "agreement": agreement_of(prediction.label, doctor_label), "reader": reader.strip(),
            "image_png": deidentified_png(pixels) if keep_image else None,
        }
        with self.engine.begin() as conn:
            reading_id = conn.execute(insert(readings).values(**row)).inserted_primary_key[0]
        return self.case(reading_id)

    def add_event(self, reading_id: int, who: str, kind: str, doctor_label: str | None = None,
                  comment: str = "") -> Case:
        """Append a review action: ``re-read`` (new label), ``comment`` or ``reviewed``."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"expected an event kind in {EVENT_KINDS}; got {kind!r}")
        if kind == "re-read":
            _check_label(doctor_label or "")
        elif doctor_label is not None:
            raise ValueError(f"only a re-read changes the reading; got a label with a {kind!r} event")
        if not who.strip():
            raise ValueError("expected who did it; got an empty string")
        self.case(reading_id)  # raises if absent
        with self.engine.begin() as conn:
            conn.execute(insert(events).values(reading_id=reading_id, created_at=_now(), who=who.strip(), kind=kind,
                                               doctor_label=doctor_label, comment=comment, reviewed=kind == "reviewed"))
        return self.case(reading_id)

    def case(self, reading_id: int) -> Case:
        cases = self._cases(select(readings).where(readings.c.id == reading_id))
        if not cases:
            raise KeyError(f"no reading with id {reading_id}")
        return cases[0]

    def image(self, reading_id: int) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.execute(select(readings.c.image_png).where(readings.c.id == reading_id)).scalar_one_or_none()

    def cases(self, status: str | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
              preset: str | None = None, flagged_only: bool = False) -> list[Case]:
        """Readings, newest first, filtered by status, date range, preset, and whether flagged."""
        query = select(readings).order_by(readings.c.created_at.desc(), readings.c.id.desc())
        if since:
            query = query.where(readings.c.created_at >= since)
        if until:
            query = query.where(readings.c.created_at < until)
        if preset:
            query = query.where(readings.c.preset == preset)
        found = self._cases(query)
        return [c for c in found if (status is None or c.status == status) and (not flagged_only or c.flagged)]

    def worklist(self, **filters) -> list[Case]:
        """The flagged readings (disagreement, unsure, or second opinion), newest first."""
        return self.cases(flagged_only=True, **filters)

    def export_csv(self, **filters) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for c in self.cases(**filters):
            row = {k: getattr(c, k) for k in CSV_FIELDS if k not in ("flagged", "events")}
            row.update(created_at=c.created_at.isoformat(), flagged=c.flagged, events=" | ".join(
                f"{e.created_at.isoformat()} {e.who} {e.kind}{' ' + e.doctor_label if e.doctor_label else ''}"
                f"{': ' + e.comment if e.comment else ''}" for e in c.history))
            writer.writerow(row)
        return out.getvalue()

    def _cases(self, query) -> list[Case]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            history: dict[int, list[Event]] = {i: [] for i in ids}
            if ids:
                for e in conn.execute(select(events).where(events.c.reading_id.in_(ids))
                                      .order_by(events.c.id)).mappings():
                    history[e["reading_id"]].append(Event(_aware(e["created_at"]), e["who"], e["kind"],
                                                          e["doctor_label"], e["comment"]))
        return [_fold(r, history[r["id"]]) for r in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _fold(row, history: list[Event]) -> Case:
    case = Case(
        reading_id=row["id"], case_id=row["case_id"], created_at=_aware(row["created_at"]),
        model_version=row["model_version"], weights_sha256=row["weights_sha256"], probability=row["probability"],
        preset=row["preset"], threshold=row["threshold"], model_label=row["model_label"], band=row["band"],
        doctor_label=row["doctor_label"], note=row["note"], agreement=row["agreement"], reader=row["reader"],
        status="open", has_image=row.get("image_png") is not None, history=tuple(history),
    )
    for e in history:
        if e.kind == "re-read":
            case = replace(case, doctor_label=e.doctor_label, agreement=agreement_of(case.model_label, e.doctor_label),
                           status="open")
        elif e.kind == "reviewed":
            case = replace(case, status="reviewed")
    return case
