"""The model: its files (``bundle``), metadata, calibration, the network's architecture, the
predictor and the heatmaps that explain it.

May import: ``pneumo_core.errors``, ``decision``, ``config``, the ``imaging`` and ``evaluation``
packages, NumPy, SciPy, OpenCV; keras and tf-keras-vis only inside the functions that need a
network (``Predictor``, ``Explainer``, ``architecture``), so reading a model's metadata, reports
and card loads no TensorFlow. Never streamlit, the review log, the presentation or training.
"""
