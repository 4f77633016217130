"""Optional de-identified image copy, kept only when the user asks.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    with op.batch_alter_table("readings") as batch:
        batch.add_column(sa.Column("image_png", sa.LargeBinary, nullable=True))


def downgrade():
    with op.batch_alter_table("readings") as batch:
        batch.drop_column("image_png")
