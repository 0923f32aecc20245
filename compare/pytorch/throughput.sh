#!/usr/bin/env bash
# PyTorch against sparsetrain, training throughput, run alternately so that load from other
# processes hits both alike: ROUNDS rounds (default 3), each running every set-up once in a rotated
# order. Prints each run's output with the load average before it; the median and range are read
# off these lines (docs/results.md, "PyTorch, measured on this machine").
#   bash compare/pytorch/throughput.sh [ROUNDS]        (from the repository root; needs python3-torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
PY=/usr/bin/python3
./sparsetrain --version > /dev/null    # build first, outside the timings

torch_bpr()     { $PY compare/pytorch/bpr_throughput.py --batch 256 4096 --epochs 3 --threads "$1" | grep -E '^#|RESULT'; }
sparse_bpr()    { ./sparsetrain benchmark bpr --threads "$1" | grep -E 'training samples/s|per-core|machine load'; }
torch_vbpr()    { for b in 256 4096; do
                    echo "batch $b:"; $PY compare/pytorch/vbpr_torch.py --model vbpr --optim pergroup --epochs 4 --eval-every 100 \
                      --batch "$b" --threads "$1" | grep 'training throughput'; done; }
sparse_vbpr()   { ./sparsetrain benchmark vbpr --no-synthetic --threads "$1" | grep 'samples/s'; }

setups=("torch_bpr 2" "sparse_bpr 2" "torch_bpr 1" "torch_vbpr 2" "sparse_vbpr 2" "torch_vbpr 1")
n=${#setups[@]}
for ((r = 0; r < ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do
    s=${setups[$(((k + r) % n))]}
    echo "=== round $((r + 1)): $s (threads) at $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    $s
  done
done
