/**
 * W2, the heat program (`examples/heat.ts`): a 10 × 10 square at 100 in a cold n × n grid, 5-point
 * explicit stencil with α = 0.01, cold edges, `steps` steps. Each library returns the grid's
 * centre cell and its total, checked against NumPy's (or typegrad eager's) within 1e-4 relative.
 */
import * as tg from "../src/index.js"
import type { Array as JArray } from "@jax-js/jax"
import type { Jax, Tf } from "./peers.js"
import { timeMedian } from "./harness.js"

/** One run's result: milliseconds and the grid's centre and total. */
export interface HeatResult {
  readonly ms: number
  readonly centre: number
  readonly total: number
}

type G = tg.Tensor<[number, number], "f32", "cpu">
const summary = (g: ArrayLike<number>, n: number) => {
  let total = 0
  for (let i = 0; i < g.length; i++) total += g[i]!
  return { centre: g[(n / 2) * n + n / 2]!, total }
}
const start = (n: number): G =>
  tg
    .zeros([n, n])
    .at(`${n / 2 - 5}:${n / 2 + 5}, ${n / 2 - 5}:${n / 2 + 5}` as never)
    .set(100) as unknown as G
/** The step of examples/heat.ts, for any grid size. */
const step = (grid: G): G => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01)) as G
}

/** typegrad, eager or with the step under `jit` (one fused loop per step): `run` runs the program once, `result` reads its last grid. */
export const heatTypegrad = (n: number, steps: number, jitted: boolean): { run: () => void; result: () => Omit<HeatResult, "ms"> } => {
  const f = jitted ? tg.jit(step) : step
  let out: ArrayLike<number> = []
  return {
    run: () => {
      let g = start(n)
      for (let i = 0; i < steps; i++) g = f(g)
      out = g.dataSync()
    },
    result: () => summary(out, n),
  }
}

/** TensorFlow.js on its current backend; `tidy` frees each step's temporaries. */
export const heatTfjs = (tf: Tf, n: number, steps: number, reps: number): HeatResult => {
  let out: ArrayLike<number> = []
  const s = timeMedian(
    reps,
    () => {
      let g = tf.tidy(() =>
        tf.pad(tf.fill([10, 10], 100), [
          [n / 2 - 5, n / 2 - 5],
          [n / 2 - 5, n / 2 - 5],
        ]),
      )
      const m = n - 2
      for (let i = 0; i < steps; i++) {
        const next = tf.tidy(() => {
          const sl = (r: number, c: number) => tf.slice(g, [r, c], [m, m])
          const lap = tf.sub(tf.add(tf.add(tf.add(sl(2, 1), sl(0, 1)), sl(1, 2)), sl(1, 0)), tf.mul(sl(1, 1), 4))
          return tf.add(
            g,
            tf.pad(tf.mul(lap, 0.01), [
              [1, 1],
              [1, 1],
            ]),
          )
        })
        g.dispose()
        g = next
      }
      out = g.dataSync()
      g.dispose()
    },
    0,
  )
  return { ms: s * 1000, ...summary(out, n) }
}

/** jax-js with the step under its `jit` (jax-js arrays are reference-counted: `.ref` keeps one alive). */
export const heatJax = (jax: Jax, n: number, steps: number, reps: number): HeatResult => {
  const np = jax.numpy
  const stepJ = jax.jit((g: JArray) => {
    const m = n - 2
    const sl = (r: number, c: number) => g.ref.slice([r, r + m], [c, c + m])
    const lap = sl(2, 1).add(sl(0, 1)).add(sl(1, 2)).add(sl(1, 0)).sub(sl(1, 1).mul(4))
    return g.add(
      np.pad(lap.mul(0.01), [
        [1, 1],
        [1, 1],
      ]),
    )
  })
  let out: ArrayLike<number> = []
  const s = timeMedian(
    reps,
    () => {
      const init = new Float32Array(n * n)
      for (let i = n / 2 - 5; i < n / 2 + 5; i++) init.fill(100, i * n + n / 2 - 5, i * n + n / 2 + 5)
      let g = np.array(init).reshape([n, n])
      for (let i = 0; i < steps; i++) g = stepJ(g)
      out = g.dataSync()
    },
    1,
  )
  return { ms: s * 1000, ...summary(out, n) }
}
