"""Feeding images to Keras: parallel decoding and an augmenting ``keras.utils.PyDataset``.

NumPy and OpenCV only (no ``tf.data``), so the same code trains on any Keras backend.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
from tqdm import tqdm

from ..imaging.load import load_image
from ..imaging.preprocess import model_input_from_u8, to_uint8
from .augment import AugmentSettings, augment
from .kermany import Sample


def load_u8(samples: list[Sample], workers: int = 8, desc: str = "images") -> list[np.ndarray]:
    """Decode every sample to a uint8 gray image (with a progress bar)."""

    def one(sample: Sample) -> np.ndarray:
        return to_uint8(load_image(sample.path).pixels)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(tqdm(pool.map(one, samples), total=len(samples), desc=desc, unit="img"))


def stack_inputs(images_u8: list[np.ndarray], size: int) -> np.ndarray:
    """uint8 gray images -> a ``(N, size, size, 1)`` float32 batch of model inputs."""
    return np.stack([model_input_from_u8(im, size) for im in images_u8]).astype(np.float32)


class AugmentedBatches(keras.utils.PyDataset):
    """Shuffled, augmented training batches; deterministic for a given seed and epoch. ``labels`` are
    the targets (0/1, or soft ones for distillation); with ``mixup`` > 0 each batch is blended with
    itself shuffled, images and targets by the same Beta(mixup, mixup) share (Zhang et al. 2018)."""

    def __init__(self, images_u8, labels, size: int, batch_size: int, settings: AugmentSettings,
                 seed: int, workers: int = 8, mixup: float = 0.0):
        super().__init__(workers=workers, use_multiprocessing=False)
        if len(images_u8) != len(labels) or not len(labels):
            raise ValueError(f"expected equally many images and labels (>0); got {len(images_u8)} and {len(labels)}")
        self.images, self.labels = images_u8, np.asarray(labels, dtype=np.float32)
        self.size, self.batch_size, self.settings, self.seed, self.mixup = size, batch_size, settings, seed, mixup
        self.epoch = 0
        self.order = np.random.default_rng(seed).permutation(len(self.labels))

    def __len__(self) -> int:
        return int(np.ceil(len(self.labels) / self.batch_size))

    def __getitem__(self, index: int):
        idx = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        rng = np.random.default_rng((self.seed, self.epoch, index))
        x = np.stack([model_input_from_u8(augment(self.images[i], rng, self.settings), self.size) for i in idx])
        y = self.labels[idx]
        if self.mixup > 0:
            share = rng.beta(self.mixup, self.mixup, len(idx)).astype(np.float32)
            other = rng.permutation(len(idx))
            x = share[:, None, None, None] * x + (1 - share[:, None, None, None]) * x[other]
            y = share * y + (1 - share) * y[other]
        return x.astype(np.float32), y

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = np.random.default_rng((self.seed, self.epoch)).permutation(len(self.labels))
