"""The review log: doctors' readings beside the model's, review actions on them, and where they
are stored (SQLAlchemy Core tables, Alembic migrations, SQLite or PostgreSQL), checked on open and
backed up (SQLite's online backup API).

May import: ``pneumo_core.errors``, ``config``, ``decision``, ``access`` (who may see and do
what), the ``imaging`` package (for the de-identified case id and image copy), SQLAlchemy and
Alembic. Never keras or TensorFlow, never the model, evaluation, presentation or training
packages: the log opens and lists cases without a model.
"""
