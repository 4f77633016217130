"""The session's heatmap store (``ui.widgets.stored_heatmap``): each heatmap computed once, the oldest
dropped past the limit, nothing kept when the computation fails."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ui import widgets


def _counting():
    calls = []

    def compute():
        calls.append(1)
        return SimpleNamespace(values=np.full((2, 2), len(calls), np.float32))

    return compute, calls


def test_a_heatmap_is_computed_once_per_key():
    store, (compute, calls) = {}, _counting()
    first, _ = widgets.stored_heatmap(store, ("film", "NORMAL", "gradcam"), compute)
    again, _ = widgets.stored_heatmap(store, ("film", "NORMAL", "gradcam"), compute)
    assert len(calls) == 1 and again is first
    widgets.stored_heatmap(store, ("film", "PNEUMONIA", "gradcam"), compute)  # another label: its own heatmap
    assert len(calls) == 2 and len(store) == 2


def test_the_oldest_heatmaps_are_dropped_past_the_limit(monkeypatch):
    monkeypatch.setattr(widgets, "MAX_HEATMAPS", 3)
    store, (compute, _) = {}, _counting()
    for i in range(5):
        widgets.stored_heatmap(store, (f"film-{i}", "NORMAL", "gradcam"), compute)
    assert [k[0] for k in store] == ["film-2", "film-3", "film-4"]


def test_a_failed_computation_stores_nothing():
    def failing():
        raise RuntimeError("no region")

    store = {}
    with pytest.raises(RuntimeError):
        widgets.stored_heatmap(store, ("film", "NORMAL", "gradcam"), failing)
    assert store == {}
