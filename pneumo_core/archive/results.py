"""The results of ``score-archive``: a folder of Parquet files, one row per file of the archive.

The folder (``--out results.parquet``) is a Parquet dataset: every part is written whole under a
hidden temporary name (``.part-*.tmp``, which Parquet readers skip) and then renamed, so a run
that is stopped leaves only complete parts, and the next run skips every file a part already
holds. pandas, pyarrow, DuckDB or Spark read the folder as one
table. Rows name files by their path relative to the archive's folder; no DICOM tag is written.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import ResultsFolderError

# Column name -> pyarrow type name. probability/label/threshold/preset/band are empty (null) for an
# unreadable file; a refused image keeps its probability and label, for audit (as ``predict --csv``).
COLUMNS = {
    "file": "string",  # relative to the archive's folder, with "/"
    "bytes": "int64",
    "status": "string",  # ok, caution, refused or unreadable
    "reason": "string",
    "probability_pneumonia": "float64",
    "label": "string",
    "threshold": "float64",
    "preset": "string",
    "band": "string",
    "model_version": "string",
    "model_sha256": "string",
}
PART_GLOB = "part-*.parquet"
TMP_GLOB = ".part-*.parquet.tmp"  # a part being written; only these are ever removed


def schema():
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS.items()])


@dataclass(frozen=True)
class Done:
    """What earlier runs wrote into a results folder."""

    files: frozenset[str]
    models: frozenset[str]  # model_sha256 values found
    points: frozenset[tuple[str, float]] = frozenset()  # (preset, threshold) of the labelled rows


def read_done(out: Path) -> Done:
    """The files already scored in ``out`` (nothing when it does not exist yet), with the models and
    operating points that scored them; our own leftovers of a run stopped while writing
    (``.part-*.parquet.tmp``) are removed, nothing else."""
    import pyarrow.parquet as pq

    if not out.exists():
        return Done(frozenset(), frozenset())
    if not out.is_dir():
        raise ResultsFolderError(f"expected a results folder at {out}; found a file. Choose another --out.")
    for leftover in out.glob(TMP_GLOB):
        leftover.unlink()
    files, models, points = set(), set(), set()
    for part in sorted(out.glob(PART_GLOB)):
        try:
            table = pq.read_table(part, columns=["file", "model_sha256", "preset", "threshold"])
        except Exception as exc:  # noqa: BLE001 -- a foreign or damaged file: say which and stop
            raise ResultsFolderError(f"{part.name} in {out} is not a readable results part ({type(exc).__name__}); "
                                     "move it away or choose another --out") from exc
        files.update(table.column("file").to_pylist())
        models.update(table.column("model_sha256").to_pylist())
        points.update((p, t) for p, t in zip(table.column("preset").to_pylist(), table.column("threshold").to_pylist())
                      if p is not None)
    return Done(frozenset(files), frozenset(models), frozenset(points))


def write_part(out: Path, rows: list[dict]) -> Path:
    """Write ``rows`` as one new part of ``out`` (created if need be), atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    name = f"part-{uuid.uuid4().hex}.parquet"
    tmp = out / f".{name}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema()), tmp)
    os.replace(tmp, out / name)
    return out / name


def read_results(out: Path):
    """Every row of a results folder as one pyarrow table (sorted by file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(out.glob(PART_GLOB))
    if not parts:
        return schema().empty_table()
    return pa.concat_tables([pq.read_table(p, schema=schema()) for p in parts]).sort_by("file")
