/** W1's shared inputs: the same deterministic f32 matrices for every library, and the points checked. */
import { stream } from "./data.js"

/** A and B of W1 at size n: the suite's LCG stream (`data.ts`) from seed 12345 + n, values in [-1, 1), row-major. */
export const matmulInputs = (n: number): [Float32Array, Float32Array] => {
  const r = stream(12345 + n)
  return [r(n * n), r(n * n)]
}

/** 16 (row, column) points of C: the four corners and 12 spread over the matrix. */
export const samplePoints = (n: number): Array<[number, number]> => [
  [0, 0],
  [0, n - 1],
  [n - 1, 0],
  [n - 1, n - 1],
  ...Array.from({ length: 12 }, (_, t): [number, number] => [(t * 7919 + 13) % n, (t * 104729 + 5) % n]),
]

/** C at the sample points in f64, with Σ|a·b| for the tolerance. */
export const referenceSamples = (n: number, a: Float32Array, b: Float32Array) =>
  samplePoints(n).map(([i, j]) => {
    let c = 0,
      mag = 0
    for (let p = 0; p < n; p++) {
      const t = a[i * n + p]! * b[p * n + j]!
      c += t
      mag += Math.abs(t)
    }
    return { c, mag }
  })
