"""The results folder of ``score-archive``: atomic parts, what is done, refusals; and listing an archive.
No Ray, no network here."""

from __future__ import annotations

import pytest

from pneumo_core.archive.engine import list_files
from pneumo_core.archive.results import COLUMNS, read_done, read_results, write_part
from pneumo_core.errors import ResultsFolderError


def _row(file: str, sha: str = "abc", status: str = "ok") -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(file=file, bytes=10, status=status, reason="", model_version="v", model_sha256=sha)
    if status != "unreadable":
        row.update(probability_pneumonia=0.5, label="PNEUMONIA", threshold=0.2, preset="balanced", band="confident")
    return row


def test_a_missing_folder_holds_nothing(tmp_path):
    done = read_done(tmp_path / "results.parquet")
    assert done.files == frozenset() and done.models == frozenset()
    assert read_results(tmp_path / "results.parquet").num_rows == 0


def test_parts_add_up_and_leftovers_of_a_stopped_run_are_removed(tmp_path):
    out = tmp_path / "results.parquet"
    write_part(out, [_row("b.png"), _row("a/c.dcm", status="unreadable")])
    write_part(out, [_row("a.jpeg")])
    (out / "part-half-written.parquet.tmp").write_bytes(b"PAR1")
    done = read_done(out)
    assert done.files == {"a.jpeg", "b.png", "a/c.dcm"} and done.models == {"abc"}
    assert not list(out.glob("*.tmp"))
    table = read_results(out)
    assert table.column("file").to_pylist() == ["a.jpeg", "a/c.dcm", "b.png"]
    assert table.column("probability_pneumonia").to_pylist() == [0.5, None, 0.5]
    assert table.schema.names == list(COLUMNS)


@pytest.mark.parametrize(("make", "message"), [
    (lambda out: out.write_text("not a folder"), "expected a results folder"),
    (lambda out: (out.mkdir(), (out / "part-x.parquet").write_text("damaged")), "part-x.parquet in"),
], ids=["a-file", "a-damaged-part"])
def test_a_folder_that_is_not_results_is_refused(tmp_path, make, message):
    out = tmp_path / "results.parquet"
    make(out)
    with pytest.raises(ResultsFolderError, match=message):
        read_done(out)


def test_listing_an_archive(tmp_path):
    for name in ("b.png", "a/x.dcm", "a/deep/y.jpeg", ".hidden.png", ".cache/z.png", "a/.DS_Store"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert list_files(tmp_path) == ["b.png", "a/x.dcm", "a/deep/y.jpeg"]
    assert list_files(tmp_path / "b.png") == ["b.png"]
    with pytest.raises(ResultsFolderError, match="expected a folder of images"):
        list_files(tmp_path / "nothing-here")
