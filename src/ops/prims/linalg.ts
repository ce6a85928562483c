/**
 * Matrix factorisation primitives over the last two axes (leading axes are batch axes):
 * `luPivots` (the row order partial pivoting picks), `lu` (Doolittle without pivoting, packed),
 * `triangularSolve` (linear in its right-hand side), `cholesky` and `qr` (Householder, one factor
 * per application). `solve`, `inv`, `det` and `slogdet` in `api/solve.ts` are compositions of
 * them; the JVP rules are JAX's.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError, TransformError } from "../../errors.js"
import { hostConvert, isFloat, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Primitive } from "../core/primitive.js"
import { Tensor, type AnyTensor } from "../core/tensor.js"

/** Which triangle of `a` a triangular solve reads, and how it applies it. */
export interface TriangularParams {
  /** read the lower triangle (else the upper) */
  readonly lower: boolean
  /** take the diagonal as ones (it is not read) */
  readonly unitDiagonal: boolean
  /** solve `Tᵀ·x = b` instead of `T·x = b` */
  readonly transposeA: boolean
}

declare module "../core/primitive.js" {
  interface Primitives {
    /** i32 [..., n]: the rows of a [..., n, n] in the order partial pivoting takes them (`(P·A)[i] = A[perm[i]]`) */
    luPivots: { readonly params: {}; readonly kind: "other" }
    /** [..., n, n] → L − I + U packed (A = L·U, L unit lower, no pivoting) */
    lu: { readonly params: {}; readonly kind: "other" }
    /** x with op(T)·x = b, T a triangle of a: [..., n, n], [..., n, k] → [..., n, k] */
    triangularSolve: { readonly params: TriangularParams; readonly kind: "other"; readonly linear: true }
    /** L lower with L·Lᵀ = A, reading A's lower triangle (NaN where A is not positive definite) */
    cholesky: { readonly params: {}; readonly kind: "other" }
    /** reduced QR of [..., m, n], m ≥ n, with R's diagonal positive: Q [..., m, n] or R [..., n, n] */
    qr: { readonly params: { readonly output: "q" | "r" }; readonly kind: "other" }
  }
}

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

/** A float matrix (or batch of them), square unless `wide` allows m ≥ n. */
const checkMatrix = (op: string, a: Aval, shape: "square" | "tall"): void => {
  const r = a.shape.length
  if (r < 2) throw ShapeError.of(op, `needs a matrix [..., m, n], got ${fmt(a.shape)}`, a.shape)
  const m = a.shape[r - 2]!,
    n = a.shape[r - 1]!
  if (shape === "square" && m !== n) throw ShapeError.of(op, `needs square matrices, got ${m} × ${n} in ${fmt(a.shape)}`, a.shape)
  if (shape === "tall" && m < n) throw ShapeError.of(op, `needs m ≥ n (reduced QR), got ${m} × ${n} in ${fmt(a.shape)}`, a.shape)
  if (!isFloat(a.dtype)) throw new DTypeError({ op, dtypes: [a.dtype], message: `${op}: expected a float tensor, got ${a.dtype}` })
}

/** A constant [n, n] matrix f(i, j) broadcast over `like`'s leading axes, on its device and dtype. */
export const matrixConst = (like: AnyTensor | Aval, n: number, f: (i: number, j: number) => number, on: AnyTensor): AnyTensor => {
  const data: number[] = []
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.push(f(i, j))
  const aval = { shape: [n, n], dtype: like.dtype }
  const m = new Tensor(aval, on.device, on.device.backend.upload(hostConvert(data, aval.dtype), aval))
  return lax.broadcastTo(m, [...like.shape.slice(0, -2), n, n])
}

const n2 = (x: AnyTensor | Aval): number => x.shape[x.shape.length - 1]!

/** `x` with entries off `keep(i, j)` zeroed (triangles; `diag` replaces the diagonal's factor). */
const mask = (x: AnyTensor, keep: (i: number, j: number) => boolean, diag?: number): AnyTensor =>
  lax.mul(
    x,
    matrixConst(x, n2(x), (i, j) => (i === j && diag !== undefined ? diag : keep(i, j) ? 1 : 0), x),
  )
const tril = (x: AnyTensor, k = 0) => mask(x, (i, j) => j - i <= k)
const triu = (x: AnyTensor, k = 0) => mask(x, (i, j) => j - i >= k)
const eyeLike = (x: AnyTensor) => matrixConst(x, n2(x), (i, j) => (i === j ? 1 : 0), x)

const tsolve = (a: AnyTensor, b: AnyTensor, p: TriangularParams): AnyTensor => bind1(triangularSolveP, [a, b], p)
/** x·T⁻¹ for T the upper triangle of `a`: (T⁻ᵀ·xᵀ)ᵀ. */
const rightSolveUpper = (x: AnyTensor, a: AnyTensor): AnyTensor =>
  lax.mT(tsolve(a, lax.mT(x), { lower: false, unitDiagonal: false, transposeA: true }))

/** Every operand with the batch axis in front (an unbatched one is broadcast along it). */
const batchFront = (args: ReadonlyArray<AnyTensor>, dims: ReadonlyArray<number | null>): AnyTensor[] => {
  const k = dims.findIndex((d) => d !== null && d !== undefined)
  const b = args[k]!.shape[dims[k]!]!
  return args.map((x, i) =>
    dims[i] === null || dims[i] === undefined ? lax.broadcastTo(x, [b, ...x.shape]) : lax.moveAxis(x, dims[i]!, 0),
  )
}

// luPivots: piecewise constant (not differentiable)
const luPivotsP: Primitive<"luPivots"> = {
  name: "luPivots",
  kind: "other",
  abstractEval: ([a]) => {
    checkMatrix("lu", a!, "square")
    return [{ shape: a!.shape.slice(0, -1), dtype: "i32" }]
  },
  jvp: ([a]) => {
    const y = bind1(luPivotsP, [a!], {})
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  batch: (args, dims) => [[bind1(luPivotsP, batchFront(args, dims), {})], [0]],
  domain: { kind: "custom", nonDiff: true },
}

// lu: A = L·U, so L⁻¹·dA·U⁻¹ = L⁻¹·dL + dU·U⁻¹ = X (strictly lower + upper parts):
// dL = L·tril(X, −1), dU = triu(X)·U, packed as their sum
const luP: Primitive<"lu"> = {
  name: "lu",
  kind: "other",
  abstractEval: ([a]) => {
    checkMatrix("lu", a!, "square")
    return [{ shape: [...a!.shape], dtype: a!.dtype }]
  },
  jvp: ([a], [t]) => {
    const y = bind1(luP, [a!], {})
    if (t === undefined || t instanceof Zero) return [[y], [new Zero(y.aval)]]
    const lInvDa = tsolve(y, t, { lower: true, unitDiagonal: true, transposeA: false })
    const x = rightSolveUpper(lInvDa, y)
    const l = lax.add(tril(y, -1), eyeLike(y))
    return [[y], [lax.add(lax.matmul(l, tril(x, -1)), lax.matmul(triu(x), triu(y)))]]
  },
  transpose: null,
  batch: (args, dims) => [[bind1(luP, batchFront(args, dims), {})], [0]],
  domain: { kind: "custom" },
}

/** The triangle of `da` that T reads (no diagonal when it is taken as ones). */
const triangleOf = (da: AnyTensor, p: TriangularParams): AnyTensor =>
  p.lower ? tril(da, p.unitDiagonal ? -1 : 0) : triu(da, p.unitDiagonal ? 1 : 0)

// op(T)·x = b ⇒ op(T)·dx = db − op(dT)·x; transpose in b: op(T)⁻ᵀ·ct
const triangularSolveP: Primitive<"triangularSolve"> = {
  name: "triangularSolve",
  kind: "other",
  abstractEval: ([a, b]) => {
    checkMatrix("triangularSolve", a!, "square")
    const r = a!.shape.length,
      n = a!.shape[r - 1]!
    if (b!.shape.length !== r || b!.shape[r - 2] !== n || a!.shape.slice(0, r - 2).some((d, i) => d !== b!.shape[i]))
      throw ShapeError.of(
        "triangularSolve",
        `right-hand side ${fmt(b!.shape)} does not fit ${fmt(a!.shape)} (expected [..., ${n}, k])`,
        a!.shape,
        b!.shape,
      )
    if (a!.dtype !== b!.dtype) {
      const message = `triangularSolve: needs equal float dtypes, got ${a!.dtype} and ${b!.dtype}`
      throw new DTypeError({ op: "triangularSolve", dtypes: [a!.dtype, b!.dtype], message })
    }
    return [{ shape: [...b!.shape], dtype: b!.dtype }]
  },
  jvp: ([a, b], [ta, tb], p) => {
    const x = tsolve(a!, b!, p)
    const za = ta === undefined || ta instanceof Zero,
      zb = tb === undefined || tb instanceof Zero
    if (za && zb) return [[x], [new Zero(x.aval)]]
    const opDa = za ? null : ((t) => (p.transposeA ? lax.mT(t) : t))(triangleOf(ta as AnyTensor, p))
    const rhs = opDa === null ? (tb as AnyTensor) : zb ? lax.neg(lax.matmul(opDa, x)) : lax.sub(tb as AnyTensor, lax.matmul(opDa, x))
    return [[x], [tsolve(a!, rhs, p)]]
  },
  transpose: ([ct], [a, b], p) => {
    if (a instanceof LinearIn) throw new TransformError({ transform: "transpose", message: "triangularSolve: not linear in the matrix" })
    const av = (b as LinearIn).aval
    return [null, ct === undefined || ct instanceof Zero ? new Zero(av) : tsolve(a as AnyTensor, ct, { ...p, transposeA: !p.transposeA })]
  },
  batch: (args, dims, p) => [[tsolve(...(batchFront(args, dims) as [AnyTensor, AnyTensor]), p)], [0]],
  domain: { kind: "custom", diffArgs: [0, 1] },
}

// A = L·Lᵀ ⇒ dL = L·Φ(L⁻¹·dA·L⁻ᵀ), Φ = lower triangle with the diagonal halved; the kernel reads
// A's lower triangle, so dA is the symmetric matrix of the tangent's lower triangle
const choleskyP: Primitive<"cholesky"> = {
  name: "cholesky",
  kind: "other",
  abstractEval: ([a]) => {
    checkMatrix("cholesky", a!, "square")
    return [{ shape: [...a!.shape], dtype: a!.dtype }]
  },
  jvp: ([a], [t]) => {
    const l = bind1(choleskyP, [a!], {})
    if (t === undefined || t instanceof Zero) return [[l], [new Zero(l.aval)]]
    const s = lax.add(tril(t), lax.mT(tril(t, -1)))
    const lower = { lower: true, unitDiagonal: false, transposeA: false }
    const y = tsolve(l, s, lower)
    const inner = lax.mT(tsolve(l, lax.mT(y), lower))
    return [
      [l],
      [
        lax.matmul(
          l,
          mask(inner, (i, j) => j < i, 0.5),
        ),
      ],
    ]
  },
  transpose: null,
  batch: (args, dims) => [[bind1(choleskyP, batchFront(args, dims), {})], [0]],
  domain: { kind: "custom" },
}

// A = Q·R: with C = Qᵀ·dA·R⁻¹ and Ω = tril(C, −1) − tril(C, −1)ᵀ (skew),
// dQ = Q·(Ω − C) + dA·R⁻¹, dR = (C − Ω)·R
const qrP: Primitive<"qr"> = {
  name: "qr",
  kind: "other",
  abstractEval: ([a], { output }) => {
    checkMatrix("qr", a!, "tall")
    const r = a!.shape.length,
      n = a!.shape[r - 1]!
    if (output !== "q" && output !== "r") throw ShapeError.of("qr", `output must be "q" or "r", got ${String(output)}`, a!.shape)
    return [{ shape: output === "q" ? [...a!.shape] : [...a!.shape.slice(0, r - 2), n, n], dtype: a!.dtype }]
  },
  jvp: ([a], [t], { output }) => {
    const y = bind1(qrP, [a!], { output })
    if (t === undefined || t instanceof Zero) return [[y], [new Zero(y.aval)]]
    const q = output === "q" ? y : bind1(qrP, [a!], { output: "q" })
    const r = output === "r" ? y : bind1(qrP, [a!], { output: "r" })
    const daRinv = rightSolveUpper(t, r)
    const c = lax.matmul(lax.mT(q), daRinv)
    const low = tril(c, -1)
    const omega = lax.sub(low, lax.mT(low))
    const dy = output === "q" ? lax.add(lax.matmul(q, lax.sub(omega, c)), daRinv) : lax.matmul(lax.sub(c, omega), r)
    return [[y], [dy]]
  },
  transpose: null,
  batch: (args, dims, p) => [[bind1(qrP, batchFront(args, dims), p)], [0]],
  domain: { kind: "custom" },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { luPivots: luPivotsP, lu: luP, triangularSolve: triangularSolveP, cholesky: choleskyP, qr: qrP }

/** @internal the erased rules' entry points, for the typed ops of `api/solve.ts` */
export const linalgPrims = { luPivots: luPivotsP, lu: luP, triangularSolve: triangularSolveP, cholesky: choleskyP, qr: qrP }
