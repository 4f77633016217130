"""``score-archive`` on Ray Data, embedded: a folder of real test films and broken files, one row each,
equal to ``predict``; a run stopped half way and a run over a grown archive do no file twice.

Ray runs in a child Python (``_score``), never in the test process: a Ray driver that dies takes its
process with it, silently, and a pytest-xdist worker that dies so stops the whole run (CI once waited
90 minutes on such a run)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from pneumo_core.archive import engine, results
from pneumo_core.config import REPO_ROOT
from pneumo_core.decision import UNREADABLE
from pneumo_core.errors import ResultsFolderError

pytest.importorskip("ray")


@pytest.fixture(scope="module")
def archive(tmp_path_factory, data_dir):
    """12 films in two sub-folders, a damaged JPEG, an empty file, a text file and a hidden file."""
    root = tmp_path_factory.mktemp("archive")
    for label in ("NORMAL", "PNEUMONIA"):
        (root / label.lower()).mkdir()
        for film in sorted((data_dir / "test" / label).iterdir())[:6]:
            shutil.copy(film, root / label.lower() / film.name)
    (root / "damaged.jpeg").write_bytes(b"\xff\xd8\xff\xe0 cut short")
    (root / "empty.png").write_bytes(b"")
    (root / "notes.txt").write_text("not an image")
    (root / ".hidden.png").write_bytes(b"never listed")
    return root


_CHILD = textwrap.dedent("""
    import dataclasses, json, sys
    from pathlib import Path
    from pneumo_core.archive import engine, results
    args = json.loads(sys.argv[1])
    stop_after = args.pop("stop_after_parts")
    if stop_after is not None:  # the user presses Ctrl+C while batch stop_after + 1 is being written
        write_part, written = results.write_part, []
        def stopping(folder, rows):
            if len(written) == stop_after:
                raise KeyboardInterrupt
            written.append(write_part(folder, rows))
        results.write_part = stopping
    try:
        done = engine.score_archive(Path(args.pop("src")), Path(args.pop("out")), progress=False, **args)
    except KeyboardInterrupt:
        print("RESULT " + json.dumps({"stopped": True}))
    else:
        print("RESULT " + json.dumps(dataclasses.asdict(done)))
""")


def _score(src, out, stop_after_parts: int | None = None, **kwargs) -> engine.Summary | None:
    """``engine.score_archive`` in a child Python; None when it was stopped by Ctrl+C (simulated)."""
    args = {"src": str(src), "out": str(out), "stop_after_parts": stop_after_parts, **kwargs}
    run = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], capture_output=True, text=True,
                         timeout=600, cwd=REPO_ROOT)
    results_said = [line[len("RESULT "):] for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and len(results_said) == 1, run.stderr[-3000:]
    said = json.loads(results_said[0])
    return None if said.get("stopped") else engine.Summary(**said)


def test_every_file_gets_one_row_equal_to_predict(archive, tmp_path, predictor):
    out = tmp_path / "results.parquet"
    done = _score(archive, out, workers=2, batch_size=4)
    assert (done.found, done.skipped, done.scored) == (15, 0, 15)
    assert done.statuses == {"ok": 12, UNREADABLE: 3}
    table = results.read_results(out).to_pylist()
    assert [r["file"] for r in table] == sorted(engine.list_files(archive)) and len(table) == 15
    for row in table:
        if row["status"] == UNREADABLE:
            assert row["probability_pneumonia"] is None and row["reason"]
            continue
        pred = predictor.predict(archive / row["file"])
        assert row["probability_pneumonia"] == pytest.approx(pred.probability, abs=1e-5)
        assert (row["label"], row["status"], row["band"]) == (pred.label, pred.status, pred.band)
    again = engine.score_archive(archive, out, workers=2, progress=False)  # nothing left: Ray not even started here
    assert (again.skipped, again.scored, again.parts) == (15, 0, 0)


def test_a_stopped_run_carries_on_where_it_stopped(archive, tmp_path):
    out = tmp_path / "results.parquet"
    assert _score(archive, out, stop_after_parts=2, workers=1, batch_size=4) is None  # stopped in the 3rd batch
    first = {r["file"] for r in results.read_results(out).to_pylist()}
    assert len(first) == 8
    (archive / "late").mkdir()
    shutil.copy(next((archive / "normal").iterdir()), archive / "late" / "added-later.jpeg")
    done = _score(archive, out, workers=1, batch_size=4)
    assert (done.found, done.skipped, done.scored) == (16, 8, 8)
    files = [r["file"] for r in results.read_results(out).to_pylist()]
    assert sorted(files) == sorted(engine.list_files(archive)) and len(files) == len(set(files)) == 16


def test_results_of_another_model_are_never_mixed_in(archive, tmp_path, tiny_model_path):
    out = tmp_path / "results.parquet"
    results.write_part(out, [{**dict.fromkeys(results.COLUMNS), "file": "x.png", "bytes": 1,
                                  "status": UNREADABLE, "model_sha256": "0" * 64}])
    with pytest.raises(ResultsFolderError, match="holds results of another model"):
        engine.score_archive(archive, out, model=tiny_model_path, progress=False)


def test_results_at_another_operating_point_are_never_mixed_in(archive, tmp_path, predictor):
    out = tmp_path / "results.parquet"
    row = {**dict.fromkeys(results.COLUMNS), "file": "x.png", "bytes": 1, "status": "ok", "preset": "screening",
           "threshold": predictor.meta.presets["screening"], "model_sha256": predictor.meta.weights_sha256}
    results.write_part(out, [row])
    with pytest.raises(ResultsFolderError, match="another operating point \\(screening"):
        engine.score_archive(archive, out, progress=False)  # the model's default preset: balanced
    with pytest.raises(ResultsFolderError, match="another operating point"):
        engine.score_archive(archive, out, threshold=0.5, progress=False)


def test_the_command_line(archive, tmp_path):
    out = tmp_path / "results.parquet"
    run = subprocess.run([sys.executable, "-m", "pneumo_core", "score-archive", str(archive / "normal"), "--out",
                          str(out)], capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"6 files in {archive / 'normal'}: 0 already in {out}, 6 scored now (6 ok)" in run.stdout
    assert "Traceback" not in run.stderr
