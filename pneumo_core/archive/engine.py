"""``score-archive`` on Ray Data: the files of a folder scored by a pool of workers, to Parquet.

The driver lists the archive (names and sizes only: it never opens a file), drops what the results
folder already holds, and streams the rest through ``map_batches`` to a pool of ``Scorer`` actors,
each loading the model once and reading, decoding and scoring its files. Finished batches come back
to the driver, which writes each one as a Parquet part at once: a run that is stopped keeps what it
finished, and the next one carries on from there.

Ray runs embedded on this machine by default (``workers`` actors on as many CPUs); given a cluster's
address it runs there, where every node must have this repository, its environment and the model at
the same paths (see the README).
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..decision import resolve
from ..errors import ResultsFolderError
from . import results
from .names import display_name
from .scorer import Scorer

log = logging.getLogger(__name__)
DEFAULT_BATCH = 16  # files per call of a worker: large enough for the network, small enough to resume


@dataclass(frozen=True)
class Summary:
    """What one run did: files found, skipped as already done, scored now (by status), parts written."""

    found: int
    skipped: int
    scored: int
    statuses: dict[str, int] = field(default_factory=dict)
    parts: int = 0


def list_files(src: Path) -> list[str]:
    """Every file under ``src`` (or ``src`` itself), relative, with "/", hidden files and folders left
    out. A name that is not valid UTF-8 (an old archive's Latin-1 name) keeps its bytes as ``\\xNN``
    escapes (``display_name``), and ``path_of`` finds the file again. A folder that cannot be
    listed stops the listing with its name: an audit never leaves out a folder silently."""
    if src.is_file():
        return [display_name(src.name)]
    if not src.is_dir():
        raise ResultsFolderError(f"expected a folder of images (or one image) at {src}; found nothing there")

    def unlistable(exc: OSError) -> None:
        raise ResultsFolderError(f"the folder {exc.filename} could not be listed ({exc.strerror}); fix its "
                                 "permissions or leave it out of SRC, then run again") from exc

    files = []
    for dirpath, dirnames, filenames in os.walk(src, onerror=unlistable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = Path(dirpath).relative_to(src)
        files.extend(display_name((rel / name).as_posix()) for name in sorted(filenames) if not name.startswith("."))
    return files


def _check_same_run(done: results.Done, sha256: str, point: tuple[str, float], out: Path) -> None:
    """Refuse to add to a folder made with another model or another operating point."""
    others = done.models - {sha256}
    if others:
        raise ResultsFolderError(f"{out} holds results of another model (weights {sorted(others)[0][:12]}…); "
                                 f"this run uses {sha256[:12]}…. Write to a new --out folder.")
    points = {(p, round(t, 6)) for p, t in done.points} - {(point[0], round(point[1], 6))}
    if points:
        p, t = sorted(points)[0]
        raise ResultsFolderError(f"{out} holds results at another operating point ({p}, threshold {t:.4f}); this "
                                 f"run uses {point[0]}, threshold {point[1]:.4f}. Use the same --preset or "
                                 "--threshold, or write to a new --out folder.")


def score_archive(src: Path, out: Path, *, model: Path | None = None, preset: str | None = None,
                  threshold: float | None = None, workers: int = 1, address: str | None = None,
                  batch_size: int = DEFAULT_BATCH, progress: bool | None = None) -> Summary:
    """Score every file under ``src`` not yet in ``out``; see the module docstring."""
    from ..model.bundle import ModelBundle

    bundle = ModelBundle.default() if model is None else ModelBundle(model)
    bundle.verify_weights()  # a wrong model file is said here, before any worker starts
    if preset and preset not in bundle.meta.presets:
        raise ResultsFolderError(f"unknown preset {preset!r}; expected one of {sorted(bundle.meta.presets)}")
    src, out = src.resolve(), out.resolve()
    root = src if src.is_dir() else src.parent
    done = results.read_done(out)
    _check_same_run(done, bundle.meta.weights_sha256, resolve(bundle.meta, preset, threshold), out)
    found = list_files(src)
    todo = [f for f in found if f not in done.files]
    log.info("%d files found, %d already scored, %d to score", len(found), len(found) - len(todo), len(todo))
    if not todo:
        return Summary(len(found), len(found), 0)
    statuses: Counter[str] = Counter()
    parts = 0
    for rows in _run(todo, root, str(bundle.weights), preset, threshold, workers, address, batch_size, progress):
        results.write_part(out, rows)
        parts += 1
        statuses.update(row["status"] for row in rows)
    return Summary(len(found), len(found) - len(todo), sum(statuses.values()), dict(statuses), parts)


def _run(todo, root, model, preset, threshold, workers, address, batch_size, progress):
    """Yield lists of result rows as the workers finish them."""
    import ray
    import ray.data  # configures Ray Data's logger: quietened below, after that
    from tqdm import tqdm

    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"address": address} if address else {"num_cpus": workers, "include_dashboard": False}
        ray.init(**kwargs, logging_level=logging.WARNING, log_to_driver=False, configure_logging=False)
    try:
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # Ray's notes on its own execution
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # our own bar counts files, not Ray's blocks
        # Blocks of at most batch_size files, and at least one per worker so that every worker has work.
        blocks = min(len(todo), max(workers, -(-len(todo) // batch_size)))
        ds = ray.data.from_items([{"file": f} for f in todo], override_num_blocks=blocks)
        # Here, the machine's cores shared out between the workers, and TensorFlow told so: left alone,
        # each worker's TensorFlow uses every core and the workers fight over them. On a cluster, Ray's
        # and TensorFlow's defaults.
        threads = {} if address else {"TF_NUM_INTRAOP_THREADS": str(max(1, (os.cpu_count() or 1) // workers)),
                                      "TF_NUM_INTEROP_THREADS": "1"}
        scored = ds.map_batches(Scorer, batch_size=batch_size, batch_format="numpy",
                                compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                                runtime_env={"env_vars": threads},
                                fn_constructor_kwargs={"root": str(root), "model": model, "preset": preset,
                                                       "threshold": threshold})
        with tqdm(total=len(todo), unit="file", file=sys.stderr, disable=None if progress is None else not progress) as bar:
            for batch in scored.iter_batches(batch_size=None, batch_format="pandas"):
                rows = _rows(batch)
                bar.update(len(rows))
                yield rows
    finally:
        if started_here:
            ray.shutdown()


def _rows(frame) -> list[dict]:
    """A pandas batch as plain rows (missing values as None, numbers as Python numbers)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        row["bytes"] = int(row["bytes"])
    return rows
