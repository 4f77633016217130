"""The results folder of ``score-archive``: atomic parts, what is done, refusals; and listing an archive.
No Ray, no network here."""

from __future__ import annotations

import pytest

from pneumo_core.archive.engine import list_files
from pneumo_core.archive.names import display_name, path_of
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
    (out / ".part-half-written.parquet.tmp").write_bytes(b"PAR1")
    (out / "someone-elses.tmp").write_bytes(b"not ours")
    done = read_done(out)
    assert done.files == {"a.jpeg", "b.png", "a/c.dcm"} and done.models == {"abc"}
    assert done.points == {("balanced", 0.2)}
    assert [p.name for p in out.glob("*.tmp")] == ["someone-elses.tmp"], "only our own leftovers are removed"
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


def test_a_name_that_is_not_utf8_is_stored_and_found_again(tmp_path):
    import os

    raw = os.path.join(os.fsencode(tmp_path), b"M\xdcLLER \xe9t\xe9.dcm")  # Latin-1, as old archives hold
    with open(raw, "wb") as f:
        f.write(b"x")
    (tmp_path / "müller-utf8.png").write_bytes(b"y")
    names = list_files(tmp_path)
    assert sorted(names) == ["M\\xdcLLER \\xe9t\\xe9.dcm", "müller-utf8.png"]
    assert [path_of(tmp_path, n).read_bytes() for n in sorted(names)] == [b"x", b"y"]
    write_part(tmp_path / "out", [_row(n) for n in names])  # Parquet takes them
    assert read_done(tmp_path / "out").files == set(names)
    assert display_name("plain/name.png") == "plain/name.png"
    assert path_of(tmp_path, "a\\name") == tmp_path / "a\\name", "a real backslash is left alone"


def test_a_folder_that_cannot_be_listed_stops_the_listing(tmp_path, monkeypatch):
    import os

    def walk(top, onerror=None, **kwargs):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield from ()

    monkeypatch.setattr(os, "walk", walk)
    with pytest.raises(ResultsFolderError, match="locked could not be listed \\(Permission denied\\)"):
        list_files(tmp_path)
