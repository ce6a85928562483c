/**
 * Blocked GEMM for the CPU backend: C[b] = A[b]·B[b] on row-major contiguous arrays.
 * Panels of B (KC×NC) stay in cache while 4 rows of A stream through a 4×(NC) register-blocked
 * inner loop (i-k-j order: the innermost loop is unit-stride over B and C).
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/aval.js"

const KC = 128
const NC = 512

export const gemm = (a: HostArray, b: HostArray, c: HostArray, batch: number, m: number, k: number, n: number): void => {
  for (let p = 0; p < batch; p++) gemm1(a, p * m * k, b, p * k * n, c, p * m * n, m, k, n)
}

const gemm1 = (a: HostArray, ao: number, b: HostArray, bo: number, c: HostArray, co: number, m: number, k: number, n: number): void => {
  // accumulate in f64 rows so f32 results carry one rounding, then store
  const acc = new Float64Array(4 * Math.min(n, NC))
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0)
    let i = 0
    for (; i + 4 <= m; i += 4) {
      acc.fill(0, 0, 4 * nc)
      for (let k0 = 0; k0 < k; k0 += KC) {
        const kc = Math.min(KC, k - k0)
        for (let kk = k0; kk < k0 + kc; kk++) {
          const a0 = a[ao + i * k + kk]!, a1 = a[ao + (i + 1) * k + kk]!, a2 = a[ao + (i + 2) * k + kk]!, a3 = a[ao + (i + 3) * k + kk]!
          const br = bo + kk * n + j0
          for (let j = 0; j < nc; j++) {
            const bv = b[br + j]!
            acc[j] = acc[j]! + a0 * bv
            acc[nc + j] = acc[nc + j]! + a1 * bv
            acc[2 * nc + j] = acc[2 * nc + j]! + a2 * bv
            acc[3 * nc + j] = acc[3 * nc + j]! + a3 * bv
          }
        }
      }
      for (let r = 0; r < 4; r++) {
        const cr = co + (i + r) * n + j0
        for (let j = 0; j < nc; j++) c[cr + j] = acc[r * nc + j]!
      }
    }
    for (; i < m; i++) {
      acc.fill(0, 0, nc)
      for (let kk = 0; kk < k; kk++) {
        const av = a[ao + i * k + kk]!
        const br = bo + kk * n + j0
        for (let j = 0; j < nc; j++) acc[j] = acc[j]! + av * b[br + j]!
      }
      const cr = co + i * n + j0
      for (let j = 0; j < nc; j++) c[cr + j] = acc[j]!
    }
  }
}
