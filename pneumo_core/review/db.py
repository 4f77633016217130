"""Where the review log lives: an engine for SQLite (default) or PostgreSQL, migrated on open.

The URL comes from ``pneumo_core.config.Settings`` (``PNEUMO_DATABASE_URL``, e.g.
``postgresql+psycopg://user@localhost/pneumo``; without it ``review-log.sqlite3`` in the var
folder). A SQLite log is created on first use (its folder too), in WAL mode with full synchronous
writes, so a committed reading survives a crash and readers never block the writer.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from ..config import Settings

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped inside this package
HEAD = "head"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None, revision: str = HEAD) -> Engine:
    """An engine on ``url`` (default: the settings' database) whose schema is migrated to ``revision``."""
    url = url or Settings.from_env().database_url
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine, revision)
    return engine


def migrate(engine: Engine, revision: str = HEAD) -> None:
    """Bring the schema to ``revision`` with Alembic (a log written by an older release upgrades)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
