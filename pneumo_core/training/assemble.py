"""One deployable network from a K-fold recipe, calibrated on every training film:
``python -m pneumo_core assemble FOLD_RUN... --final RUN --out DIR``.

Each FOLD_RUN is an output folder of ``train --folds K --fold i`` (i = 0..K-1: trained without the
patients of fold i, its bundle's validation record holds its outputs on them); RUN is one of
``train --folds K --fold -1`` (the same recipe on all of train). The folds' records together are
out-of-fold outputs for all 5,216 training films (instead of a 1,353-film validation split), and
fix what the final network is served with:
- temperature, presets and second-opinion band (``calibration``'s rules, as for any model);
- the input gate (``gate_fit.fit_gate_folds``);
- the stress report and shortcut probe (``stress``), every film judged by the fold network that
  never saw it, at the final default threshold.
The final network saw every film, so nothing is measured with it here; the test split is never read.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np

from ..decision import CLASSES
from ..errors import ModelFileError
from ..imaging.preprocess import PREPROCESSING
from ..model import calibration
from ..model.bundle import ModelBundle, ValidationRecord
from ..model.metadata import ModelMetadata, sha256_of
from . import kermany
from .batches import load_u8
from .gate_fit import fit_gate_folds
from .out_of_fold import check_runs, out_of_fold_raw
from .recalibrate import recalibrate
from .settings import MODEL_FILE, TrainSettings
from .shortcut import N_STATISTICS, explained, image_statistics, statistics_auc
from .stress import stress_report
from .train import FINAL_RECORD, command_line, limit_per_class

log = logging.getLogger(__name__)


def assemble(fold_dirs: list[Path], final_dir: Path, out: Path, data_dir: str | None = None,
             version: str = "") -> ModelMetadata:
    """The final network of ``final_dir``, calibrated, gated and judged on the folds' out-of-fold outputs."""
    import keras

    from ..model.architecture import build_ensemble, gradcam_layers
    from ..model.predictor import Predictor

    fold_dirs, final_dir, out = [Path(d) for d in fold_dirs], Path(final_dir), Path(out)
    final_s = TrainSettings.read(final_dir)
    fold_dirs = check_runs([TrainSettings.read(d) for d in fold_dirs], final_s, fold_dirs)
    s = dataclasses.replace(final_s, data=data_dir or final_s.data, out=str(out), version=version or out.name)
    samples = limit_per_class(kermany.list_split(s.data, "train"), s.limit)
    folds = kermany.patient_folds(samples, s.folds, s.split_seed)
    labels = np.array([x.label for x in samples])
    raw = out_of_fold_raw(fold_dirs, samples, folds)
    fold_meta = [ModelBundle(d / MODEL_FILE).read_metadata() for d in fold_dirs]
    final_info = json.loads((final_dir / FINAL_RECORD).read_text())
    if final_info.get("distill") and final_info.get("teachers_sha256") != [m.weights_sha256 for m in fold_meta]:
        raise ModelFileError(f"{final_dir} was taught by other fold networks than {[str(d) for d in fold_dirs]}; "
                             "assemble it with the fold runs given to its --teachers")

    member = keras.models.load_model(final_dir / "member.keras", compile=False)
    out.mkdir(parents=True, exist_ok=True)
    bundle = ModelBundle(out / MODEL_FILE)
    model = build_ensemble([member], s.image_size, s.width)
    model.save(bundle.weights)
    trained = [m.training for m in fold_meta]
    stub = ModelMetadata(
        version=s.version, classes=CLASSES, input_size=s.image_size, preprocessing=PREPROCESSING,
        temperature=1.0, presets={"balanced": 0.5}, default_preset="balanced", band=(0.5, 0.5),
        gradcam_layers=tuple(gradcam_layers([member])), weights_sha256=sha256_of(bundle.weights),
        training={"data": "Kermany et al. 2018 pediatric chest X-rays (kermany-224 train split)",
                  "command": "; ".join([*(t["command"] for t in trained), final_info["command"], command_line()]),
                  "train_images": len(samples), "train_patients": len({x.patient for x in samples}),
                  "members": 1, "folds": s.folds, "epochs": s.epochs, "architecture": s.architecture,
                  "keras_backend": keras.backend.backend(), "parameters": int(model.count_params()),
                  "seconds": round(sum(t["seconds"] for t in trained) + final_info["seconds"], 1),
                  "mixup": s.mixup, "distill": final_info.get("distill", 0.0)},
        validation={"images": len(samples), "patients": len({x.patient for x in samples}),
                    "split": f"out-of-fold: {s.folds} patient-grouped folds of all of train", "out_of_fold": True,
                    "roc_auc_folds": [m.validation.get("roc_auc") for m in fold_meta]},
    )
    meta = recalibrate(stub, raw, labels)

    films_u8 = load_u8(samples, s.workers, "training films")
    grays = [u.astype(np.float32) / 255 for u in films_u8]
    predictors = [Predictor(ModelBundle(d / MODEL_FILE)) for d in fold_dirs]
    final_features = Predictor(bundle, meta=dataclasses.replace(meta, gate={})).pooled_features(grays)
    gate, gate_record = fit_gate_folds(final_features, labels, folds, [p.pooled_features(grays) for p in predictors],
                                       films_u8)
    meta = dataclasses.replace(meta, gate={**gate_record, "sha256": bundle.write_gate(gate)})

    def out_of_fold(films: list[np.ndarray]) -> np.ndarray:  # films in the samples' order
        p = np.zeros(len(films))
        for f, predictor in enumerate(predictors):
            at = np.flatnonzero(folds == f)
            p[at] = predictor.raw_probabilities([films[i].astype(np.float32) / 255 for i in at])
        return calibration.apply_temperature(p, meta.temperature)

    report = stress_report(out_of_fold, films_u8, labels, meta.default_threshold)
    stats = np.stack([image_statistics(u, x.path.stat().st_size) for u, x in zip(films_u8, samples)])
    report["shortcut"] = {"statistics": N_STATISTICS, **explained(stats, labels, calibration.logit(raw)),
                          "statistics_auc": statistics_auc(stats[folds != 0], labels[folds != 0], stats[folds == 0],
                                                           labels[folds == 0])}
    meta = dataclasses.replace(meta, stress={**report, "command": command_line(), "judged_by": "the fold networks"})
    bundle.write_metadata(meta)
    bundle.write_validation_record(ValidationRecord(tuple(x.path.name for x in samples), tuple(labels.tolist()),
                                                    tuple(raw.tolist())))
    log.info("out-of-fold ROC AUC %.4f, temperature %.3f, presets %s, stress worst drop %.3f",
             meta.validation["roc_auc"] or 0, meta.temperature, meta.presets, report["worst_drop"])
    return meta
