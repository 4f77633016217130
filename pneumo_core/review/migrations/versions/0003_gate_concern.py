"""The input gate's status of the image read and its concern (empty when the image was plainly in scope).

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    with op.batch_alter_table("readings") as batch:
        batch.add_column(sa.Column("gate_status", sa.String(16), nullable=False, server_default="ok"))
        batch.add_column(sa.Column("concern", sa.Text, nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("readings") as batch:
        batch.drop_column("concern")
        batch.drop_column("gate_status")
