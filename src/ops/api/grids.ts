/**
 * Coordinate grids and clipping: `meshgrid` (NumPy's, with "xy" or "ij" indexing), `indices`,
 * `fromFunction`, the triangles `tri`/`tril`/`triu`, and `clip`. Compositions of broadcastTo,
 * reshape, where and max/min, so they need no rules of their own.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import { broadcastShapes, type DeviceKind, type Dim, type DType, type Shape } from "../../shape/index.js"
import type { Device } from "../core/backend.js"
import { getDefaultDevice } from "../core/defaults.js"
import { fromHost } from "../core/host.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { CreateOptions } from "./create.js"
import type { DeviceOf, DTypeOf, ShapeOf } from "./typing.js"

type Lens<Ts> = { -readonly [K in keyof Ts]: ShapeOf<Ts[K]> extends readonly [infer N extends Dim] ? N : number }
/** "xy" swaps the first two axes of the grid (Cartesian: x varies along columns). */
type GridShape<Ns extends Dim[], I extends "xy" | "ij"> = I extends "xy"
  ? Ns extends [infer a extends Dim, infer b extends Dim, ...infer R extends Dim[]]
    ? [b, a, ...R]
    : Ns
  : Ns

/**
 * Options of {@link meshgrid}: `indexing` is `"xy"` (Cartesian, the default) or `"ij"` (matrix).
 * @example
 * const [gi] = tg.meshgrid([tg.tensor([1, 2, 3]), tg.tensor([10, 20])], { indexing: "ij" }) // Tensor<[3, 2]>
 * @since 0.1.0
 * @category constructors
 */
export interface MeshgridOptions<I extends "xy" | "ij"> {
  /** `"xy"` (default, Cartesian: the first input varies along columns) or `"ij"` (matrix) */
  readonly indexing?: I
}

/**
 * Coordinate matrices from 1-D coordinate vectors (NumPy's `meshgrid`): for inputs of lengths
 * `N0, N1, …` each output has shape `[N1, N0, …]` with `"xy"` indexing (the default) or
 * `[N0, N1, …]` with `"ij"`. Differentiable (each output is a broadcast of its input).
 *
 * @example
 * import * as tg from "typegrad"
 * const [gx, gy] = tg.meshgrid([tg.tensor([1, 2, 3]), tg.tensor([10, 20])]) // Tensor<[2, 3]> each
 * gx.toArraySync() // [[1, 2, 3], [1, 2, 3]]
 * gy.toArraySync() // [[10, 10, 10], [20, 20, 20]]
 * @since 0.1.0
 * @category constructors
 */
export const meshgrid = <const Ts extends ReadonlyArray<AnyTensor>, I extends "xy" | "ij" = "xy">(
  xs: Ts,
  options?: MeshgridOptions<I>,
): { -readonly [K in keyof Ts]: Tensor<GridShape<Lens<Ts>, I>, DTypeOf<Ts[K]>, DeviceOf<Ts[K]>> } => {
  if (xs.length > 0) commonDevice(xs as ReadonlyArray<AnyTensor>, "meshgrid")
  xs.forEach((x, i) => {
    if (x.shape.length !== 1)
      throw ShapeError.of("meshgrid", `input ${i} has shape [${x.shape.join(", ")}]; expected a 1-D tensor`, x.shape)
  })
  const xy = (options?.indexing ?? "xy") === "xy" && xs.length >= 2
  const ns = xs.map((x) => x.shape[0] as number)
  // the grid axis of input i (xy swaps the first two)
  const axisOf = (i: number) => (xy && i < 2 ? 1 - i : i)
  const grid = ns.map((_, g) => ns[axisOf(g)]!)
  return xs.map((x, i) => {
    const a = axisOf(i)
    return lax.broadcastTo(
      lax.reshape(
        x as AnyTensor,
        grid.map((n, g) => (g === a ? n : 1)),
      ),
      grid,
    )
  }) as never
}

/**
 * Limit values to `[min, max]` (NumPy's `clip`; either bound may be omitted). NaN stays NaN. The
 * gradient is 1 strictly inside the interval and 0 where a bound is active.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.clip(tg.tensor([-2, 0.5, 3]), -1, 1).toArraySync() // [-1, 0.5, 1]
 * @since 0.1.0
 * @category math
 */
export const clip = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  min?: number,
  max?: number,
): Tensor<S, D, V> => {
  if (min !== undefined && max !== undefined && min > max) throw ShapeError.of("clip", `min ${min} is greater than max ${max}`, x.shape)
  let y: AnyTensor = x
  if (min !== undefined) y = lax.max(y, min)
  if (max !== undefined) y = lax.min(y, max)
  return y as never
}

/** The `[n, m]` mask of entries on or below (`"lower"`) or on or above (`"upper"`) diagonal `k`. */
const triMask = (n: number, m: number, k: number, side: "lower" | "upper", device: Device): AnyTensor =>
  fromHost(
    Uint8Array.from({ length: n * m }, (_, p) => {
      const i = Math.floor(p / m),
        j = p % m
      return (side === "lower" ? j - i <= k : j - i >= k) ? 1 : 0
    }),
    [n, m],
    "bool",
    device,
  )

const checkSize = (op: string, ...dims: number[]) => {
  if (dims.some((d) => !Number.isInteger(d) || d < 0))
    throw ShapeError.of(op, `sizes must be non-negative integers, got [${dims.join(", ")}]`, dims)
}

/**
 * An `n × m` matrix (default square) with ones on and below diagonal `k` (0 the main one,
 * positive above it, negative below), zeros elsewhere (NumPy's `tri`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.tri(3).toArraySync() // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * tg.tri(2, 3, 1).toArraySync() // [[1, 1, 0], [1, 1, 1]]
 * @since 0.1.0
 * @category constructors
 */
export const tri = <const N extends number, const M extends number = N, D extends DType = "f32", V extends DeviceKind = "cpu">(
  n: N,
  m?: M,
  k = 0,
  options?: CreateOptions<D, V>,
): Tensor<[N, M], NoInfer<D>, NoInfer<V>> => {
  const cols = m ?? n
  checkSize("tri", n, cols)
  if (!Number.isInteger(k)) throw ShapeError.of("tri", `the diagonal must be an integer, got ${k}`, [n, cols])
  return lax.cast(triMask(n, cols, k, "lower", options?.device ?? getDefaultDevice()), options?.dtype ?? "f32") as never
}

const triangle = (x: AnyTensor, k: number, side: "lower" | "upper", op: string): AnyTensor => {
  const r = x.shape.length
  if (r < 2)
    throw ShapeError.of(op, `needs a tensor of rank at least 2 (matrices in the last two axes), got [${x.shape.join(", ")}]`, x.shape)
  if (!Number.isInteger(k)) throw ShapeError.of(op, `the diagonal must be an integer, got ${k}`, x.shape)
  return lax.where(triMask(x.shape[r - 2]!, x.shape[r - 1]!, k, side, x.device), x, lax.scalar(0, x))
}
/**
 * The lower triangle of the matrices in the last two axes: entries above diagonal `k` become 0
 * (NumPy's `tril`). Differentiable (the gradient is masked the same way).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.tril(tg.tensor([[1, 2, 3], [4, 5, 6]])).toArraySync() // [[1, 0, 0], [4, 5, 0]]
 * @since 0.1.0
 * @category constructors
 */
export const tril = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, k = 0): Tensor<S, D, V> =>
  triangle(x, k, "lower", "tril") as never
/**
 * The upper triangle of the matrices in the last two axes: entries below diagonal `k` become 0
 * (NumPy's `triu`). Differentiable.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.triu(tg.tensor([[1, 2, 3], [4, 5, 6]]), 1).toArraySync() // [[0, 2, 3], [0, 0, 6]]
 * @since 0.1.0
 * @category constructors
 */
export const triu = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, k = 0): Tensor<S, D, V> =>
  triangle(x, k, "upper", "triu") as never

/** The coordinate of every entry of `shape` along axis `a`, as `dtype`. */
const coordinate = (shape: ReadonlyArray<number>, a: number, dtype: DType, device: Device): AnyTensor => {
  const n = shape[a]!
  const iota = fromHost(
    Float64Array.from({ length: n }, (_, i) => i),
    [n],
    dtype,
    device,
  )
  return lax.broadcastTo(
    lax.reshape(
      iota,
      shape.map((s, d) => (d === a ? s : 1)),
    ),
    shape,
  )
}

/**
 * A grid of indices (NumPy's `indices`): `out[i]` holds the coordinate along axis `i` of every
 * entry of an array of shape `dims`, so the result has shape `[dims.length, ...dims]` (i32 by
 * default).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.indices([2, 3]).toArraySync() // [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]
 * @since 0.1.0
 * @category constructors
 */
export const indices = <const S extends ReadonlyArray<number>, D extends DType = "i32", V extends DeviceKind = "cpu">(
  dims: S,
  options?: CreateOptions<D, V>,
): Tensor<[S["length"], ...S], NoInfer<D>, NoInfer<V>> => {
  checkSize("indices", ...dims)
  const device = options?.device ?? getDefaultDevice()
  const dt = options?.dtype ?? "i32"
  if (dims.length === 0) return fromHost([], [0], dt, device) as never
  return lax.concat(
    dims.map((_, a) => lax.reshape(coordinate(dims, a, dt, device), [1, ...dims])),
    0,
  ) as never
}

/**
 * A tensor whose entry at `(i, j, …)` is `f(i, j, …)` (NumPy's `fromfunction`): `f` is called once
 * with one coordinate tensor per axis (each of the full `shape`, f32 by default) and must return a
 * tensor of that shape (or one broadcastable to it).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.fromFunction((i, j) => i.mul(10).add(j), [2, 3]).toArraySync() // [[0, 1, 2], [10, 11, 12]]
 * @since 0.1.0
 * @category constructors
 */
export const fromFunction = <const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  f: (...coords: Array<Tensor<[...S], D, V>>) => AnyTensor | number,
  shape: S,
  options?: CreateOptions<D, V>,
): Tensor<[...S], D, V> => {
  checkSize("fromFunction", ...shape)
  const device = options?.device ?? getDefaultDevice()
  const dt = options?.dtype ?? "f32"
  const coords = shape.map((_, a) => coordinate(shape, a, dt, device))
  const y = f(...(coords as Array<Tensor<[...S], D, V>>))
  const like = coords[0] ?? fromHost([0], [], dt, device)
  const t = typeof y === "number" ? lax.scalar(y, like) : y
  return lax.broadcastTo(t, broadcastShapes(t.shape, shape, "fromFunction") as number[]) as never
}
