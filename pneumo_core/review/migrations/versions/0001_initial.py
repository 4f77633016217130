"""First schema: readings and their append-only events.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "readings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("weights_sha256", sa.String(64), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("preset", sa.String(32), nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("model_label", sa.String(16), nullable=False),
        sa.Column("band", sa.String(32), nullable=False),
        sa.Column("doctor_label", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("agreement", sa.String(16), nullable=False),
        sa.Column("reader", sa.String(128), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reading_id", sa.Integer, sa.ForeignKey("readings.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("doctor_label", sa.String(16), nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewed", sa.Boolean, nullable=False),
    )


def downgrade():
    op.drop_table("events")
    op.drop_table("readings")
