#!/usr/bin/env bash
# Issue 15's comparison on the GPU machine (device tool), KERAS_BACKEND=jax: `compare train` (every
# architecture named, in parallel, with one budget of epochs and minutes), then `compare score` on the
# same machine: the weights of VGG16, ResNet50V2 and InceptionV3 (50-90 MB) are too large to come
# back, so each network is scored where it was trained (the test split once, the stress report on its
# validation split). The report comes back as $OUT/comparison.json with the runs' logs; then, here:
#   python -m pneumo_core compare merge OUT1/comparison.json [OUT2/comparison.json] --out models/comparison.json
#   python -m pneumo_core compare time     # speed on this machine, every row side by side
# Expects: .data/kermany-224 (a copy of ../shared/datasets/kermany-224) and .whl/ (the keras wheels of
# ../shared/device-wheels), both carried.
# Usage: tools/compare_gpu.sh EPOCHS MAX_MINUTES [ARCH ...]   (default: every architecture). One
# command may run 10 minutes: training (MAX_MINUTES is checked at the end of an epoch, and the gate is
# fitted after it) plus scoring (test split and stress report, ~30 s or more per network) must fit,
# so split the architectures over two commands and measure a smoke run first. The report is written
# after every network, so a command stopped at its limit still returns what it finished.
set -euo pipefail
epochs=${1:-20}; minutes=${2:-6}; shift $(( $# < 2 ? $# : 2 ))
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1
runs=/tmp/compare; mkdir -p $runs
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
status=0
python3 -m pneumo_core compare train --out $runs --epochs "$epochs" --max-minutes "$minutes" \
  ${1:+--architectures "$@"} -- --data .data/kermany-224 --workers 2 --verbose 2 || status=$?
python3 -m pneumo_core compare score $(for d in $runs/*/; do [ -f $d/model.json ] && echo $d; done) --data .data/kermany-224 \
  --out $OUT/comparison.json > $runs/score.log 2>&1 || { tail -n 30 $runs/score.log; status=1; }
tail -n 12 $runs/score.log
# the logs and records only: weights and the gates' arrays (a 2048x2048 precision matrix is ~15 MB) stay
tar czf $OUT/records.tar.gz --exclude='*.keras' --exclude='*.gate.npz' -C $runs .
exit $status
