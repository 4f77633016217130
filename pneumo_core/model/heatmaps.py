"""The heatmap methods, as a table: each names its tf-keras-vis class, whether it can run on one
ensemble member at a time, the options it is called with and how it is described to a user.

A method is chosen by name from ``HEATMAP_METHODS``; nothing else compares method names. Also the
map a method returns (``Heatmap``) and how a raw CAM becomes one (``normalize_map``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import ExplanationError

SCORECAM_MAX_N = 16  # Faster Score-CAM: only the 16 strongest channels per member


@dataclass(frozen=True)
class HeatmapMethod:
    """One way of computing where the model looked."""

    name: str
    cam_class: str  # "module:Class" in tf-keras-vis
    per_member: bool  # each member alone with a shifted score (same map, faster); else the whole model
    options: tuple[tuple[str, object], ...] = ()  # extra keyword arguments of the call
    description: str = ""

    def load_class(self):
        module, cls = self.cam_class.split(":")
        return getattr(importlib.import_module(module), cls)


HEATMAP_METHODS: dict[str, HeatmapMethod] = {m.name: m for m in (
    HeatmapMethod("Grad-CAM", "tf_keras_vis.gradcam:Gradcam", per_member=True,
                  description="The fastest: gradients of the score on the last feature maps."),
    HeatmapMethod("Grad-CAM++", "tf_keras_vis.gradcam_plus_plus:GradcamPlusPlus", per_member=True,
                  description="Like Grad-CAM, weighting the pixels that raise the score most; "
                              "often tighter maps when several regions count."),
    HeatmapMethod("Score-CAM", "tf_keras_vis.scorecam:Scorecam", per_member=False,
                  options=(("max_N", SCORECAM_MAX_N),),
                  description="No gradients: scores the image masked by each feature map. The slowest."),
)}
METHODS = tuple(HEATMAP_METHODS)


def method_named(name: str) -> HeatmapMethod:
    try:
        return HEATMAP_METHODS[name]
    except KeyError:
        raise ValueError(f"unknown heatmap method {name!r}; expected one of {METHODS}") from None


@dataclass(frozen=True)
class Heatmap:
    values: np.ndarray  # (H, W) float32 in [0, 1], at the explained image's size
    method: str
    explained_class: str


def normalize_map(raw: np.ndarray, size: tuple[int, int], method: str = "CAM") -> np.ndarray:
    """Raw CAM -> (h, w) float32 in [0, 1]; raises ExplanationError if it holds nothing."""
    raw = np.nan_to_num(np.maximum(np.asarray(raw, dtype=np.float64), 0.0))
    if raw.ndim != 2:
        raise ValueError(f"expected a 2-D map; got shape {raw.shape}")
    peak = raw.max(initial=0.0)
    if peak <= 1e-12 or np.ptp(raw) <= 1e-12 * peak:
        raise ExplanationError(f"{method} produced an empty map for this image: no region raised the score. "
                               "Try another method.")
    resized = cv2.resize((raw / peak).astype(np.float32), (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    resized = np.clip(resized, 0.0, None)
    return (resized / resized.max()).astype(np.float32)
