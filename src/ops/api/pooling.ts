/**
 * `reduceWindow`: min/max/sum over sliding windows of any rank (XLA's `ReduceWindow`), with window
 * strides, padding, window dilation and base (input) dilation. A composition: the input is padded
 * with the reduction's identity by the `pad` primitive (input dilation is its interior padding),
 * then each window offset is one strided `slice`, combined elementwise — so gradients, batching and
 * both backends come from those primitives.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { ConvAxisOut, DeviceKind, Dim, DType, FmtShape, Guard, IsError, Shape, ShapeMismatch } from "../../shape/index.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { padPairs, perAxis, type ConvPadding } from "./conv-general.js"
import type { Out } from "./typing.js"

/**
 * Options of `reduceWindow`, one entry per axis of the input or one number for all: `strides`
 * (default 1), `padding` (a size, `[lo, hi]` per axis, `"same"` or `"valid"`, the default),
 * `windowDilation` and `baseDilation` (default 1).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.ReduceWindowOpts = { strides: [1, 2], padding: "same" }
 * @since 0.1.0
 * @category convolution
 */
export interface ReduceWindowOpts {
  readonly strides?: number | ReadonlyArray<number>
  readonly padding?: ConvPadding
  readonly windowDilation?: number | ReadonlyArray<number>
  readonly baseDilation?: number | ReadonlyArray<number>
}

type Opt<O, K extends string, Dflt> = K extends keyof O
  ? [Exclude<O[K], undefined>] extends [never]
    ? Dflt
    : Exclude<O[K], undefined>
  : Dflt
type At<V, I> = V extends string ? V : V extends number ? V : V extends readonly unknown[] ? (I extends keyof V ? V[I] : number) : number
type Axes<S extends readonly unknown[], Wn, O, Acc extends unknown[] = []> = S extends readonly [infer H, ...infer R]
  ? Axes<
      R,
      Wn,
      O,
      [
        ...Acc,
        ConvAxisOut<
          H,
          At<Wn, Acc["length"]>,
          At<Opt<O, "strides", 1>, Acc["length"]>,
          At<Opt<O, "padding", "valid">, Acc["length"]>,
          At<Opt<O, "windowDilation", 1>, Acc["length"]>,
          At<Opt<O, "baseDilation", 1>, Acc["length"]>,
          "reduceWindow",
          `axis ${Acc["length"]} size`
        >,
      ]
    >
  : Acc
type FirstErr<T> = T extends readonly [infer H, ...infer R] ? (IsError<H> extends true ? H : FirstErr<R>) : false

/**
 * Output shape of `reduceWindow(x: S, op, window: Wn, options: O)`: each axis as `ConvAxisOut`.
 *
 * @example
 * import type * as tg from "typegrad"
 * const s: tg.ReduceWindow<[4, 10, 10], [1, 3, 3], { strides: [1, 2, 2]; padding: "same" }> = [4, 5, 5]
 * @since 0.1.0
 * @category shape functions
 */
export type ReduceWindow<S extends Shape, Wn extends ReadonlyArray<number>, O = {}> = number extends S["length"]
  ? Dim[]
  : number extends Wn["length"]
    ? Dim[]
    : Wn["length"] extends S["length"]
      ? Axes<S, Wn, O> extends infer r
        ? FirstErr<r> extends infer e
          ? [e] extends [false]
            ? { [K in keyof r]: r[K] & Dim }
            : e
          : never
        : never
      : ShapeMismatch<`reduceWindow: window has ${Wn["length"]} sizes for input ${FmtShape<S>} of rank ${S["length"]}`>

const identity = (op: "max" | "min" | "sum", dtype: DType): number =>
  op === "sum" ? 0 : dtype === "i32" ? (op === "max" ? -2147483647 : 2147483647) : op === "max" ? -Infinity : Infinity

/**
 * Reduce (`"max"`, `"min"` or `"sum"`) every window of sizes `window` (one per axis of `x`, any
 * rank) sliding with `strides`; padding counts as the reduction's identity (−∞, +∞ or 0), as do
 * the holes of `baseDilation`. Max/avg pooling of any dimension: `reduceWindow(x, "max",
 * [1, 1, 2, 2], { strides: [1, 1, 2, 2] })` is a 2×2 max pool. Differentiable.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([1, 3, 2, 5, 4])
 * tg.reduceWindow(x, "max", [2]).toArraySync() // [3, 3, 5, 5]
 * tg.reduceWindow(x, "sum", [3], { strides: 2, padding: 1 }).toArraySync() // [4, 10, 9]
 * tg.reduceWindow(tg.ones([2, 6, 6]), "sum", [1, 3, 3], { padding: "same" }) // Tensor<[2, 6, 6]>
 * @since 0.1.0
 * @category convolution
 */
export const reduceWindow = <
  S extends Shape,
  D extends DType,
  V extends DeviceKind,
  const Wn extends ReadonlyArray<number>,
  const O extends ReduceWindowOpts = {},
>(
  x: Tensor<S, D, V>,
  op: "max" | "min" | "sum",
  window: Wn & NoInfer<Guard<ReduceWindow<S, Wn, O>>>,
  options?: O,
): Out<ReduceWindow<S, Wn, O>, D, V> => {
  const o: ReduceWindowOpts = options ?? {}
  const r = x.shape.length
  const name = "reduceWindow"
  if (op !== "max" && op !== "min" && op !== "sum")
    throw ShapeError.of(name, `op must be "max", "min" or "sum", got "${String(op)}"`, x.shape)
  if (x.dtype === "bool") throw new DTypeError({ op: name, dtypes: [x.dtype], message: `${name}: expected a numeric tensor, got bool` })
  if (window.length !== r)
    throw ShapeError.of(name, `window has ${window.length} sizes for input [${x.shape.join(", ")}] of rank ${r}`, x.shape)
  const win = perAxis(name, "window", window, r, 1)
  const strides = perAxis(name, "strides", o.strides, r, 1)
  const wd = perAxis(name, "windowDilation", o.windowDilation, r, 1)
  const bd = perAxis(name, "baseDilation", o.baseDilation, r, 1)
  const dilated = x.shape.map((n, i) => (n === 0 ? 0 : (n - 1) * bd[i]! + 1))
  const pads = padPairs(name, o.padding, dilated, win, strides, wd)
  const out = dilated.map((n, i) => {
    const padded = n + pads[i]![0] + pads[i]![1],
      span = wd[i]! * (win[i]! - 1) + 1
    if (padded < span)
      throw ShapeError.of(
        name,
        `kernel ${win[i]}${span === win[i] ? "" : ` (dilated to ${span})`} larger than padded axis ${i} size ${padded}`,
        x.shape,
      )
    return Math.floor((padded - span) / strides[i]!) + 1
  })
  const init = identity(op, x.dtype)
  const xp = lax.pad(
    x,
    pads.map((p) => p[0]),
    pads.map((p) => p[1]),
    bd.map((b) => b - 1),
    init,
  )
  const combine = op === "max" ? lax.max : op === "min" ? lax.min : lax.add
  let acc: AnyTensor | undefined
  const offset = new Array<number>(r).fill(0)
  for (;;) {
    const s = lax.slice(
      xp,
      offset.map((k, i) => k * wd[i]!),
      strides,
      out,
    )
    acc = acc === undefined ? s : combine(acc, s)
    // next window offset (odometer over the window's sizes)
    let a = r - 1
    while (a >= 0 && ++offset[a]! === win[a]) offset[a--] = 0
    if (a < 0) break
  }
  return (acc ?? xp) as never
}
