#!/usr/bin/env bash
# How the shipped model was trained on the GPU machine (device tool), KERAS_BACKEND=jax.
# Expects: .data/kermany-224 (a copy of ../shared/datasets/kermany-224) and .whl/ (the keras
# wheels of ../shared/device-wheels), both carried; writes results under $OUT.
# Usage: tools/train_gpu.sh EPOCHS MEMBERS VERSION IMAGE_SIZE
set -euo pipefail
epochs=${1:-40}; members=${2:-5}; version=${3:-pneumo-cnn}; size=${4:-224}
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1
runs=/tmp/runs; mkdir -p $runs
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
stop_runs() {  # each run's own processes (python) first, then the run's shell: nothing keeps the GPU
  for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
}
trap stop_runs EXIT  # a failed member stops the others too
member() {  # a failed member shows its log's end, instead of surfacing later in `ensemble`
  python3 -m pneumo_core train --data .data/kermany-224 --out $runs/m$1 --member-index $1 \
    --epochs "$epochs" --image-size "$size" --architecture resnet --width 24 --augment ensemble-2026.11 --verbose 2 --workers 3 --max-minutes 7 > $runs/log_m$1.txt 2>&1 \
    || { echo "member $1 failed:"; tail -n 20 $runs/log_m$1.txt; return 1; }
}
pids=()
for i in $(seq 0 $((members - 1))); do member "$i" & pids+=($!); done
for _ in "${pids[@]}"; do wait -n; done  # set -e: the first member to fail, whichever, stops the recipe
tail -n 3 $runs/log_m*.txt
python3 -m pneumo_core ensemble $(for i in $(seq 0 $((members - 1))); do echo $runs/m$i; done) \
  --out $OUT/model --version "$version" > $runs/log_ensemble.txt 2>&1 || { cat $runs/log_ensemble.txt; exit 1; }
tail -n 2 $runs/log_ensemble.txt
cp $runs/m0/model.keras $OUT/m0_model.keras; cp $runs/m0/model.json $OUT/m0_model.json
rm -f $runs/m*/member.keras $runs/m*/model.keras
tar czf $OUT/records.tar.gz -C $runs .
