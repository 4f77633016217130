"""Scoring a whole archive of films on a distributed engine (``python -m pneumo_core score-archive``).

- ``results``: the Parquet results folder: its columns, what is already done (resuming), atomic parts.
- ``scorer``: one worker's job: read files as bytes, decode and score them with a model loaded once.
- ``engine``: the Ray Data pipeline around them (embedded on this machine, or a cluster's address).

May import ``errors``, ``config``, ``decision``, ``imaging`` and ``model``. Ray and pyarrow are
imported inside functions only, so importing this package loads neither (nor TensorFlow).
"""
