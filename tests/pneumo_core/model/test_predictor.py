"""Predictions: the committed model on fixed real images, and the pure decision table."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import numpy as np
import pytest

from pneumo_core import CONFIDENT, SECOND_OPINION, ModelBundle, ModelFileError, Predictor, decide

FIXED = ["NORMAL/IM-0001-0001.jpeg", "NORMAL/IM-0003-0001.jpeg", "NORMAL/NORMAL2-IM-0007-0001.jpeg",
         "PNEUMONIA/person100_bacteria_475.jpeg", "PNEUMONIA/person1_virus_6.jpeg",
         "PNEUMONIA/person1_virus_7.jpeg"]


def test_committed_model_reproduces_its_committed_report(predictor, data_dir):
    """The shipped weights give the per-image probabilities the committed test report holds."""
    report = json.loads(ModelBundle.default().report_path("test").read_text())
    assert report["weights_sha256"] == predictor.meta.weights_sha256
    expected = {r["file"]: r["probability"] for r in report["images"]}
    preds = predictor.predict_batch([data_dir / "test" / f for f in FIXED])
    for name, pred in zip(FIXED, preds):
        assert pred.probability == pytest.approx(expected[name.split("/")[1]], abs=1e-4), name
        assert pred.model_version == predictor.meta.version


def test_batch_equals_single(predictor, data_dir):
    paths = [data_dir / "test" / f for f in FIXED[:3]]
    batch = predictor.predict_batch(paths)
    assert [p.probability for p in batch] == pytest.approx([predictor.predict(p).probability for p in paths], abs=1e-5)


def test_prediction_is_frozen(tiny_predictor):
    pred = tiny_predictor.predict(np.full((40, 50), 0.5, dtype=np.float32))
    with pytest.raises(FrozenInstanceError):
        pred.label = "NORMAL"


@pytest.mark.parametrize("prob,preset,threshold,label,band,used", [
    (0.45, None, None, "NORMAL", SECOND_OPINION, 0.5),
    (0.55, None, None, "PNEUMONIA", SECOND_OPINION, 0.5),
    (0.35, "screening", None, "PNEUMONIA", CONFIDENT, 0.3),
    (0.65, "high_specificity", None, "NORMAL", CONFIDENT, 0.7),
    (0.58, "high_specificity", None, "NORMAL", SECOND_OPINION, 0.7),
    (0.95, "high_specificity", None, "PNEUMONIA", CONFIDENT, 0.7),
    (0.25, None, 0.2, "PNEUMONIA", CONFIDENT, 0.2),
    (0.50, None, 0.5, "PNEUMONIA", SECOND_OPINION, 0.5),
])
def test_decide_table(tiny_predictor, prob, preset, threshold, label, band, used):
    pred = decide(prob, tiny_predictor.meta, preset, threshold)
    assert (pred.label, pred.band, pred.threshold) == (label, band, used)
    assert pred.preset == (preset or ("custom" if threshold else "balanced"))


@pytest.mark.parametrize("preset,threshold,error", [
    ("aggressive", None, "unknown preset"), (None, 0.0, "strictly between"), (None, 1.5, "strictly between"),
])
def test_decide_rejects_bad_operating_points(tiny_predictor, preset, threshold, error):
    with pytest.raises(ValueError, match=error):
        decide(0.5, tiny_predictor.meta, preset, threshold)


def test_tampered_weights_are_refused(tiny_model_path, tmp_path):
    bad = tmp_path / "tiny.keras"
    bad.write_bytes(tiny_model_path.read_bytes() + b"tampered")
    bad.with_suffix(".json").write_text(tiny_model_path.with_suffix(".json").read_text())
    with pytest.raises(ModelFileError, match="SHA-256"):
        Predictor(bad)


def test_missing_metadata_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="metadata"):
        Predictor(tmp_path / "none.keras")


def test_a_full_size_film_is_squashed_once_for_the_gate_and_the_model(predictor, fullres_dir, monkeypatch):
    """The gate's orientation check reads the film at the data set's size, as it was fitted; the model
    input is made from the same film, the JPEG decoder's reduced scale, whether the upload was read
    whole (the app) or from its bytes for the model alone (``predict``, the archive)."""
    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import FILM_SIZE, model_inputs_u8, resize_square
    from pneumo_core.model import gate

    seen, measure = [], gate.orientation_input_u8
    monkeypatch.setattr(gate, "orientation_input_u8", lambda u8: seen.append(u8.shape) or measure(u8))
    path = fullres_dir / "NORMAL" / "NORMAL2-IM-0793-0001.jpeg"
    image = load_image(path)
    prepared, from_bytes = predictor.prepare(image), predictor.prepare(path.read_bytes())
    assert seen == [(FILM_SIZE, FILM_SIZE)] * 2 and prepared.shape == image.pixels.shape
    film = resize_square(load_image(path, fit=FILM_SIZE).u8, FILM_SIZE)
    np.testing.assert_array_equal(prepared.x, model_inputs_u8(film, predictor.meta.input_size, predictor.meta.views))
    np.testing.assert_array_equal(from_bytes.x, prepared.x)
    assert from_bytes.assessment == prepared.assessment


def _jpeg(u8: np.ndarray) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(u8).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


_NOISE = np.random.default_rng(0).normal(128, 10, (1200, 1000))


@pytest.mark.parametrize(("name", "make", "reason", "refused"), [
    ("grey noise (no film; almost uniform once the noise is averaged)", lambda: _NOISE, "blank", True),
    ("2500x999: 2.503 times longer than wide", lambda: np.tile(np.linspace(40, 220, 2500), (999, 1)),
     "2500x999 pixels, far longer", True),
    ("2500x1001: within 2.5 times", lambda: np.tile(np.linspace(40, 220, 2500), (1001, 1)), "far longer", False),
])
def test_the_gate_says_the_same_of_a_file_read_whole_or_for_the_model(predictor, name, make, reason, refused):
    """The app decodes an upload whole, ``predict`` and the archive at the JPEG decoder's reduced
    scale: the checks read the same view in both, and sizes are the file's own."""
    from pneumo_core import load_image

    data = _jpeg(np.clip(make(), 0, 255).astype(np.uint8))
    from_app, from_bytes = predictor.prepare(load_image(data)), predictor.prepare(data)
    assert from_app.assessment == from_bytes.assessment
    assert any(reason in r for r in from_app.assessment.reasons) == refused
    np.testing.assert_array_equal(from_app.x, from_bytes.x)


def test_reading_the_jpeg_at_a_reduced_scale_moves_no_label_on_the_full_resolution_samples(predictor, fullres_dir):
    """The model's film from the JPEG decoder's reduced scale against the film squashed from the whole
    decode (before): no label at any preset and no gate verdict moves; the probability moves by
    0.004 at most (README, Speed)."""
    from pneumo_core import decide, load_image
    from pneumo_core.imaging.preprocess import FILM_SIZE, model_inputs_u8, resize_square
    from pneumo_core.model.predictor import PreparedImage

    meta, largest = predictor.meta, 0.0
    for path in sorted(fullres_dir.rglob("*.jpeg")):
        image = load_image(path)
        now = predictor.prepare(image)
        before = PreparedImage(model_inputs_u8(resize_square(image.u8, FILM_SIZE), meta.input_size, meta.views),
                               now.shape, predictor.prepare(image.pixels).assessment)
        (p_now, s_now), (p_before, s_before) = ((s.probability, s) for s in predictor.score([now, before]))
        assert s_now.assessment.labelled == s_before.assessment.labelled, path.name
        for preset in meta.presets:
            assert decide(p_now, meta, preset).label == decide(p_before, meta, preset).label, (path.name, preset)
        largest = max(largest, abs(p_now - p_before))
    assert 0 < largest < 0.01  # measured 0.0038; 0 would mean the reduced decode was not used


def test_the_orientation_check_at_the_data_sets_size_gives_every_sample_the_verdict_the_whole_film_gave(
        predictor, fullres_dir):
    """Squashing an upload to 224 pixels first (as the check's fitting films were), from the JPEG
    decoder's reduced scale, moves no verdict on the full-resolution samples, upright or turned,
    flipped or inverted (README, Speed)."""
    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import FILM_SIZE, resize_square
    from pneumo_core.model.gate import orientation_input_u8
    from pneumo_core.training.gate_fit import TRANSFORMS

    gate, largest, refused = predictor.gate, 0.0, 0
    for path in sorted(fullres_dir.rglob("*.jpeg")):
        u8, reduced = load_image(path).u8, load_image(path, fit=FILM_SIZE).u8  # whole; the decoder's reduced scale
        for turn in [lambda a: a, *TRANSFORMS.values()]:
            film = np.ascontiguousarray(turn(u8))
            whole, squashed = (float(gate.orientation_scores(orientation_input_u8(f))[0])
                               for f in (film, resize_square(np.ascontiguousarray(turn(reduced)), FILM_SIZE)))
            assert (whole > gate.orientation_threshold) == (squashed > gate.orientation_threshold), path.name
            largest, refused = max(largest, abs(whole - squashed)), refused + (squashed > gate.orientation_threshold)
    assert largest < 0.002 and refused >= len(TRANSFORMS)  # both verdicts were exercised (README: 0.0007)


def test_a_model_of_another_input_size_is_made_from_the_whole_film_as_before(tiny_predictor, fullres_dir):
    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import FILM_SIZE, model_inputs_u8

    image = load_image(fullres_dir / "NORMAL" / "IM-0117-0001.jpeg")
    size, views = tiny_predictor.meta.input_size, tiny_predictor.meta.views
    assert size != FILM_SIZE
    np.testing.assert_array_equal(tiny_predictor.prepare(image).x, model_inputs_u8(image.u8, size, views))
