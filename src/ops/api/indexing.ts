/**
 * Integer-index selection composed from the `gather` primitive: `take` (NumPy's `take` on one
 * axis), `flip`, `roll`, `rot90`, `oneHot`, `topk` and the mask selection `select`. None has rules of its own: gradients flow through
 * `gather`/`scatterAdd`, integer results carry symbolic zero tangents.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, Guard, Shape, ShapeMismatch } from "../../shape/index.js"
import { broadcastShapes, normAxis } from "../../shape/index.js"
import type { NormAxis } from "../../shape/types-internal.js"
import * as lax from "../core/lax.js"
import { numel, promote } from "../core/aval.js"
import { commonDevice } from "../core/interpreter.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { fromHost } from "../core/host.js"
import { takeAlongAxis } from "../prims/gather.js"
import type { Out } from "./typing.js"

/** `[0, 1, …, n-1]` as i32 on `like`'s device. */
const iotaLike = (n: number, like: AnyTensor): AnyTensor =>
  fromHost(
    Int32Array.from({ length: n }, (_, i) => i),
    [n],
    "i32",
    like.device,
  )

type Before<S, A extends number, Acc extends Dim[] = []> = Acc["length"] extends A
  ? Acc
  : S extends readonly [infer H extends Dim, ...infer R]
    ? Before<R, A, [...Acc, H]>
    : Acc
type After<S, A extends number, I extends 0[] = []> = I["length"] extends A
  ? S extends readonly [Dim, ...infer R extends Dim[]]
    ? R
    : []
  : S extends readonly [Dim, ...infer R]
    ? After<R, A, [...I, 0]>
    : []

/**
 * The shape of `take(x: S, idx: I, axis: A)`: the axis is replaced by the index's shape.
 * @example
 * import type { Take } from "typegrad"
 * const s: Take<[5, 7, 3], [2, 4], 1> = [5, 2, 4, 3]
 * @since 0.1.0
 * @category shape functions
 */
export type Take<S extends Shape, I extends Shape, A extends number> = number extends S["length"]
  ? Dim[]
  : number extends A
    ? Dim[]
    : NormAxis<A, S["length"], "take"> extends infer a
      ? a extends ShapeMismatch<string>
        ? a
        : a extends number
          ? [...Before<S, a>, ...I, ...After<S, a>]
          : Dim[]
      : never

/**
 * Select entries along `axis` by an integer index tensor of any shape (NumPy's `take` with an
 * axis): the axis is replaced by the index's shape. Negative indices count from the end, others
 * out of range are clamped (as JAX's gather). Differentiable in `x`.
 *
 * @example
 * import * as tg from "typegrad"
 * const table = tg.tensor([[1, 2], [3, 4], [5, 6]])
 * const rows = tg.take(table, tg.tensor([2, 0, 2], { dtype: "i32" }), 0) // Tensor<[3, 2]>
 * rows.toArraySync() // [[5, 6], [1, 2], [5, 6]]
 * @since 0.1.0
 * @category indexing
 */
export const take = <S extends Shape, D extends DType, V extends DeviceKind, I extends Shape, const A extends number>(
  x: Tensor<S, D, V>,
  idx: Tensor<I, "i32", V>,
  axis: A & NoInfer<Guard<Take<S, I, A>>>,
): Out<Take<S, I, A>, D, V> => {
  const r = x.shape.length
  const a = normAxis(axis, r, "take")
  const m = numel(idx.shape)
  const before = x.shape.slice(0, a),
    after = x.shape.slice(a + 1)
  const flat = lax.reshape(idx, [...before.map(() => 1), m, ...after.map(() => 1)])
  const wide = lax.broadcastTo(flat, [...before, m, ...after])
  return lax.reshape(takeAlongAxis(x as AnyTensor, wide as Tensor<number[], "i32", DeviceKind>, a), [
    ...before,
    ...idx.shape,
    ...after,
  ]) as never
}

/**
 * Reverse the order of entries along the given axes (all of them by default), like NumPy's
 * `flip` and the slice step `::-1`. Differentiable (the gradient is flipped back).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.flip(tg.tensor([[1, 2, 3], [4, 5, 6]]), 1).toArraySync() // [[3, 2, 1], [6, 5, 4]]
 * @since 0.1.0
 * @category indexing
 */
export const flip = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  axes?: number | ReadonlyArray<number>,
): Tensor<S, D, V> => {
  const r = x.shape.length
  const list = axes === undefined ? x.shape.map((_, i) => i) : (typeof axes === "number" ? [axes] : axes).map((a) => normAxis(a, r, "flip"))
  if (new Set(list).size !== list.length) throw ShapeError.of("flip", `axis repeated in [${list.join(", ")}]`, x.shape)
  let y: AnyTensor = x
  for (const a of list) {
    const n = x.shape[a]!
    if (n <= 1) continue
    const rev = fromHost(
      Int32Array.from({ length: n }, (_, i) => n - 1 - i),
      [n],
      "i32",
      x.device,
    )
    const idx = lax.broadcastTo(
      lax.reshape(
        rev,
        x.shape.map((_, i) => (i === a ? n : 1)),
      ),
      x.shape,
    )
    y = takeAlongAxis(y, idx as Tensor<number[], "i32", DeviceKind>, a)
  }
  return y as never
}

/**
 * Options of {@link oneHot}: the result's dtype (f32 by default).
 * @example
 * tg.oneHot(tg.tensor([1], { dtype: "i32" }), 2, { dtype: "i32" }).toArraySync() // [[0, 1]]
 * @since 0.1.0
 * @category indexing
 */
export interface OneHotOptions<D extends DType> {
  /** dtype of the result (default `"f32"`) */
  readonly dtype?: D
}

/**
 * One-hot encoding: a new last axis of `n` entries, 1 at the index and 0 elsewhere. Indices outside
 * `[0, n)` give an all-zero row (as JAX's `one_hot`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.oneHot(tg.tensor([2, 0], { dtype: "i32" }), 3).toArraySync() // [[0, 0, 1], [1, 0, 0]]
 * @since 0.1.0
 * @category indexing
 */
export const oneHot = <S extends Shape, V extends DeviceKind, const N extends number, D extends DType = "f32">(
  idx: Tensor<S, "i32", V>,
  n: N,
  options?: OneHotOptions<D>,
): Tensor<[...S, N], D, V> => {
  if (!Number.isInteger(n) || n < 0)
    throw ShapeError.of("oneHot", `the number of classes must be a non-negative integer, got ${n}`, idx.shape)
  const hit = lax.compare(lax.reshape(idx, [...idx.shape, 1]), lax.reshape(iotaLike(n, idx), [...idx.shape.map(() => 1), n]), "eq")
  return lax.cast(hit, options?.dtype ?? "f32") as never
}

type TopK<S extends Shape, K extends number> = number extends S["length"]
  ? Dim[]
  : S extends readonly [...infer H extends Dim[], Dim]
    ? [...H, K]
    : ShapeMismatch<"topk: needs a tensor of rank at least 1">

/**
 * The `k` largest entries along the last axis, in descending order, and their indices (JAX's
 * `lax.top_k`). Ties keep the lower index first; NaN counts as larger than every number. The
 * values are differentiable (their gradient scatters back to the chosen positions).
 *
 * Built from `k` rounds of a masked max, so it runs under `jit`, `vmap` and `grad` on every backend
 * and costs O(k·n) per row: meant for small `k`.
 *
 * @example
 * import * as tg from "typegrad"
 * const [values, indices] = tg.topk(tg.tensor([1, 5, 3, 5]), 2)
 * values.toArraySync() // [5, 5]
 * indices.toArraySync() // [1, 3]
 * @since 0.1.0
 * @category indexing
 */
export const topk = <S extends Shape, D extends DType, V extends DeviceKind, const K extends number>(
  x: Tensor<S, D, V>,
  k: K,
): [Out<TopK<S, K>, D, V>, Out<TopK<S, K>, "i32", V>] => {
  const r = x.shape.length
  if (r === 0) throw ShapeError.of("topk", "needs a tensor of rank at least 1", x.shape)
  const n = x.shape[r - 1]!
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw ShapeError.of("topk", `k = ${k} must be an integer in [0, ${n}] for [${x.shape.join(", ")}]`, x.shape)
  const lead = x.shape.slice(0, r - 1)
  const xs = lax.stopGradient(x)
  const pos = lax.broadcastTo(lax.reshape(iotaLike(n, x), [...lead.map(() => 1), n]), x.shape)
  const isNan = lax.compare(xs, xs, "ne")
  let taken = lax.full(x.shape, 0, x, "bool")
  const picks: AnyTensor[] = []
  for (let j = 0; j < k; j++) {
    const free = lax.compare(taken, lax.scalar(0, x, "bool"), "eq")
    const best = lax.reduceMax(lax.where(free, xs, lax.scalar(-Infinity, x)), [r - 1])
    const bestB = lax.reshape(best, [...lead, 1])
    const bestNan = lax.compare(bestB, bestB, "ne")
    // candidates: free entries equal to the row's best (NaN rows: the free NaNs)
    const hit = lax.where(bestNan, isNan, lax.compare(xs, bestB, "eq"))
    const cand = lax.where(free, hit, lax.full(x.shape, 0, x, "bool"))
    const first = lax.reduceMin(lax.where(cand, pos, lax.scalar(n, x, "i32")), [r - 1])
    const firstB = lax.reshape(first, [...lead, 1])
    picks.push(firstB)
    taken = lax.where(lax.compare(pos, firstB, "eq"), lax.scalar(1, x, "bool"), taken)
  }
  const indices = k === 0 ? lax.full([...lead, 0], 0, x, "i32") : lax.concat(picks, r - 1)
  const values = takeAlongAxis(x as AnyTensor, indices as Tensor<number[], "i32", DeviceKind>, r - 1)
  return [values as never, indices as never]
}

/** `x` rolled by `shift` along axis `a`: the last `shift mod n` entries move to the front. */
const rollAxis = (x: AnyTensor, shift: number, a: number): AnyTensor => {
  const n = x.shape[a]!
  if (n === 0) return x
  const s = ((shift % n) + n) % n
  if (s === 0) return x
  const part = (start: number, size: number) =>
    lax.slice(
      x,
      x.shape.map((_, d) => (d === a ? start : 0)),
      x.shape.map(() => 1),
      x.shape.map((len: number, d) => (d === a ? size : len)),
    )
  return lax.concat([part(n - s, s), part(0, n - s)], a)
}

/**
 * Roll entries along axes (NumPy's `roll`): entries shifted past the end come back at the start.
 * Without an axis the tensor is flattened, rolled and reshaped back. Shifts and axes may be lists
 * of equal length (an axis listed twice rolls by the sum). Differentiable.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.roll(tg.tensor([1, 2, 3, 4, 5]), 2).toArraySync() // [4, 5, 1, 2, 3]
 * tg.roll(tg.tensor([[1, 2, 3], [4, 5, 6]]), -1, 1).toArraySync() // [[2, 3, 1], [5, 6, 4]]
 * @since 0.1.0
 * @category indexing
 */
export const roll = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  shift: number | ReadonlyArray<number>,
  axis?: number | ReadonlyArray<number>,
): Tensor<S, D, V> => {
  const shifts = typeof shift === "number" ? [shift] : [...shift]
  if (shifts.some((k) => !Number.isInteger(k))) throw ShapeError.of("roll", `shifts must be integers, got [${shifts.join(", ")}]`, x.shape)
  if (axis === undefined) {
    if (shifts.length !== 1)
      throw ShapeError.of("roll", `without an axis the shift must be one number, got [${shifts.join(", ")}]`, x.shape)
    return lax.reshape(rollAxis(lax.reshape(x, [numel(x.shape)]), shifts[0]!, 0), x.shape) as never
  }
  const axes = (typeof axis === "number" ? [axis] : [...axis]).map((a) => normAxis(a, x.shape.length, "roll"))
  // NumPy broadcasts a single shift over several axes and a single axis over several shifts
  const m = Math.max(axes.length, shifts.length)
  if ((axes.length !== m && axes.length !== 1) || (shifts.length !== m && shifts.length !== 1))
    throw ShapeError.of("roll", `${shifts.length} shifts do not match ${axes.length} axes`, x.shape)
  const total = new Map<number, number>()
  for (let i = 0; i < m; i++) {
    const a = axes[axes.length === 1 ? 0 : i]!
    total.set(a, (total.get(a) ?? 0) + shifts[shifts.length === 1 ? 0 : i]!)
  }
  let y: AnyTensor = x
  for (const [a, k] of total) y = rollAxis(y, k, a)
  return y as never
}

/**
 * Rotate by 90° `k` times in the plane of two axes (default the first two), from the first axis
 * towards the second (NumPy's `rot90`: counter-clockwise for a matrix shown row by row).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.rot90(tg.tensor([[1, 2], [3, 4]])).toArraySync() // [[2, 4], [1, 3]]
 * tg.rot90(tg.tensor([[1, 2], [3, 4]]), 2).toArraySync() // [[4, 3], [2, 1]]
 * @since 0.1.0
 * @category indexing
 */
export const rot90 = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  k = 1,
  axes: readonly [number, number] = [0, 1],
): Tensor<Dim[], D, V> => {
  const r = x.shape.length
  if (r < 2) throw ShapeError.of("rot90", `needs a tensor of rank at least 2, got [${x.shape.join(", ")}]`, x.shape)
  if (!Number.isInteger(k)) throw ShapeError.of("rot90", `k must be an integer, got ${k}`, x.shape)
  const a0 = normAxis(axes[0], r, "rot90"),
    a1 = normAxis(axes[1], r, "rot90")
  if (a0 === a1) throw ShapeError.of("rot90", `the axes must differ, got [${axes.join(", ")}]`, x.shape)
  const q = ((k % 4) + 4) % 4
  const swap = x.shape.map((_, i) => (i === a0 ? a1 : i === a1 ? a0 : i))
  const fx = x as AnyTensor
  // NumPy: k = 1 flips the second axis then swaps; k = 3 swaps then flips the second axis
  if (q === 0) return x as never
  if (q === 2) return flip(fx, [a0, a1]) as never
  if (q === 1) return lax.transpose(flip(fx, a1), swap) as never
  return flip(lax.transpose(fx, swap), a1) as never
}

/**
 * Choose among several tensors by boolean masks (NumPy's `select`): each entry comes from the
 * first `choices[i]` whose `conditions[i]` holds there, else `fallback` (default 0). Masks and
 * choices broadcast together; a chain of `where`s, so differentiable in the choices.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([-2, 0, 3])
 * tg.select([x.lt(0), x.gt(0)], [x.neg(), x.mul(10)], -1).toArraySync() // [2, -1, 30]
 * @since 0.1.0
 * @category indexing
 */
export const select = <V extends DeviceKind, D extends DType>(
  conditions: ReadonlyArray<Tensor<Shape, "bool", V> | AnyTensor>,
  choices: ReadonlyArray<Tensor<Shape, D, V> | AnyTensor>,
  fallback: number | AnyTensor = 0,
): Tensor<Dim[], D, V> => {
  if (conditions.length !== choices.length)
    throw ShapeError.of("select", `${conditions.length} conditions but ${choices.length} choices`, ...conditions.map((c) => c.shape))
  if (conditions.length === 0) throw ShapeError.of("select", "needs at least one condition", [])
  const all = [...conditions, ...choices, ...(typeof fallback === "number" ? [] : [fallback])] as AnyTensor[]
  commonDevice(all, "select")
  conditions.forEach((c, i) => {
    if (c.dtype !== "bool")
      throw new DTypeError({ op: "select", dtypes: [c.dtype], message: `select: condition ${i} must be bool, got ${c.dtype}` })
  })
  const dt = choices.map((c) => c.dtype).reduce(promote)
  const shape = all.reduce<number[]>((s, t) => broadcastShapes(s, t.shape, "select") as number[], [])
  let y: AnyTensor =
    typeof fallback === "number" ? lax.full(shape, fallback, choices[0] as AnyTensor, dt) : lax.broadcastTo(lax.cast(fallback, dt), shape)
  // the first true condition wins: apply them from the last to the first
  for (let i = conditions.length - 1; i >= 0; i--) {
    const choice = lax.broadcastTo(lax.cast(choices[i] as AnyTensor, dt), shape)
    y = lax.where(lax.broadcastTo(conditions[i] as AnyTensor, shape), choice, y)
  }
  return y as never
}
