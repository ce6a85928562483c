/**
 * W6, a memory-bound reduction: `sum(a·b + c)` over n f32 values (3 reads of 4 bytes per element,
 * reported in GB/s), checked against an f64 sum of the same f32 products within 1e-4 of Σ|a·b + c|;
 * and this machine's memory bandwidth measured two ways in plain JS, as the ceiling to read it against.
 */
import * as tg from "../src/index.js"
import type { Array as JArray } from "@jax-js/jax"
import { fmaInputs } from "./data.js"
import type { Jax, Tf } from "./peers.js"
import { timeMedian } from "./harness.js"

/** GB/s and the sum. */
export interface StreamResult {
  readonly gbs: number
  readonly sum: number
}

const gbs = (n: number, s: number) => (12 * n) / s / 1e9

/** The reference: the f64 sum of Math.fround(a·b + c) … and Σ|·| for the tolerance. */
export const streamReference = (n: number): { sum: number; mag: number } => {
  const [a, b, c] = fmaInputs(n)
  let sum = 0,
    mag = 0
  for (let i = 0; i < n; i++) {
    const v = Math.fround(Math.fround(a[i]! * b[i]!) + c[i]!)
    sum += v
    mag += Math.abs(v)
  }
  return { sum, mag }
}

/** typegrad, eager (two ops and a sum) or the whole expression under `jit`: `run` evaluates it once, `sum` is the last value. */
export const streamTypegrad = (n: number, jitted: boolean): { run: () => void; sum: () => number } => {
  const [ah, bh, ch] = fmaInputs(n)
  const [a, b, c] = [ah, bh, ch].map((h) => tg.tensor(h, [n])) as [tg.Tensor<[number]>, tg.Tensor<[number]>, tg.Tensor<[number]>]
  const raw = (x: tg.Tensor<[number]>, y: tg.Tensor<[number]>, z: tg.Tensor<[number]>) => x.mul(y).add(z).sum()
  const f = jitted ? tg.jit(raw) : raw
  let sum = 0
  return { run: () => void (sum = (f(a, b, c) as tg.Tensor<[], "f32", "cpu">).item()), sum: () => sum }
}

/** GB/s of `sum(a·b + c)` over n f32 in `seconds`. */
export const streamRate = gbs

/** TensorFlow.js on its current backend. */
export const streamTfjs = (tf: Tf, n: number, reps: number): StreamResult => {
  const [a, b, c] = fmaInputs(n).map((h) => tf.tensor1d(h))
  let sum = 0
  const s = timeMedian(reps, () => {
    const y = tf.tidy(() => tf.sum(tf.add(tf.mul(a!, b!), c!)))
    sum = y.dataSync()[0]!
    y.dispose()
  })
  tf.dispose([a!, b!, c!])
  return { gbs: gbs(n, s), sum }
}

/** jax-js with the expression under its `jit`. */
export const streamJax = (jax: Jax, n: number, reps: number): StreamResult => {
  const np = jax.numpy
  const [a, b, c] = fmaInputs(n).map((h) => np.array(h))
  const f = jax.jit((x: JArray, y: JArray, z: JArray) => np.sum(x.mul(y).add(z)))
  let sum = 0
  const s = timeMedian(reps, () => void (sum = f(a!.ref, b!.ref, c!.ref).dataSync()[0]!))
  return { gbs: gbs(n, s), sum }
}

/** This machine's bandwidth from JS: `TypedArray.prototype.set` of n f32 (read + write), and a plain loop summing 3n f32. */
export const bandwidth = (n: number, reps: number): { copy: number; sum: number } => {
  const [a, b, c] = fmaInputs(n)
  const dst = new Float32Array(n)
  const copy = timeMedian(reps, () => dst.set(a))
  let acc = 0
  const sumLoop = timeMedian(reps, () => {
    let s = 0
    for (let i = 0; i < n; i++) s += a[i]! + b[i]! + c[i]!
    acc += s
  })
  if (!Number.isFinite(acc)) throw new Error("bandwidth: sum is not finite")
  return { copy: (8 * n) / copy / 1e9, sum: (12 * n) / sumLoop / 1e9 }
}
