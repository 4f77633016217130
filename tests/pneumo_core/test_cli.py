"""The one command line: help for every command, usage messages (never tracebacks) for bad
arguments, and ``predict`` on a folder with a bad file in it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from pneumo_core.cli import main
from pneumo_core.config import REPO_ROOT

COMMANDS = ("predict", "score-archive", "evaluate", "train", "ensemble", "calibrate")


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"usage: python -m pneumo_core {command}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: COMMAND"),
    (["diagnose"], "invalid choice: 'diagnose'"),
    (["predict", "x.png", "--threshold", "1.5"], "expected a threshold strictly between 0 and 1; got 1.5"),
    (["predict", "x.png", "--threshold", "high"], "expected a number strictly between 0 and 1; got 'high'"),
    (["predict", "x.png", "--preset", "aggressive"], "unknown preset 'aggressive'"),
    (["predict", "x.png", "--preset", "balanced", "--threshold", "0.3"], "not allowed with argument"),
    (["predict"], "the following arguments are required: paths"),
    (["calibrate", "m.keras", "--views", "0:0"], "expected a view's scale > 0"),
    (["score-archive", "src"], "the following arguments are required: --out"),
    (["score-archive", "src", "--out", "o", "--workers", "0"], "expected a whole number of at least 1; got '0'"),
    (["score-archive", "src", "--out", "o", "--batch-size", "x"], "expected a whole number of at least 1; got 'x'"),
    (["evaluate", "--split", "validation"], "invalid choice: 'validation'"),
    (["train", "--epochs", "many", "--out", "x"], "invalid int value: 'many'"),
])
def test_bad_arguments_get_a_usage_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and message in err and "Traceback" not in err


def test_a_missing_model_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["predict", str(tmp_path), "--model", str(tmp_path / "none.keras")]) == 2
    err = capsys.readouterr().err
    assert "expected a metadata file" in err and "Traceback" not in err


def test_predict_walks_a_folder(fullres_dir, tmp_path):
    (tmp_path / "notes.txt").write_text("not an image")
    from PIL import Image

    Image.new("RGB", (400, 300), (200, 40, 40)).save(tmp_path / "red.png")
    out = subprocess.run([sys.executable, "-m", "pneumo_core", "predict", str(fullres_dir / "NORMAL"),
                          str(tmp_path / "notes.txt"), str(tmp_path / "red.png"), "--csv", "--preset", "screening"],
                         capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0])[:5] == ["file", "status", "reason", "probability_pneumonia", "label"]
    images = [r for r in rows if r["file"].endswith(".jpeg")]
    assert len(images) == len(list((fullres_dir / "NORMAL").glob("*.jpeg")))
    assert all(r["status"] == "ok" and r["reason"] == "" for r in images)  # none of the samples refused
    assert all(0.0 <= float(r["probability_pneumonia"]) <= 1.0 and r["label"] in ("NORMAL", "PNEUMONIA")
               and r["preset"] == "screening" for r in images)
    (bad,) = [r for r in rows if r["file"].endswith("notes.txt")]
    assert bad["status"] == "unreadable" and "not a JPEG, PNG or DICOM" in bad["reason"] and not bad["label"]
    (red,) = [r for r in rows if r["file"].endswith("red.png")]
    assert red["status"] == "refused" and "colour" in red["reason"]
    assert red["label"] and float(red["probability_pneumonia"]) >= 0  # kept for audit
    assert out.returncode == 1  # one file failed, the others were still read
    assert "Traceback" not in out.stderr


def test_predict_gives_every_hostile_file_its_status(tmp_path, data_dir):
    """The tables of hostile and out-of-scope files as a folder: one row each, the right status,
    a probability and label for every decoded one (for audit), and no traceback."""
    from hostile import GATED, UNREADABLE

    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import to_uint8

    film = to_uint8(load_image(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg").pixels)
    expected = {}
    for i, (name, build, *rest) in enumerate(UNREADABLE + GATED):
        if "bomb" in name:  # the bombs have their own memory test; building them here costs time
            continue
        path = tmp_path / f"case{i:02d}.bin"
        path.write_bytes(build(film))
        expected[path.name] = "unreadable" if len(rest) == 1 else rest[0]
    out = subprocess.run([sys.executable, "-m", "pneumo_core", "predict", str(tmp_path), "--csv"],
                         capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    rows = {Path(r["file"]).name: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert set(rows) == set(expected)
    for name, status in expected.items():
        row = rows[name]
        assert row["status"] in (status, "refused") if status == "caution" else row["status"] == status, (name, row)
        assert bool(row["label"]) == (status != "unreadable") and bool(row["reason"]) == (status != "ok")
    assert out.returncode == 1 and "Traceback" not in out.stderr
