/**
 * Coordinate grids and clipping: `meshgrid` (NumPy's, with "xy" or "ij" indexing) and `clip`.
 * Compositions of broadcastTo, reshape and max/min, so they need no rules of their own.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, Shape } from "../../shape/index.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { DeviceOf, DTypeOf, ShapeOf } from "./typing.js"

type Lens<Ts> = { -readonly [K in keyof Ts]: ShapeOf<Ts[K]> extends readonly [infer N extends Dim] ? N : number }
/** "xy" swaps the first two axes of the grid (Cartesian: x varies along columns). */
type GridShape<Ns extends Dim[], I extends "xy" | "ij"> = I extends "xy" ? (Ns extends [infer a extends Dim, infer b extends Dim, ...infer R extends Dim[]] ? [b, a, ...R] : Ns) : Ns

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
  xs: Ts, options?: MeshgridOptions<I>,
): { -readonly [K in keyof Ts]: Tensor<GridShape<Lens<Ts>, I>, DTypeOf<Ts[K]>, DeviceOf<Ts[K]>> } => {
  if (xs.length > 0) commonDevice(xs as ReadonlyArray<AnyTensor>, "meshgrid")
  xs.forEach((x, i) => {
    if (x.shape.length !== 1) throw ShapeError.of("meshgrid", `input ${i} has shape [${x.shape.join(", ")}]; expected a 1-D tensor`, x.shape)
  })
  const xy = (options?.indexing ?? "xy") === "xy" && xs.length >= 2
  const ns = xs.map((x) => x.shape[0] as number)
  // the grid axis of input i (xy swaps the first two)
  const axisOf = (i: number) => (xy && i < 2 ? 1 - i : i)
  const grid = ns.map((_, g) => ns[axisOf(g)]!)
  return xs.map((x, i) => {
    const a = axisOf(i)
    return lax.broadcastTo(lax.reshape(x as AnyTensor, grid.map((n, g) => (g === a ? n : 1))), grid)
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
export const clip = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, min?: number, max?: number): Tensor<S, D, V> => {
  if (min !== undefined && max !== undefined && min > max) throw ShapeError.of("clip", `min ${min} is greater than max ${max}`, x.shape)
  let y: AnyTensor = x
  if (min !== undefined) y = lax.max(y, min)
  if (max !== undefined) y = lax.min(y, max)
  return y as never
}
