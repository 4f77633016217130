"""The review-log tests' database: each test runs on SQLite and on PostgreSQL
(``PNEUMO_TEST_POSTGRES_URL``; required in CI)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

PG_ENV = "PNEUMO_TEST_POSTGRES_URL"


def _fresh_postgres(base_url: str) -> str:
    """A new empty database on the test server, so every test starts clean."""
    name = "pneumo_test_" + uuid.uuid4().hex[:10]
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite3'}"
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must run the review-log tests on PostgreSQL")
        pytest.skip(f"set {PG_ENV} to run on PostgreSQL")
    return _fresh_postgres(base)
