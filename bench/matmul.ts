/**
 * W1's other peers, in this process: TensorFlow.js's plain-JS CPU backend and jax-js's Wasm
 * backend, on the same inputs as `w1.ts` (typegrad and tfjs-wasm with 1 and 2 threads), each
 * result checked at 16 points against an f64 reference within 2·n·ε·Σ|a·b|.
 */
import { expectClose, timeMedian } from "./harness.js"
import type { Jax, Tf } from "./peers.js"
import { matmulInputs, referenceSamples, samplePoints } from "./w1-data.js"

/** Check C's sample points against the f64 reference; throws naming the library and size. */
export const checkSamples = (who: string, n: number, samples: ReadonlyArray<number>): void => {
  const [a, b] = matmulInputs(n)
  referenceSamples(n, a, b).forEach(({ c, mag }, t) =>
    expectClose(`W1 ${who} n=${n} sample ${t}`, samples[t]!, c, (2 * n * 2 ** -24 * mag) / Math.max(1, Math.abs(c))),
  )
}

const gflops = (n: number, s: number) => (2 * n ** 3) / s / 1e9

/** GFLOP/s (median) of tfjs on its current backend; the result is checked. */
export const matmulTfjs = (tf: Tf, who: string, n: number, reps: number): number => {
  const [ah, bh] = matmulInputs(n)
  const a = tf.tensor2d(ah, [n, n]),
    b = tf.tensor2d(bh, [n, n])
  let c: ArrayLike<number> = []
  const s = timeMedian(reps, () => {
    const y = tf.matMul(a, b)
    c = y.dataSync()
    y.dispose()
  })
  tf.dispose([a, b])
  checkSamples(
    who,
    n,
    samplePoints(n).map(([i, j]) => c[i * n + j]!),
  )
  return gflops(n, s)
}

/** GFLOP/s (median) of jax-js's `matmul`; the result is checked. */
export const matmulJax = (jax: Jax, n: number, reps: number): number => {
  const np = jax.numpy
  const [ah, bh] = matmulInputs(n)
  const a = np.array(ah).reshape([n, n]),
    b = np.array(bh).reshape([n, n])
  let c: ArrayLike<number> = []
  const s = timeMedian(reps, () => void (c = np.matmul(a.ref, b.ref).dataSync()))
  a.dispose()
  b.dispose()
  checkSamples(
    "jax-js",
    n,
    samplePoints(n).map(([i, j]) => c[i * n + j]!),
  )
  return gflops(n, s)
}
