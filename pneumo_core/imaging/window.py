"""Window and level (what a radiologist calls brightness and contrast): which grey levels of a film
fill the screen's range. Pure functions, array in, array out.

A window is ``(low, high)`` on the film's gray [0, 1] scale: ``low`` shows black, ``high`` white,
the levels between are stretched over the whole range. The presets come from the film's own grey
levels (percentiles), so they suit a dark film and a bright one alike.
"""

from __future__ import annotations

import numpy as np

FULL = (0.0, 1.0)
MIN_WIDTH = 0.02  # narrower windows turn a film into black and white


def window_presets(image: np.ndarray) -> dict[str, tuple[float, float]]:
    """Named windows for a gray [0, 1] film: as acquired, automatic contrast, detail in the dark
    (aerated lung) and in the bright (heart, bone, consolidation) grey levels."""
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"expected a non-empty 2-D gray image; got shape {image.shape}")
    p = np.percentile(np.clip(image, 0.0, 1.0), [1, 2, 40, 65, 98, 99.5])
    return {"As acquired": FULL,
            "Auto contrast": _valid(p[1], p[4]),
            "Lung detail": _valid(p[0], p[3]),
            "Dense areas": _valid(p[2], p[5])}


def _valid(low: float, high: float) -> tuple[float, float]:
    """A window at least ``MIN_WIDTH`` wide inside [0, 1] (a nearly uniform film has no spread)."""
    low, high = float(np.clip(low, 0.0, 1.0)), float(np.clip(high, 0.0, 1.0))
    if high - low < MIN_WIDTH:
        middle = min(max((low + high) / 2, MIN_WIDTH / 2), 1 - MIN_WIDTH / 2)
        low, high = middle - MIN_WIDTH / 2, middle + MIN_WIDTH / 2
    return round(low, 3), round(high, 3)


def apply_window(image: np.ndarray, low: float, high: float) -> np.ndarray:
    """Gray [0, 1] -> gray [0, 1] float32 with ``low`` black and ``high`` white."""
    if not 0.0 <= low < high <= 1.0:
        raise ValueError(f"expected a window 0 <= low < high <= 1; got low {low}, high {high}")
    if (low, high) == FULL:
        return np.clip(image, 0.0, 1.0).astype(np.float32)
    return np.clip((image.astype(np.float32) - low) / (high - low), 0.0, 1.0)
