/**
 * The shared deterministic inputs of the CPU suite: one LCG stream per seed, the same numbers for
 * every library (typegrad, TensorFlow.js, jax-js and, through `numpyInputs`, NumPy).
 */

/** A stream of uniform values from `seed`: each call returns the next `n` values in [lo, hi) as f32. */
export const stream = (seed: number) => {
  let s = seed >>> 0
  return (n: number, lo = -1, hi = 1): Float32Array => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      out[i] = lo + ((hi - lo) * s) / 2 ** 32
    }
    return out
  }
}

/** `n` integer class labels in [0, classes) from `seed`. */
export const labels = (seed: number, n: number, classes: number): Int32Array =>
  Int32Array.from(stream(seed)(n, 0, 1), (u) => Math.min(classes - 1, Math.floor(u * classes)))

/** W4's inputs: a [32, 3, 32, 32] batch, its labels, and PyTorch-style uniform initial parameters (OIHW conv, [out, in] linear). */
export const convNetInputs = () => {
  const r = stream(4)
  const cb = 1 / Math.sqrt(27),
    lb = 1 / 64
  return {
    x: r(32 * 3 * 32 * 32),
    labels: labels(40, 32, 10),
    convW: r(16 * 27, -cb, cb),
    convB: r(16, -cb, cb),
    gamma: new Float32Array(16).fill(1),
    beta: new Float32Array(16),
    linW: r(10 * 4096, -lb, lb),
    linB: r(10, -lb, lb),
  }
}

/** W5's inputs: a [128, 784] batch, its labels, and the MLP 784-256-256-10's uniform initial weights ([out, in]). */
export const mlpInputs = () => {
  const r = stream(5)
  const layer = (i: number, o: number) => ({
    w: r(o * i, -1 / Math.sqrt(i), 1 / Math.sqrt(i)),
    b: r(o, -1 / Math.sqrt(i), 1 / Math.sqrt(i)),
  })
  return { x: r(128 * 784, 0, 1), labels: labels(50, 128, 10), layers: [layer(784, 256), layer(256, 256), layer(256, 10)] }
}

/** W6's three vectors of `n` f32 values. */
export const fmaInputs = (n: number): [Float32Array, Float32Array, Float32Array] => {
  const r = stream(6)
  return [r(n), r(n), r(n)]
}
