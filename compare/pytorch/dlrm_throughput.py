#!/usr/bin/python3
"""DLRM (Criteo Kaggle configuration) training throughput in PyTorch on CPU, beside `./sparsetrain benchmark sparsenn --arch dlrm-kaggle`.

The model is facebookresearch/dlrm's dlrm_s_pytorch.py DLRM_Net as its Kaggle script runs it
(bench/dlrm_s_criteo_kaggle.sh: --arch-sparse-feature-size=16 --arch-mlp-bot=13-512-256-64-16
--arch-mlp-top=512-256-1 --learning-rate=0.1 --mini-batch-size=128): one nn.EmbeddingBag(n, 16,
mode="sum", sparse=True) per table initialised U(-1/sqrt(n), 1/sqrt(n)); MLPs of nn.Linear + ReLU
initialised N(0, 2/(m+n)) (bias N(0, 1/m)), a sigmoid after the top MLP's last layer; the dot
interaction: T = cat(x, e_1..e_26) as (B, 27, 16), Z = bmm(T, T^T), its strictly lower triangle
(no self-interactions) concatenated with x (367 values); BCELoss (mean) and torch.optim.SGD over
every parameter (sparse gradients for the tables).

The data are the rows sparsetrain generated (`./sparsetrain benchmark sparsenn --arch dlrm-kaggle
--export-data DIR`): the same table sizes, ids, dense features and labels. Timed: forward,
backward and optimizer step of every mini-batch of a pass (batches are sliced from tensors made
before the clock starts; DLRM's own loop also times only these); the first pass of every batch
size warms up and is not counted. No evaluation.

  /usr/bin/python3 compare/pytorch/dlrm_throughput.py --data DIR --batch 128 512 2048 --passes 2 --threads 1
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn


class DLRM(nn.Module):
    def __init__(self, table_rows, dim, bottom, top, rng):
        super().__init__()
        self.emb = nn.ModuleList()
        for n in table_rows:
            e = nn.EmbeddingBag(int(n), dim, mode="sum", sparse=True)
            e.weight.data = torch.tensor(rng.uniform(-np.sqrt(1 / n), np.sqrt(1 / n), size=(n, dim)).astype(np.float32))
            self.emb.append(e)
        self.bot = self.mlp(bottom, sigmoid_layer=-1, rng=rng)
        self.top = self.mlp(top, sigmoid_layer=len(top) - 2, rng=rng)
        nv = len(table_rows) + 1
        self.li = torch.tensor([i for i in range(nv) for j in range(i)])
        self.lj = torch.tensor([j for i in range(nv) for j in range(i)])

    @staticmethod
    def mlp(ln, sigmoid_layer, rng):
        layers = []
        for i in range(len(ln) - 1):
            n, m = ln[i], ln[i + 1]
            lin = nn.Linear(n, m, bias=True)
            lin.weight.data = torch.tensor(rng.normal(0.0, np.sqrt(2 / (m + n)), size=(m, n)).astype(np.float32))
            lin.bias.data = torch.tensor(rng.normal(0.0, np.sqrt(1 / m), size=m).astype(np.float32))
            layers.append(lin)
            layers.append(nn.Sigmoid() if i == sigmoid_layer else nn.ReLU())
        return nn.Sequential(*layers)

    def forward(self, dense, offsets, ids):
        x = self.bot(dense)
        ly = [e(ids[k], offsets) for k, e in enumerate(self.emb)]
        b, d = x.shape
        t = torch.cat([x] + ly, dim=1).view((b, -1, d))
        z = torch.bmm(t, torch.transpose(t, 1, 2))
        r = torch.cat([x, z[:, self.li, self.lj]], dim=1)
        return self.top(r)


def blas_library():
    """The BLAS shared library this process has loaded (Debian's python3-torch calls whichever libblas.so.3 the alternatives name)."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    with open("/proc/self/maps") as f:
        libs = {os.path.realpath(line.split()[-1]) for line in f if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return ", ".join(sorted(libs)) or "none found"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="folder written by benchmark sparsenn --export-data")
    p.add_argument("--batch", type=int, nargs="+", default=[128, 512, 2048])
    p.add_argument("--passes", type=int, default=2, help="passes per batch size; the first warms up and is not counted")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=123)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    table_rows = np.load(os.path.join(args.data, "table_rows.npy")).astype(np.int64)
    dense = torch.from_numpy(np.load(os.path.join(args.data, "dense.npy")))
    n, nd = dense.shape
    ids = torch.from_numpy(np.load(os.path.join(args.data, "ids.npy")).astype(np.int64).reshape(len(table_rows), n))
    labels = torch.from_numpy(np.load(os.path.join(args.data, "labels.npy")).astype(np.float32)).view(-1, 1)
    t0 = time.perf_counter()
    model = DLRM(table_rows, 16, [nd, 512, 256, 64, 16], [16 + 27 * 26 // 2, 512, 256, 1], rng)
    params = sum(x.numel() for x in model.parameters())
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS {blas_library()}"
          f"; {n} rows, {len(table_rows)} tables ({int(table_rows.sum())} rows), {params} parameters, built in "
          f"{time.perf_counter() - t0:.1f} s; SGD lr {args.lr}; load {os.getloadavg()[0]:.2f}", flush=True)
    loss_fn = nn.BCELoss(reduction="mean")
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    for batch in args.batch:
        chunks = []
        for s in range(0, n, batch):
            e = min(n, s + batch)
            chunks.append((dense[s:e], torch.arange(e - s), ids[:, s:e].contiguous(), labels[s:e]))
        rates, cpu_rates = [], []
        for ep in range(args.passes):
            w0, c0 = time.perf_counter(), time.process_time()
            total = 0.0
            for x, off, idx, y in chunks:
                out = model(x, off, idx)
                loss = loss_fn(out, y)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * len(y)
            sec, cpu = time.perf_counter() - w0, time.process_time() - c0
            tag = "warm-up, not counted" if ep == 0 else "timed"
            if ep > 0:
                rates.append(n / sec)
                cpu_rates.append(n / cpu)
            print(f"batch {batch} pass {ep + 1}: {n / sec:,.0f} samples/s ({sec:.2f} s, CPU {cpu:.2f} s, loss {total / n:.4f}, "
                  f"load {os.getloadavg()[0]:.2f}; {tag})", flush=True)
        rates.sort()
        cpu_rates.sort()
        print(f"RESULT torch batch {batch}: {rates[len(rates) // 2]:,.0f} samples/s on {args.threads} threads "
              f"({rates[len(rates) // 2] / args.threads:,.0f} per thread); {cpu_rates[len(cpu_rates) // 2]:,.0f} samples per CPU-second (process)",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
