#!/usr/bin/python3
"""Regenerates optim/src/test/resources/golden-extra/*.json (seeded, deterministic).

Run with Debian's PyTorch (apt-get install python3-torch; 1.13):  /usr/bin/python3 make_golden_extra.py

Format: ../shared/golden/README.md (the project's golden cases), plus `steps[k].objective` for Eve
(the loss at the parameters before step k, handed to Optimizer.setObjective) and a `reference`
field saying where the expected trajectory comes from:

  radam, rprop, asgd      torch.optim.RAdam / Rprop / ASGD of the installed PyTorch, float64
  adafactor               a float64 transcription of PyTorch 2.5's torch/optim/_adafactor.py
                          (_single_tensor_adafactor, the unfactored path), each row its own parameter
                          (PyTorch 1.13 has no Adafactor)
  eve                     a float64 transcription of Algorithm 1 of Koushik & Hayashi 2016
  lamb, lars_sgd,         float64 transcriptions of FBGEMM's fbgemm_gpu/codegen/genscript/optimizers.py
  partial_rowwise_adam    (lamb, lars_sgd, partial_rowwise_adam), one row at a time, global `iter`

Sparse cases (FBGEMM ones) name only some rows per step, duplicates summed; rows not named are not
touched and their state does not change (lazy), the step count is global.
"""
import json
import math
import os
import random

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'golden-extra')
FLOAT32_EPS = float(np.finfo(np.float32).eps)


def rnd_matrix(r, rows, dim, scale):
    return [[r.gauss(0, scale) for _ in range(dim)] for _ in range(rows)]


def dense_steps(r, rows, dim, n, scale=0.5):
    return [{'rows': list(range(rows)), 'grad': rnd_matrix(r, rows, dim, scale)} for _ in range(n)]


def sparse_steps(r, rows, dim, n, scale=0.5, duplicates=False):
    out = []
    for k in range(n):
        picked = sorted(r.sample(range(rows), r.randint(1, rows - 1)))
        if duplicates and k % 2 == 1:
            picked = picked + [picked[0]]
        out.append({'rows': picked, 'grad': rnd_matrix(r, len(picked), dim, scale)})
    return out


def summed(step, rows, dim):
    """rows -> summed gradient (duplicates added), in first-seen order."""
    g = {}
    for row, grad in zip(step['rows'], step['grad']):
        acc = g.setdefault(row, np.zeros(dim))
        acc += np.array(grad)
    return g


def write(case):
    with open(os.path.join(OUT, case['name'] + '.json'), 'w') as f:
        json.dump(case, f, indent=1)
        f.write('\n')


def case(name, optimizer, hyper, init, steps, after, sparse, reference):
    return {'name': name, 'optimizer': optimizer, 'hyper': hyper, 'sparse': sparse, 'rows': len(init), 'dim': len(init[0]),
            'reference': reference, 'init': init, 'steps': steps, 'after_each_step': after}


# ---------------------------------------------------------------- PyTorch (installed) optimizers
def torch_case(name, optimizer, cls, kwargs, hyper, seed, rows=4, dim=3, n=8, scale=0.5):
    import torch
    r = random.Random(seed)
    init = rnd_matrix(r, rows, dim, 1.0)
    steps = dense_steps(r, rows, dim, n, scale)
    p = torch.tensor(init, dtype=torch.float64, requires_grad=True)
    opt = cls([p], **kwargs)
    after = []
    for s in steps:
        p.grad = torch.tensor(s['grad'], dtype=torch.float64)
        opt.step()
        after.append(p.detach().tolist())
    import torch as t
    write(case(name, optimizer, hyper, init, steps, after, False, 'torch.optim.%s, PyTorch %s, float64' % (cls.__name__, t.__version__)))


# ---------------------------------------------------------------- Adafactor (PyTorch 2.5 transcription)
def adafactor_rows(init, steps, lr=1e-2, beta2_decay=-0.8, eps1=FLOAT32_EPS, eps2=1e-3, d=1.0, weight_decay=0.0):
    """torch 2.5 _single_tensor_adafactor, one 1-D parameter per row (grad.dim() == 1 path)."""
    w = [np.array(row, dtype=np.float64) for row in init]
    var = [np.zeros_like(x) for x in w]
    step = [0] * len(w)
    after = []
    for s in steps:
        for row, g in summed(s, len(w), len(w[0])).items():
            param = w[row]
            step[row] += 1
            t = float(step[row])
            one_minus_beta2_t = t ** beta2_decay
            rho_t = min(lr, 1 / (t ** 0.5))
            alpha = max(eps2, np.linalg.norm(param, 2) / (param.size ** 0.5)) * rho_t
            if weight_decay != 0:
                param *= 1 - lr * weight_decay
            var[row] += (g * g - var[row]) * one_minus_beta2_t            # variance.lerp_(grad^2, 1 - beta2_t)
            update = 1 / np.sqrt(np.maximum(var[row], eps1 * eps1))      # clamp_(min=eps1^2).rsqrt_()
            update = update * g
            denom = max(1.0, np.linalg.norm(update, 2) / ((update.size ** 0.5) * d))
            param -= alpha / denom * update
        after.append([x.tolist() for x in w])
    return after


# ---------------------------------------------------------------- Eve (Koushik & Hayashi 2016, Algorithm 1)
def eve_run(init, target, curvature, n, seed, lr=1e-2, b1=0.9, b2=0.999, b3=0.999, k=0.1, K=10.0, eps=1e-8, f_star=0.0):
    """Minimises f(w) = 1 + 0.5 sum(curvature * (w - target)^2) from noisy gradients; returns steps and trajectory."""
    r = random.Random(seed)
    w = np.array(init, dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    d = 1.0
    fhat = None
    steps, after = [], []
    for t in range(1, n + 1):
        noise = np.array(rnd_matrix(r, w.shape[0], w.shape[1], 0.3))
        g = curvature * (w - target) + noise                              # g_t = grad f(w_{t-1}), a noisy mini-batch gradient
        f = 1 + 0.5 * float(np.sum(curvature * (w - target) ** 2)) * (1 + 0.5 * r.random())   # a noisy mini-batch loss
        if t == 3:
            f *= 3                                                       # one loss that goes up: the other branch
        steps.append({'rows': list(range(w.shape[0])), 'grad': g.tolist(), 'objective': f})
        x = f - f_star
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        if t > 1:
            if x >= fhat:
                lo, hi = k + 1, K + 1
            else:
                lo, hi = 1 / (K + 1), 1 / (k + 1)
            c = min(max(lo, x / fhat), hi)
            fnew = c * fhat
            rr = abs(fnew - fhat) / min(fnew, fhat)
            d = b3 * d + (1 - b3) * rr
            fhat = fnew
        else:
            fhat = x
            d = 1.0
        w = w - lr * mhat / (d * np.sqrt(vhat) + eps)
        after.append(w.tolist())
    return steps, after


# ---------------------------------------------------------------- FBGEMM row optimizers (lazy, global iter)
def fbgemm_run(kind, init, steps, lr, **h):
    w = [np.array(row, dtype=np.float64) for row in init]
    dim = len(w[0])
    m1 = [np.zeros(dim) for _ in w]
    m2 = [np.zeros(dim) for _ in w]
    m2row = [0.0 for _ in w]
    after = []
    for it, s in enumerate(steps, start=1):
        for row, g in summed(s, len(w), dim).items():
            x = w[row]
            if kind == 'lamb':
                b1, b2, eps, wd = h.get('beta1', 0.9), h.get('beta2', 0.999), h.get('eps', 1e-8), h.get('weight_decay', 0.0)
                m1[row] = b1 * m1[row] + (1 - b1) * g
                m2[row] = b2 * m2[row] + (1 - b2) * g * g
                rtw = (m1[row] / (1 - b1 ** it)) / (np.sqrt(m2[row] / (1 - b2 ** it)) + eps) + wd * x
                true_ratio = np.linalg.norm(x) / np.linalg.norm(rtw)
                w[row] = x - lr * true_ratio * rtw
            elif kind == 'lars_sgd':
                eta, mom, wd = h.get('eta', 1e-3), h.get('momentum', 0.9), h.get('weight_decay', 0.0)
                wn, gn = np.linalg.norm(x), np.linalg.norm(g)
                adjusted_lr = lr * eta * wn / (gn + wd * wn)
                m1[row] = mom * m1[row] + adjusted_lr * (g + wd * x)
                w[row] = x - m1[row]
            elif kind == 'partial_rowwise_adam':
                b1, b2, eps, wd = h.get('beta1', 0.9), h.get('beta2', 0.999), h.get('eps', 1e-8), h.get('weight_decay', 0.0)
                g_avg_square = float(np.sum(g * g)) / dim
                m2row[row] = m2row[row] * b2 + g_avg_square * (1 - b2)
                v_hat_t = m2row[row] / (1 - b2 ** it)
                m1[row] = m1[row] * b1 + g * (1 - b1)
                w[row] = x - lr * (m1[row] / (1 - b1 ** it) / (math.sqrt(v_hat_t) + eps) + wd * x)
            else:
                raise ValueError(kind)
        after.append([x.tolist() for x in w])
    return after


def main():
    import torch
    os.makedirs(OUT, exist_ok=True)
    torch_case('radam_dense_0', 'radam', torch.optim.RAdam, {'lr': 0.01}, {'lr': 0.01}, 1, n=9)
    torch_case('radam_dense_1', 'radam', torch.optim.RAdam, {'lr': 0.05, 'betas': (0.8, 0.9), 'eps': 1e-6, 'weight_decay': 0.1},
               {'lr': 0.05, 'beta1': 0.8, 'beta2': 0.9, 'eps': 1e-6, 'weight_decay': 0.1}, 2, n=10, dim=5)
    torch_case('rprop_dense_0', 'rprop', torch.optim.Rprop, {'lr': 0.01}, {'lr': 0.01}, 3, n=10)
    torch_case('rprop_dense_1', 'rprop', torch.optim.Rprop, {'lr': 0.1, 'etas': (0.3, 1.5), 'step_sizes': (0.02, 0.3)},
               {'lr': 0.1, 'etaminus': 0.3, 'etaplus': 1.5, 'step_size_min': 0.02, 'step_size_max': 0.3}, 4, n=10, dim=5)
    torch_case('asgd_dense_0', 'asgd', torch.optim.ASGD, {'lr': 0.05}, {'lr': 0.05}, 5, n=8)
    torch_case('asgd_dense_1', 'asgd', torch.optim.ASGD, {'lr': 0.3, 'lambd': 0.1, 'alpha': 0.5, 't0': 3, 'weight_decay': 0.05},
               {'lr': 0.3, 'lambd': 0.1, 'alpha': 0.5, 't0': 3, 'weight_decay': 0.05}, 6, n=8, dim=5)

    r = random.Random(7)
    init = rnd_matrix(r, 4, 3, 1.0)
    steps = dense_steps(r, 4, 3, 8)
    write(case('adafactor_dense_0', 'adafactor', {'lr': 0.01}, init, steps, adafactor_rows(init, steps), False,
               'float64 transcription of PyTorch 2.5 _single_tensor_adafactor, one 1-D parameter per row, eps1 = float32 eps'))
    r = random.Random(8)
    init = rnd_matrix(r, 3, 6, 0.05)   # small rows: the eps2 floor of the relative step acts
    steps = dense_steps(r, 3, 6, 8, scale=0.02)
    hy = {'lr': 0.05, 'beta2_decay': -0.5, 'eps1': 1e-3, 'eps2': 1e-2, 'd': 0.5, 'weight_decay': 0.1}
    write(case('adafactor_dense_1', 'adafactor', hy, init, steps,
               adafactor_rows(init, steps, lr=0.05, beta2_decay=-0.5, eps1=1e-3, eps2=1e-2, d=0.5, weight_decay=0.1), False,
               'float64 transcription of PyTorch 2.5 _single_tensor_adafactor, one 1-D parameter per row'))

    for i, (lr, extra) in enumerate([(0.05, {}), (0.1, {'beta1': 0.8, 'beta3': 0.9, 'lower_threshold': 0.2, 'upper_threshold': 5.0})]):
        r = random.Random(20 + i)
        init = rnd_matrix(r, 3, 4, 1.0)
        target = np.array(rnd_matrix(r, 3, 4, 1.0))
        curvature = np.array([[0.5 + r.random() * 2 for _ in range(4)] for _ in range(3)])
        kw = {'b1': extra.get('beta1', 0.9), 'b3': extra.get('beta3', 0.999), 'k': extra.get('lower_threshold', 0.1),
              'K': extra.get('upper_threshold', 10.0)}
        st, after = eve_run(init, target, curvature, 12, 30 + i, lr=lr, **kw)
        hy = {'lr': lr}
        hy.update(extra)
        write(case('eve_dense_%d' % i, 'eve', hy, init, st, after, False,
                   'float64 transcription of Koushik & Hayashi 2016 Algorithm 1 on f(w) = 1 + 0.5 sum(c (w - w*)^2), noisy gradients and losses'))

    fb = [('lamb', {'lr': 0.01}, {}), ('lamb', {'lr': 0.05, 'beta1': 0.8, 'beta2': 0.95, 'weight_decay': 0.1},
                                       {'beta1': 0.8, 'beta2': 0.95, 'weight_decay': 0.1}),
          ('lars_sgd', {'lr': 0.5}, {}), ('lars_sgd', {'lr': 1.0, 'eta': 0.01, 'momentum': 0.5, 'weight_decay': 0.05},
                                          {'eta': 0.01, 'momentum': 0.5, 'weight_decay': 0.05}),
          ('partial_rowwise_adam', {'lr': 0.01}, {}),
          ('partial_rowwise_adam', {'lr': 0.05, 'beta1': 0.8, 'beta2': 0.95, 'eps': 1e-6, 'weight_decay': 0.1},
           {'beta1': 0.8, 'beta2': 0.95, 'eps': 1e-6, 'weight_decay': 0.1})]
    for i, (kind, hy, h) in enumerate(fb):
        r = random.Random(40 + i)
        rows, dim = 6, 4 + i
        init = rnd_matrix(r, rows, dim, 1.0)
        steps = sparse_steps(r, rows, dim, 8, duplicates=(i % 2 == 1))
        after = fbgemm_run(kind, init, steps, hy['lr'], **h)
        write(case('%s_sparse_%d' % (kind, i % 2), kind, hy, init, steps, after, True,
                   'float64 transcription of FBGEMM optimizers.py %s, lazy rows, global iter' % kind))


if __name__ == '__main__':
    main()
