"""Augmentation: both recipes keep shape and type and are reproducible; model v2's recipe changes the
framing on each axis on its own, never fills with black, and bad settings are refused."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.training.augment import (
    RECIPES,
    SHORTCUT_FREE,
    AugmentSettings,
    augment,
    random_acquisition,
    random_affine,
    random_crop,
)
from pneumo_core.training.settings import TrainSettings

STILL = dict(rotation_deg=0.0, shift_fraction=0.0)


def _film(h: int = 96, w: int = 80, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(60, 200, (h, w), dtype=np.uint8)


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_recipes_keep_shape_type_and_are_reproducible(recipe):
    s = RECIPES[recipe]
    for seed in range(20):
        a = augment(_film(seed=seed), np.random.default_rng(seed), s)
        b = augment(_film(seed=seed), np.random.default_rng(seed), s)
        assert a.shape == (96, 80) and a.dtype == np.uint8
        assert np.array_equal(a, b)


def test_scale_each_axis_on_its_own():
    film = np.zeros((100, 100), np.uint8)
    film[30:70, 30:70] = 255
    s = AugmentSettings(**STILL, scale_x=(0.5, 0.5), scale_y=(1.5, 1.5))
    out = random_affine(film, np.random.default_rng(0), s) > 127
    width, height = out.any(axis=0).sum(), out.any(axis=1).sum()
    assert width == pytest.approx(20, abs=2) and height == pytest.approx(60, abs=2)


@pytest.mark.parametrize(("fill", "black_expected"), [("black", True), ("reflect", False)])
def test_zooming_out_fills_as_asked(fill, black_expected):
    s = AugmentSettings(**STILL, scale_x=(0.7, 0.7), scale_y=(0.7, 0.7), fill=fill)
    out = random_affine(np.full((64, 64), 150, np.uint8), np.random.default_rng(0), s)
    assert bool((out == 0).any()) is black_expected


def test_model_v2_recipe_never_fills_with_black():
    s = AugmentSettings(**{**SHORTCUT_FREE.__dict__, "erase_probability": 0.0, "contrast": (1.0, 1.0),
                           "gamma": (1.0, 1.0), "noise_std": 0.0})
    rng = np.random.default_rng(3)
    assert all(augment(np.full((64, 64), 150, np.uint8), rng, s).min() > 100 for _ in range(50))


def test_crop_cuts_and_resizes_back():
    film = np.tile(np.arange(100, dtype=np.uint8), (100, 1))
    s = AugmentSettings(crop_probability=1.0, crop_keep=(0.5, 0.5))
    out = random_crop(film, np.random.default_rng(1), s)
    assert out.shape == film.shape and np.ptp(out[0].astype(int)) < 60  # half the gradient, stretched


def test_stages_that_are_off_draw_nothing():
    """The shipped recipe's images do not change because stages were added."""
    rng = np.random.default_rng(7)
    state = rng.bit_generator.state
    assert random_crop(_film(), rng, AugmentSettings()) is not None
    assert rng.bit_generator.state == state


def test_quantising_keeps_few_grey_levels():
    s = AugmentSettings(resample_probability=0.0, quantise_probability=1.0, jpeg_probability=0.0)
    out = random_acquisition(np.tile(np.arange(256, dtype=np.uint8), (4, 1)), np.random.default_rng(0), s)
    assert 16 <= len(np.unique(out)) <= 65


@pytest.mark.parametrize(("settings", "image", "message"), [
    (dict(fill="blue"), _film(), "fill"),
    (dict(scale_x=(0.8, 1.2)), _film(), "scale_x and scale_y"),
    ({}, np.zeros((8, 8, 3), np.uint8), "2-D uint8"),
    ({}, np.zeros((8, 8), np.float32), "2-D uint8"),
])
def test_bad_settings_and_images_are_refused(settings, image, message):
    with pytest.raises(ValueError, match=message):
        augment(image, np.random.default_rng(0), AugmentSettings(**settings))


def test_new_runs_use_model_v2_recipe_and_record_it(tmp_path):
    s = TrainSettings(data="d", out="o")
    assert s.augment == SHORTCUT_FREE
    s.save(tmp_path)
    assert TrainSettings.read(tmp_path) == s
