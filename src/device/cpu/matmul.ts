/**
 * Packed GEMM for the CPU backend: C[b] = A[b]·B[b] on row-major contiguous arrays (Goto/BLIS
 * order). A KC×NC panel of B is packed into 4-column strips and a KC×4 strip of A into a small
 * buffer, both Float64Array, so the 4×4 micro-kernel reads two unit-stride monomorphic arrays and
 * keeps its 16 accumulators in registers. Panels accumulate into an f64 block of C, so f32 results
 * carry one rounding whatever the depth. Only the packing loops see the caller's array types.
 *
 * Either operand may come transposed (`ta`, `tb`): its matrices are then stored as their
 * transposes ([batch, k, m] for A, [batch, n, k] for B), and the packing loops read that layout
 * directly, so `x·Wᵀ` and `xᵀ·g` never make a transposed copy.
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/core/aval.js"

const MR = 4
const NR = 4
const KC = 256
const NC = 512

/**
 * How a strided operand of a matmul of logical shape `shape` can be read in place: "plain" when
 * its strides are row-major contiguous, "transposed" when they are those of a contiguous array
 * with the last two axes swapped (what `mT` of a contiguous array reads), undefined otherwise.
 * Size-1 axes may carry any stride (they are never stepped).
 */
export const matmulLayout = (shape: ReadonlyArray<number>, strides: ReadonlyArray<number>): "plain" | "transposed" | undefined => {
  const r = shape.length
  const want: number[] = new Array<number>(r)
  for (let i = r - 1, s = 1; i >= 0; i--) (want[i] = s), (s *= shape[i]!)
  const fits = (w: ReadonlyArray<number>) => strides.length === r && shape.every((d, i) => d === 1 || strides[i] === w[i])
  if (fits(want)) return "plain"
  if (r < 2) return undefined
  want[r - 1] = shape[r - 2]!
  want[r - 2] = 1
  return fits(want) ? "transposed" : undefined
}

/**
 * Strides (in elements) of one matrix operand: element (i, j) of the logical matrix sits at
 * `offset + i·rs + j·cs`. A row-major operand has `cs = 1`, a transposed one `rs = 1`.
 */
interface Layout {
  readonly rs: number
  readonly cs: number
}

/**
 * C[q] = op(A[q])·op(B[q]) for q < batch: A is [batch, m, k] (or [batch, k, m] when `ta`), B
 * [batch, k, n] (or [batch, n, k] when `tb`), C [batch, m, n], all contiguous row-major.
 */
export const gemm = (
  a: HostArray,
  b: HostArray,
  c: HostArray,
  batch: number,
  m: number,
  k: number,
  n: number,
  ta = false,
  tb = false,
): void => {
  if (m === 0 || n === 0) return
  const nc = Math.min(NC, n)
  const kc = Math.min(KC, k)
  const pa = new Float64Array(kc * MR)
  const pb = new Float64Array(kc * (Math.ceil(nc / NR) * NR))
  const acc = new Float64Array(m * nc)
  const la: Layout = ta ? { rs: 1, cs: m } : { rs: k, cs: 1 },
    lb: Layout = tb ? { rs: 1, cs: k } : { rs: n, cs: 1 }
  for (let p = 0; p < batch; p++) gemm1(a, p * m * k, la, b, p * k * n, lb, c, p * m * n, m, k, n, pa, pb, acc)
}

const gemm1 = (
  a: HostArray,
  ao: number,
  la: Layout,
  b: HostArray,
  bo: number,
  lb: Layout,
  c: HostArray,
  co: number,
  m: number,
  k: number,
  n: number,
  pa: Float64Array,
  pb: Float64Array,
  acc: Float64Array,
): void => {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0)
    acc.fill(0, 0, m * nc)
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0)
      const bOff = bo + k0 * lb.rs + j0 * lb.cs
      if (lb.cs === 1) packB(b, bOff, lb.rs, kc, nc, pb)
      else packBT(b, bOff, lb.cs, kc, nc, pb)
      for (let i0 = 0; i0 < m; i0 += MR) {
        const h = Math.min(MR, m - i0)
        const aOff = ao + i0 * la.rs + k0 * la.cs
        if (la.cs === 1) packA(a, aOff, la.rs, kc, h, pa)
        else packAT(a, aOff, la.cs, kc, h, pa)
        for (let js = 0; js < nc; js += NR) micro4x4(pa, pb, js * kc, kc, acc, i0 * nc + js, nc, h, Math.min(NR, nc - js))
      }
    }
    for (let i = 0; i < m; i++) {
      const src = i * nc,
        dst = co + i * n + j0
      for (let j = 0; j < nc; j++) c[dst + j] = acc[src + j]!
    }
  }
}

/** pb[strip s][p][q] = B[k0 + p, j0 + s·NR + q] (zero past the panel's last column). */
const packB = (b: HostArray, off: number, ld: number, kc: number, nc: number, pb: Float64Array): void => {
  for (let js = 0; js < nc; js += NR) {
    const w = Math.min(NR, nc - js)
    let d = js * kc
    for (let p = 0, s = off + js; p < kc; p++, s += ld, d += NR) {
      if (w === NR) {
        pb[d] = b[s]!
        pb[d + 1] = b[s + 1]!
        pb[d + 2] = b[s + 2]!
        pb[d + 3] = b[s + 3]!
      } else for (let q = 0; q < NR; q++) pb[d + q] = q < w ? b[s + q]! : 0
    }
  }
}

/** packB from Bᵀ: pb[strip s][p][q] = Bᵀ[j0 + s·NR + q, k0 + p], column q of a strip read along its contiguous row of Bᵀ. */
const packBT = (b: HostArray, off: number, ld: number, kc: number, nc: number, pb: Float64Array): void => {
  for (let js = 0; js < nc; js += NR) {
    const w = Math.min(NR, nc - js),
      d = js * kc
    for (let q = 0; q < NR; q++) {
      if (q < w) for (let p = 0, s = off + (js + q) * ld, t = d + q; p < kc; p++, s++, t += NR) pb[t] = b[s]!
      else for (let p = 0, t = d + q; p < kc; p++, t += NR) pb[t] = 0
    }
  }
}

/** pa[p][r] = A[i0 + r, k0 + p] (zero past the last row). */
const packA = (a: HostArray, off: number, ld: number, kc: number, h: number, pa: Float64Array): void => {
  for (let r = 0; r < MR; r++) {
    if (r < h) for (let p = 0, s = off + r * ld; p < kc; p++, s++) pa[p * MR + r] = a[s]!
    else for (let p = 0; p < kc; p++) pa[p * MR + r] = 0
  }
}

/** packA from Aᵀ: pa[p][r] = Aᵀ[k0 + p, i0 + r], the MR values of each depth step contiguous in Aᵀ (zero past the last row). */
const packAT = (a: HostArray, off: number, ld: number, kc: number, h: number, pa: Float64Array): void => {
  for (let p = 0, s = off, d = 0; p < kc; p++, s += ld, d += MR) {
    if (h === MR) {
      pa[d] = a[s]!
      pa[d + 1] = a[s + 1]!
      pa[d + 2] = a[s + 2]!
      pa[d + 3] = a[s + 3]!
    } else for (let r = 0; r < MR; r++) pa[d + r] = r < h ? a[s + r]! : 0
  }
}

/** acc[4×4 block at `o`, row stride `ld`] += pa(kc×4)ᵀ · pb(kc×4), storing only the h×w valid part. */
const micro4x4 = (
  pa: Float64Array,
  pb: Float64Array,
  bo: number,
  kc: number,
  acc: Float64Array,
  o: number,
  ld: number,
  h: number,
  w: number,
): void => {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0
  for (let p = 0, ai = 0, bi = bo; p < kc; p++, ai += 4, bi += 4) {
    const a0 = pa[ai]!,
      a1 = pa[ai + 1]!,
      a2 = pa[ai + 2]!,
      a3 = pa[ai + 3]!
    const b0 = pb[bi]!,
      b1 = pb[bi + 1]!,
      b2 = pb[bi + 2]!,
      b3 = pb[bi + 3]!
    c00 += a0 * b0
    c01 += a0 * b1
    c02 += a0 * b2
    c03 += a0 * b3
    c10 += a1 * b0
    c11 += a1 * b1
    c12 += a1 * b2
    c13 += a1 * b3
    c20 += a2 * b0
    c21 += a2 * b1
    c22 += a2 * b2
    c23 += a2 * b3
    c30 += a3 * b0
    c31 += a3 * b1
    c32 += a3 * b2
    c33 += a3 * b3
  }
  if (h === 4 && w === 4) {
    acc[o] = acc[o]! + c00
    acc[o + 1] = acc[o + 1]! + c01
    acc[o + 2] = acc[o + 2]! + c02
    acc[o + 3] = acc[o + 3]! + c03
    o += ld
    acc[o] = acc[o]! + c10
    acc[o + 1] = acc[o + 1]! + c11
    acc[o + 2] = acc[o + 2]! + c12
    acc[o + 3] = acc[o + 3]! + c13
    o += ld
    acc[o] = acc[o]! + c20
    acc[o + 1] = acc[o + 1]! + c21
    acc[o + 2] = acc[o + 2]! + c22
    acc[o + 3] = acc[o + 3]! + c23
    o += ld
    acc[o] = acc[o]! + c30
    acc[o + 1] = acc[o + 1]! + c31
    acc[o + 2] = acc[o + 2]! + c32
    acc[o + 3] = acc[o + 3]! + c33
    return
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) acc[o + r * ld + q] = acc[o + r * ld + q]! + t[r * 4 + q]!
}
