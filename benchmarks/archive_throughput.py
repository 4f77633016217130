"""Archive throughput, side by side in one run: the plain ``predict`` loop against ``score-archive`` on
Ray Data with 1 and with 2 local workers.

    .venv/bin/python -m benchmarks.archive_throughput [--films 200] [--fullres-copies 4]

Builds a throw-away archive (Kermany test films at 224 px, plus the full-resolution samples copied a
few times, as a real archive holds full-size films), then runs each command as a user would, in its
own process, from start to exit: model loading and Ray's start-up included. A second run of each on one
file gives its start-up cost, so the table also shows files/s once started. Prints a table; asserts
nothing about time. The results of every command are checked to be the same.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pneumo_core import Settings
from pneumo_core.config import REPO_ROOT


def build_archive(folder: Path, films: int, fullres_copies: int) -> int:
    settings = Settings.from_env()
    test = settings.data_dir / "test"
    picked = [p for label in ("NORMAL", "PNEUMONIA") for p in sorted((test / label).iterdir())[: films // 2]]
    for path in picked:
        target = folder / "kermany" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    fullres = sorted(p for p in settings.fullres_dir.rglob("*") if p.is_file())
    for copy in range(fullres_copies):
        for path in fullres:
            target = folder / "fullres" / f"copy{copy}" / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return len(picked) + fullres_copies * len(fullres)


def run(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # predict exits 1 when some file was unreadable
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--films", type=int, default=200, help="Kermany test films, half each class (default 200)")
    parser.add_argument("--fullres-copies", type=int, default=4, help="copies of the 16 full-resolution films")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pneumo-archive-bench-"))
    try:
        archive = work / "archive"
        n = build_archive(archive, args.films, args.fullres_copies)
        one = next(archive.rglob("*.jpeg"))
        py = [sys.executable, "-m", "pneumo_core"]
        contenders = {
            "predict (one process, one file at a time)": lambda src, tag: py + ["predict", "--csv", str(src)],
            "score-archive, Ray Data, 1 worker": lambda src, tag: py + ["score-archive", str(src), "--out",
                                                                         str(work / f"w1-{tag}.parquet"), "--workers", "1"],
            "score-archive, Ray Data, 2 workers": lambda src, tag: py + ["score-archive", str(src), "--out",
                                                                          str(work / f"w2-{tag}.parquet"), "--workers", "2"],
        }
        rows, outputs = [], {}
        for name, command in contenders.items():
            startup, _ = run(command(one, "one"))
            seconds, stdout = run(command(archive, "all"))
            outputs[name] = stdout
            rows.append((name, seconds, n / seconds, startup, (n - 1) / max(seconds - startup, 1e-9)))
        _check_same(work, archive, outputs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = f"{'command':<44} {'wall s':>8} {'files/s':>8} {'start-up s':>11} {'files/s once started':>21}"
    lines = [f"{n} files ({args.films} Kermany test films at 224 px, {n - args.films} full-resolution films); "
             "each command from start to exit in its own process", header, "-" * len(header)]
    lines += [f"{name:<44} {s:>8.1f} {rate:>8.2f} {up:>11.1f} {started:>21.2f}" for name, s, rate, up, started in rows]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _check_same(work: Path, archive: Path, outputs: dict[str, str]) -> None:
    """Every command gave each file the same status and (to 4 decimals) the same probability."""
    from pneumo_core.archive.results import read_results

    predicted = {Path(r["file"]).relative_to(archive).as_posix(): (r["status"], r["probability_pneumonia"])
                 for r in csv.DictReader(io.StringIO(next(iter(outputs.values()))))}
    for tag in ("w1", "w2"):
        scored = {r["file"]: (r["status"], r["probability_pneumonia"])
                  for r in read_results(work / f"{tag}-all.parquet").to_pylist()}
        differ = sorted(f for f, (status, p) in predicted.items()
                        if f not in scored or scored[f][0] != status
                        or (p and abs(float(p) - scored[f][1]) > 1e-4))  # predict prints 4 decimals
        if differ or len(scored) != len(predicted):
            raise SystemExit(f"score-archive ({tag}) and predict disagree, e.g. on {differ[:5]}")

if __name__ == "__main__":
    sys.exit(main())
