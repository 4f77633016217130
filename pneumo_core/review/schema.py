"""Review-log tables (SQLAlchemy Core). The schema is versioned by Alembic (``pneumo_core/review/migrations``).

``readings``: one row per saved reading, written once and never updated.
Each reading and action records who made it: the name shown, a stable id (the sign-in subject, or
``demo:<name>`` for a typed name in demo mode) and whether sign-in verified it.
``events``: append-only review actions on a reading (re-read, comment, reviewed); the current state
of a reading is its row with its events applied in order.
No patient data: no DICOM tags, no file names; pixels only as an opt-in de-identified PNG.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text, false

metadata = MetaData()

readings = Table(
    "readings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False, index=True),  # SHA-256 of the pixels, never the file name
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("model_version", String(64), nullable=False),
    Column("weights_sha256", String(64), nullable=False),
    Column("probability", Float, nullable=False),
    Column("preset", String(32), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("model_label", String(16), nullable=False),
    Column("band", String(32), nullable=False),
    Column("doctor_label", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("agreement", String(16), nullable=False),  # agree / disagree / unsure
    Column("reader", String(128), nullable=False),  # the name shown
    Column("reader_id", String(320), nullable=False, server_default="", index=True),  # sign-in subject or demo:<name>
    Column("reader_verified", Boolean, nullable=False, server_default=false()),  # signed in, not typed
    Column("image_png", LargeBinary, nullable=True),  # only when the user asked to keep a copy
    Column("gate_status", String(16), nullable=False, server_default="ok"),  # ok / caution
    Column("concern", Text, nullable=False, server_default=""),  # the input gate's concern, if any
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reading_id", Integer, ForeignKey("readings.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("who", String(128), nullable=False),
    Column("who_id", String(320), nullable=False, server_default="", index=True),
    Column("who_verified", Boolean, nullable=False, server_default=false()),
    Column("kind", String(16), nullable=False),  # re-read / comment / reviewed
    Column("doctor_label", String(16), nullable=True),
    Column("comment", Text, nullable=False, default=""),
    Column("reviewed", Boolean, nullable=False, default=False),
)
