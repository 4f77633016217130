"""Comparison reports made up for tests of how one is stored and shown (never of what it measures)."""

from __future__ import annotations

from pneumo_core.evaluation.comparison import ComparisonReport, ComparisonRow


def make_row(key="vgg16", sha="a" * 64, accuracy=0.9, map_side=7, stress=None, speed=None) -> ComparisonRow:
    return ComparisonRow(
        key=key, name=f"net {key}", architecture=key, weights_sha256=sha, parameters=1_500_000, file_mb=5.8,
        map_side=map_side,
        training={"epochs": 20, "epochs_run": 18, "seconds": 300.0, "backend": "jax", "command": "c",
                  "train_images": 4100, "members": 1, "input_size": 224, "width": None},
        test={"threshold": 0.5, "accuracy": accuracy, "sensitivity": 0.95, "specificity": 0.8,
              "interval_95": {"accuracy": [0.87, 0.92], "sensitivity": [0.92, 0.97], "specificity": [0.74, 0.85]},
              "roc_auc": 0.95, "roc_auc_interval_95": [0.93, 0.965], "ece": 0.04, "counts": {"NORMAL": 234, "PNEUMONIA": 390},
              "roc": {"fpr": [0.0, 0.2, 1.0], "tpr": [0.0, 0.9, 1.0]}},
        stress=stress if stress is not None else {"worst_drop": 0.01, "max_drop": 0.02, "eligible": True, "rows": {}},
        speed=speed, how="trained by c")


def make_report(*rows) -> ComparisonReport:
    return ComparisonReport(rows or (make_row(),), "the protocol.", {}, "2026-11-24T00:00:00+00:00")
