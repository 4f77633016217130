"""A consistent copy of a running review log: ``python -m pneumo_core backup DEST``.

Copying the SQLite file while the app runs can miss the latest readings (they may still be in its
write-ahead log) or catch a half-written page; SQLite's online backup API copies a consistent
snapshot, WAL included, without stopping the app. The copy is then checked (integrity, and as many
readings and events as the log had at that moment). A PostgreSQL log is backed up with the
server's own tool instead: ``pg_dump --format=custom --file=pneumo.dump DBNAME`` (restore with
``pg_restore``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from ..config import Settings
from ..errors import ReviewLogError
from .db import make_engine


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    return tuple(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("readings", "events"))


def backup(dest: Path | str, url: str | None = None) -> dict:
    """Copy the review log at ``url`` (default: the settings') to the new file ``dest``; returns what
    was copied. ``ReviewLogError`` when the log is not SQLite, missing or damaged, or ``dest`` exists."""
    url = url or Settings.from_env().database_url
    dest = Path(dest)
    if not url.startswith("sqlite"):
        raise ReviewLogError("the review log is on PostgreSQL: back it up with the server's own tool, e.g. "
                             "`pg_dump --format=custom --file=pneumo.dump DBNAME` (restore with pg_restore)")
    source = Path(make_url(url).database or "")
    if not source.is_file():
        raise ReviewLogError(f"there is no review log at {source} to back up")
    if dest.exists():
        raise ReviewLogError(f"{dest} exists already; a backup never overwrites a file: choose a new name")
    make_engine(url).dispose()  # refuses an empty, damaged or foreign file, as the app would
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        with src:
            src.backup(out)
            expected = _counts(src)
        check = out.execute("PRAGMA integrity_check").fetchone()[0]
        copied = _counts(out)
    finally:
        src.close()
        out.close()
    if check != "ok" or copied != expected:
        raise ReviewLogError(f"the copy at {dest} does not match the log (integrity: {check}; readings and events "
                             f"{copied}, expected {expected}); keep the original and try again")
    return {"dest": str(dest), "readings": copied[0], "events": copied[1]}
