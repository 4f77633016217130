"""Training-time augmentation in NumPy/OpenCV (no TensorFlow ops, so any Keras backend trains).

Keras' random-augmentation layers cost many times the network itself on the GPU machine
(see ``../shared/guides/gpu-training.md``); these run on the CPU in worker threads instead
(OpenCV releases the GIL). Every function is pure: uint8 gray image + generator in, image out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class AugmentSettings:
    """How strongly to perturb training images; recorded with each training run."""

    rotation_deg: float = 15.0
    scale: tuple[float, float] = (0.75, 1.25)
    aspect: tuple[float, float] = (0.8, 1.25)
    shift_fraction: float = 0.12
    blur_probability: float = 0.3
    sharpen_probability: float = 0.15
    noise_std: float = 6.0  # in uint8 grey levels, applied with probability 0.3
    gamma: tuple[float, float] = (0.7, 1.4)
    erase_probability: float = 0.3
    resample_probability: float = 0.3  # down to 40-90 % of the size and back
    jpeg_probability: float = 0.5  # re-encode at quality 25-95


def random_affine(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Rotate, scale (anisotropically) and shift about the centre; black fill outside."""
    h, w = image.shape
    angle = rng.uniform(-s.rotation_deg, s.rotation_deg)
    scale = rng.uniform(*s.scale)
    aspect = rng.uniform(*s.aspect)
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, scale)
    matrix[0, :2] *= aspect
    matrix[:, 2] += rng.uniform(-s.shift_fraction, s.shift_fraction, size=2) * (w, h)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def random_texture(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Blur or sharpen (as different detectors and reconstruction kernels would), then noise."""
    out = image
    roll = rng.uniform()
    if roll < s.blur_probability:
        sigma = rng.uniform(0.5, 1.5)
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    elif roll < s.blur_probability + s.sharpen_probability:
        blurred = cv2.GaussianBlur(out, (0, 0), 1.0)
        out = cv2.addWeighted(out, 1.6, blurred, -0.6, 0)
    if rng.uniform() < 0.3 and s.noise_std > 0:
        noise = rng.normal(0.0, rng.uniform(0, s.noise_std), size=out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


def random_gamma(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Power-law intensity change (differs from equalisation only through the fill and noise)."""
    gamma = rng.uniform(*s.gamma)
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
    return cv2.LUT(image, lut)


def random_acquisition(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Lose detail as another scanner, resize or JPEG compression would: resample, re-encode."""
    out = image
    h, w = out.shape
    if rng.uniform() < s.resample_probability:
        f = rng.uniform(0.4, 0.9)
        small = cv2.resize(out, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.uniform() < s.jpeg_probability:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 96))])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def random_erase(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Blank one random rectangle (up to a quarter of each side), so no single region is relied on."""
    if rng.uniform() >= s.erase_probability:
        return image
    h, w = image.shape
    eh, ew = int(rng.uniform(0.08, 0.25) * h), int(rng.uniform(0.08, 0.25) * w)
    y, x = int(rng.integers(0, h - eh + 1)), int(rng.integers(0, w - ew + 1))
    out = image.copy()
    out[y:y + eh, x:x + ew] = int(rng.integers(0, 256))
    return out


def augment(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """The whole training perturbation of one uint8 gray image (same size out)."""
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError(f"expected a 2-D uint8 image; got {image.dtype} {image.shape}")
    out = random_gamma(image, rng, s)
    out = random_affine(out, rng, s)
    out = random_texture(out, rng, s)
    out = random_acquisition(out, rng, s)
    return random_erase(out, rng, s)
