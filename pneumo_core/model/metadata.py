"""The metadata record that travels with every model file: classes, input size, preprocessing,
calibration, operating points and the rules that chose them, Grad-CAM layers, training and
validation figures, and the SHA-256 of the weights it describes. Where it is stored is
``pneumo_core.model.bundle``'s business."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..decision import CLASSES
from ..errors import ModelFileError
from ..imaging.preprocess import IDENTITY_VIEW

_RETIRED_KEYS = ("weights_file",)  # written by earlier releases, never read: ignored on load


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelMetadata:
    """Everything a caller needs to use a model file correctly; no magic numbers elsewhere."""

    version: str
    classes: tuple[str, ...]
    input_size: int
    preprocessing: str
    temperature: float
    presets: dict[str, float]
    default_preset: str
    band: tuple[float, float]
    gradcam_layers: tuple[str, ...]
    weights_sha256: str
    # The views (degrees, scale) the model sees of each image; their logits are averaged.
    views: tuple[tuple[float, float], ...] = (IDENTITY_VIEW,)
    rules: dict[str, str] = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    test: dict = field(default_factory=dict)
    # The input gate's learned checks: thresholds, the rules that chose them, validation figures and
    # the SHA-256 of the arrays file in the bundle; empty when the model has none.
    gate: dict = field(default_factory=dict)
    # The validation stress report and shortcut probe (``python -m pneumo_core stress MODEL --save``):
    # empty until the model has been judged.
    stress: dict = field(default_factory=dict)

    def __post_init__(self):
        if tuple(self.classes) != CLASSES:
            raise ModelFileError(f"expected classes {CLASSES}; the metadata says {tuple(self.classes)}")
        if self.default_preset not in self.presets:
            raise ModelFileError(f"default preset {self.default_preset!r} is not one of {sorted(self.presets)}")
        lo, hi = self.band
        if not 0.0 <= lo <= hi <= 1.0:
            raise ModelFileError(f"expected a band 0 <= low <= high <= 1; got {self.band}")
        if not self.views or any(len(v) != 2 or not v[1] > 0 for v in self.views):
            raise ModelFileError(f"expected views as (degrees, scale > 0) pairs; got {self.views}")

    @property
    def default_threshold(self) -> float:
        return self.presets[self.default_preset]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, name: str = "the metadata") -> ModelMetadata:
        """Parse a metadata file's text; ``ModelFileError`` naming ``name`` if it is not one."""
        try:
            raw = json.loads(text)
            for key in _RETIRED_KEYS:
                raw.pop(key, None)
            raw["classes"] = tuple(raw["classes"])
            raw["band"] = tuple(raw["band"])
            raw["gradcam_layers"] = tuple(raw["gradcam_layers"])
            raw["views"] = tuple(tuple(float(x) for x in v) for v in raw.get("views", [IDENTITY_VIEW]))
            return cls(**raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFileError(f"{name} is incomplete or malformed: {exc}") from exc
