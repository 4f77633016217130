"""A model's files, owned in one place: the weights and everything that travels with them.

For ``DIR/NAME.keras`` the bundle is:

- ``NAME.json``: the metadata (``ModelMetadata``), with the SHA-256 of the weights;
- ``NAME.report-SPLIT.json``: the evaluation report on a split (``EvaluationReport``);
- ``NAME.validation.json``: the raw validation outputs recorded at training time (``ValidationRecord``),
  which calibration and operating points are fitted on;
- ``NAME.gate.npz``: the input gate's learned arrays (``LearnedGate``), checked against the SHA-256
  in the metadata's ``gate``; ``NAME.gate-report.json``: how the gate did on out-of-scope images and
  on the test split (written by ``benchmarks/gate_out_of_scope.py --save``);
- ``MODEL_CARD.md`` in the same folder: the model card.

No other module knows these names. Reading any of them loads no network and no TensorFlow; a
report is accepted only if it was made with these very weights (the same SHA-256).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..config import Settings
from ..errors import ModelFileError
from ..evaluation.report import EvaluationReport
from .gate import LearnedGate
from .metadata import ModelMetadata, sha256_of

CARD_NAME = "MODEL_CARD.md"


@dataclass(frozen=True)
class ValidationRecord:
    """The model's raw outputs on its validation images, recorded by file name at training time."""

    files: tuple[str, ...]
    labels: tuple[int, ...]
    raw: tuple[float, ...]
    views: tuple[tuple[float, float], ...] | None = None  # the views the outputs were made with, if not identity

    def to_json(self) -> str:
        out = {"files": list(self.files), "labels": list(self.labels), "raw": list(self.raw)}
        if self.views is not None:
            out["views"] = [list(v) for v in self.views]
        return json.dumps(out) + "\n"


class ModelBundle:
    """The files of one model, found from its weights file (which need not exist yet, when writing)."""

    def __init__(self, weights: Path | str):
        self.weights = Path(weights)

    @classmethod
    def default(cls, settings: Settings | None = None) -> ModelBundle:
        """The model the app serves: ``PNEUMO_MODEL`` or ``models/pneumo_cnn.keras``."""
        return cls((settings or Settings.from_env()).model_path)

    def __repr__(self) -> str:
        return f"ModelBundle({str(self.weights)!r})"

    @property
    def metadata_path(self) -> Path:
        return self.weights.with_suffix(".json")

    @property
    def validation_path(self) -> Path:
        return self.weights.with_name(f"{self.weights.stem}.validation.json")

    @property
    def gate_path(self) -> Path:
        return self.weights.with_name(f"{self.weights.stem}.gate.npz")

    @property
    def gate_report_path(self) -> Path:
        return self.weights.with_name(f"{self.weights.stem}.gate-report.json")

    @property
    def card_path(self) -> Path:
        return self.weights.with_name(CARD_NAME)

    def report_path(self, split: str) -> Path:
        return self.weights.with_name(f"{self.weights.stem}.report-{split}.json")

    # --- reading -------------------------------------------------------------------------------
    @cached_property
    def meta(self) -> ModelMetadata:
        """The metadata, read once per bundle object."""
        return self.read_metadata()

    def read_metadata(self) -> ModelMetadata:
        if not self.metadata_path.is_file():
            raise ModelFileError(f"expected a metadata file at {self.metadata_path}; none found")
        return ModelMetadata.from_json(self.metadata_path.read_text(), f"the metadata file {self.metadata_path.name}")

    def verify_weights(self, meta: ModelMetadata | None = None) -> None:
        """Raise ``ModelFileError`` unless the weights exist and match the metadata's SHA-256."""
        meta = meta or self.meta
        if not self.weights.is_file():
            raise ModelFileError(f"expected model weights at {self.weights}; none found")
        if sha256_of(self.weights) != meta.weights_sha256:
            raise ModelFileError(f"{self.weights.name} does not match the SHA-256 in its metadata: "
                                 "the file is damaged or not the one the metadata describes")

    def report(self, split: str = "test") -> EvaluationReport:
        """The evaluation report on ``split``, checked to belong to these weights."""
        path = self.report_path(split)
        if not path.is_file():
            raise ModelFileError(f"expected an evaluation report at {path}; run "
                                 f"`python -m pneumo_core evaluate --split {split}` to write it")
        try:
            report = EvaluationReport(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise ModelFileError(f"the evaluation report {path.name} is not valid JSON: {exc}") from exc
        if report.weights_sha256 != self.meta.weights_sha256:
            raise ModelFileError(f"the evaluation report {path.name} was made with other weights than "
                                 f"{self.weights.name}; re-run `python -m pneumo_core evaluate --split {split}`")
        return report

    def validation_record(self) -> ValidationRecord:
        path = self.validation_path
        if not path.is_file():
            raise ModelFileError(f"expected the recorded validation outputs at {path}; none found")
        try:
            raw = json.loads(path.read_text())
            views = tuple(tuple(float(x) for x in v) for v in raw["views"]) if "views" in raw else None
            record = ValidationRecord(tuple(raw["files"]), tuple(int(y) for y in raw["labels"]),
                                      tuple(float(p) for p in raw["raw"]), views)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{path.name} is incomplete or malformed: {exc}") from exc
        if not len(record.files) == len(record.labels) == len(record.raw):
            raise ModelFileError(f"{path.name} holds {len(record.files)} files, {len(record.labels)} labels and "
                                 f"{len(record.raw)} outputs; expected as many of each")
        return record

    def read_gate(self, meta: ModelMetadata | None = None) -> LearnedGate | None:
        """The learned input checks, or None when the metadata names none; checked against its SHA-256."""
        meta = meta or self.meta
        if not meta.gate:
            return None
        if not self.gate_path.is_file():
            raise ModelFileError(f"expected the input gate's file {self.gate_path.name} beside the model; none found")
        if sha256_of(self.gate_path) != meta.gate.get("sha256"):
            raise ModelFileError(f"{self.gate_path.name} does not match the SHA-256 in the metadata's gate")
        try:
            gate = LearnedGate.from_bytes(self.gate_path.read_bytes())
            # the thresholds in force are the metadata's (where people read them)
            return dataclasses.replace(gate, distance_threshold=float(meta.gate["distance_threshold"]),
                                       orientation_threshold=float(meta.gate["orientation_threshold"]))
        except (KeyError, ValueError, OSError) as exc:
            raise ModelFileError(f"{self.gate_path.name} or the metadata's gate is damaged: {exc}") from exc

    def gate_report(self) -> dict | None:
        """The gate's measured refusal rates (rows of images, n, refused, caution, ok), or None if never measured."""
        if not self.gate_report_path.is_file():
            return None
        try:
            report = json.loads(self.gate_report_path.read_text())
            rows = report["rows"]
        except (json.JSONDecodeError, KeyError) as exc:
            raise ModelFileError(f"{self.gate_report_path.name} is damaged: {exc}") from exc
        if report.get("model_version") != self.meta.version:
            raise ModelFileError(f"{self.gate_report_path.name} was measured on another model; re-run the benchmark")
        return {"rows": rows, **{k: v for k, v in report.items() if k != "rows"}}

    def write_gate_report(self, report: dict) -> Path:
        self.gate_report_path.write_text(json.dumps(report, indent=1) + "\n")
        return self.gate_report_path

    def card(self) -> str:
        """The model card's Markdown; a short notice if the file is missing."""
        if not self.card_path.is_file():
            return f"The model card was expected at `{CARD_NAME}` beside the model and is missing."
        return self.card_path.read_text(encoding="utf-8")

    # --- writing (training and calibration only) -----------------------------------------------
    def write_metadata(self, meta: ModelMetadata) -> None:
        self.metadata_path.write_text(meta.to_json())
        self.__dict__.pop("meta", None)

    def write_report(self, split: str, report: dict) -> Path:
        EvaluationReport(report)  # refuse to write what could not be read back
        path = self.report_path(split)
        path.write_text(json.dumps(report, indent=1) + "\n")
        return path

    def write_validation_record(self, record: ValidationRecord) -> None:
        self.validation_path.write_text(record.to_json())

    def write_gate(self, gate: LearnedGate) -> str:
        """Write the gate's arrays; returns their SHA-256 (for the metadata's ``gate``)."""
        self.gate_path.write_bytes(gate.to_bytes())
        return sha256_of(self.gate_path)
