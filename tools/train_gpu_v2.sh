#!/usr/bin/env bash
# Model v2's K-fold recipe on the GPU machine (device tool), KERAS_BACKEND=jax: one network per fold
# and the final network on all of train, all in parallel, then `assemble` (calibration, presets, band,
# gate and stress report from the out-of-fold outputs). Defaults: the fast architecture and the
# shortcut-free augmentation (see `python -m pneumo_core train --help`).
# Expects: .data/kermany-224 (a copy of ../shared/datasets/kermany-224) and .whl/ (the keras wheels of
# ../shared/device-wheels), both carried; writes the served model and every run's records under $OUT.
# Usage: [DISTILL=W] tools/train_gpu_v2.sh EPOCHS FOLDS VERSION [EXTRA TRAIN OPTIONS...]
# With DISTILL=W (0 < W <= 1) the final network is trained after the folds, on targets W of which are
# the folds' out-of-fold outputs (train --distill W --teachers ...): folds, then final, in series, so
# each run's budget MAX_MINUTES defaults to 4 instead of 7 (one command may run 10 minutes).
# Mixup: --mixup A (the folds and the final network alike).
# Pick EPOCHS from a smoke run's seconds per epoch so that every run ends before its budget: a run
# stopped by --max-minutes has not finished its learning-rate schedule (logged as a warning).
set -euo pipefail
epochs=${1:-30}; folds=${2:-5}; version=${3:-pneumo-v2}; shift $(( $# < 3 ? $# : 3 ))
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1
runs=/tmp/runs; mkdir -p $runs
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
distill=${DISTILL:-}; minutes=${MAX_MINUTES:-$([ -n "$distill" ] && echo 4 || echo 7)}
stop_runs() {  # each run's own processes (python) first, then the run's shell: nothing keeps the GPU
  for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
}
trap stop_runs EXIT  # a failed run stops the others too
train() {  # fold (-1: the final network), then extra options; a failed run shows its log's end
  local f=$1 name=f$1; shift; [ "$f" = -1 ] && name=final
  python3 -m pneumo_core train --data .data/kermany-224 --out $runs/$name --folds "$folds" --fold "$f" \
    --epochs "$epochs" --verbose 2 --workers 2 --max-minutes "$minutes" "$@" > $runs/log_$name.txt 2>&1 \
    || { echo "train $name failed:"; tail -n 20 $runs/log_$name.txt; return 1; }
}
pids=()
for f in $(seq 0 $((folds - 1))); do train "$f" "$@" & pids+=($!); done
if [ -z "$distill" ]; then train -1 "$@" & pids+=($!); fi
for _ in "${pids[@]}"; do wait -n; done  # set -e: the first run to fail, whichever, stops the recipe
if [ -n "$distill" ]; then
  train -1 "$@" --distill "$distill" --teachers $(for f in $(seq 0 $((folds - 1))); do echo $runs/f$f; done)
fi
tail -n 2 $runs/log_*.txt
python3 -m pneumo_core assemble $(for f in $(seq 0 $((folds - 1))); do echo $runs/f$f; done) --final $runs/final \
  --out $OUT/model --version "$version" > $runs/log_assemble.txt 2>&1 || { tail -n 30 $runs/log_assemble.txt; exit 1; }
tail -n 2 $runs/log_assemble.txt
rm -f $runs/*/member.keras $runs/*/model.keras
tar czf $OUT/records.tar.gz -C $runs .
