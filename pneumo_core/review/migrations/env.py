"""Alembic environment: migrations run on the connection pneumo_core.review.db hands over."""

from alembic import context

from pneumo_core.review.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
