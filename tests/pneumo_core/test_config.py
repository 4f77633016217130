"""Settings come from the environment in one place, with defaults that need nothing set."""

from __future__ import annotations

from pathlib import Path

import pytest

from pneumo_core.config import DEFAULT_MODEL, REPO_ROOT, Settings


def test_defaults_need_no_environment():
    s = Settings.from_env({})
    assert s.model_path == DEFAULT_MODEL == REPO_ROOT / "models" / "pneumo_cnn.keras"
    assert s.var_dir == REPO_ROOT / "var"
    assert s.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'review-log.sqlite3'}"
    assert s.data_dir.parts[-2:] == ("datasets", "kermany-224") and s.test_dir == s.data_dir / "test"


@pytest.mark.parametrize("variable, value, field, expected", [
    ("PNEUMO_DATA_DIR", "/data/k", "data_dir", Path("/data/k")),
    ("PNEUMO_FULLRES_DIR", "/data/f", "fullres_dir", Path("/data/f")),
    ("PNEUMO_DICOM_DIR", "/data/d", "dicom_dir", Path("/data/d")),
    ("PNEUMO_VAR_DIR", "/srv/var", "database_url", "sqlite:////srv/var/review-log.sqlite3"),
    ("PNEUMO_DATABASE_URL", "postgresql+psycopg://u@h/db", "database_url", "postgresql+psycopg://u@h/db"),
    ("PNEUMO_MODEL", "/models/other.keras", "model_path", Path("/models/other.keras")),
    ("PNEUMO_MODEL", "", "model_path", DEFAULT_MODEL),  # empty means unset
])
def test_each_variable(variable, value, field, expected):
    assert getattr(Settings.from_env({variable: value}), field) == expected


def test_reading_settings_creates_nothing(tmp_path):
    Settings.from_env({"PNEUMO_VAR_DIR": str(tmp_path / "var")})
    assert not (tmp_path / "var").exists()
