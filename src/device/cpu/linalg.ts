/**
 * CPU kernels of the matrix factorisations: row pivots, LU without pivoting, triangular solves,
 * Cholesky and Householder QR. Each works on one [n, n] (or [m, n]) block per batch entry, in f64
 * whatever the storage dtype, and rounds once when it writes the result.
 *
 * @since 0.1.0
 */
import { hostAlloc, hostConvert, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { ParamsOf } from "../../ops/core/primitive.js"

const batchOf = (shape: ReadonlyArray<number>): number => numel(shape.slice(0, -2))

/** Gaussian elimination in place on the n × n block at `w`; with `perm`, partial pivoting records the row order. */
const eliminate = (w: Float64Array, n: number, perm: Int32Array | null): void => {
  for (let k = 0; k < n; k++) {
    const rk = k * n
    if (perm !== null) {
      let p = k,
        best = Math.abs(w[rk + k]!)
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(w[i * n + k]!)
        if (v > best) (best = v), (p = i)
      }
      if (p !== k) {
        const rp = p * n
        for (let j = 0; j < n; j++) {
          const t = w[rk + j]!
          w[rk + j] = w[rp + j]!
          w[rp + j] = t
        }
        const t = perm[k]!
        perm[k] = perm[p]!
        perm[p] = t
      }
    }
    const piv = w[rk + k]!
    // NOTE: a zero pivot divides by zero (Inf/NaN), as LAPACK's getrf leaves it to the caller
    for (let i = k + 1; i < n; i++) {
      const ri = i * n
      const f = w[ri + k]! / piv
      w[ri + k] = f
      if (f !== 0) for (let j = k + 1; j < n; j++) w[ri + j] = w[ri + j]! - f * w[rk + j]!
    }
  }
}

/** The f64 work array as storage of `dtype` (itself when f64: it is freshly allocated). */
const finish = (w: Float64Array, dtype: Aval["dtype"]): HostArray => (dtype === "f64" ? w : hostConvert(w, dtype))

/** i32 [..., n]: the row order of partial pivoting. */
export const luPivotsKernel = (
  [a]: ReadonlyArray<HostArray>,
  [aa]: ReadonlyArray<Aval>,
  _p: ParamsOf<"luPivots">,
  out: Aval,
): HostArray => {
  const n = aa!.shape[aa!.shape.length - 1]!,
    nb = batchOf(aa!.shape)
  const y = hostAlloc(out.dtype, numel(out.shape)) as Int32Array
  const w = new Float64Array(n * n)
  for (let b = 0; b < nb; b++) {
    w.set(a!.subarray(b * n * n, (b + 1) * n * n))
    const perm = y.subarray(b * n, (b + 1) * n)
    for (let i = 0; i < n; i++) perm[i] = i
    eliminate(w, n, perm)
  }
  return y
}

/** L − I + U packed, no pivoting. */
export const luKernel = ([a]: ReadonlyArray<HostArray>, [aa]: ReadonlyArray<Aval>, _p: ParamsOf<"lu">, out: Aval): HostArray => {
  const n = aa!.shape[aa!.shape.length - 1]!,
    nb = batchOf(aa!.shape)
  const w = new Float64Array(a!)
  for (let b = 0; b < nb; b++) eliminate(w.subarray(b * n * n, (b + 1) * n * n), n, null)
  return finish(w, out.dtype)
}

/** x with op(T)·x = b by forward or back substitution over the k columns of b. */
export const triangularSolveKernel = (
  [a, bs]: ReadonlyArray<HostArray>,
  [aa, ab]: ReadonlyArray<Aval>,
  p: ParamsOf<"triangularSolve">,
  out: Aval,
): HostArray => {
  const r = aa!.shape.length,
    n = aa!.shape[r - 1]!,
    k = ab!.shape[r - 1]!,
    nb = batchOf(aa!.shape)
  const x = new Float64Array(bs!)
  // op(T) is lower when T is lower and not transposed, or upper and transposed
  const forward = p.lower !== p.transposeA
  for (let b = 0; b < nb; b++) {
    const ao = b * n * n,
      xo = b * n * k
    // op(T)[i, j] = a[ao + i·si + j·sj]
    const si = p.transposeA ? 1 : n,
      sj = p.transposeA ? n : 1
    for (let s = 0; s < n; s++) {
      const i = forward ? s : n - 1 - s
      const row = xo + i * k
      for (let t = 0; t < s; t++) {
        const j = forward ? t : n - 1 - t
        const c = a![ao + i * si + j * sj]!
        if (c !== 0) for (let q = 0; q < k; q++) x[row + q] = x[row + q]! - c * x[xo + j * k + q]!
      }
      if (!p.unitDiagonal) {
        const d = a![ao + i * n + i]!
        for (let q = 0; q < k; q++) x[row + q] = x[row + q]! / d
      }
    }
  }
  return finish(x, out.dtype)
}

/** L lower with L·Lᵀ = A from A's lower triangle; a block that is not positive definite becomes NaN. */
export const choleskyKernel = (
  [a]: ReadonlyArray<HostArray>,
  [aa]: ReadonlyArray<Aval>,
  _p: ParamsOf<"cholesky">,
  out: Aval,
): HostArray => {
  const n = aa!.shape[aa!.shape.length - 1]!,
    nb = batchOf(aa!.shape)
  const l = new Float64Array(numel(out.shape))
  for (let b = 0; b < nb; b++) {
    const o = b * n * n
    for (let j = 0; j < n; j++) {
      let s = a![o + j * n + j]!
      for (let q = 0; q < j; q++) s -= l[o + j * n + q]! * l[o + j * n + q]!
      if (!(s > 0)) {
        l.fill(Number.NaN, o, o + n * n)
        break
      }
      const d = Math.sqrt(s)
      l[o + j * n + j] = d
      for (let i = j + 1; i < n; i++) {
        let v = a![o + i * n + j]!
        for (let q = 0; q < j; q++) v -= l[o + i * n + q]! * l[o + j * n + q]!
        l[o + i * n + j] = v / d
      }
    }
  }
  return finish(l, out.dtype)
}

/** Reduced Householder QR of one m × n block (m ≥ n) with R's diagonal made non-negative. */
const householder = (a: ArrayLike<number>, ao: number, m: number, n: number, q: Float64Array, r: Float64Array): void => {
  const w = new Float64Array(m * n)
  for (let i = 0; i < m * n; i++) w[i] = a[ao + i]!
  const vs: Float64Array[] = []
  for (let k = 0; k < n; k++) {
    let norm = 0
    for (let i = k; i < m; i++) norm += w[i * n + k]! * w[i * n + k]!
    norm = Math.sqrt(norm)
    const x0 = w[k * n + k]!
    const alpha = x0 >= 0 ? -norm : norm
    const v = new Float64Array(m - k)
    for (let i = k; i < m; i++) v[i - k] = w[i * n + k]!
    v[0] = x0 - alpha
    let vn = 0
    for (let i = 0; i < v.length; i++) vn += v[i]! * v[i]!
    vn = Math.sqrt(vn)
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / vn
    vs.push(v)
    if (vn === 0) continue
    // w[k:, k:] −= 2·v·(vᵀ·w[k:, k:])
    for (let j = k; j < n; j++) {
      let d = 0
      for (let i = k; i < m; i++) d += v[i - k]! * w[i * n + j]!
      d *= 2
      for (let i = k; i < m; i++) w[i * n + j] = w[i * n + j]! - d * v[i - k]!
    }
  }
  // Q = H₀·H₁·…·H_{n−1} applied to the first n columns of the identity
  q.fill(0)
  for (let i = 0; i < n; i++) q[i * n + i] = 1
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!
    for (let j = 0; j < n; j++) {
      let d = 0
      for (let i = k; i < m; i++) d += v[i - k]! * q[i * n + j]!
      d *= 2
      if (d !== 0) for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - d * v[i - k]!
    }
  }
  r.fill(0)
  for (let i = 0; i < n; i++) {
    const flip = w[i * n + i]! < 0 ? -1 : 1
    for (let j = i; j < n; j++) r[i * n + j] = flip * w[i * n + j]!
    if (flip < 0) for (let t = 0; t < m; t++) q[t * n + i] = -q[t * n + i]!
  }
}

/** Q [..., m, n] or R [..., n, n] of the reduced QR. */
export const qrKernel = ([a]: ReadonlyArray<HostArray>, [aa]: ReadonlyArray<Aval>, { output }: ParamsOf<"qr">, out: Aval): HostArray => {
  const rank = aa!.shape.length,
    m = aa!.shape[rank - 2]!,
    n = aa!.shape[rank - 1]!,
    nb = batchOf(aa!.shape)
  const y = new Float64Array(numel(out.shape))
  const q = new Float64Array(m * n),
    r = new Float64Array(n * n)
  for (let b = 0; b < nb; b++) {
    householder(a!, b * m * n, m, n, q, r)
    if (output === "q") y.set(q, b * m * n)
    else y.set(r, b * n * n)
  }
  return finish(y, out.dtype)
}
