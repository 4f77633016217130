"""Shared by the browser tests: where screenshots go (``artifacts/``, or ``PNEUMO_ARTIFACTS``)."""

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
