"""Shared by the browser tests: where screenshots go (``artifacts/``, or ``PNEUMO_ARTIFACTS``), and
``app_url``, a `streamlit run app.py` of the module's own (its own review log), for tests that
need only the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def artifacts():
    out = Path(os.environ.get("PNEUMO_ARTIFACTS", ROOT / "artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from e2e.servers import missing_browser, require, streamlit_app

    require(missing_browser(), "the browser tests")
    with streamlit_app(tmp_path_factory.mktemp("var")) as url:
        yield url
