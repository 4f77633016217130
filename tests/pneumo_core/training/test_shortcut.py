"""The shortcut probe: statistics of acquisition, and how much of a model's output they explain."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.training.shortcut import N_STATISTICS, image_statistics, probe


def _film(seed: int, wide: bool) -> np.ndarray:
    """A film whose acquisition (horizontal vs vertical texture) is set by ``wide``."""
    rng = np.random.default_rng(seed)
    base = rng.normal(128, 30, (64, 64))
    kernel = (1, 9) if wide else (9, 1)
    import cv2

    return np.clip(cv2.blur(base, kernel), 0, 255).astype(np.uint8)


def test_statistics_are_finite_and_fixed_in_number():
    stats = image_statistics(_film(0, True), 12_345)
    assert stats.shape == (N_STATISTICS,) and np.isfinite(stats).all()


@pytest.mark.parametrize("image", [np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8), np.float64)])
def test_statistics_refuse_what_is_not_a_gray_film(image):
    with pytest.raises(ValueError, match="2-D uint8"):
        image_statistics(image, 1)


def _data(n: int, seed: int):
    labels = np.arange(n) % 2
    stats = np.stack([image_statistics(_film(seed + i, bool(y)), 1000) for i, y in enumerate(labels)])
    return stats, labels


def test_probe_tells_a_shortcut_model_from_one_that_ignores_acquisition():
    train_stats, train_y = _data(60, 0)
    val_stats, val_y = _data(60, 1000)
    assert probe(train_stats, train_y, val_stats, val_y, val_y * 4.0 - 2.0)["statistics_auc"] > 0.95
    # within each class the shortcut model's output follows the texture; the other's is unrelated noise
    texture = val_stats[:, 21] / val_stats[:, 22]  # horizontal / vertical gradient energy
    shortcut = probe(train_stats, train_y, val_stats, val_y, np.log(texture) + 3 * val_y)
    honest = probe(train_stats, train_y, val_stats, val_y,
                   3 * val_y + np.random.default_rng(5).normal(0, 1, len(val_y)))
    assert shortcut["explained_within_class"] > 0.8 > 0.2 > honest["explained_within_class"]


def test_probe_needs_one_row_per_label():
    stats, y = _data(20, 0)
    with pytest.raises(ValueError, match="one row of statistics per label"):
        probe(stats, y, stats, y, np.zeros(5))
