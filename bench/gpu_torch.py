"""PyTorch peer of bench/gpu.ts: the same workloads in fp32 (TF32 off), medians of 5, on CUDA.

    python bench/gpu_torch.py [--small]      (writes $OUT/gpu_torch.json when OUT is set)

On the GPU machine, after `bash .gpu/run.sh` (which writes $OUT/gpu.json), this also prints each
typegrad row as a ratio to PyTorch's in the same run, against the issue's targets.
"""
import json, os, statistics, sys, time
import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
small = "--small" in sys.argv
dev = "cuda" if torch.cuda.is_available() else "cpu"
sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
rows = []

def timed(f, reps=5):
    f(); sync()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); sync(); ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)

def add(workload, variant, ms, value, unit):
    rows.append(dict(workload=workload, variant=variant, ms=ms, value=value, unit=unit))
    print(f"{workload:28} {variant:6} {ms:10.3f} ms  {value:10.3f} {unit}")

print(f"device: {torch.cuda.get_device_name() if dev == 'cuda' else 'cpu'} torch {torch.__version__}")
for n in ([128, 256, 512] if small else [1024, 2048, 4096, 8192]):
    a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
    ms = timed(lambda: a @ b)
    add(f"sgemm n={n}", "eager", ms, 2 * n**3 / (ms * 1e-3) / 1e9, "GFLOP/s")
for e in ([18, 20] if small else [24, 26]):
    n = 2**e
    a, b, c = (torch.randn(n, device=dev) for _ in range(3))
    ms = timed(lambda: a * b + c)
    add(f"y=a*b+c 2^{e}", "eager", ms, 16 * n / (ms * 1e-3) / 1e9, "GB/s (3 reads + 1 write)")

def heat(n, steps=500):
    g = torch.zeros(n, n, device=dev)
    lo, hi = int(n * 0.45), int(n * 0.55)
    g[lo:hi, lo:hi] = 100
    for _ in range(steps):
        lap = g[2:, 1:-1] + g[:-2, 1:-1] + g[1:-1, 2:] + g[1:-1, :-2] - 4 * g[1:-1, 1:-1]
        g = g.clone(); g[1:-1, 1:-1] += 0.01 * lap
    return g
for n in ([100, 300] if small else [100, 1000]):
    ms = timed(lambda: heat(n), reps=3)
    add(f"heat {n}² 500 steps", "eager", ms, ms / 500 * 1e3, "µs/step")

out = os.environ.get("OUT")
if out:
    with open(os.path.join(out, "gpu_torch.json"), "w") as f:
        json.dump(dict(device=dev, small=small, rows=rows), f, indent=2)

# ratios against bench/gpu.ts's results of the same run (same OUT)
tg_path = os.path.join(out or "/tmp/out", "gpu.json")
if os.path.exists(tg_path):
    with open(tg_path) as f:
        tg = json.load(f)
    torch_rows = {r["workload"]: r for r in rows}
    print(f"\ntypegrad ({tg['device']}) / PyTorch ({dev}), same machine:")
    for r in tg["rows"]:
        t = torch_rows.get(r["workload"])
        if t is None:
            continue
        if r["unit"] == "µs/step":
            ratio, what, target = t["ms"] / r["ms"], "× faster than PyTorch eager", 5.0 if r["variant"] == "jit" else None
        else:
            ratio, what = r["value"] / t["value"], "× PyTorch throughput"
            n = int(r["workload"].split("=")[1]) if r["workload"].startswith("sgemm") else None
            target = 0.8 if n is not None and n >= 2048 else 0.9 if r["workload"].startswith("y=") else None
        mark = "" if target is None else ("  (target %.1f: %s)" % (target, "met" if ratio >= target else "NOT met"))
        print(f"{r['workload']:28} {r['variant']:6} {ratio:8.3f}{what}{mark}")
