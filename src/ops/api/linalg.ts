/**
 * Products and diagonals composed from matmul, reshape, slice and pad, with NumPy's semantics:
 * `tensordot`, `inner`, `matvec`/`vecmat`, `kron`, `diagonal`, `diag` and `trace`. No rules of
 * their own; every one is differentiable and runs on every backend.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { Mul } from "../../shape/arith.js"
import type { DeviceKind, Dim, DType, Shape } from "../../shape/index.js"
import { normAxis } from "../../shape/index.js"
import { numel } from "../core/aval.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { matmul } from "../prims/matmul.js"

const mm = (a: AnyTensor, b: AnyTensor): AnyTensor => matmul(a as never, b as never) as AnyTensor
const sizes = (x: AnyTensor): number[] => x.shape as number[]

/**
 * Sum products over the given axes of `a` and `b` (NumPy's `tensordot`): an integer `n` contracts
 * the last `n` axes of `a` with the first `n` of `b`; a pair of lists names the axes. The result's
 * axes are `a`'s free axes then `b`'s.
 * @example
 * import * as tg from "typegrad"
 * tg.tensordot(tg.ones([2, 3, 4]), tg.ones([3, 4, 5]), 2).shape // [2, 5], each entry 12
 * tg.tensordot(tg.ones([3, 2]), tg.ones([3]), [[0], [0]]).toArraySync() // [3, 3]
 * @since 0.1.0
 * @category linear algebra
 */
export const tensordot = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V>,
  b: Tensor<B, D, V>,
  axes: number | readonly [ReadonlyArray<number>, ReadonlyArray<number>] = 2,
): Tensor<Dim[], D, V> => {
  commonDevice([a, b], "tensordot")
  const ra = a.shape.length,
    rb = b.shape.length
  const [ax, bx] =
    typeof axes === "number"
      ? [Array.from({ length: axes }, (_, i) => ra - axes + i), Array.from({ length: axes }, (_, i) => i)]
      : [axes[0].map((v) => normAxis(v, ra, "tensordot")), axes[1].map((v) => normAxis(v, rb, "tensordot"))]
  if (typeof axes === "number" && (!Number.isInteger(axes) || axes < 0 || axes > Math.min(ra, rb)))
    throw ShapeError.of("tensordot", `cannot contract ${axes} axes of ranks ${ra} and ${rb}`, a.shape, b.shape)
  if (ax.length !== bx.length) throw ShapeError.of("tensordot", `${ax.length} axes of a but ${bx.length} of b`, a.shape, b.shape)
  ax.forEach((i, k) => {
    if (a.shape[i] !== b.shape[bx[k]!])
      throw ShapeError.of(
        "tensordot",
        `axis ${i} of a (${a.shape[i]}) differs from axis ${bx[k]} of b (${b.shape[bx[k]!]})`,
        a.shape,
        b.shape,
      )
  })
  const freeA = sizes(a)
    .map((_, i) => i)
    .filter((i) => !ax.includes(i))
  const freeB = sizes(b)
    .map((_, i) => i)
    .filter((i) => !bx.includes(i))
  const k = numel(ax.map((i) => sizes(a)[i]!))
  const am = lax.reshape(lax.transpose(a, [...freeA, ...ax]), [numel(freeA.map((i) => sizes(a)[i]!)), k])
  const bm = lax.reshape(lax.transpose(b, [...bx, ...freeB]), [k, numel(freeB.map((i) => sizes(b)[i]!))])
  return lax.reshape(mm(am, bm), [...freeA.map((i) => sizes(a)[i]!), ...freeB.map((i) => sizes(b)[i]!)]) as never
}

type Init<S extends Shape> = S extends readonly [...infer H extends Dim[], Dim] ? H : Dim[]

/**
 * Inner product over the last axes (NumPy's `inner`): the result has `a`'s leading axes then `b`'s.
 * @example
 * import * as tg from "typegrad"
 * tg.inner(tg.tensor([1, 2, 3]), tg.tensor([4, 5, 6])).item() // 32
 * @since 0.1.0
 * @category linear algebra
 */
export const inner = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V>,
  b: Tensor<B, D, V>,
): Tensor<[...Init<A>, ...Init<B>], D, V> => tensordot(a as AnyTensor, b as AnyTensor, [[-1], [-1]]) as never

/**
 * Matrix–vector product over the last axes, batch axes broadcast (NumPy's `matvec`):
 * `[..., m, n] × [..., n] → [..., m]`.
 * @example
 * import * as tg from "typegrad"
 * tg.matvec(tg.tensor([[1, 2], [3, 4]]), tg.tensor([1, 1])).toArraySync() // [3, 7]
 * @since 0.1.0
 * @category linear algebra
 */
export const matvec = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  m: Tensor<A, D, V>,
  v: Tensor<B, D, V>,
): Tensor<B extends readonly [Dim] ? Init<A> : Dim[], D, V> => {
  if (m.shape.length < 2 || v.shape.length < 1) throw ShapeError.of("matvec", "needs a matrix and a vector", m.shape, v.shape)
  const y = mm(m, lax.reshape(v, [...sizes(v), 1]))
  return lax.reshape(y, sizes(y).slice(0, -1)) as never
}

/**
 * Vector–matrix product over the last axes (NumPy's `vecmat`): `[..., m] × [..., m, n] → [..., n]`.
 * @example
 * import * as tg from "typegrad"
 * tg.vecmat(tg.tensor([1, 1]), tg.tensor([[1, 2], [3, 4]])).toArraySync() // [4, 6]
 * @since 0.1.0
 * @category linear algebra
 */
export const vecmat = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  v: Tensor<A, D, V>,
  m: Tensor<B, D, V>,
): Tensor<
  A extends readonly [Dim] ? (B extends readonly [...infer H extends Dim[], Dim, infer N extends Dim] ? [...H, N] : Dim[]) : Dim[],
  D,
  V
> => {
  if (m.shape.length < 2 || v.shape.length < 1) throw ShapeError.of("vecmat", "needs a vector and a matrix", v.shape, m.shape)
  const vs = sizes(v)
  const y = mm(lax.reshape(v, [...vs.slice(0, -1), 1, vs[vs.length - 1]!]), m)
  const ys = sizes(y)
  return lax.reshape(y, [...ys.slice(0, -2), ys[ys.length - 1]!]) as never
}

type Kron<A extends Shape, B extends Shape> = A extends readonly [infer a0 extends number, infer a1 extends number]
  ? B extends readonly [infer b0 extends number, infer b1 extends number]
    ? [Mul<a0, b0>, Mul<a1, b1>]
    : Dim[]
  : Dim[]

/**
 * Kronecker product (NumPy's `kron`): blocks `a[i, j] · b`; the lower-rank operand gets leading
 * axes of size 1.
 * @example
 * import * as tg from "typegrad"
 * tg.kron(tg.eye(2), tg.tensor([[1, 2], [3, 4]])).toArraySync()
 * // [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]
 * @since 0.1.0
 * @category linear algebra
 */
export const kron = <A extends Shape, B extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V>,
  b: Tensor<B, D, V>,
): Tensor<Kron<A, B>, D, V> => {
  commonDevice([a, b], "kron")
  const r = Math.max(a.shape.length, b.shape.length)
  const pa = [...new Array<number>(r - a.shape.length).fill(1), ...sizes(a)]
  const pb = [...new Array<number>(r - b.shape.length).fill(1), ...sizes(b)]
  const y = lax.mul(
    lax.reshape(
      a,
      pa.flatMap((n) => [n, 1]),
    ),
    lax.reshape(
      b,
      pb.flatMap((n) => [1, n]),
    ),
  )
  return lax.reshape(
    y,
    pa.map((n, i) => n * pb[i]!),
  ) as never
}

/**
 * The `offset`-th diagonal over `axis1`/`axis2` (NumPy's `diagonal`): those axes are removed and
 * the diagonal becomes the last axis. Differentiable (a strided slice of a reshape).
 * @example
 * import * as tg from "typegrad"
 * const m = tg.tensor([[1, 2, 3], [4, 5, 6]])
 * tg.diagonal(m).toArraySync() // [1, 5]
 * tg.diagonal(m, 1).toArraySync() // [2, 6]
 * tg.diagonal(m, -1).toArraySync() // [4]
 * @since 0.1.0
 * @category linear algebra
 */
export const diagonal = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  offset = 0,
  axis1 = 0,
  axis2 = 1,
): Tensor<Dim[], D, V> => {
  const r = x.shape.length
  if (r < 2) throw ShapeError.of("diagonal", `needs a tensor of rank at least 2, got rank ${r}`, x.shape)
  const a1 = normAxis(axis1, r, "diagonal"),
    a2 = normAxis(axis2, r, "diagonal")
  if (a1 === a2) throw ShapeError.of("diagonal", `axis1 and axis2 are both ${a1}`, x.shape)
  if (!Number.isInteger(offset)) throw ShapeError.of("diagonal", `offset must be an integer, got ${offset}`, x.shape)
  const rest = sizes(x)
    .map((_, i) => i)
    .filter((i) => i !== a1 && i !== a2)
  const lead = rest.map((i) => sizes(x)[i]!)
  const n = sizes(x)[a1]!,
    m = sizes(x)[a2]!
  const len = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m))
  const flat = lax.reshape(lax.transpose(x, [...rest, a1, a2]), [...lead, n * m])
  const start = len === 0 ? 0 : offset >= 0 ? offset : -offset * m
  return lax.slice(flat, [...lead.map(() => 0), start], [...lead.map(() => 1), m + 1], [...lead, len]) as never
}

/**
 * Sum of the `offset`-th diagonal over the first two axes (NumPy's `trace`).
 * @example
 * import * as tg from "typegrad"
 * tg.trace(tg.tensor([[1, 2], [3, 4]])).item() // 5
 * @since 0.1.0
 * @category linear algebra
 */
export const trace = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  offset = 0,
): Tensor<S extends readonly [Dim, Dim] ? [] : Dim[], D, V> => {
  const d = diagonal(x, offset) as AnyTensor
  return lax.reduceSum(d, [d.shape.length - 1]) as never
}

/**
 * A 1-D input becomes a square matrix with it on the `k`-th diagonal; a 2-D input gives its `k`-th
 * diagonal (NumPy's `diag`).
 * @example
 * import * as tg from "typegrad"
 * tg.diag(tg.tensor([1, 2])).toArraySync() // [[1, 0], [0, 2]]
 * tg.diag(tg.tensor([1, 2]), 1).toArraySync() // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 * @since 0.1.0
 * @category linear algebra
 */
export const diag = <S extends Shape, D extends DType, V extends DeviceKind, const K extends number = 0>(
  x: Tensor<S, D, V>,
  k?: K,
): Tensor<S extends readonly [infer N extends Dim] ? ([K] extends [0] ? [N, N] : Dim[]) : Dim[], D, V> => diagE(x, k ?? 0) as never

const diagE = (x: AnyTensor, k: number): AnyTensor => {
  if (x.shape.length === 2) return diagonal(x, k)
  if (x.shape.length !== 1) throw ShapeError.of("diag", `needs a 1-D or 2-D tensor, got rank ${x.shape.length}`, x.shape)
  const n = sizes(x)[0]!
  // [n, 1] padded to [n, n + 1] and flattened puts entry i at i·(n + 1) = (i, i) of an n × n matrix
  const wide = lax.reshape(lax.pad(lax.reshape(x, [n, 1]), [0, 0], [0, n], [0, 0], 0), [n * (n + 1)])
  const square = lax.reshape(lax.slice(wide, [0], [1], [n * n]), [n, n])
  const a = Math.abs(k)
  return k === 0 ? square : k > 0 ? lax.pad(square, [0, a], [a, 0], [0, 0], 0) : lax.pad(square, [a, 0], [0, a], [0, 0], 0)
}
