"""Pure image maths from a loaded X-ray to the model's input (arrays in, arrays out).

Value ranges:
- a *gray image* is a 2-D float32 array in [0, 1], 0 = black (no attenuation shown), any size;
- a *model input* is float32 ``(size, size, 1)`` in [0, 1] after histogram equalisation.

Like the training data (Kermany images were squashed to 224x224), images are resized to a square
without keeping the aspect ratio. Histogram equalisation makes the input independent of the
exposure, window and contrast processing of the source, which differ between hospitals, devices
and even between the data set's own train and test periods.
"""

from __future__ import annotations

import cv2
import numpy as np

PREPROCESSING = "gray [0,1] -> resize to square (INTER_AREA) -> uint8 -> histogram equalisation -> [0,1]"
# The data set's films are squashed to this square; the gate's orientation check was fitted on them,
# so the predictor squashes an upload to it once, for the check and for a model of this input size.
FILM_SIZE = 224
DISPLAY_MAX_SIDE = 1024  # longest side of the copy an app keeps for display
IDENTITY_VIEW = (0.0, 1.0)  # a view: (rotation in degrees, scale) about the centre of the square


def check_gray(image: np.ndarray) -> np.ndarray:
    """Validate a gray image (2-D, finite, in [0, 1]) and return it as float32."""
    if image.ndim != 2:
        raise ValueError(f"expected a 2-D gray image; got an array of shape {image.shape}")
    arr = np.asarray(image, dtype=np.float32)
    if arr.size == 0 or not np.isfinite(arr).all():
        raise ValueError("expected a non-empty gray image with finite values")
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(f"expected values in [0, 1]; got [{arr.min():.3g}, {arr.max():.3g}]")
    return arr


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A gray image in [0, 1] as uint8 in [0, 255]."""
    return np.clip(np.rint(check_gray(image) * 255.0), 0, 255).astype(np.uint8)


def resize_square(image: np.ndarray, size: int) -> np.ndarray:
    """Resize a 2-D array to ``size x size`` (area averaging when shrinking)."""
    if size < 8:
        raise ValueError(f"expected an input size of at least 8 pixels; got {size}")
    h, w = image.shape[:2]
    interp = cv2.INTER_AREA if (h >= size and w >= size) else cv2.INTER_LINEAR
    return cv2.resize(image, (size, size), interpolation=interp)


def equalize(image_u8: np.ndarray) -> np.ndarray:
    """Histogram-equalise a uint8 image; returns float32 in [0, 1]."""
    if image_u8.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image; got {image_u8.dtype}")
    return cv2.equalizeHist(image_u8).astype(np.float32) / 255.0


def model_input_from_u8(image_u8: np.ndarray, size: int) -> np.ndarray:
    """uint8 gray image (any size) -> model input ``(size, size, 1)``."""
    return equalize(resize_square(image_u8, size))[..., None]


def model_input(image: np.ndarray, size: int) -> np.ndarray:
    """Gray image in [0, 1] (any size) -> model input ``(size, size, 1)`` float32 in [0, 1]."""
    return model_input_from_u8(to_uint8(image), size)


def downscale(pixels: np.ndarray, max_side: int = DISPLAY_MAX_SIDE) -> np.ndarray:
    """A gray image with its longest side at most ``max_side`` (area interpolation); pure."""
    if pixels.ndim != 2:
        raise ValueError(f"expected a 2-D gray image; got shape {pixels.shape}")
    scale = max_side / max(pixels.shape)
    if scale >= 1.0:
        return pixels
    size = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def _view_matrix(shape: tuple[int, ...], view: tuple[float, float]) -> np.ndarray:
    angle, scale = view
    if not scale > 0:
        raise ValueError(f"expected a view (degrees, scale) with scale > 0; got {view}")
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2.0, h / 2.0), float(angle), float(scale))


def apply_view(image: np.ndarray, view: tuple[float, float]) -> np.ndarray:
    """Rotate and scale a 2-D image about its centre, black outside, as the training augmentation
    (``pneumo_core.training.augment.random_affine``) does. Same size and dtype out."""
    if image.ndim != 2:
        raise ValueError(f"expected a 2-D image; got an array of shape {image.shape}")
    if tuple(view) == IDENTITY_VIEW:
        return image
    return cv2.warpAffine(image, _view_matrix(image.shape, view), (image.shape[1], image.shape[0]),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def undo_view(values: np.ndarray, view: tuple[float, float]) -> np.ndarray:
    """Map a 2-D float map computed on ``apply_view(image, view)`` back onto ``image``'s pixels."""
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D map; got an array of shape {values.shape}")
    if tuple(view) == IDENTITY_VIEW:
        return values
    return cv2.warpAffine(values.astype(np.float32), _view_matrix(values.shape, view),
                          (values.shape[1], values.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def model_inputs(image: np.ndarray, size: int, views: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Gray image in [0, 1] -> ``(len(views), size, size, 1)``: each view of the square uint8 image,
    then equalised (the order training uses: augment, then equalise)."""
    return model_inputs_u8(to_uint8(image), size, views)


def model_inputs_u8(image_u8: np.ndarray, size: int, views: tuple[tuple[float, float], ...]) -> np.ndarray:
    """``model_inputs`` of an 8-bit gray image (uint8, any size): the same values, one conversion fewer."""
    if not views:
        raise ValueError("expected at least one view; got none")
    if image_u8.dtype != np.uint8 or image_u8.ndim != 2:
        raise ValueError(f"expected a 2-D uint8 image; got {image_u8.dtype} of shape {image_u8.shape}")
    square = resize_square(image_u8, size)
    return np.stack([equalize(apply_view(square, v))[..., None] for v in views])
