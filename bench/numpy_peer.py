"""NumPy's side of the CPU suite (bench/index.ts): the same workloads on the same inputs.

The inputs come from the suite's LCG (bench/data.ts), reproduced here with a vectorised jump, so
the values are bit-identical to the ones every JS library gets. Reads one JSON argument (sizes,
steps, repetitions) and prints one JSON line: per workload the median seconds and check values.
NumPy has no autodiff: the facility and MLP gradients are written out by hand; W4 (the conv block)
is not run.
"""
import json
import sys
import time

import numpy as np

M = 1 << 32
A, C = 1664525, 1013904223


def stream(seed):
    """The LCG of bench/data.ts: successive calls continue one sequence."""
    state = [seed % M]

    def take(n, lo=-1.0, hi=1.0):
        s = state[0]
        block = min(n, 4096)
        first = np.empty(block, np.uint64)
        for i in range(block):
            s = (A * s + C) % M
            first[i] = s
        jump_a, jump_c = 1, 0  # s -> jump_a * s + jump_c advances `block` steps
        for _ in range(block):
            jump_a, jump_c = (A * jump_a) % M, (A * jump_c + C) % M
        out = np.empty(n, np.uint64)
        out[:block] = first
        cur, k = first, block
        while k < n:
            cur = (np.uint64(jump_a) * cur + np.uint64(jump_c)) % np.uint64(M)
            m = min(block, n - k)
            out[k:k + m] = cur[:m]
            k += m
        state[0] = int(out[n - 1])
        return (lo + ((hi - lo) * out.astype(np.float64)) / 2.0**32).astype(np.float32)

    return take


def labels(seed, n, classes):
    u = stream(seed)(n, 0.0, 1.0).astype(np.float64)
    return np.minimum(classes - 1, np.floor(u * classes)).astype(np.int64)


def median_time(reps, f, warm=1):
    for _ in range(warm):
        f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def w1(cfg):
    out = {}
    for n, reps in zip(cfg["matmul"], cfg["matmulReps"]):
        r = stream(12345 + n)
        a = r(n * n).reshape(n, n)
        b = r(n * n).reshape(n, n)
        c = a @ b
        pts = [[i, j] for i, j in cfg["samples"][str(n)]]
        out[str(n)] = {"s": median_time(reps, lambda: a @ b), "samples": [float(c[i, j]) for i, j in pts]}
    return out


def heat(n, steps):
    g = np.zeros((n, n), np.float32)
    g[n // 2 - 5:n // 2 + 5, n // 2 - 5:n // 2 + 5] = 100
    for _ in range(steps):
        lap = g[2:, 1:-1] + g[:-2, 1:-1] + g[1:-1, 2:] + g[1:-1, :-2] - 4 * g[1:-1, 1:-1]
        g = g.copy()
        g[1:-1, 1:-1] += np.float32(0.01) * lap
    return g


def w2(cfg):
    out = {}
    for n, steps, reps in cfg["heat"]:
        g = heat(n, steps)
        out[f"{n}"] = {"s": median_time(reps, lambda: heat(n, steps), warm=0), "centre": float(g[n // 2, n // 2]), "total": float(g.astype(np.float64).sum())}
    return out


def adam_step(p, g, m, v, t, lr, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    mh = m / (1 - b1**t)
    vh = v / (1 - b2**t)
    return p - lr * mh / (np.sqrt(vh) + eps), m, v


def facility(steps):
    cities = np.array([[0, 0], [10, 0], [0, 10]], np.float32)
    c = np.array([1, 1], np.float32)
    m = np.zeros(2, np.float32)
    v = np.zeros(2, np.float32)
    for t in range(1, steps + 1):
        d = cities - c
        norm = np.sqrt((d * d).sum(axis=1, keepdims=True))
        g = -(d / norm).sum(axis=0)
        c, m, v = adam_step(c, g, m, v, t, np.float32(0.1))
    return c


def w3(cfg):
    steps = cfg["facilitySteps"]
    c = facility(steps)
    return {"s": median_time(cfg["facilityReps"], lambda: facility(steps)) / steps, "centre": float(c[0])}


def mlp_inputs():
    r = stream(5)
    x = r(128 * 784, 0.0, 1.0).reshape(128, 784)
    y = labels(50, 128, 10)
    layers = []
    for i, o in [(784, 256), (256, 256), (256, 10)]:
        bound = 1 / np.sqrt(i)
        w = r(o * i, -bound, bound).reshape(o, i)
        b = r(o, -bound, bound)
        layers.append([w, b])
    return x, y, layers


def mlp_step(x, y, layers, state, t, lr=np.float32(1e-3)):
    """Forward, hand-written backward (ReLU, mean cross-entropy) and one Adam step."""
    acts = [x]
    h = x
    for k, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if k < len(layers) - 1:
            h = np.maximum(h, 0)
        acts.append(h)
    z = acts[-1]
    zmax = z.max(axis=1, keepdims=True)
    logp = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
    n = x.shape[0]
    loss = -logp[np.arange(n), y].mean()
    dz = np.exp(logp)
    dz[np.arange(n), y] -= 1
    dz /= n
    grads = []
    for k in range(len(layers) - 1, -1, -1):
        w, _ = layers[k]
        grads.append((dz.T @ acts[k], dz.sum(axis=0)))
        if k > 0:
            dz = (dz @ w) * (acts[k] > 0)
    grads.reverse()
    new, new_state = [], []
    for (w, b), (gw, gb), (mw, vw, mb, vb) in zip(layers, grads, state):
        w2, mw, vw = adam_step(w, gw, mw, vw, t, lr)
        b2, mb, vb = adam_step(b, gb, mb, vb, t, lr)
        new.append([w2, b2])
        new_state.append((mw, vw, mb, vb))
    return float(loss), new, new_state


def w5(cfg):
    x, y, layers = mlp_inputs()
    state0 = [(np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)) for w, b in layers]
    loss, new, _ = mlp_step(x, y, layers, state0, 1)
    grad_l1 = float(np.abs(layers[0][0].astype(np.float64) - new[0][0]).sum() / 1e-3)
    cur = {"layers": layers, "state": state0, "t": 1}

    def step():
        _, cur["layers"], cur["state"] = mlp_step(x, y, cur["layers"], cur["state"], cur["t"])
        cur["t"] += 1

    return {"s": median_time(cfg["mlpReps"], step), "loss": loss, "gradL1": grad_l1}


def w6(cfg):
    n = cfg["fma"]
    r = stream(6)
    a, b, c = r(n), r(n), r(n)
    total = float((a * b + c).sum())
    return {"s": median_time(cfg["fmaReps"], lambda: (a * b + c).sum()), "sum": total}


def main():
    cfg = json.loads(sys.argv[1])
    out = {"version": np.__version__}
    for name, f in [("w1", w1), ("w2", w2), ("w3", w3), ("w5", w5), ("w6", w6)]:
        out[name] = f(cfg)
    print(json.dumps(out))


main()
