"""The validation stress report: the stresses change framing only, and the rule tells a model that
reads framing from one that does not."""

from __future__ import annotations

import numpy as np
import pytest

from pneumo_core.training.stress import MAX_DROP, STRESSES, UNSTRESSED, stress_report, table, zoom_out


def _films(n: int = 40) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(0)
    films = [rng.integers(40, 220, (64, 64), dtype=np.uint8) for _ in range(n)]
    return films, np.arange(n) % 2


@pytest.mark.parametrize("name", list(STRESSES))
def test_stresses_keep_size_and_type(name):
    film = _films(1)[0][0]
    out = STRESSES[name](film)
    assert out.shape == film.shape and out.dtype == np.uint8


def test_zoom_out_puts_the_film_on_black():
    out = zoom_out(np.full((100, 100), 200, np.uint8), 0.8)
    assert (out[:10] == 0).all() and (out[45:55, 45:55] == 200).all()


def test_a_model_blind_to_framing_is_eligible():
    films, labels = _films()

    def lung_reader(batch):  # knows each film (they come in order) whatever its framing
        assert len(batch) == len(labels)
        return np.where(labels == 1, 0.9, 0.1)

    report = stress_report(lung_reader, films, labels, 0.5)
    assert set(report["rows"]) == set(STRESSES) and report["eligible"]
    assert report["worst_drop"] == 0.0 and "| eligible" not in table(report) and "eligible" in table(report)


def test_a_model_reading_framing_is_not_eligible():
    films, labels = _films()

    def framing_reader(batch):  # reads the black border: zoom-out makes every film look like PNEUMONIA
        return np.array([0.9 if (f[:3] == 0).all() else (0.8 if y else 0.2) for f, y in zip(batch, labels)])

    report = stress_report(framing_reader, films, labels, 0.5)
    zoomed = report["rows"]["zoom-out 85 %"]
    assert zoomed["specificity"] == 0.0 and zoomed["specificity_drop"] == 1.0
    assert not report["eligible"] and report["worst_drop"] > MAX_DROP
    text = table(report)
    assert "not eligible" in text and UNSTRESSED in text and "-100.0%" in text


def test_films_and_labels_must_match():
    films, labels = _films()
    with pytest.raises(ValueError, match="as many films as labels"):
        stress_report(lambda b: np.zeros(len(b)), films, labels[:-1], 0.5)
