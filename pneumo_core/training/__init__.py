"""Offline only: the Kermany folder layout and patient split, augmentation, batches, training one
network, merging members into an ensemble, re-fixing calibration on validation, and evaluating a
model on a split.

May import anything in ``pneumo_core`` and keras, tqdm and scikit-learn. Nothing outside this
package imports it, except the command line (``pneumo_core.cli``), lazily, when a training
command is run: the app never loads it.
"""
