"""Where pneumo finds its data, keeps its files and reads its model: the one reader of the environment.

``Settings.from_env()`` is the only place that reads environment variables and the only place
that knows where the repository is. Every variable is optional:

- ``PNEUMO_DATA_DIR``: the Kermany folder (``train/`` and ``test/``, each ``NORMAL/`` and
  ``PNEUMONIA/``); default ``../shared/datasets/kermany-224`` beside the repository.
- ``PNEUMO_FULLRES_DIR`` and ``PNEUMO_DICOM_DIR``: the full-resolution and DICOM sample folders
  (default: their siblings in ``../shared/datasets``); used by tests and benchmarks.
- ``PNEUMO_VAR_DIR``: where the app writes (the default review-log database); default ``var/``.
- ``PNEUMO_DATABASE_URL``: the review log's database (e.g. ``postgresql+psycopg://u@host/db``);
  default a SQLite file in the var folder.
- ``PNEUMO_MODEL``: the model file to serve; default ``models/pneumo_cnn.keras``.
- ``PNEUMO_COMPARISON``: the comparison report of the published architectures (``compare``);
  default ``models/comparison.json``.

Reading the settings has no side effect: nothing is created until something is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_MODEL = REPO_ROOT / "models" / "pneumo_cnn.keras"
DEFAULT_COMPARISON = REPO_ROOT / "models" / "comparison.json"
ENV = {"data_dir": "PNEUMO_DATA_DIR", "fullres_dir": "PNEUMO_FULLRES_DIR", "dicom_dir": "PNEUMO_DICOM_DIR",
       "var_dir": "PNEUMO_VAR_DIR", "database_url": "PNEUMO_DATABASE_URL", "model_path": "PNEUMO_MODEL",
       "comparison_path": "PNEUMO_COMPARISON"}
REVIEW_LOG_FILE = "review-log.sqlite3"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    fullres_dir: Path
    dicom_dir: Path
    var_dir: Path
    database_url: str
    model_path: Path
    comparison_path: Path = DEFAULT_COMPARISON

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``environ`` (default: the process environment); empty values are unset."""
        env = os.environ if environ is None else environ

        def get(field: str) -> str | None:
            return env.get(ENV[field]) or None

        var_dir = Path(get("var_dir") or REPO_ROOT / "var")
        return cls(
            data_dir=Path(get("data_dir") or SHARED_DATASETS / "kermany-224"),
            fullres_dir=Path(get("fullres_dir") or SHARED_DATASETS / "fullres-samples"),
            dicom_dir=Path(get("dicom_dir") or SHARED_DATASETS / "dicom-samples"),
            var_dir=var_dir,
            database_url=get("database_url") or f"sqlite:///{var_dir / REVIEW_LOG_FILE}",
            model_path=Path(get("model_path") or DEFAULT_MODEL),
            comparison_path=Path(get("comparison_path") or DEFAULT_COMPARISON),
        )

    @property
    def test_dir(self) -> Path:
        """The official test split's folder inside the data folder."""
        return self.data_dir / "test"
