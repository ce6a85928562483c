/**
 * Sorting along an axis: `sort`/`argsort` (stable, NaN last, optionally descending),
 * `searchsorted` and `unique`. The permutation comes from the `argsort` primitive (a native sort
 * per row on the CPU, ranking by counting on WebGPU); long rows on a GPU take a bitonic sorting
 * network composed from slices, compares and selects over (key, index) pairs instead, O(n log² n)
 * work. Either way the sorted values are a gather of the input by the permutation, so their
 * gradient scatters back through `gather`'s rules, and all of it runs under `jit` and `vmap`.
 * `unique` has a data-dependent size and so runs eagerly on the host.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { normAxis } from "../../shape/index.js"
import { isFloat, numel, type HostArray } from "../core/aval.js"
import { fromHost } from "../core/host.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { takeAlongAxis } from "../prims/gather.js"
import { data, dataSync, type ReadbackError } from "./host.js"
import { and, before, bitonicArgsort, not } from "./sort-network.js"

/**
 * Rows longer than this sort by the network of primitives on devices other than the CPU, whose
 * `argsort` kernel ranks by counting (O(n²) per row); the CPU's kernel sorts natively at any length.
 */
const RANK_LIMIT = 2048

/** The sort permutation of `x` along `axis` (already normalised), in `x`'s layout. */
const argsortE = (x: AnyTensor, axis: number, descending: boolean, op: string): AnyTensor => {
  if (x.shape.length === 0) throw ShapeError.of(op, "needs a tensor of rank at least 1", x.shape)
  const r = x.shape.length
  const keys = lax.stopGradient(x.dtype === "bool" ? lax.cast(x, "i32") : x)
  if (keys.dtype !== "i32" && !isFloat(keys.dtype))
    throw new DTypeError({ op, dtypes: [x.dtype], message: `${op}: cannot sort ${x.dtype} tensors` })
  if (x.device.kind === "cpu" || x.shape[axis]! <= RANK_LIMIT) return lax.argsort(keys, axis, descending)
  const perm = bitonicArgsort(lax.moveAxis(keys, axis, r - 1), descending)
  return lax.moveAxis(perm, r - 1, axis)
}

/**
 * Options of {@link sort} and {@link argsort}: the axis (default −1) and the direction.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.SortOptions = { axis: 0, descending: true }
 * tg.sort(tg.tensor([[1, 4], [3, 2]]), options) // [[3, 4], [1, 2]]
 * @since 0.1.0
 * @category sorting
 */
export interface SortOptions {
  readonly axis?: number
  readonly descending?: boolean
}

/**
 * Sort along `axis` (default the last). NaN sorts after every number (before them when
 * `descending`, NaN counting as the largest), as NumPy and JAX do. Differentiable: the gradient of
 * each output entry flows to the input entry it came from.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.sort(tg.tensor([3, NaN, 1, 2])).toArraySync() // [1, 2, 3, NaN]
 * tg.sort(tg.tensor([[3, 1], [0, 5]]), { axis: 0 }).toArraySync() // [[0, 1], [3, 5]]
 * tg.sort(tg.tensor([1, 3, 2]), { descending: true }).toArraySync() // [3, 2, 1]
 * @since 0.1.0
 * @category sorting
 */
export const sort = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: SortOptions,
): Tensor<S, D, V> => {
  if (x.shape.length === 0) throw ShapeError.of("sort", "needs a tensor of rank at least 1", x.shape)
  const axis = normAxis(options?.axis ?? -1, x.shape.length, "sort")
  if (x.size === 0) return x
  const perm = argsortE(x, axis, options?.descending ?? false, "sort")
  return takeAlongAxis(x as AnyTensor, perm as Tensor<number[], "i32", DeviceKind>, axis) as never
}

/**
 * The indices that sort `x` along `axis` (default the last), i32. Stable: equal entries keep
 * their order (also when `descending`); NaN sorts last ascending and first descending.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.argsort(tg.tensor([3, 1, 2, 1])).toArraySync() // [1, 3, 2, 0]
 * tg.argsort(tg.tensor([3, 1, 2, 1]), { descending: true }).toArraySync() // [0, 2, 1, 3]
 * @since 0.1.0
 * @category sorting
 */
export const argsort = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: SortOptions,
): Tensor<S, "i32", V> => {
  if (x.shape.length === 0) throw ShapeError.of("argsort", "needs a tensor of rank at least 1", x.shape)
  const axis = normAxis(options?.axis ?? -1, x.shape.length, "argsort")
  if (x.size === 0) return lax.full(x.shape, 0, x, "i32") as never
  return argsortE(x, axis, options?.descending ?? false, "argsort") as never
}

/**
 * Options of {@link searchsorted}: `side` `"left"` (default: the first position where `v` fits)
 * or `"right"` (the last).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.SearchSortedOptions = { side: "right" }
 * tg.searchsorted(tg.tensor([1, 2, 2, 3]), tg.tensor([2]), options) // [3]
 * @since 0.1.0
 * @category sorting
 */
export interface SearchSortedOptions {
  readonly side?: "left" | "right"
}

/**
 * Insertion points of `v` into the sorted 1-D `a` that keep it sorted (NumPy's `searchsorted`):
 * with `side: "left"` the first `i` with `v ≤ a[i]`, with `"right"` the first with `v < a[i]`.
 * NaN sorts last, as in {@link sort}. A binary search of ⌈log₂(n + 1)⌉ gathers, so it runs on
 * every backend and under `jit`; the result (i32, `v`'s shape) has no gradient.
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.tensor([1, 2, 2, 3])
 * tg.searchsorted(a, tg.tensor([0, 2, 2.5, 9])).toArraySync() // [0, 1, 3, 4]
 * tg.searchsorted(a, tg.tensor([2]), { side: "right" }).toArraySync() // [3]
 * @since 0.1.0
 * @category sorting
 */
export const searchsorted = <A extends Shape, S extends Shape, D extends DType, V extends DeviceKind>(
  a: Tensor<A, D, V>,
  v: Tensor<S, D, V>,
  options?: SearchSortedOptions,
): Tensor<S, "i32", V> => {
  if (a.shape.length !== 1)
    throw ShapeError.of("searchsorted", `the sorted array must be 1-D, got [${a.shape.join(", ")}]`, a.shape, v.shape)
  commonDevice([a, v], "searchsorted")
  if (a.dtype !== v.dtype)
    throw new DTypeError({ op: "searchsorted", dtypes: [a.dtype, v.dtype], message: `searchsorted: a is ${a.dtype} but v is ${v.dtype}` })
  const right = (options?.side ?? "left") === "right"
  const n = a.shape[0]!
  const sa = lax.stopGradient(a.dtype === "bool" ? lax.cast(a, "i32") : a)
  const vs = lax.stopGradient(v.dtype === "bool" ? lax.cast(v, "i32") : v)
  const flat = lax.reshape(vs, [numel(v.shape)])
  let lo = lax.full(flat.shape, 0, flat, "i32")
  let hi = lax.full(flat.shape, n, flat, "i32")
  const zi = lax.full(flat.shape, 0, flat, "i32")
  // invariant: a[i] sorts left of v for i < lo and right of it for i ≥ hi; each round halves hi − lo,
  // so ⌊log₂ n⌋ + 1 rounds close every interval
  for (let len = n; len > 0; len = Math.floor(len / 2)) {
    const open = lax.compare(lo, hi, "lt")
    // lo + hi ≥ 0, so the truncating integer division is the floor
    const mid = lax.div(lax.add(lo, hi), 2)
    const am = takeAlongAxis(sa, lax.min(mid, n - 1) as never, 0) as AnyTensor
    // left: a[mid] sorts strictly before v; right: v does not sort before a[mid]
    const goRight = right ? not(before(flat, zi, am, zi, false)) : before(am, zi, flat, zi, false)
    lo = lax.where(and(open, goRight), lax.add(mid, 1), lo)
    hi = lax.where(and(open, not(goRight)), mid, hi)
  }
  return lax.reshape(lo, v.shape) as never
}

/**
 * What {@link unique} returns: the sorted distinct values, and on request the index of each
 * value's first occurrence, the inverse (the position of every input entry in `values`, so
 * `take(values, inverse, 0)` rebuilds the flattened input) and the counts.
 *
 * @example
 * import * as tg from "typegrad"
 * const u: tg.Unique<"f32", "cpu"> = tg.uniqueSync(tg.tensor([2, 1, 2]))
 * u.values.toArraySync() // [1, 2]
 * @since 0.1.0
 * @category sorting
 */
export interface Unique<D extends DType, V extends DeviceKind> {
  readonly values: Tensor<[number], D, V>
  readonly indices: Tensor<[number], "i32", V>
  readonly inverse: Tensor<[number], "i32", V>
  readonly counts: Tensor<[number], "i32", V>
}

/** The distinct values of flat host data, NaNs collapsed into one last entry (NumPy's `equal_nan`). */
const uniqueHost = (xs: HostArray, x: AnyTensor): Unique<DType, DeviceKind> => {
  const n = xs.length
  const order = Array.from({ length: n }, (_, i) => i)
  const key = (i: number) => xs[i]!
  order.sort((i, j) => {
    const a = key(i),
      b = key(j)
    const na = Number.isNaN(a),
      nb = Number.isNaN(b)
    if (na || nb) return na && nb ? i - j : na ? 1 : -1
    return a < b ? -1 : a > b ? 1 : i - j
  })
  const values: number[] = [],
    indices: number[] = [],
    counts: number[] = []
  const inverse = new Int32Array(n)
  for (const i of order) {
    const v = key(i)
    const last = values.length - 1
    const same = last >= 0 && (values[last] === v || (Number.isNaN(values[last]!) && Number.isNaN(v)))
    if (!same) {
      values.push(v)
      indices.push(i)
      counts.push(0)
    }
    counts[values.length - 1]!++
    inverse[i] = values.length - 1
  }
  const k = values.length
  return {
    values: fromHost(values, [k], x.dtype, x.device) as never,
    indices: fromHost(indices, [k], "i32", x.device) as never,
    inverse: fromHost(inverse, [n], "i32", x.device) as never,
    counts: fromHost(counts, [k], "i32", x.device) as never,
  }
}

/**
 * The sorted distinct values of a CPU tensor (flattened), with first indices, inverse and counts
 * (NumPy's `unique` with `return_index`, `return_inverse`, `return_counts`; NaNs count as one
 * value, sorted last). Eager only: the output size depends on the data, so it cannot run under
 * `jit` or `grad`; use {@link unique} for tensors on other devices.
 *
 * @example
 * import * as tg from "typegrad"
 * const { values, inverse, counts } = tg.uniqueSync(tg.tensor([3, 1, 3, 2, 1, 3]))
 * values.toArraySync() // [1, 2, 3]
 * counts.toArraySync() // [2, 1, 3]
 * inverse.toArraySync() // [2, 0, 2, 1, 0, 2]
 * @since 0.1.0
 * @category sorting
 */
export const uniqueSync = <S extends Shape, D extends DType>(x: Tensor<S, D, "cpu">): Unique<D, "cpu"> =>
  uniqueHost(dataSync(x), x) as never

/**
 * {@link uniqueSync} for a tensor on any device: reads it back (asynchronously, an Effect) and
 * returns the results on the same device.
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * const u = await Effect.runPromise(tg.unique(tg.tensor([2, 2, 5])))
 * u.values.toArraySync() // [2, 5]
 * @since 0.1.0
 * @category sorting
 */
export const unique = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
): Effect.Effect<Unique<D, V>, ReadbackError> => Effect.map(data(x), (xs) => uniqueHost(xs, x) as never)
