"""Where the model looked: Grad-CAM, Grad-CAM++ and Score-CAM through tf-keras-vis.

The map explains the *predicted* class (a map "towards PNEUMONIA" on an image the model calls
NORMAL is often empty, tf-keras-vis issues #30/#78): the sigmoid is replaced by a linear output
and the score is the logit for PNEUMONIA, its negative for NORMAL. For a model averaging several
members, the raw maps of every member's last feature map are summed before normalising: that is
the CAM of the averaged logit. A map that comes out empty raises ``ExplanationError``.

The methods marked ``per_member`` in ``heatmaps.HEATMAP_METHODS`` (Grad-CAM, Grad-CAM++) run each
member's map on that member alone (the input up to its own
logit) instead of on the whole ensemble, so one heatmap costs one pass per member rather than one
pass of every member per member. The score is shifted and scaled so that its value and its
gradient at the member's feature map equal those of the ensemble's averaged logit: the maps are
the same as the whole-ensemble ones (a test checks it), only faster. The others (Score-CAM, which
scores masked inputs) keep the whole model.

A model that looks at an image through views (``ModelMetadata.views``: a zoom or rotation
before equalisation) is explained on those views, and each view's map is mapped back onto the
image's own pixels before the maps are summed.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from ..imaging.preprocess import IDENTITY_VIEW, undo_view
from .heatmaps import Heatmap, HeatmapMethod, method_named, normalize_map


class Explainer:
    """CAM objects built once per model; thread-safe."""

    def __init__(self, model, layers: tuple[str, ...], classes: tuple[str, ...], per_member: bool = True):
        """``per_member=False``: always run the whole model (slower; the reference the tests compare with)."""
        if not layers:
            raise ValueError("expected at least one Grad-CAM layer name; got none")
        missing = [name for name in layers if name not in {layer.name for layer in model.layers}]
        if missing:
            raise ValueError(f"Grad-CAM layers {missing} are not in the model")
        self.model, self.layers, self.classes = model, tuple(layers), tuple(classes)
        self._members = _member_models(model, self.layers) if per_member else None
        self._cams: dict[tuple[str, str | None], object] = {}
        self._lock = threading.Lock()

    def _cam(self, method: HeatmapMethod, layer: str | None = None):
        """The tf-keras-vis object of ``method`` on the whole model, or on ``layer``'s member alone."""
        from tf_keras_vis.utils.model_modifiers import ReplaceToLinear

        if (method.name, layer) not in self._cams:
            cls = method.load_class()
            if layer is None:
                self._cams[method.name, layer] = cls(self.model, model_modifier=ReplaceToLinear(), clone=True)
            else:  # the member's output is its logit already: nothing to replace, nothing to clone
                self._cams[method.name, layer] = cls(self._members[0][layer], model_modifier=None, clone=False)
        return self._cams[method.name, layer]

    def explain(self, model_input: np.ndarray, label: str, method: str = "Grad-CAM",
                out_size: tuple[int, int] | None = None,
                views: tuple[tuple[float, float], ...] | None = None) -> Heatmap:
        """Heatmap explaining ``label`` for one model input ``(S, S, 1)``, or for the model's views of
        one image ``(V, S, S, 1)`` made with ``views`` (each view's map is mapped back onto the
        image, then summed: the CAM of the views' averaged logit), resized to ``out_size`` (h, w)."""
        from tf_keras_vis.utils.scores import BinaryScore

        if label not in self.classes:
            raise ValueError(f"expected a label in {self.classes}; got {label!r}")
        x = model_input[None] if model_input.ndim == 3 else model_input
        if x.ndim != 4 or x.shape[-1] != 1:
            raise ValueError(f"expected one model input (S, S, 1) or its views (V, S, S, 1); got {model_input.shape}")
        views = tuple(tuple(v) for v in views) if views is not None else (IDENTITY_VIEW,) * len(x)
        if len(views) != len(x):
            raise ValueError(f"expected one view per model input; got {len(views)} views for {len(x)} inputs")
        spec = method_named(method)
        sign = 1.0 if label == self.classes[1] else -1.0
        per_member = spec.per_member and self._members is not None
        kwargs = dict(spec.options)
        total = None
        with self._lock:
            if per_member and len(self.layers) == 1 and len(x) == 1:  # one network, one view: its own signed logit
                scores = {self.layers[0]: _shifted_score(sign, np.zeros(1, np.float32))}
            else:
                scores = self._member_scores(x, sign) if per_member else {}
            for layer in self.layers:
                cam = self._cam(spec, layer if per_member else None)
                score = scores[layer] if per_member else BinaryScore(sign > 0)
                raw = cam(score, x, penultimate_layer=layer, seek_penultimate_conv_layer=False,
                          expand_cam=False, normalize_cam=False, **kwargs)
                raw = np.asarray(raw[0] if isinstance(raw, list) else raw).astype(np.float64)
                total = raw if total is None else total + raw
        size = x.shape[1:3]
        if views == (IDENTITY_VIEW,):
            combined = total[0]
        else:  # each view's map at the input's size, put back where it came from on the image
            combined = sum(undo_view(np.maximum(cv2.resize(m.astype(np.float32), (size[1], size[0]),
                                                           interpolation=cv2.INTER_CUBIC), 0.0), v)
                           for m, v in zip(total, views))
        return Heatmap(normalize_map(combined, out_size or size, method), method, label)

    def _member_scores(self, x: np.ndarray, sign: float) -> dict:
        """Per member, a score of its logit on every view whose value and gradient equal those of
        the signed logit averaged over members and views (what the predicted probability is made of)."""
        _, logits_model = self._members
        out = logits_model(x, training=False)
        logits = np.stack([np.asarray(v, dtype=np.float64).reshape(-1)
                           for v in (out if isinstance(out, (list, tuple)) else [out])])  # (members, views)
        weight = 1.0 / logits.size
        target = sign * float(logits.mean())
        return {layer: _shifted_score(sign * weight, (target - sign * weight * row).astype(np.float32))
                for layer, row in zip(self.layers, logits)}


def _shifted_score(scale: float, offset: np.ndarray):
    """A tf-keras-vis score: ``scale`` times a member's logit per view, plus a constant ``offset``."""
    return lambda y: scale * y[:, 0] + offset


def _member_models(model, layers: tuple[str, ...]):
    """(layer -> model from the input to that member's logit, model giving every member's logit),
    or None when ``model`` is not an average of the members' logits (then the whole model is used)."""
    import keras

    from .architecture import GRADCAM_LAYER, LOGIT_LAYER

    names = {layer.name for layer in model.layers}
    logit_names = [layer[: -len(GRADCAM_LAYER)] + LOGIT_LAYER if layer.endswith(GRADCAM_LAYER) else None
                   for layer in layers]
    if None in logit_names or not all(name in names for name in logit_names):
        return None
    if len(layers) > 1 and not (LOGIT_LAYER in names and isinstance(model.get_layer(LOGIT_LAYER), keras.layers.Average)):
        return None
    outputs = [model.get_layer(name).output for name in logit_names]
    sub_models = {layer: keras.Model(model.input, out) for layer, out in zip(layers, outputs)}
    return sub_models, keras.Model(model.input, outputs)
