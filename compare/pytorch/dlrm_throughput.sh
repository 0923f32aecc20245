#!/usr/bin/env bash
# DLRM's Criteo Kaggle configuration, sparsetrain against PyTorch on CPU, alternated so that load
# from other processes hits both alike: the rows are exported once, then ROUNDS rounds (default 3)
# each run ours with --threads 1, PyTorch with torch.set_num_threads(1), ours with --threads 2 and
# PyTorch with 2 threads, in that order. Prints uptime at the start and the end, and each run's
# figures (samples/s and samples per CPU-second per batch size).
#   bash compare/pytorch/dlrm_throughput.sh [ROUNDS] [ROWS] [ROWS_PER_TABLE]   (from the repository root; needs python3-torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
ROWS=${2:-50000}
CAP=${3:-}
PY=/usr/bin/python3
DATA=${DLRM_DATA:-/tmp/sparsetrain-dlrm-$ROWS${CAP:+-$CAP}}
CAPARG=(); [ -n "$CAP" ] && CAPARG=(--rows-per-table "$CAP")
./sparsetrain --version > /dev/null    # build first, outside the timings
[ -f "$DATA/labels.npy" ] || ./sparsetrain benchmark sparsenn --arch dlrm-kaggle --rows "$ROWS" "${CAPARG[@]}" --export-data "$DATA"

ours()   { ./sparsetrain benchmark sparsenn --arch dlrm-kaggle --rows "$ROWS" "${CAPARG[@]}" --threads "$1" | grep -E '^data|^model|^  batch|peak memory'; }
theirs() { $PY compare/pytorch/dlrm_throughput.py --data "$DATA" --threads "$1" | grep -E '^#|RESULT'; }

echo "start: $(uptime)"
for ((r = 1; r <= ROUNDS; r++)); do
  for s in "ours 1" "theirs 1" "ours 2" "theirs 2"; do
    echo "=== round $r: $s (threads) at $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    $s
  done
done
echo "end: $(uptime)"
