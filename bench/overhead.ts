/**
 * Per-op dispatch cost: a chain of 1,000 eager scalar ops (alternating `x·y` and `x + 0.001`),
 * µs per op, on each library; the chain's value is checked against the same recurrence in f32.
 */
import * as tg from "../src/index.js"
import type { Array as JArray } from "@jax-js/jax"
import type { Jax, Tf } from "./peers.js"
import { cpuMedian, timeMedian } from "./harness.js"

export const CHAIN = 1000

/** The chain's value, rounded to f32 after every op as an f32 library stores it. */
export const chainReference = (): number => {
  let x = 1.5
  for (let i = 0; i < CHAIN; i++) x = Math.fround(i % 2 === 0 ? x * Math.fround(0.999) : x + Math.fround(0.001))
  return x
}

/** µs per op and the chain's value. */
export interface ChainResult {
  readonly us: number
  readonly value: number
}

/** typegrad's chain; `cpu`: µs of CPU time per op instead of wall time. */
export const chainTypegrad = (reps: number, cpu = false): ChainResult => {
  const y = tg.scalar(0.999) as tg.AnyTensor
  let value = 0
  const s = (cpu ? cpuMedian : timeMedian)(
    reps,
    () => {
      let x = tg.scalar(1.5) as tg.AnyTensor
      for (let i = 0; i < CHAIN; i++) x = i % 2 === 0 ? x.mul(y) : x.add(0.001)
      value = (x as tg.Tensor<[], "f32", "cpu">).item()
    },
    3,
  )
  return { us: (s * 1e6) / CHAIN, value }
}

export const chainTfjs = (tf: Tf, reps: number): ChainResult => {
  const y = tf.scalar(0.999)
  let value = 0
  const s = timeMedian(
    reps,
    () => {
      const r = tf.tidy(() => {
        let x = tf.scalar(1.5)
        for (let i = 0; i < CHAIN; i++) x = i % 2 === 0 ? tf.mul(x, y) : tf.add(x, 0.001)
        return x
      })
      value = r.dataSync()[0]!
      r.dispose()
    },
    3,
  )
  y.dispose()
  return { us: (s * 1e6) / CHAIN, value }
}

/** jax-js eager: its ops are recorded lazily and run when the value is read, so this times both. */
export const chainJax = (jax: Jax, reps: number): ChainResult => {
  const np = jax.numpy
  const y = np.array(0.999)
  let value = 0
  const s = timeMedian(
    reps,
    () => {
      let x: JArray = np.array(1.5)
      for (let i = 0; i < CHAIN; i++) x = i % 2 === 0 ? x.mul(y.ref) : x.add(0.001)
      value = x.dataSync()[0]!
    },
    3,
  )
  return { us: (s * 1e6) / CHAIN, value }
}
