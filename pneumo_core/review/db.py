"""Where the review log lives: an engine for SQLite (default) or PostgreSQL, migrated on open.

The URL comes from ``pneumo_core.config.Settings`` (``PNEUMO_DATABASE_URL``, e.g.
``postgresql+psycopg://user@localhost/pneumo``; without it ``review-log.sqlite3`` in the var
folder). A SQLite log is created on first use (its folder too), in WAL mode with full synchronous
writes, so a committed reading survives a crash and readers never block the writer.

A SQLite log that exists is never silently replaced (``sqlite_store``): an empty (0-byte) file, a
file that is not a SQLite database, a database of something else and one that fails SQLite's
integrity check are refused with ``ReviewLogError`` saying what to do. A log whose file or folder
cannot be written is opened read-only (listing works; saving is refused with a clear message).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from ..config import Settings
from ..errors import ReviewLogError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped inside this package
HEAD = "head"
_SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


MIGRATION_LOCK = 0x706E65756D6F  # "pneumo": the PostgreSQL advisory lock held while the schema is migrated


def make_engine(url: str | None = None, revision: str = HEAD) -> Engine:
    """An engine on ``url`` (default: the settings' database) whose schema is migrated to ``revision``.
    A read-only SQLite log gets an engine marked ``engine.pneumo_read_only`` (not migrated)."""
    url = url or Settings.from_env().database_url
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
        engine.pneumo_read_only = False
        migrate(engine, revision)
        return engine
    database = make_url(url).database
    read_only = False
    if database and database != ":memory:":
        read_only = sqlite_store(Path(database))
        if Path(database).exists():
            check_integrity(Path(database))
    if read_only:
        engine = create_engine(f"sqlite:///file:{Path(database).resolve()}?mode=ro&uri=true", hide_parameters=True,
                               connect_args={"timeout": 30, "check_same_thread": False})
    else:
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    engine.pneumo_read_only = read_only
    if read_only:
        if current_revision(engine) != _head_revision():
            raise ReviewLogError(f"the review log {database} is read-only and was written by another release of "
                                 "pneumo; it cannot be upgraded without write access to its folder")
    else:
        migrate(engine, revision)
    return engine


def sqlite_store(path: Path) -> bool:
    """Check a SQLite log's file before opening it; True when it must be opened read-only. A missing
    file is created (with its folder); an existing one is refused unless it is a SQLite database."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise ReviewLogError(f"the review log {path} does not exist and its folder cannot be written; "
                                 "set PNEUMO_VAR_DIR to a folder pneumo may write to")
        return False
    if path.stat().st_size == 0:
        raise ReviewLogError(f"the review log {path} is an empty file (0 bytes): the readings it held are gone. It "
                             "is not replaced, so that nothing is lost silently: restore it from a backup (`python -m "
                             "pneumo_core backup`), or move it away to start a new, empty log")
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != _SQLITE_HEADER:
        raise ReviewLogError(f"the review log {path} is not a SQLite database (it starts with {header[:8]!r}); it is "
                             "left as it is. Point PNEUMO_DATABASE_URL or PNEUMO_VAR_DIR at the review log")
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def check_integrity(path: Path) -> None:
    """SQLite's quick integrity check, and that the database is a review log (or still empty), on a
    read-only connection: a file that is refused is left exactly as it was."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:  # a damaged file fails in many ways; all mean the same here
        raise ReviewLogError(f"the review log {path} is damaged and cannot be read ({exc}); it is left as it is: "
                             "restore it from a backup") from exc
    if result != ["ok"]:
        raise ReviewLogError(f"the review log {path} is damaged (SQLite's integrity check: {result[0][:120]}); it is "
                             "left as it is: restore it from a backup")
    if tables and not {"readings", "events"} <= tables:
        raise ReviewLogError(f"{path} is a SQLite database of something else (tables: {', '.join(sorted(tables)[:5])}), "
                             "not a pneumo review log; it is left as it is")


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def migrate(engine: Engine, revision: str = HEAD) -> None:
    """Bring the schema to ``revision`` with Alembic (a log written by an older release upgrades)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # SQLite alters a table by copying it: references to it are checked after, not during
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # ends SQLAlchemy's implicit transaction; the pragma was outside any
        with connection.begin():
            # Processes opening a new log together (replicas): one migrates, the others wait, then find it done.
            if sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first (pysqlite would not take it for DDL)
            elif engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise ReviewLogError("upgrading the review log would leave review actions without their reading; "
                                     "nothing was changed")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
