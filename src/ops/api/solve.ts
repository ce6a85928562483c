/**
 * Linear solves and decompositions over the last two axes (leading axes are batch axes), typed
 * from their operands' shapes: `lu`, `triangularSolve`, `cholesky`, `qr`, and the compositions
 * `solve`, `inv`, `det`, `slogdet`. Every one is differentiable (the factorisation primitives carry
 * JAX's JVP rules), batches under `vmap` and runs on the CPU and on WebGPU.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError, SingularMatrix } from "../../errors.js"
import { broadcastShapes, type DeviceKind, type Dim, type DType, type Guard, type Shape } from "../../shape/index.js"
import type { MatrixBatch, Solve, SquareMatrix } from "../../shape/index.js"
import { isFloat } from "../core/aval.js"
import { bind1, commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { primitive } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { linalgPrims, matrixConst, type TriangularParams } from "../prims/linalg.js"
import type { Out } from "./typing.js"
import { diagonal } from "./linalg.js"

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`
const sizes = (x: AnyTensor): number[] => x.shape as number[]

/** The runtime twin of `SquareMatrix`, plus the float dtype check. */
const square = (op: string, a: AnyTensor): number => {
  const r = a.shape.length
  if (r < 2 || a.shape[r - 1] !== a.shape[r - 2]) throw ShapeError.of(op, `needs square matrices [..., n, n], got ${fmt(a.shape)}`, a.shape)
  if (!isFloat(a.dtype)) throw new DTypeError({ op, dtypes: [a.dtype], message: `${op}: expected a float tensor, got ${a.dtype}` })
  return a.shape[r - 1]!
}

/** `x` gathered along the row axis: `out[..., i, j] = x[..., perm[..., i], j]`. */
const permuteRows = (x: AnyTensor, perm: AnyTensor): AnyTensor => {
  const r = x.shape.length
  const idx = lax.broadcastTo(lax.reshape(perm, [...sizes(perm), 1]), sizes(x))
  return bind1(primitive("gather"), [x, idx], { axis: r - 2 })
}

/** LU with partial pivoting on erased tensors: packed factors of the row-permuted matrix and the row order. */
const luE = (op: string, a: AnyTensor): { lu: AnyTensor; perm: AnyTensor } => {
  square(op, a)
  const perm = bind1(linalgPrims.luPivots, [a], {})
  return { lu: bind1(linalgPrims.lu, [permuteRows(a, perm)], {}), perm }
}

/** Throw `SingularMatrix` when a concrete, host-readable LU has an exactly zero pivot. */
const requireInvertible = (op: string, a: AnyTensor, lu: AnyTensor): void => {
  const read = lu.device.backend.readSync
  if (lu.isTracer || read === undefined) return
  const data = read(lu._impl as never, lu.aval)
  const n = a.shape[a.shape.length - 1]!
  for (let b = 0; b * n * n < data.length; b++)
    for (let k = 0; k < n; k++)
      if (data[b * n * n + k * n + k] === 0) {
        const where = a.shape.length > 2 ? ` of batch entry ${b}` : ""
        const message = `${op}: the matrix ${fmt(a.shape)} is singular (zero pivot in column ${k}${where})`
        throw new SingularMatrix({ op, message, shape: [...a.shape], batchIndex: b, column: k })
      }
}

/** `a` and `b` with broadcast batch axes and `b` as matrices `[..., n, k]`; `vector` when `b` had one axis fewer than `a`. */
const rhs = (op: string, a: AnyTensor, b: AnyTensor): { a: AnyTensor; b: AnyTensor; vector: boolean } => {
  const n = square(op, a)
  commonDevice([a, b], op)
  if (a.dtype !== b.dtype)
    throw new DTypeError({ op, dtypes: [a.dtype, b.dtype], message: `${op}: needs equal float dtypes, got ${a.dtype} and ${b.dtype}` })
  const vector = b.shape.length === a.shape.length - 1
  const bad = (detail = "") =>
    ShapeError.of(op, `${fmt(a.shape)} cannot solve a right-hand side ${fmt(b.shape)}${detail}`, a.shape, b.shape)
  if (!vector && b.shape.length < 2) throw bad()
  const bm = vector ? lax.reshape(b, [...sizes(b), 1]) : b
  const k = bm.shape[bm.shape.length - 2]!
  if (k !== n) throw bad(` (${n} vs ${k})`)
  let batch: number[]
  try {
    batch = broadcastShapes(sizes(a).slice(0, -2), sizes(bm).slice(0, -2), op) as number[]
  } catch {
    throw ShapeError.of(op, `batch axes of ${fmt(a.shape)} and ${fmt(b.shape)} do not broadcast`, a.shape, b.shape)
  }
  return { a: lax.broadcastTo(a, [...batch, n, n]), b: lax.broadcastTo(bm, [...batch, ...sizes(bm).slice(-2)]), vector }
}

const unvector = (x: AnyTensor, vector: boolean): AnyTensor => (vector ? lax.reshape(x, sizes(x).slice(0, -1)) : x)

/** The packed-LU solve: P·A = L·U, so x = U⁻¹·L⁻¹·(P·b). */
const luSolve = (lu: AnyTensor, perm: AnyTensor, b: AnyTensor): AnyTensor => {
  const y = bind1(linalgPrims.triangularSolve, [lu, permuteRows(b, perm)], { lower: true, unitDiagonal: true, transposeA: false })
  return bind1(linalgPrims.triangularSolve, [lu, y], { lower: false, unitDiagonal: false, transposeA: false })
}

/** The sign (±1) of each row order, in `like`'s dtype: ∏_{i<j} sign(perm[j] − perm[i]). */
const parity = (perm: AnyTensor, like: AnyTensor): AnyTensor => {
  const n = perm.shape[perm.shape.length - 1]!,
    p = sizes(perm)
  const f = lax.cast(perm, like.dtype)
  const d = lax.sub(lax.reshape(f, [...p.slice(0, -1), 1, n]), lax.reshape(f, [...p, 1]))
  const upper = lax.compare(
    matrixConst(like, n, (i, j) => (j > i ? 1 : 0), like),
    0,
    "gt",
  )
  const signs = lax.where(upper, lax.sign(d), lax.full(sizes(d), 1, like))
  return lax.reduceProd(signs, [p.length - 1, p.length])
}

const diag = (x: AnyTensor): AnyTensor => diagonal(x, 0, x.shape.length - 2, x.shape.length - 1) as AnyTensor

type PivotShape<S extends Shape> = S extends readonly [...Dim[], Dim, infer N extends Dim] ? [...MatrixBatch<S>, N] : Dim[]

/**
 * LU factorisation with partial pivoting (LAPACK's `getrf`, JAX's `lu`): `perm` is the row order
 * and `lu` packs `L − I + U` with `A[perm] = L·U` (`L` unit lower triangular, `U` upper). Batched
 * over leading axes; differentiable in `a` (the row order is piecewise constant).
 *
 * @example
 * import * as tg from "typegrad"
 * const { lu, perm } = tg.lu(tg.tensor([[1, 2], [3, 4]]))
 * perm.toArraySync() // [1, 0]: row 1 has the larger pivot
 * lu.toArraySync() // [[3, 4], [0.3333, 0.6667]]: U = [[3, 4], [0, 0.6667]], L = [[1, 0], [0.3333, 1]]
 * @since 0.1.0
 * @category linear algebra
 */
export const lu = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V> & Guard<SquareMatrix<S, "lu">>,
): { readonly lu: Tensor<S, D, V>; readonly perm: Tensor<PivotShape<S>, "i32", V> } => luE("lu", a) as never

/**
 * Options of {@link triangularSolve} (SciPy's `solve_triangular`).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.TriangularSolveOptions = { lower: true, unitDiagonal: true }
 * @since 0.1.0
 * @category linear algebra
 */
export interface TriangularSolveOptions {
  /** use the lower triangle of `a` (default: the upper, as SciPy) */
  readonly lower?: boolean
  /** take `a`'s diagonal as ones without reading it (default false) */
  readonly unitDiagonal?: boolean
  /** solve `Tᵀ·x = b` (default false) */
  readonly transpose?: boolean
}

/**
 * Solve `T·x = b` for a triangle `T` of `a` by substitution (SciPy's `solve_triangular`; only
 * that triangle of `a` is read). `b` is a vector per batch entry (`[..., n]`, one axis fewer than
 * `a`) or a matrix `[..., n, k]`; batch axes broadcast. Linear in `b`; differentiable in both.
 *
 * @example
 * import * as tg from "typegrad"
 * const t = tg.tensor([[2, 0], [1, 1]])
 * tg.triangularSolve(t, tg.tensor([4, 3]), { lower: true }).toArraySync() // [2, 1]
 * @since 0.1.0
 * @category linear algebra
 */
export const triangularSolve = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V> & Guard<SquareMatrix<A, "triangularSolve">>,
  b: Tensor<B, D, V>,
  options: TriangularSolveOptions = {},
): Out<Solve<A, B>, D, V> => {
  const { a: am, b: bm, vector } = rhs("triangularSolve", a, b)
  const p: TriangularParams = {
    lower: options.lower ?? false,
    unitDiagonal: options.unitDiagonal ?? false,
    transposeA: options.transpose ?? false,
  }
  return unvector(bind1(linalgPrims.triangularSolve, [am, bm], p), vector) as never
}

/**
 * Solve `a·x = b` (NumPy's `linalg.solve`) by LU with partial pivoting and two triangular solves.
 * `b` is a vector per batch entry (`[..., n]`, one axis fewer than `a`) or a matrix `[..., n, k]`;
 * batch axes broadcast and `n` must agree — checked by the type. Differentiable in `a` and `b`
 * (dx = a⁻¹·(db − da·x)). A singular `a` throws {@link SingularMatrix} on eager CPU values; under
 * `jit`, `grad`, `vmap` or on WebGPU it gives Inf/NaN instead.
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.tensor([[3, 1], [1, 2]])
 * tg.solve(a, tg.tensor([9, 8])).toArraySync() // [2, 3]
 * // tg.solve(a, tg.tensor([1, 2, 3]))           // compile error: solve: [2, 2] cannot solve a right-hand side [3] (2 vs 3)
 * @since 0.1.0
 * @category linear algebra
 */
export const solve = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V> & Guard<SquareMatrix<A, "solve">>,
  b: Tensor<B, D, V> & NoInfer<Guard<Solve<A, B>>>,
): Out<Solve<A, B>, D, V> => {
  const { a: am, b: bm, vector } = rhs("solve", a, b)
  const f = luE("solve", am)
  requireInvertible("solve", am, f.lu)
  return unvector(luSolve(f.lu, f.perm, bm), vector) as never
}

/**
 * The inverse of each square matrix (NumPy's `linalg.inv`): `solve(a, I)`. Prefer {@link solve}
 * for `a⁻¹·b`. A singular matrix throws {@link SingularMatrix} on eager CPU values (Inf/NaN under
 * transforms and on WebGPU).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.inv(tg.tensor([[4, 7], [2, 6]])).toArraySync() // [[0.6, -0.7], [-0.2, 0.4]]
 * @since 0.1.0
 * @category linear algebra
 */
export const inv = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V> & Guard<SquareMatrix<S, "inv">>,
): Tensor<S, D, V> => {
  const n = square("inv", a)
  const f = luE("inv", a)
  requireInvertible("inv", a, f.lu)
  return luSolve(
    f.lu,
    f.perm,
    matrixConst(a, n, (i, j) => (i === j ? 1 : 0), a),
  ) as never
}

/**
 * The determinant of each square matrix (NumPy's `linalg.det`): the product of `U`'s diagonal
 * times the sign of the row order. Differentiable (d det = det·tr(a⁻¹·da) for invertible `a`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.det(tg.tensor([[1, 2], [3, 4]])).item() // -2
 * tg.det(tg.ones([5, 3, 3])).shape // [5]
 * @since 0.1.0
 * @category linear algebra
 */
export const det = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V> & Guard<SquareMatrix<S, "det">>,
): Tensor<MatrixBatch<S>, D, V> => {
  const f = luE("det", a)
  const d = diag(f.lu)
  // + 0 turns the −0 of a singular matrix with an odd row order into 0
  return lax.add(lax.mul(parity(f.perm, a), lax.reduceProd(d, [d.shape.length - 1])), 0) as never
}

/**
 * Sign and log of the absolute value of each determinant (NumPy's `linalg.slogdet`): `det =
 * sign·exp(logabsdet)` without overflow. A singular matrix gives sign 0 and logabsdet −∞.
 * `logabsdet` is differentiable (d = tr(a⁻¹·da)).
 *
 * @example
 * import * as tg from "typegrad"
 * const { sign, logabsdet } = tg.slogdet(tg.tensor([[1, 2], [3, 4]]))
 * sign.item() // -1
 * logabsdet.item() // 0.6931 (log 2)
 * @since 0.1.0
 * @category linear algebra
 */
export const slogdet = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V> & Guard<SquareMatrix<S, "slogdet">>,
): { readonly sign: Tensor<MatrixBatch<S>, D, V>; readonly logabsdet: Tensor<MatrixBatch<S>, D, V> } => {
  const f = luE("slogdet", a)
  const d = diag(f.lu),
    last = [d.shape.length - 1]
  const sign = lax.add(lax.mul(parity(f.perm, a), lax.reduceProd(lax.sign(lax.stopGradient(d)), last)), 0)
  return { sign: sign as never, logabsdet: lax.reduceSum(lax.log(lax.abs(d)), last) as never }
}

/**
 * The Cholesky factor `L` (lower triangular, positive diagonal) with `L·Lᵀ = a` for symmetric
 * positive definite matrices (NumPy's `linalg.cholesky`). Like JAX, the input is symmetrised,
 * `(a + aᵀ)/2`, so the gradient is symmetric. A matrix that is not positive definite gives a
 * factor of NaN (no error is thrown, on any device). Differentiable (JAX's rule).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.cholesky(tg.tensor([[4, 2], [2, 5]])).toArraySync() // [[2, 0], [1, 2]]
 * @since 0.1.0
 * @category linear algebra
 */
export const cholesky = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V> & Guard<SquareMatrix<S, "cholesky">>,
): Tensor<S, D, V> => {
  square("cholesky", a)
  const sym = lax.mul(lax.add(a, lax.mT(a)), 0.5)
  return bind1(linalgPrims.cholesky, [sym], {}) as never
}

type QrShapes<S extends Shape> = S extends readonly [...infer B extends Dim[], infer M extends Dim, infer N extends Dim]
  ? { readonly q: [...B, M, N]; readonly r: [...B, N, N] }
  : { readonly q: Dim[]; readonly r: Dim[] }

/**
 * Reduced QR factorisation by Householder reflections (NumPy's `linalg.qr`, mode `"reduced"`) of
 * `[..., m, n]` with `m ≥ n`: `q` has orthonormal columns (`[..., m, n]`), `r` is upper triangular
 * (`[..., n, n]`) with a non-negative diagonal, which makes the factorisation unique and smooth
 * for full column rank. Differentiable (JAX's rule); wide matrices (`m < n`) are not supported.
 *
 * @example
 * import * as tg from "typegrad"
 * const { q, r } = tg.qr(tg.tensor([[3, 1], [4, 2]]))
 * r.toArraySync() // [[5, 2.2], [0, 0.4]]
 * q.toArraySync() // [[0.6, -0.8], [0.8, 0.6]]
 * @since 0.1.0
 * @category linear algebra
 */
export const qr = <S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<S, D, V>,
): { readonly q: Tensor<QrShapes<S>["q"], D, V>; readonly r: Tensor<QrShapes<S>["r"], D, V> } => {
  const x = a as AnyTensor
  if (x.shape.length >= 2 && !isFloat(x.dtype))
    throw new DTypeError({ op: "qr", dtypes: [x.dtype], message: `qr: expected a float tensor, got ${x.dtype}` })
  return { q: bind1(linalgPrims.qr, [x], { output: "q" }) as never, r: bind1(linalgPrims.qr, [x], { output: "r" }) as never }
}
