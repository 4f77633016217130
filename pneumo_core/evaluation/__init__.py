"""How well a model does: metrics from probabilities and labels, the evaluation report (written by
``training.evaluate``, read back here without any image or network), and the published results it
is compared with.

May import: ``pneumo_core.errors``, ``decision``, NumPy and scikit-learn. Never keras or
TensorFlow, never the model, review, presentation or training packages: the Model performance
page reads a report on a machine that never loads the network.
"""
