"""The published approaches under pneumo's protocol: ``python -m pneumo_core compare {train,score,merge,time,show}``.

- ``train``: one run of ``train`` per architecture (``CANDIDATES``: the published ones of
  ``model.published_nets`` and pneumo's own ``fast``), all with the same patient split, augmentation,
  number of epochs and time cap, in parallel (on the GPU machine: ``tools/compare_gpu.sh``). Each
  run calibrates its network, fixes its presets and band and fits its input gate on validation, as
  every pneumo model is.
- ``score``: for each run, the official test split scored once at the threshold fixed on validation
  (a run already in the report, same weights, keeps its numbers and is not scored again) and the
  validation stress report; the served model joins with its committed test report. Written to the
  comparison report the Model performance page reads (``evaluation.comparison``).
- ``time``: every row's speed on this machine, side by side in one run (``compare_speed``).
- ``merge``: the reports of several ``score`` runs (e.g. two GPU commands) as one.
- ``show``: the report as a Markdown table.

The command's options are in ``compare_cli``. Networks and images are loaded by the functions that
need them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from ..errors import ModelFileError
from ..evaluation.comparison import ComparisonReport, ComparisonRow, read_comparison, write_comparison
from .settings import MODEL_FILE, SETTINGS_FILE, TrainSettings

log = logging.getLogger(__name__)

# Trained by ``compare train`` in this order; "fast" is pneumo's own (model v2's) network.
CANDIDATES = ("mlp", "cnn3", "vgg16", "resnet50v2", "inceptionv3", "mobilenetv2", "fast")
PROTOCOL = ("The networks trained by `python -m pneumo_core compare train` share pneumo's pipeline: the same split of "
            "the training films by patient, the same augmentation, epochs and time cap; calibration, presets and band "
            "fixed on that validation split by the rules every pneumo model follows. Every row, the served model's "
            "too, is scored once on the official 624-film test split at its default threshold.")
# What must be the same for every network trained by `compare train` (``merge`` refuses reports that differ).
BUDGET = ("epochs", "max_minutes", "image_size", "batch_size", "val_fraction", "split", "split_seed", "limit", "augment")


def train_all(out: Path, architectures: list[str], epochs: int, max_minutes: float, parallel: int,
              train_args: list[str]) -> int:
    """Run ``train`` once per architecture into ``out/ARCH`` (``parallel`` at a time); 0 if all ended well."""
    out.mkdir(parents=True, exist_ok=True)
    pending, running, failed = list(architectures), [], []
    while pending or running:
        while pending and len(running) < parallel:
            arch = pending.pop(0)
            command = [sys.executable, "-m", "pneumo_core", "train", "--architecture", arch, "--out", str(out / arch),
                       "--epochs", str(epochs), "--max-minutes", str(max_minutes), "--version", f"compare-{arch}",
                       *train_args]
            log.info("training %s: %s", arch, " ".join(command[1:]))
            handle = open(out / f"{arch}.log", "w")  # noqa: SIM115 -- closed when the run ends
            running.append((arch, subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT), handle))
        time.sleep(1)
        for item in list(running):
            arch, process, handle = item
            if process.poll() is not None:
                handle.close()
                running.remove(item)
                if process.returncode:
                    failed.append(arch)
                log.info("%s ended with status %d (log: %s)", arch, process.returncode, out / f"{arch}.log")
    if failed:
        log.error("these runs failed: %s", ", ".join(failed))
    return 1 if failed else 0


def _run_dir(path: Path) -> tuple[Path, Path | None]:
    """(model file, the run folder it came from or None) for a run folder of ``train`` or a model file."""
    return (path / MODEL_FILE, path) if path.is_dir() else (path, None)


def _epochs_run(run_dir: Path | None) -> int | None:
    history = run_dir / "history.csv" if run_dir else None
    if history is None or not history.is_file():
        return None
    return max(0, len(history.read_text().strip().splitlines()) - 1)


def measure(predictor, run_dir: Path | None, report, stress: dict, how: str, name: str = "") -> ComparisonRow:
    """A row from a loaded model (``Predictor``), its run folder, its test ``EvaluationReport`` and its
    validation stress report."""
    from ..evaluation import metrics
    from ..model.published_nets import PUBLISHED_NETS

    bundle, meta, network = predictor.bundle, predictor.meta, predictor.model
    arch = meta.training.get("architecture", "resnet")  # recorded since there was a choice; before: resnet
    threshold = meta.default_threshold
    at = report.at(threshold)
    roc = metrics.curves(report.probabilities, report.labels, max_points=100)["roc"] or {"fpr": [], "tpr": []}
    if not name:
        own = f"pneumo's {arch} network" + (" (model v2's)" if arch == "fast" else "")
        name = PUBLISHED_NETS[arch][1] if arch in PUBLISHED_NETS else own
    settings = TrainSettings.read(run_dir) if run_dir and (run_dir / SETTINGS_FILE).is_file() else None
    width = settings.width if settings else None
    budget = json.loads(json.dumps({k: v for k, v in dataclasses.asdict(settings).items() if k in BUDGET})) \
        if settings else None  # as JSON has it (lists, not tuples), so a row equals itself read back
    return ComparisonRow(
        key=meta.version, name=name, architecture=arch, weights_sha256=meta.weights_sha256,
        parameters=int(network.count_params()), file_mb=round(bundle.weights.stat().st_size / 2**20, 2),
        map_side=int(network.get_layer(meta.gradcam_layers[0]).output.shape[1]),
        training={"epochs": meta.training.get("epochs"), "epochs_run": _epochs_run(run_dir),
                  "seconds": meta.training.get("seconds"), "backend": meta.training.get("keras_backend"),
                  "command": meta.training.get("command"), "train_images": meta.training.get("train_images"),
                  "members": meta.training.get("members", 1), "input_size": meta.input_size, "width": width,
                  "budget": budget},
        test={"threshold": threshold, "preset": meta.default_preset,
              **{k: at[k] for k in ("accuracy", "sensitivity", "specificity", "confusion_matrix")},
              "interval_95": {k: list(v) if v else None for k, v in at["interval_95"].items()},
              "roc_auc": report.ranking["roc_auc"], "ece": report.calibration["ece"], "counts": report.counts,
              "roc_auc_interval_95": list(report.roc_auc_interval) if report.roc_auc_interval else None,
              "roc": {"fpr": roc["fpr"], "tpr": roc["tpr"]}},
        stress={k: stress[k] for k in ("worst_drop", "max_drop", "eligible", "rows", "images", "threshold")
                if k in stress},
        speed=None, how=how)


def _test_report(bundle, data: Path, predictor):
    """The bundle's test report: the one already written with these weights if there is one (a network
    is scored on the test split once, even when an earlier ``score`` stopped half-way), else scored now
    with ``predictor`` (the bundle's model, loaded)."""
    from ..evaluation.report import EvaluationReport
    from .evaluate import evaluate, summary

    if bundle.report_path("test").is_file():
        report = bundle.report("test")  # refused if it was made with other weights
        log.info("%s: its test report is already written; not scored again", bundle.meta.version)
        return report
    raw = evaluate(data, "test", bundle, predictor=predictor)
    bundle.write_report("test", raw)
    log.info("%s: %s", bundle.meta.version, summary(raw))
    return EvaluationReport(raw)


def _with_pneumo(version: str) -> str:
    return version if version.startswith("pneumo") else f"pneumo {version}"


def _named(row: ComparisonRow, rows: dict[str, ComparisonRow]) -> ComparisonRow:
    """``row``, its name marked "attempt N" when the same kind of network is already in ``rows``:
    every network scored on the test split stays in the report, and a repeat says so."""
    same = [r for r in rows.values() if r.architecture == row.architecture and r.weights_sha256 != row.weights_sha256
            and r.training.get("epochs_run") is not None]
    if not same or row.training.get("epochs_run") is None:
        return row
    return dataclasses.replace(row, name=f"{row.name}, attempt {len(same) + 1}")


def score(runs: list[Path], reference: Path | None, data: Path, out: Path) -> ComparisonReport:
    """Add every run (and the served model) to the report at ``out``: rows already there (same
    weights) are kept as they are, and so are rows of other networks. The report is written after
    each row, so a stopped run keeps what it finished; a run folder without a finished model is
    skipped with a warning."""
    from ..model.bundle import ModelBundle
    from ..model.predictor import Predictor
    from .stress import judge

    existing = read_comparison(out)
    rows = {r.weights_sha256: r for r in existing.rows} if existing else {}
    timing = existing.timing if existing else {}

    def save() -> ComparisonReport:
        report = ComparisonReport(tuple(rows.values()), PROTOCOL, timing,
                                  dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        write_comparison(report, out)
        return report

    for path in runs:
        model_file, run_dir = _run_dir(path)
        bundle = ModelBundle(model_file)
        if not bundle.metadata_path.is_file():
            log.warning("%s: no finished model (training failed or was stopped); left out", path)
            continue
        if bundle.meta.weights_sha256 in rows:
            log.info("%s: already in the report; kept as it was", rows[bundle.meta.weights_sha256].name)
            continue
        predictor = Predictor(bundle)  # loaded once: test split, stress report and the row's facts
        report = _test_report(bundle, data, predictor)
        stress = bundle.meta.stress or judge(bundle, data, predictor=predictor)
        row = measure(predictor, run_dir, report, stress,
                      f"Trained by `{bundle.meta.training.get('command', '?')}`; scored by "
                      "`python -m pneumo_core compare score`.")
        rows[row.weights_sha256] = _named(row, rows)
        save()
    if reference:
        bundle = ModelBundle(reference)
        row = measure(Predictor(bundle), None, bundle.report("test"), bundle.meta.stress,
                      "The model this app serves, trained by its own recipe (see its training record), with its "
                      "committed test report (`python -m pneumo_core evaluate --split test`, scored once).",
                      name=f"{_with_pneumo(bundle.meta.version)} (the model this app serves)")
        kept = rows.get(row.weights_sha256)
        rows[row.weights_sha256] = dataclasses.replace(row, speed=kept.speed if kept else None)
    return save()


def merge(reports: list[Path], out: Path) -> ComparisonReport:
    """One report of the rows of ``reports`` (a row found twice, same weights, is kept once; a repeat
    of the same kind of network is marked "attempt N"; speeds are dropped: time the merged report in
    one run). Reports whose networks were trained with different budgets are refused."""
    rows: dict[str, ComparisonRow] = {}
    for path in reports:
        found = read_comparison(path)
        if found is None:
            raise ModelFileError(f"no comparison report at {path}")
        for r in found.rows:
            if r.weights_sha256 not in rows:
                rows[r.weights_sha256] = _named(dataclasses.replace(r, speed=None), rows)
    budgets = {json.dumps(r.training.get("budget"), sort_keys=True) for r in rows.values() if r.training.get("budget")}
    if len(budgets) > 1:
        raise ModelFileError("these reports hold networks trained with different budgets (epochs, time cap, size, "
                             f"split or augmentation): {sorted(budgets)}; train them again with one budget")
    merged = ComparisonReport(tuple(rows.values()), PROTOCOL, {}, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    write_comparison(merged, out)
    return merged
