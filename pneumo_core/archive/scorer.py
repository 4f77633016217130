"""One worker's job in ``score-archive``: read files as bytes, decode and score them.

``Scorer`` is built once per worker (the model is loaded once there) and then called on batches of
file paths; it returns one result row per path. A file that cannot be read or decoded gets its own
``unreadable`` row and never stops the others. The probabilities are the ones ``predict`` gives (the
same ``Predictor``, the same gate), computed a batch at a time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..decision import UNREADABLE, decide
from ..errors import PneumoError
from ..imaging.load import read_bytes
from .names import path_of

log = logging.getLogger(__name__)


def unreadable_row(file: str, size: int, reason: str, version: str, sha256: str) -> dict:
    return {"file": file, "bytes": size, "status": UNREADABLE, "reason": reason, "probability_pneumonia": None,
            "label": None, "threshold": None, "preset": None, "band": None, "model_version": version,
            "model_sha256": sha256}


def _reason(exc: Exception) -> str:
    if isinstance(exc, PneumoError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:  # moved or deleted since it was listed, no permission...
        return f"this file could not be opened ({exc.strerror.lower()}); expected a readable JPEG, PNG or DICOM file"
    log.warning("unexpected %s while reading a file", type(exc).__name__)  # never the file's name: it may hold one
    return f"this file could not be read ({type(exc).__name__})"


class Scorer:
    """Scores batches of files with one model, loaded when the worker starts.

    ``root``: the archive's folder (rows name files relative to it). ``model``: the model file, which
    must exist at that path where the worker runs. ``preset`` / ``threshold``: the operating point.
    """

    def __init__(self, root: str, model: str | None = None, preset: str | None = None,
                 threshold: float | None = None):
        from ..model.predictor import Predictor

        self.root = Path(root)
        self.predictor = Predictor(model)
        self.preset, self.threshold = preset, threshold
        self.version = self.predictor.meta.version
        self.sha256 = self.predictor.meta.weights_sha256

    def __call__(self, batch: dict) -> dict:
        """``{"file": [relative paths]}`` -> ``{column: [values]}``, one row per file, in order."""
        rows = self.score([str(f) for f in batch["file"]])
        return {name: [row[name] for row in rows] for name in rows[0]} if rows else {}

    def score(self, files: list[str]) -> list[dict]:
        rows: list[dict | None] = [None] * len(files)
        prepared, where, sizes = [], [], {}
        for i, file in enumerate(files):
            path = path_of(self.root, file)
            try:
                sizes[i] = path.stat().st_size
                prepared.append(self.predictor.prepare(read_bytes(path)))  # read here, in the worker
                where.append(i)
            except Exception as exc:  # noqa: BLE001 -- one bad file never stops the others
                rows[i] = unreadable_row(file, sizes.get(i, 0), _reason(exc), self.version, self.sha256)
        for i, scored in zip(where, self._scored(prepared)):
            if isinstance(scored, Exception):
                rows[i] = unreadable_row(files[i], sizes[i], _reason(scored), self.version, self.sha256)
                continue
            pred = decide(scored.probability, self.predictor.meta, self.preset, self.threshold, scored.assessment)
            rows[i] = {"file": files[i], "bytes": sizes[i], "status": pred.status, "reason": pred.assessment.reason,
                       "probability_pneumonia": pred.probability, "label": pred.label, "threshold": pred.threshold,
                       "preset": pred.preset, "band": pred.band, "model_version": self.version,
                       "model_sha256": self.sha256}
        return rows

    def _scored(self, prepared: list) -> list:
        """The network's scores for a batch; if the batch fails, each image alone (its own error)."""
        if not prepared:
            return []
        try:
            return self.predictor.score(prepared)
        except Exception:  # noqa: BLE001 -- find the image that fails, keep the rest
            out = []
            for image in prepared:
                try:
                    out.extend(self.predictor.score([image]))
                except Exception as exc:  # noqa: BLE001
                    out.append(exc)
            return out
