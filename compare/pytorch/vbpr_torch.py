#!/usr/bin/python3
"""BPR-MF, visual-only and VBPR in PyTorch on tiktok-diffmm's own train/val/test split.

The reference set-ups of issue 4, written out so that they can be run and measured here:

  x_ui = beta_i + gamma_u . gamma_i + theta_u . (E f_i) + beta' . f_i      (He and McAuley, AAAI 2016)
  loss = reduce_b[ -ln sigmoid(x_ui - x_uj) ] + l2/2 * reduce_b[ |rows of sample b|^2 ]

  bpr    : beta_i + gamma_u . gamma_i                (no visual part)
  visual : theta_u . (E f_i) + beta' . f_i           (no item id part)
  vbpr   : both

  reduce is the mini-batch mean (PyTorch's usual BPR loss; --reduction sum for the sum).
  (u, i) is drawn without replacement from the training pairs (one epoch = every pair once),
  j uniformly from all items outside train(u): cold-start items included, as in sparsetrain.

  optimizers (--optim):
    pergroup   SGD(--lr) on the sparse embeddings (sparse gradients), Adam(--dense-lr) on E and beta'
    sgd        one plain SGD rate (--lr) on every parameter
    sparseadam SparseAdam(--lr) on the embeddings, Adam(--lr) on E and beta' (one rate)

Evaluation (every --eval-every epochs, on --split): per-user AUC against every item outside the
user's training set and held-out items, mean over users with a held-out item; cold-start AUC the
same over held-out pairs whose item never occurs in training, mean over users with such a pair.

Runs on Debian's python3-torch (apt-get install python3-torch python3-numpy), CPU only:
  /usr/bin/python3 compare/pytorch/vbpr_torch.py --model vbpr --optim pergroup --epochs 40
  /usr/bin/python3 compare/pytorch/vbpr_torch.py --self-test
Not part of the test suite. Prints one line per evaluated epoch.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_pairs(path):
    a = np.loadtxt(path, dtype=np.int64, delimiter="\t", ndmin=2)
    return a[:, 0].copy(), a[:, 1].copy()


def load_tiktok(folder):
    feats = np.load(os.path.join(folder, "image_feat.npy"), allow_pickle=False).astype(np.float32)
    splits = {name: read_pairs(os.path.join(folder, name + ".tsv")) for name in ("train", "val", "test")}
    users = 1 + max(int(u.max()) for u, _ in splits.values())
    return users, feats, splits


def membership(users, items, pairs):
    m = torch.zeros(users, items, dtype=torch.bool)
    m[torch.from_numpy(pairs[0]), torch.from_numpy(pairs[1])] = True
    return m


def auc(U, I, off, train_mask, held, cold=None, chunk=1024):
    """Full-ranking AUC of scores U @ I.T + off. held = (users, items) held-out pairs; cold[item]
    marks cold-start items. Returns (AUC, cold AUC or nan, users, cold users)."""
    hu, hi = held
    users, items = train_mask.shape
    held_mask = membership(users, items, held)
    per_pair = np.empty(len(hu), dtype=np.float64)
    with torch.no_grad():
        for s in range(0, len(hu), chunk):
            u = torch.from_numpy(hu[s:s + chunk])
            i = torch.from_numpy(hi[s:s + chunk])
            S = U[u] @ I.T + off
            pos = S.gather(1, i[:, None])
            valid = ~(train_mask[u] | held_mask[u])
            less = ((S < pos) & valid).sum(1).double()
            ties = ((S == pos) & valid).sum(1).double()
            n = valid.sum(1).double()
            per_pair[s:s + chunk] = torch.where(n > 0, (less + 0.5 * ties) / n.clamp(min=1), torch.full_like(n, 0.5)).numpy()

    def mean_over_users(sel):
        if not sel.any():
            return float("nan"), 0
        uu = hu[sel]
        sums = np.bincount(uu, weights=per_pair[sel], minlength=users)
        cnts = np.bincount(uu, minlength=users)
        has = cnts > 0
        return float((sums[has] / cnts[has]).mean()), int(has.sum())

    a, n = mean_over_users(np.ones(len(hu), dtype=bool))
    if cold is None:
        return a, float("nan"), n, 0
    c, nc = mean_over_users(cold[hi])
    return a, c, n, nc


def self_test():
    """AUC on a hand example: 2 users, 5 items."""
    # user 0: train {0}, held-out {1 (cold), 2}; negatives {3, 4}
    #   scores 0:9 1:5 2:1 3:3 4:5 -> item 1 beats 3, ties 4 -> 1.5/2; item 2 beats none -> 0/2
    #   AUC_0 = (0.75 + 0) / 2 = 0.375; cold AUC_0 = 0.75
    # user 1: train {2, 3}, held-out {4}; negatives {0, 1}
    #   scores 0:1 1:2 2:0 3:0 4:1.5 -> beats 0, loses to 1 -> 0.5
    # AUC = (0.375 + 0.5) / 2 = 0.4375; cold AUC = 0.75 (user 0 only; item 1 is cold)
    scores = torch.tensor([[9., 5., 1., 3., 5.], [1., 2., 0., 0., 1.5]])
    U, I, off = scores, torch.eye(5), torch.zeros(5)
    train = (np.array([0, 1, 1]), np.array([0, 2, 3]))
    held = (np.array([0, 0, 1]), np.array([1, 2, 4]))
    cold = np.array([False, True, False, False, False])
    a, c, n, nc = auc(U, I, off, membership(2, 5, train), held, cold)
    print(f"self-test: AUC {a:.4f} (expected 0.4375), cold AUC {c:.4f} (expected 0.7500), users {n} cold users {nc}")
    ok = abs(a - 0.4375) < 1e-12 and abs(c - 0.75) < 1e-12 and n == 2 and nc == 1
    print("self-test", "passed" if ok else "FAILED")
    return 0 if ok else 1


class Model(nn.Module):
    def __init__(self, kind, users, items, feats, k, kv, init_std):
        super().__init__()
        self.kind = kind
        self.feats = feats
        self.collab = kind in ("bpr", "vbpr")
        self.visual = kind in ("visual", "vbpr")
        if self.collab:
            self.item_bias = nn.Embedding(items, 1, sparse=True)
            self.user_factors = nn.Embedding(users, k, sparse=True)
            self.item_factors = nn.Embedding(items, k, sparse=True)
            nn.init.zeros_(self.item_bias.weight)
            nn.init.normal_(self.user_factors.weight, std=init_std)
            nn.init.normal_(self.item_factors.weight, std=init_std)
        if self.visual:
            self.user_visual = nn.Embedding(users, kv, sparse=True)
            nn.init.normal_(self.user_visual.weight, std=init_std)
            # E f_i starts at the factors' scale whatever the feature magnitude (as sparsetrain does)
            mean_sq = float((feats ** 2).sum(1).mean())
            self.E = nn.Parameter(torch.randn(kv, feats.shape[1]) * (init_std / mean_sq ** 0.5))
            self.visual_bias = nn.Parameter(torch.zeros(feats.shape[1]))

    def sparse_params(self):
        return [m.weight for m in self.modules() if isinstance(m, nn.Embedding)]

    def dense_params(self):
        return [self.E, self.visual_bias] if self.visual else []

    def score(self, u, i):
        """Scores and the squared norm of the rows used, per sample."""
        x = torch.zeros(len(u))
        sq = torch.zeros(len(u))
        if self.collab:
            b, gu, gi = self.item_bias(i).squeeze(1), self.user_factors(u), self.item_factors(i)
            x = x + b + (gu * gi).sum(1)
            sq = sq + b * b + (gu * gu).sum(1) + (gi * gi).sum(1)
        if self.visual:
            f = self.feats[i]
            tu = self.user_visual(u)
            x = x + (tu * (f @ self.E.T)).sum(1) + f @ self.visual_bias
            sq = sq + (tu * tu).sum(1)
        return x, sq

    @torch.no_grad()
    def factors(self):
        """(U, I, off) with scores U @ I.T + off, for evaluation and export."""
        us, its = [], []
        off = torch.zeros(self.feats.shape[0])
        if self.collab:
            us.append(self.user_factors.weight)
            its.append(self.item_factors.weight)
            off += self.item_bias.weight.squeeze(1)
        if self.visual:
            us.append(self.user_visual.weight)
            its.append(self.feats @ self.E.T)
            off += self.feats @ self.visual_bias
        return torch.cat(us, 1).contiguous(), torch.cat(its, 1).contiguous(), off


def optimizers(model, args):
    sp, de = model.sparse_params(), model.dense_params()
    if args.optim == "pergroup":
        opts = [torch.optim.SGD(sp, lr=args.lr)]
        if de:
            opts.append(torch.optim.Adam(de, lr=args.dense_lr))
    elif args.optim == "sgd":
        opts = [torch.optim.SGD(sp + de, lr=args.lr)]
    else:
        opts = [torch.optim.SparseAdam(sp, lr=args.lr)]
        if de:
            opts.append(torch.optim.Adam(de, lr=args.lr))
    return opts


def sample_negatives(u, train_mask, items, gen):
    j = torch.randint(items, (len(u),), generator=gen)
    bad = train_mask[u, j]
    while bad.any():
        j[bad] = torch.randint(items, (int(bad.sum()),), generator=gen)
        bad = train_mask[u, j]
    return j


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join(os.environ.get("SPARSETRAIN_DATA", "../shared/data"), "tiktok-diffmm"))
    p.add_argument("--model", choices=("bpr", "visual", "vbpr"), default="vbpr")
    p.add_argument("--optim", choices=("pergroup", "sgd", "sparseadam"), default="pergroup")
    p.add_argument("--lr", type=float, default=0.05, help="sparse rows' rate (sgd: every parameter's; sparseadam: both)")
    p.add_argument("--dense-lr", type=float, default=1e-3, help="Adam's rate on E and beta' under pergroup")
    p.add_argument("--l2", type=float, default=1e-3, help="L2 on the rows a sample uses (loss term l2/2 |row|^2)")
    p.add_argument("--reduction", choices=("mean", "sum"), default="mean")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--factors", type=int, default=32)
    p.add_argument("--visual-factors", type=int, default=32)
    p.add_argument("--init-std", type=float, default=0.01)
    p.add_argument("--features", choices=("raw", "l2-row"), default="raw")
    p.add_argument("--split", choices=("test", "val"), default="test")
    p.add_argument("--also-val", action="store_true", help="also evaluate the validation split (columns valAUC, valCold)")
    p.add_argument("--eval-every", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--save-factors", metavar="DIR", help="write user_factors.npy [U | 1] and item_factors.npy [I | offset] "
                   "(float32) after training, for ExportedScoresCheck")
    p.add_argument("--self-test", action="store_true", help="check the AUC code on a hand example and exit")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.self_test:
        return self_test()
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    users, feats_np, splits = load_tiktok(args.data)
    items = feats_np.shape[0]
    feats = torch.from_numpy(feats_np)
    if args.features == "l2-row":
        feats = feats / feats.norm(dim=1, keepdim=True)
    tr_u, tr_i = (torch.from_numpy(a) for a in splits["train"])
    train_mask = membership(users, items, splits["train"])
    cold = np.ones(items, dtype=bool)
    cold[splits["train"][1]] = False
    held = splits[args.split]
    model = Model(args.model, users, items, feats, args.factors, args.visual_factors, args.init_std)
    opts = optimizers(model, args)
    reduce = torch.mean if args.reduction == "mean" else torch.sum
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads; {args.model} {args.optim} lr {args.lr} "
          f"dense-lr {args.dense_lr} l2 {args.l2} reduction {args.reduction} batch {args.batch} features {args.features} "
          f"init-std {args.init_std} seed {args.seed}; {users} users, {items} items ({int(cold.sum())} cold), "
          f"{len(tr_u)} training pairs; evaluated on {args.split}; load {os.getloadavg()[0]:.2f}", flush=True)
    print("epoch  loss      AUC     coldAUC  train_s  load" + ("  valAUC  valCold" if args.also_val else ""))
    train_s = 0.0
    epoch_s, epoch_cpu = [], []
    for epoch in range(1, args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(len(tr_u), generator=gen)
        total = 0.0
        for s in range(0, len(perm), args.batch):
            b = perm[s:s + args.batch]
            u, i = tr_u[b], tr_i[b]
            j = sample_negatives(u, train_mask, items, gen)
            xi, sqi = model.score(u, i)
            xj, sqj = model.score(u, j)
            if model.collab:   # the user's rows counted once per sample
                sqj = sqj - (model.user_factors(u) ** 2).sum(1)
            if model.visual:
                sqj = sqj - (model.user_visual(u) ** 2).sum(1)
            bpr = -F.logsigmoid(xi - xj)
            loss = reduce(bpr) + 0.5 * args.l2 * reduce(sqi + sqj)
            for o in opts:
                o.zero_grad()
            loss.backward()
            for o in opts:
                o.step()
            total += float(bpr.sum())
        epoch_s.append(time.perf_counter() - t0)
        epoch_cpu.append(time.process_time() - c0)
        train_s += epoch_s[-1]
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            a, c, _, _ = auc(*model.factors(), train_mask, held, cold)
            line = f"{epoch:5d}  {total / len(tr_u):.5f}  {a:.4f}  {c:.4f}   {train_s:7.1f}  {os.getloadavg()[0]:.2f}"
            if args.also_val:
                va, vc, _, _ = auc(*model.factors(), train_mask, splits["val"], cold)
                line += f"  {va:.4f}  {vc:.4f}"
            print(line, flush=True)
    print(f"# final {args.split} AUC {a:.6f}, cold-start AUC {c:.6f} after {args.epochs} epochs")
    if len(epoch_s) > 1:   # the first epoch warms up and is left out
        rates = sorted(len(tr_u) / t for t in epoch_s[1:])
        print(f"# training throughput, epochs 2-{len(epoch_s)}: median {rates[len(rates) // 2]:.0f} samples/s "
              f"[{rates[0]:.0f}-{rates[-1]:.0f}], {sorted(len(tr_u) / t for t in epoch_cpu[1:])[len(rates) // 2]:.0f} "
              f"per CPU-second (sampling, forward, backward, steps; evaluation excluded)")
    if args.save_factors:
        os.makedirs(args.save_factors, exist_ok=True)
        U, I, off = model.factors()   # x_ui = [U_u | 1] . [I_i | off_i], the layout ExternalFactors reads
        U = torch.cat([U, torch.ones(U.shape[0], 1)], 1)
        I = torch.cat([I, off[:, None]], 1)
        np.save(os.path.join(args.save_factors, "user_factors.npy"), U.numpy().astype(np.float32))
        np.save(os.path.join(args.save_factors, "item_factors.npy"), I.numpy().astype(np.float32))
        print(f"# factors written to {args.save_factors}: user_factors {tuple(U.shape)}, item_factors {tuple(I.shape)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
