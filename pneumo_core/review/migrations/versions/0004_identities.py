"""Who said what: each reading and review action records the reader's stable identity (the sign-in
subject, or ``demo:<name>`` for a typed name) and whether the hospital's identity provider verified
it. Readings saved before sign-in existed were typed names: filed as unverified demo identities.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

_TABLES = {"readings": ("reader", "reader_id", "reader_verified"), "events": ("who", "who_id", "who_verified")}


def upgrade():
    for table, (name, key, verified) in _TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(key, sa.String(320), nullable=False, server_default=""))
            batch.add_column(sa.Column(verified, sa.Boolean, nullable=False, server_default=sa.false()))
        conn = op.get_bind()
        rows = conn.execute(sa.text(f"SELECT id, {name} FROM {table}")).all()
        for row_id, typed in rows:  # lower-cased in Python: SQLite's lower() knows ASCII only
            conn.execute(sa.text(f"UPDATE {table} SET {key} = :key WHERE id = :id"),
                         {"key": "demo:" + " ".join(str(typed).split()).lower(), "id": row_id})
        with op.batch_alter_table(table) as batch:
            batch.create_index(f"ix_{table}_{key}", [key])


def downgrade():
    for table, (_, key, verified) in _TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{key}")
            batch.drop_column(verified)
            batch.drop_column(key)
