"""Training-time augmentation in NumPy/OpenCV (no TensorFlow ops, so any Keras backend trains).

Keras' random-augmentation layers cost many times the network itself on the GPU machine
(see ``../shared/guides/gpu-training.md``); these run on the CPU in worker threads instead
(OpenCV releases the GIL). Every function is pure: uint8 gray image + generator in, image out.

Two recipes. ``AugmentSettings()`` (the fields' defaults) is the one the shipped ensemble was
trained with: one-axis aspect jitter, black fill. ``SHORTCUT_FREE`` is model v2's: in this data set
the framing of a film predicts its label in train, so it changes framing and acquisition enough
that neither can carry the label: independent horizontal and vertical scale, random crops that cut
the side margins and the abdomen, small rotations and shifts, reflected borders instead of black,
and contrast, gamma, blur or sharpening, resampling, noise, grey-level quantisation and JPEG
re-encoding. A stage whose probability is 0 draws no random numbers, so the old recipe gives the
same images it always did.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_BORDERS = {"black": cv2.BORDER_CONSTANT, "reflect": cv2.BORDER_REFLECT_101}


@dataclass(frozen=True)
class AugmentSettings:
    """How strongly to perturb training images; recorded with each training run."""

    rotation_deg: float = 15.0
    scale: tuple[float, float] = (0.75, 1.25)  # both axes together (when scale_x/scale_y are not given)
    aspect: tuple[float, float] = (0.8, 1.25)  # then the horizontal axis alone
    shift_fraction: float = 0.12
    blur_probability: float = 0.3
    sharpen_probability: float = 0.15
    noise_std: float = 6.0  # in uint8 grey levels, applied with probability 0.3
    gamma: tuple[float, float] = (0.7, 1.4)
    erase_probability: float = 0.3
    resample_probability: float = 0.3  # down to 40-90 % of the size and back
    jpeg_probability: float = 0.5  # re-encode at quality 25-95
    # Model v2's additions (off by default, so the recipe above is unchanged):
    scale_x: tuple[float, float] | None = None  # independent horizontal and vertical scale, replacing scale/aspect
    scale_y: tuple[float, float] | None = None
    fill: str = "black"  # what the warp puts outside the film: "black" or "reflect"
    crop_probability: float = 0.0  # crop to crop_keep of each side (cutting margins or abdomen), resized back
    crop_keep: tuple[float, float] = (0.75, 1.0)
    contrast: tuple[float, float] = (1.0, 1.0)  # multiply the deviation from the mean grey level
    quantise_probability: float = 0.0  # keep only 16-64 grey levels

    def __post_init__(self):
        if self.fill not in _BORDERS:
            raise ValueError(f"expected fill 'black' or 'reflect'; got {self.fill!r}")
        if (self.scale_x is None) != (self.scale_y is None):
            raise ValueError("expected scale_x and scale_y together, or neither")


SHORTCUT_FREE = AugmentSettings(
    rotation_deg=10.0, scale_x=(0.75, 1.35), scale_y=(0.75, 1.35), shift_fraction=0.08, fill="reflect",
    crop_probability=0.5, crop_keep=(0.8, 1.0), contrast=(0.75, 1.3), gamma=(0.7, 1.4),
    blur_probability=0.3, sharpen_probability=0.2, noise_std=8.0, quantise_probability=0.2,
    resample_probability=0.4, jpeg_probability=0.5, erase_probability=0.25)
RECIPES = {"shortcut-free": SHORTCUT_FREE, "ensemble-2026.11": AugmentSettings()}


def random_crop(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Keep a random window of ``crop_keep`` of each side (anywhere), resized back: cuts the side
    margins, the shoulders or the abdomen, as another radiographer's collimation would."""
    if s.crop_probability <= 0 or rng.uniform() >= s.crop_probability:
        return image
    h, w = image.shape
    ch, cw = int(h * rng.uniform(*s.crop_keep)), int(w * rng.uniform(*s.crop_keep))
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return cv2.resize(image[y:y + ch, x:x + cw], (w, h), interpolation=cv2.INTER_AREA)


def random_affine(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Rotate, scale (each axis on its own with ``scale_x``/``scale_y``; else together, then the
    horizontal axis by ``aspect``) and shift about the centre; ``fill`` outside the film."""
    h, w = image.shape
    angle = rng.uniform(-s.rotation_deg, s.rotation_deg)
    centre = np.array([w / 2.0, h / 2.0])
    if s.scale_x is None:  # the shipped recipe, kept as it was (its aspect jitter also moves the centre sideways)
        scale, x_factor = rng.uniform(*s.scale), rng.uniform(*s.aspect)
        matrix = cv2.getRotationMatrix2D(tuple(centre), angle, scale)
        matrix[0, :2] *= x_factor
    else:  # rotate and scale each axis about the centre, which stays put
        linear = cv2.getRotationMatrix2D(tuple(centre), angle, 1.0)[:, :2] @ np.diag(
            [rng.uniform(*s.scale_x), rng.uniform(*s.scale_y)])
        matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    matrix[:, 2] += rng.uniform(-s.shift_fraction, s.shift_fraction, size=2) * (w, h)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=_BORDERS[s.fill], borderValue=0)


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
    """Contrast about the mean (when ``contrast`` is not 1) and a power-law intensity change, before
    the model's equalisation, as another exposure or processing would."""
    out = image
    if s.contrast != (1.0, 1.0):
        factor = rng.uniform(*s.contrast)
        mean = float(out.mean())
        out = np.clip(mean + factor * (out.astype(np.float32) - mean), 0, 255).astype(np.uint8)
    gamma = rng.uniform(*s.gamma)
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
    return cv2.LUT(out, lut)


def random_acquisition(image: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """Lose detail as another scanner, resize or JPEG compression would: resample, quantise, re-encode."""
    out = image
    h, w = out.shape
    if rng.uniform() < s.resample_probability:
        f = rng.uniform(0.4, 0.9)
        small = cv2.resize(out, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if s.quantise_probability > 0 and rng.uniform() < s.quantise_probability:
        step = 256 // int(rng.integers(16, 65))
        out = ((out // step) * step + step // 2).clip(0, 255).astype(np.uint8)
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
    out = random_crop(out, rng, s)
    out = random_affine(out, rng, s)
    out = random_texture(out, rng, s)
    out = random_acquisition(out, rng, s)
    return random_erase(out, rng, s)
