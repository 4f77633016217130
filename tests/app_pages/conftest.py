"""Page tests: every AppTest in this process shares one review-log database in a temporary folder
(the app caches its ReviewLog per process, as it does in production)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def page_var_dir(tmp_path_factory):
    var = tmp_path_factory.mktemp("page-var")
    saved = {k: os.environ.get(k) for k in ("PNEUMO_VAR_DIR", "PNEUMO_DATABASE_URL")}
    os.environ["PNEUMO_VAR_DIR"] = str(var)
    os.environ.pop("PNEUMO_DATABASE_URL", None)
    yield var
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
