#!/usr/bin/python3
"""BPR-MF training throughput in PyTorch on MovieLens 1M, to set beside `./sparsetrain benchmark bpr`.

Same work per sample as sparsetrain's BPR-MF: item bias + 64 factors, one uniform negative per
training pair drawn outside train(u) (rejection), -ln sigmoid(x_ui - x_uj) with L2 on the rows
used, sparse embedding gradients (nn.Embedding(sparse=True)) and SGD or SparseAdam. The training
pairs are a leave-one-out split (one random rating per user held out, numpy seed 42): the same
count as sparsetrain's (994,169 pairs). Timed: sampling, forward, backward and optimizer steps of
each epoch; the first epoch of every batch size is a warm-up and not counted. No evaluation.

  /usr/bin/python3 compare/pytorch/bpr_throughput.py --batch 256 4096 --epochs 3 --threads 2
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join(os.environ.get("SPARSETRAIN_DATA", "../shared/data"), "movielens-1m"))
    p.add_argument("--batch", type=int, nargs="+", default=[256, 4096])
    p.add_argument("--epochs", type=int, default=3, help="timed epochs per batch size, after one warm-up epoch")
    p.add_argument("--factors", type=int, default=64)
    p.add_argument("--optim", choices=("sgd", "sparseadam"), default="sgd")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--l2", type=float, default=0.0075)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    r = np.loadtxt(os.path.join(args.data, "ratings_no_timestamp.tsv"), dtype=np.int64, usecols=(0, 1))
    users, items = int(r[:, 0].max()), int(r[:, 1].max())   # ids are 1-based and dense
    u_all, i_all = r[:, 0] - 1, r[:, 1] - 1
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(u_all))
    _, first = np.unique(u_all[order], return_index=True)     # one random rating per user held out
    keep = np.ones(len(u_all), dtype=bool)
    keep[order[first]] = False
    tr_u, tr_i = torch.from_numpy(u_all[keep]), torch.from_numpy(i_all[keep])
    mask = torch.zeros(users, items, dtype=torch.bool)
    mask[tr_u, tr_i] = True
    n = len(tr_u)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads; ML-1M {users} users, {items} items, {n} training pairs; "
          f"{args.factors} factors, {args.optim} lr {args.lr}, l2 {args.l2}; load {os.getloadavg()[0]:.2f}", flush=True)
    gen = torch.Generator().manual_seed(args.seed)
    for batch in args.batch:
        bias = nn.Embedding(items, 1, sparse=True)
        uf = nn.Embedding(users, args.factors, sparse=True)
        itf = nn.Embedding(items, args.factors, sparse=True)
        nn.init.zeros_(bias.weight)
        nn.init.normal_(uf.weight, std=0.1)
        nn.init.normal_(itf.weight, std=0.1)
        params = [bias.weight, uf.weight, itf.weight]
        opt = torch.optim.SGD(params, lr=args.lr) if args.optim == "sgd" else torch.optim.SparseAdam(params, lr=args.lr)
        rates, cpu_rates = [], []
        for epoch in range(args.epochs + 1):
            t0 = time.perf_counter()
            c0 = time.process_time()
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            for s in range(0, n, batch):
                b = perm[s:s + batch]
                u, i = tr_u[b], tr_i[b]
                j = torch.randint(items, (len(b),), generator=gen)
                bad = mask[u, j]
                while bad.any():
                    j[bad] = torch.randint(items, (int(bad.sum()),), generator=gen)
                    bad = mask[u, j]
                gu, gi, gj = uf(u), itf(i), itf(j)
                bi, bj = bias(i).squeeze(1), bias(j).squeeze(1)
                x = bi - bj + (gu * (gi - gj)).sum(1)
                loss = -F.logsigmoid(x).mean() + 0.5 * args.l2 * ((gu * gu).sum(1) + (gi * gi).sum(1) + (gj * gj).sum(1)).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss) * len(b)
            sec = time.perf_counter() - t0
            cpu = time.process_time() - c0
            tag = "warm-up, not counted" if epoch == 0 else "timed"
            if epoch > 0:
                rates.append(n / sec)
                cpu_rates.append(n / cpu)
            print(f"batch {batch:6d} epoch {epoch}: {n / sec / 1e6:.3f} M samples/s ({sec:.2f} s, CPU {cpu:.2f} s, "
                  f"loss {total / n:.4f}, load {os.getloadavg()[0]:.2f}; {tag})", flush=True)
        print(f"RESULT batch {batch}: median {statistics.median(rates) / 1e6:.3f} M samples/s "
              f"[{min(rates) / 1e6:.3f}-{max(rates) / 1e6:.3f}] over {len(rates)} epochs; "
              f"{statistics.median(cpu_rates) / 1e6:.3f} M samples per CPU-second (process)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
