"""One worker's job: files read, decoded and scored, one row each; bad files get their own row.
Called directly (no Ray) with the committed model, against ``Predictor.predict``."""

from __future__ import annotations

import shutil

import pytest
from hostile import png_bomb

from pneumo_core.archive.scorer import Scorer
from pneumo_core.decision import UNREADABLE


@pytest.fixture(scope="module")
def scorer(tmp_path_factory, data_dir):
    root = tmp_path_factory.mktemp("archive")
    for label in ("NORMAL", "PNEUMONIA"):
        for i, film in enumerate(sorted((data_dir / "test" / label).iterdir())[:2]):
            shutil.copy(film, root / f"{label.lower()}-{i}.jpeg")
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")
    (root / "empty.png").write_bytes(b"")
    (root / "bomb.png").write_bytes(png_bomb(60_000, 60_000))
    return Scorer(str(root))


@pytest.mark.parametrize(("file", "reason"), [
    ("broken.jpg", "damaged or incomplete"),
    ("empty.png", "the file is empty (0 bytes)"),
    ("bomb.png", "expected at most"),
    ("gone.dcm", "could not be opened (no such file or directory)"),
])
def test_a_bad_file_gets_its_own_row_and_the_batch_goes_on(scorer, file, reason):
    rows = scorer.score(["normal-0.jpeg", file, "pneumonia-1.jpeg"])
    assert [r["file"] for r in rows] == ["normal-0.jpeg", file, "pneumonia-1.jpeg"]
    bad = rows[1]
    assert bad["status"] == UNREADABLE and reason in bad["reason"], bad["reason"]
    assert bad["probability_pneumonia"] is None and bad["label"] is None
    assert rows[0]["status"] == rows[2]["status"] == "ok"


def test_rows_equal_what_predict_says(scorer, predictor):
    files = ["normal-0.jpeg", "normal-1.jpeg", "pneumonia-0.jpeg", "pneumonia-1.jpeg"]
    for row in scorer.score(files):
        pred = predictor.predict(scorer.root / row["file"])
        assert row["probability_pneumonia"] == pytest.approx(pred.probability, abs=1e-5)
        assert (row["label"], row["status"], row["band"], row["preset"]) == (pred.label, pred.status, pred.band,
                                                                                pred.preset)
        assert row["threshold"] == pytest.approx(pred.threshold)
        assert row["model_sha256"] == predictor.meta.weights_sha256
        assert row["bytes"] == (scorer.root / row["file"]).stat().st_size


def test_the_batch_call_ray_makes(scorer):
    import numpy as np

    out = scorer({"file": np.array(["pneumonia-0.jpeg", "empty.png"])})
    assert out["file"] == ["pneumonia-0.jpeg", "empty.png"]
    assert out["status"][1] == UNREADABLE and out["label"][0] == "PNEUMONIA"
