"""A heatmap over its X-ray, as an RGB picture (pure: arrays in, a uint8 image out, no I/O)."""

from __future__ import annotations

import cv2
import numpy as np

COLORMAPS = {"turbo": cv2.COLORMAP_TURBO, "jet": cv2.COLORMAP_JET, "inferno": cv2.COLORMAP_INFERNO,
             "viridis": cv2.COLORMAP_VIRIDIS, "hot": cv2.COLORMAP_HOT}


def overlay(image: np.ndarray, heat: np.ndarray, opacity: float = 0.4, colormap: str = "turbo") -> np.ndarray:
    """Blend a [0, 1] map over a gray [0, 1] image -> (H, W, 3) uint8 RGB. Pure; no I/O."""
    if image.ndim != 2 or heat.ndim != 2:
        raise ValueError(f"expected 2-D image and map; got {image.shape} and {heat.shape}")
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"expected an opacity in [0, 1]; got {opacity}")
    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colour map {colormap!r}; expected one of {sorted(COLORMAPS)}")
    if heat.shape != image.shape:
        heat = cv2.resize(heat.astype(np.float32), (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    gray = np.clip(image, 0, 1)
    base = np.repeat((gray * 255.0)[..., None], 3, axis=2)
    colour = cv2.applyColorMap(np.clip(heat * 255.0, 0, 255).astype(np.uint8), COLORMAPS[colormap])
    colour = cv2.cvtColor(colour, cv2.COLOR_BGR2RGB).astype(np.float32)
    alpha = opacity * np.clip(heat, 0, 1)[..., None]  # stronger where the map is stronger
    return np.clip(base * (1 - alpha) + colour * alpha, 0, 255).astype(np.uint8)
