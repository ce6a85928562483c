/**
 * The same CPU workloads on peers, in this process (TensorFlow.js CPU and Wasm backends) or in a
 * subprocess (NumPy, when `python3 -c "import numpy"` works). Each returns null when unavailable.
 */
import { execFileSync } from "node:child_process"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import { best, type Workloads } from "./workloads.js"

/** TensorFlow.js on `backend` ("cpu" or "wasm"), or null if the backend does not start. */
export const tfjs = async (backend: "cpu" | "wasm"): Promise<Workloads | null> => {
  try {
    if (!(await tf.setBackend(backend))) return null
    await tf.ready()
  } catch {
    return null
  }
  const timed = (reps: number, f: () => tf.Tensor): number => best(reps, () => {
    const y = tf.tidy(f)
    y.dataSync()
    y.dispose()
  })
  return {
    matmul: (n, reps) => {
      const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n])
      const t = timed(reps, () => tf.matMul(a, b))
      tf.dispose([a, b])
      return t
    },
    conv2d: ([N, C, H, W], [O, , kh, kw], reps) => {
      // tfjs convolves NHWC with HWIO filters; the FLOP count is the same
      const x = tf.randomUniform([N, H, W, C]), w = tf.randomUniform([kh, kw, C, O])
      const t = timed(reps, () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"))
      tf.dispose([x, w])
      return t
    },
    heat: (n, steps, reps) => {
      let centre = 0
      const t = best(reps, () => {
        let g = tf.tidy(() => tf.pad(tf.fill([10, 10], 100), [[n / 2 - 5, n / 2 - 5], [n / 2 - 5, n / 2 - 5]]))
        const m = n - 2
        for (let i = 0; i < steps; i++) {
          const next = tf.tidy(() => {
            const s = (r: number, c: number) => tf.slice(g, [r, c], [m, m])
            const lap = tf.sub(tf.add(tf.add(tf.add(s(2, 1), s(0, 1)), s(1, 2)), s(1, 0)), tf.mul(s(1, 1), 4))
            return tf.add(g, tf.pad(tf.mul(lap, 0.01), [[1, 1], [1, 1]]))
          })
          g.dispose()
          g = next
        }
        centre = g.dataSync()[(n / 2) * n + n / 2]!
        g.dispose()
      })
      return { ms: t * 1000, centre }
    },
    add: (n, reps) => {
      const a = tf.randomUniform([n]), b = tf.randomUniform([n])
      const t = timed(reps, () => tf.add(a, b))
      tf.dispose([a, b])
      return t
    },
  }
}

const numpyScript = `
import json, sys, time, numpy as np
def best(reps, f):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter(); f(); t = min(t, time.perf_counter() - t0)
    return t
out = {"version": np.__version__, "matmul": {}}
for n in [128, 256, 512, 1024]:
    a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
    out["matmul"][n] = best(5, lambda: a @ b)
def heat(n=100, steps=500):
    g = np.zeros((n, n), np.float32); g[n//2-5:n//2+5, n//2-5:n//2+5] = 100
    for _ in range(steps):
        lap = g[2:, 1:-1] + g[:-2, 1:-1] + g[1:-1, 2:] + g[1:-1, :-2] - 4 * g[1:-1, 1:-1]
        g = g.copy(); g[1:-1, 1:-1] += np.float32(0.01) * lap
    return float(g[n//2, n//2])
out["heat_centre"] = heat()
out["heat"] = best(3, heat)
x = np.random.rand(1 << 20).astype(np.float32); y = np.random.rand(1 << 20).astype(np.float32)
out["add"] = best(20, lambda: x + y)
print(json.dumps(out))
`

export interface NumpyResults {
  readonly version: string
  readonly matmul: Record<string, number>
  readonly heat: number
  readonly heat_centre: number
  readonly add: number
}

/** NumPy's timings (seconds), or null without python3/numpy. OpenBLAS tuning variables are unset for this command only. */
export const numpy = (): NumpyResults | null => {
  try {
    const env = { ...process.env }
    delete env.OPENBLAS_CORETYPE
    delete env.OPENBLAS_L2_SIZE
    return JSON.parse(execFileSync("python3", ["-c", numpyScript], { env, encoding: "utf8", timeout: 120_000 })) as NumpyResults
  } catch {
    return null
  }
}
