"""pneumo: a second opinion on pediatric chest X-rays (NORMAL / PNEUMONIA).

The public API: the app, the tools and the benchmarks use only what is exported here. Names are
loaded on first use (PEP 562), so ``import pneumo_core`` is quick and loads no TensorFlow; the
network is loaded when a ``Predictor`` is made. Where each name lives:

- ``imaging``: ``load_image``, ``LoadedImage``, ``ImageInfo``, ``sniff_format``, ``downscale``,
  ``overlay``, ``COLORMAPS``, ``digest_of``, ``apply_window``, ``window_presets``;
- ``decision``: ``Prediction``, ``decide``, ``label_at``, ``CLASSES``, ``CONFIDENT``, ``SECOND_OPINION``;
- ``model``: ``ModelBundle``, ``ModelMetadata``, ``Predictor``, ``PreparedImage``, ``Heatmap``,
  ``METHODS``, ``HEATMAP_METHODS``;
- ``evaluation``: ``EvaluationReport``, ``Mistake``, ``PUBLISHED``, ``Published``, ``ComparisonReport``,
  ``read_comparison``;
- ``access``: ``Identity``, ``AccessPolicy``;
- ``review``: ``ReviewLog``, ``Case``, ``Event``, ``DOCTOR_LABELS``, ``EVENT_KINDS``;
- ``presentation``: ``texts``, ``model_words``, ``charts``, ``summary``, ``comparison``, ``case_report_pdf``,
  ``viewer_figure``, ``VIEWER_CONFIG``, ``VIEWER_TOP_MARGIN``;
- ``uploads``: ``read_uploads``, ``ReadImage``; ``config``: ``Settings``; ``errors``: the exceptions.
"""

from __future__ import annotations

import importlib

from .config import Settings
from .errors import (
    AccessDenied,
    DataLayoutError,
    ExplanationError,
    ModelFileError,
    PneumoError,
    RedactionUnavailableError,
    ReviewLogError,
    UnreadableImageError,
)

_LAZY: dict[str, tuple[str, str | None]] = {  # name -> (module, attribute; None: the module itself)
    **{n: ("decision", n) for n in ("CLASSES", "CONFIDENT", "CUSTOM", "SECOND_OPINION", "Prediction", "decide",
                                    "label_at")},
    **{n: ("imaging.load", n) for n in ("load_image", "sniff_format")},
    **{n: ("imaging.types", n) for n in ("ImageInfo", "LoadedImage")},
    **{n: ("imaging.preprocess", n) for n in ("DISPLAY_MAX_SIDE", "downscale")},
    **{n: ("imaging.overlay", n) for n in ("COLORMAPS", "overlay")},
    "digest_of": ("imaging.deidentify", "digest_of"),
    "copy_refusal": ("imaging.redact", "copy_refusal"),
    **{n: ("imaging.window", n) for n in ("apply_window", "window_presets")},
    "viewer_figure": ("presentation.viewer", "viewer_figure"),
    "VIEWER_CONFIG": ("presentation.viewer", "CONFIG"),
    "VIEWER_TOP_MARGIN": ("presentation.viewer", "TOP_MARGIN"),
    "ModelBundle": ("model.bundle", "ModelBundle"),
    "ModelMetadata": ("model.metadata", "ModelMetadata"),
    **{n: ("model.predictor", n) for n in ("Predictor", "PreparedImage")},
    **{n: ("model.heatmaps", n) for n in ("HEATMAP_METHODS", "METHODS", "Heatmap")},
    **{n: ("evaluation.report", n) for n in ("EvaluationReport", "Mistake")},
    **{n: ("evaluation.published", n) for n in ("PUBLISHED", "Published")},
    **{n: ("evaluation.comparison", n) for n in ("ComparisonReport", "read_comparison")},
    "Identity": ("access.identity", "Identity"),
    "AccessPolicy": ("access.policy", "AccessPolicy"),
    "ReviewLog": ("review.log", "ReviewLog"),
    **{n: ("review.records", n) for n in ("Case", "Event", "DOCTOR_LABELS", "EVENT_KINDS")},
    **{n: ("review.text", n) for n in ("MAX_NAME", "MAX_NOTE")},
    "texts": ("presentation.texts", None),
    "model_words": ("presentation.model_words", None),
    "charts": ("presentation.charts", None),
    "summary": ("presentation.summary", None),
    "comparison": ("presentation.comparison", None),
    "case_report_pdf": ("presentation.case_pdf", "case_report_pdf"),
    **{n: ("uploads", n) for n in ("ReadImage", "read_uploads")},
}

__all__ = sorted(["Settings", "AccessDenied", "DataLayoutError", "ExplanationError", "ModelFileError", "PneumoError",
                  "RedactionUnavailableError", "ReviewLogError", "UnreadableImageError", *_LAZY])


def __getattr__(name: str):
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'pneumo_core' has no attribute {name!r}") from None
    value = importlib.import_module(f".{module}", __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
