"""One training run of implicit's CPU BPR (implicit.cpu.bpr.BayesianPersonalizedRanking) on a
training set exported by dev.sparsetrain.compare.ImplicitBprComparison, for that comparison.

Needs numpy, scipy, tqdm and implicit's compiled CPU BPR module on PYTHONPATH (built from
implicit/cpu/bpr.pyx as docs/results.md describes). Reads CSR_DIR/indptr.npy and CSR_DIR/indices.npy
(int32, the users' sorted training items, sparsetrain's dense indices), trains with implicit's own
fit() and writes OUT_DIR/user_factors.npy and OUT_DIR/item_factors.npy (float32, implicit's layout:
factors + 1 columns; the users' last column is 1, the items' last column is the item bias). Prints
one JSON line of figures. Timing covers fit() only (the data is in memory before it starts).
"""
import argparse
import json
import os
import time

import numpy as np
import scipy.sparse as sp
from implicit.cpu.bpr import BayesianPersonalizedRanking

p = argparse.ArgumentParser()
p.add_argument("--csr", required=True)
p.add_argument("--items", type=int, required=True)
p.add_argument("--out", required=True)
p.add_argument("--factors", type=int, default=100)
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--reg", type=float, default=0.01)
p.add_argument("--iterations", type=int, default=100)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()

indptr = np.load(os.path.join(a.csr, "indptr.npy"))
indices = np.load(os.path.join(a.csr, "indices.npy"))
users = len(indptr) - 1
m = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(users, a.items))

epochs = {"seconds": 0.0, "correct": 0, "skipped": 0}


def callback(epoch, elapsed, correct, skipped):
    epochs["seconds"] += elapsed
    epochs["correct"] += int(correct)
    epochs["skipped"] += int(skipped)


model = BayesianPersonalizedRanking(factors=a.factors, learning_rate=a.lr, regularization=a.reg,
                                    iterations=a.iterations, num_threads=a.threads, random_state=a.seed)
cpu0, t0 = time.process_time(), time.perf_counter()
model.fit(m, show_progress=False, callback=callback)
wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0

os.makedirs(a.out, exist_ok=True)
np.save(os.path.join(a.out, "user_factors.npy"), np.ascontiguousarray(model.user_factors, dtype=np.float32))
np.save(os.path.join(a.out, "item_factors.npy"), np.ascontiguousarray(model.item_factors, dtype=np.float32))
print(json.dumps({
    "fit_seconds": wall, "cpu_seconds": cpu, "epoch_seconds": epochs["seconds"],
    "samples": int(m.nnz) * a.iterations, "skipped": epochs["skipped"], "correct": epochs["correct"],
    "factors": a.factors, "threads": a.threads if a.threads else os.cpu_count(), "iterations": a.iterations,
    "dtype": str(model.user_factors.dtype), "nnz": int(m.nnz),
}))
