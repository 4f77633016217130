"""Training batches: augmented, reproducible, and with mixup each film blended with one other."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.training.augment import SHORTCUT_FREE
from pneumo_core.training.batches import AugmentedBatches

N, SIZE = 12, 32


def _batches(mixup: float, labels=None) -> AugmentedBatches:
    rng = np.random.default_rng(0)
    images = [(rng.random((48, 40)) * 255).astype(np.uint8) for _ in range(N)]
    labels = np.r_[np.zeros(N // 2), np.ones(N // 2)] if labels is None else labels
    return AugmentedBatches(images, labels, SIZE, batch_size=8, settings=SHORTCUT_FREE, seed=3, workers=1,
                            mixup=mixup)


def test_without_mixup_a_batch_is_the_augmented_films_and_their_labels():
    x, y = _batches(0.0)[0]
    again, _ = _batches(0.0)[0]
    assert x.shape == (8, SIZE, SIZE, 1) and x.dtype == np.float32 and set(y) <= {0.0, 1.0}
    np.testing.assert_array_equal(x, again)  # reproducible for a seed, epoch and index


@pytest.mark.parametrize("labels", [None, np.linspace(0.1, 0.9, N)])  # hard labels, or distillation's soft targets
def test_with_mixup_each_film_and_its_target_are_blended_with_one_other_by_one_share(labels):
    plain, plain_y = _batches(0.0, labels)[0]  # the same films before blending (mixup draws after augmenting)
    mixed, mixed_y = _batches(0.4, labels)[0]
    flat, blended = plain.reshape(len(plain), -1).astype(np.float64), mixed.reshape(len(mixed), -1)
    for i in range(len(mixed)):
        fits = []
        for j in range(len(plain)):  # blended[i] = s * plain[i] + (1 - s) * plain[j] for one j and share s
            d = flat[i] - flat[j]
            s = 1.0 if not d.any() else float(np.dot(blended[i] - flat[j], d) / np.dot(d, d))
            fits.append((np.abs(s * flat[i] + (1 - s) * flat[j] - blended[i]).max(), s, j))
        error, share, j = min(fits)
        assert error < 1e-5 and 0.0 <= share <= 1.0
        assert mixed_y[i] == pytest.approx(share * plain_y[i] + (1 - share) * plain_y[j], abs=1e-5)
    assert not np.array_equal(mixed, plain)


def test_mixup_is_reproducible_for_a_seed_epoch_and_index():
    first, again = _batches(0.4), _batches(0.4)
    np.testing.assert_array_equal(first[0][0], again[0][0])
    np.testing.assert_array_equal(first[0][1], again[0][1])
