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
for i in $(seq 0 $((members - 1))); do
  python3 -m pneumo_core train --data .data/kermany-224 --out $runs/m$i --member-index $i \
    --epochs "$epochs" --image-size "$size" --architecture resnet --width 24 --augment ensemble-2026.11 --verbose 2 --workers 3 --max-minutes 7 > $runs/log_m$i.txt 2>&1 &
done
wait
tail -n 3 $runs/log_m*.txt
python3 -m pneumo_core ensemble $(for i in $(seq 0 $((members - 1))); do echo $runs/m$i; done) \
  --out $OUT/model --version "$version" > $runs/log_ensemble.txt 2>&1 || { cat $runs/log_ensemble.txt; exit 1; }
tail -n 2 $runs/log_ensemble.txt
cp $runs/m0/model.keras $OUT/m0_model.keras; cp $runs/m0/model.json $OUT/m0_model.json
rm -f $runs/m*/member.keras $runs/m*/model.keras
tar czf $OUT/records.tar.gz -C $runs .
