"""The review log: doctors' readings beside the model's, and the review actions on them.

Pages use only this API (never SQL). Readings are written once; review actions are appended as
events and the current state is derived from them, so nothing a doctor saved is ever overwritten.
Nothing identifying is stored: the case id is a hash of the pixels, there is no file name and no
DICOM tag, and pixels only as a downsampled PNG when the user asks to keep a copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
from sqlalchemy import func, insert, select

from ..access.identity import Identity
from ..decision import Prediction
from ..errors import ReviewLogError
from ..imaging.deidentify import case_id_of, deidentified_png
from .db import make_engine
from .records import EVENT_KINDS, Case, Event, agreement_of, aware, check_label, fold
from .schema import events, readings
from .text import clean_name, clean_note, csv_cell

CSV_FIELDS = ("reading_id", "case_id", "created_at", "model_version", "weights_sha256", "probability", "preset",
              "threshold", "model_label", "band", "gate_status", "concern", "doctor_label", "agreement", "note",
              "reader", "reader_verified", "latest_label", "latest_agreement", "latest_reader",
              "latest_reader_verified", "latest_at", "status", "flagged", "why_flagged", "events")
_LATEST = ("latest_label", "latest_agreement", "latest_reader", "latest_reader_verified", "latest_at")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _event_text(e: Event) -> str:
    return (f"{e.created_at.isoformat()} {e.who}{'' if e.who_verified else ' (unverified)'} {e.kind}"
            f"{' ' + e.doctor_label if e.doctor_label else ''}{': ' + e.comment if e.comment else ''}")


class ReviewLog:
    """The log on one database (default: the settings' ``PNEUMO_DATABASE_URL`` or SQLite file)."""

    def __init__(self, url: str | None = None):
        self.engine = make_engine(url)
        self.read_only = bool(getattr(self.engine, "pneumo_read_only", False))

    def _writable(self) -> None:
        if self.read_only:
            raise ReviewLogError("the review log is open read-only (pneumo may not write to its file or folder), so "
                                 "nothing can be saved; readings already saved can still be listed. Ask whoever runs "
                                 "pneumo to make the log's folder writable")

    def record_reading(self, pixels: np.ndarray, prediction: Prediction, weights_sha256: str, doctor_label: str,
                       reader: Identity, note: str = "", keep_image: bool = False,
                       burned_in_annotation: bool = False) -> Case:
        """Save ``reader``'s reading beside the model's; one transaction, whole or absent. The gate's
        concern is kept with it; an image the gate refused has no model reading to save beside. A copy
        of the image (``keep_image``) has its burned-in text blacked out first, and is refused for a
        DICOM that declares burned-in annotation."""
        reader.require("Saving a reading")
        self._writable()
        check_label(doctor_label)
        if keep_image and burned_in_annotation:
            raise ValueError("this DICOM declares burned-in annotation (text in the pixels that may identify the "
                             "patient), so no copy of it may be kept; save the reading without a copy")
        if not prediction.assessment.labelled:
            raise ValueError(f"expected a prediction the model may make; the input gate said {prediction.status!r}")
        name, note = clean_name(reader.name), clean_note(note)
        row = {
            "case_id": case_id_of(pixels), "created_at": _now(), "model_version": prediction.model_version,
            "weights_sha256": weights_sha256, "probability": float(prediction.probability),
            "preset": prediction.preset, "threshold": float(prediction.threshold),
            "model_label": prediction.label, "band": prediction.band, "doctor_label": doctor_label,
            "note": note, "agreement": agreement_of(prediction.label, doctor_label), "reader": name,
            "reader_id": reader.subject, "reader_verified": reader.verified,
            "image_png": deidentified_png(pixels) if keep_image else None,
            "gate_status": prediction.status, "concern": prediction.assessment.reason,
        }
        with self.engine.begin() as conn:
            reading_id = conn.execute(insert(readings).values(**row)).inserted_primary_key[0]
        return self._case(reading_id)

    def add_event(self, reading_id: int, who: Identity, kind: str, doctor_label: str | None = None,
                  comment: str = "") -> Case:
        """Append a review action: ``re-read`` (new label), ``comment`` or ``reviewed``; reviewers only."""
        who.require("Re-reading, commenting on or marking a reading reviewed", reviewer=True)
        self._writable()
        if kind not in EVENT_KINDS:
            raise ValueError(f"expected an event kind in {EVENT_KINDS}; got {kind!r}")
        if kind == "re-read":
            check_label(doctor_label or "")
        elif doctor_label is not None:
            raise ValueError(f"only a re-read changes the reading; got a label with a {kind!r} event")
        name, comment = clean_name(who.name, "The reviewer's name"), clean_note(comment, "The comment")
        self._case(reading_id)  # raises if absent
        with self.engine.begin() as conn:
            conn.execute(insert(events).values(reading_id=reading_id, created_at=_now(), who=name, who_id=who.subject,
                                               who_verified=who.verified, kind=kind, doctor_label=doctor_label,
                                               comment=comment, reviewed=kind == "reviewed"))
        return self._case(reading_id)

    def case(self, reading_id: int, viewer: Identity) -> Case:
        """One reading, if ``viewer`` may see it: a reviewer sees every reading, a doctor their own."""
        viewer.require("Seeing saved readings")
        case = self._case(reading_id)
        if not viewer.is_reviewer and case.reader_id != viewer.subject:
            raise KeyError(f"no reading with id {reading_id} among {viewer.name}'s readings")
        return case

    def same_film(self, case: Case, viewer: Identity) -> list[Case]:
        """The other readings of ``case``'s film (the same pixels: its ``case_id``) that ``viewer`` may
        see, newest first: two doctors' readings of one film, side by side."""
        viewer.require("Seeing saved readings")
        query = (select(readings).where(readings.c.case_id == case.case_id, readings.c.id != case.reading_id)
                 .order_by(readings.c.created_at.desc(), readings.c.id.desc()))
        if not viewer.is_reviewer:
            query = query.where(readings.c.reader_id == viewer.subject)
        return self._cases(query)

    def image(self, reading_id: int, viewer: Identity) -> bytes | None:
        """The de-identified copy kept with a reading, if any and if ``viewer`` may see the reading."""
        self.case(reading_id, viewer)
        with self.engine.connect() as conn:
            return conn.execute(select(readings.c.image_png).where(readings.c.id == reading_id)).scalar_one_or_none()

    def cases(self, viewer: Identity, status: str | None = None, since: dt.datetime | None = None,
              until: dt.datetime | None = None, preset: str | None = None, flagged_only: bool = False) -> list[Case]:
        """The readings ``viewer`` may see (a reviewer: everyone's; a doctor: their own), newest first,
        filtered by status, date range, preset, and whether flagged."""
        viewer.require("Seeing saved readings")
        query = select(readings).order_by(readings.c.created_at.desc(), readings.c.id.desc())
        if not viewer.is_reviewer:
            query = query.where(readings.c.reader_id == viewer.subject)
        if since:
            query = query.where(readings.c.created_at >= since)
        if until:
            query = query.where(readings.c.created_at < until)
        if preset:
            query = query.where(readings.c.preset == preset)
        found = self._cases(query)
        return [c for c in found if (status is None or c.status == status) and (not flagged_only or c.flagged)]

    def first_saved(self, viewer: Identity) -> dt.datetime | None:
        """When the oldest reading ``viewer`` may see was saved; None when there is none. The Review
        page's date range starts there, so that no open case is hidden by its age."""
        viewer.require("Seeing saved readings")
        query = select(func.min(readings.c.created_at))
        if not viewer.is_reviewer:
            query = query.where(readings.c.reader_id == viewer.subject)
        with self.engine.connect() as conn:
            first = conn.execute(query).scalar_one_or_none()
        return aware(first) if first is not None else None

    def worklist(self, viewer: Identity, **filters) -> list[Case]:
        """The flagged readings (disagreement, unsure, or second opinion) ``viewer`` may see, newest first."""
        return self.cases(viewer, flagged_only=True, **filters)

    def export_csv(self, viewer: Identity, **filters) -> str:
        """The readings as CSV, one row each (reviewers only); text that a spreadsheet would run as a
        formula is quoted."""
        viewer.require("Exporting the review log", reviewer=True)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for c in self.cases(viewer, **filters):
            row = {k: getattr(c, k) for k in CSV_FIELDS if k not in ("flagged", "why_flagged", "events", *_LATEST)}
            if c.latest:  # the original reading's columns stay as saved; a re-read has its own
                row.update(latest_label=c.latest.doctor_label, latest_agreement=c.latest.agreement,
                           latest_reader=c.latest.who, latest_reader_verified=c.latest.verified,
                           latest_at=c.latest.at.isoformat())
            row.update(created_at=c.created_at.isoformat(), flagged=c.flagged, why_flagged="; ".join(c.flag_reasons),
                       events=" | ".join(map(_event_text, c.history)))
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        return out.getvalue()

    def _case(self, reading_id: int) -> Case:
        cases = self._cases(select(readings).where(readings.c.id == reading_id))
        if not cases:
            raise KeyError(f"no reading with id {reading_id}")
        return cases[0]

    def _cases(self, query) -> list[Case]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            history: dict[int, list[Event]] = {i: [] for i in ids}
            if ids:
                for e in conn.execute(select(events).where(events.c.reading_id.in_(ids))
                                      .order_by(events.c.id)).mappings():
                    history[e["reading_id"]].append(Event(aware(e["created_at"]), e["who"], e["kind"],
                                                          e["doctor_label"], e["comment"], bool(e["who_verified"])))
        return [fold(r, history[r["id"]]) for r in rows]
