/**
 * Shape-changing layers without parameters: 2-D max/average pooling, adaptive average pooling,
 * `Flatten` and `Unflatten`, with PyTorch's defaults (pool stride = kernel, Flatten from dim 1).
 *
 * @since 0.1.0
 */
import { avgPool2d as avgPoolOp, maxPool2d as maxPoolOp, stack, type AnyTensor } from "../ops/index.js"
import type { Dim, Flatten as FlattenShape, Pair, Pool2d, Pool2dOpts, Shape } from "../shape/index.js"
import { badInput, Layer, type ShapeFn } from "./module.js"
import type { BadInput, Known } from "./types.js"

/**
 * Shape function of the 2-D pools (`Op` is `"maxPool2d"` or `"avgPool2d"`).
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.Pool2dFn<"maxPool2d", 2, {}>, ["B", 16, 32, 32]> // ["B", 16, 16, 16]
 * @since 0.1.0
 * @category types
 */
export interface Pool2dFn<Op extends string, K extends Pair, O> extends ShapeFn {
  readonly name: Op extends "maxPool2d" ? "MaxPool2d" : "AvgPool2d"
  readonly expects: ["B", "C", "H", "W"]
  readonly out: this["in"] extends Shape ? Pool2d<this["in"], K, O, Op> : never
}

/**
 * 2-D max pooling as a layer (PyTorch's `nn.MaxPool2d`).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.maxPool2d(2).call(tg.zeros([1, 3, 32, 32])) // Tensor<[1, 3, 16, 16]>
 * @since 0.1.0
 * @category layers
 */
export class MaxPool2d<in out K extends Pair = Pair, in out O = {}> extends Layer<Pool2dFn<"maxPool2d", K, O>> {
  constructor(
    readonly kernelSize: K,
    readonly options: Pool2dOpts,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return maxPoolOp(x, this.kernelSize, this.options)
  }
}
/**
 * A `MaxPool2d` layer.
 * @example
 * import * as tg from "typegrad"
 * const pool = tg.nn.maxPool2d(3, { stride: 2, padding: 1 })
 * @since 0.1.0
 * @category layers
 */
export const maxPool2d = <const K extends Pair, const O extends Pool2dOpts = {}>(kernelSize: K, options?: O): MaxPool2d<K, O> =>
  new MaxPool2d(kernelSize, options ?? {})

/**
 * 2-D average pooling as a layer (PyTorch's `nn.AvgPool2d`, padding counted).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.avgPool2d(2).call(tg.ones([1, 1, 4, 4])) // Tensor<[1, 1, 2, 2]>
 * @since 0.1.0
 * @category layers
 */
export class AvgPool2d<in out K extends Pair = Pair, in out O = {}> extends Layer<Pool2dFn<"avgPool2d", K, O>> {
  constructor(
    readonly kernelSize: K,
    readonly options: Pool2dOpts,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return avgPoolOp(x, this.kernelSize, this.options)
  }
}
/**
 * An `AvgPool2d` layer.
 * @example
 * import * as tg from "typegrad"
 * const pool = tg.nn.avgPool2d(2)
 * @since 0.1.0
 * @category layers
 */
export const avgPool2d = <const K extends Pair, const O extends Pool2dOpts = {}>(kernelSize: K, options?: O): AvgPool2d<K, O> =>
  new AvgPool2d(kernelSize, options ?? {})

/**
 * Shape function of `AdaptiveAvgPool2d<OH, OW>`: `[N, C, H, W] → [N, C, OH, OW]`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.AdaptiveAvgPool2dFn<1, 1>, ["B", 64, 7, 7]> // ["B", 64, 1, 1]
 * @since 0.1.0
 * @category types
 */
export interface AdaptiveAvgPool2dFn<OH extends number, OW extends number> extends ShapeFn {
  readonly name: "AdaptiveAvgPool2d"
  readonly expects: ["B", "C", "H", "W"]
  readonly out: Known<this["in"]> extends false
    ? Dim[]
    : this["in"] extends readonly [infer N extends Dim, infer C extends Dim, Dim, Dim]
      ? [N, C, OH, OW]
      : BadInput<"AdaptiveAvgPool2d", "[N, C, H, W]", this["in"]>
}

/**
 * Adaptive average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`): output
 * cell `i` averages input rows `⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1`, and likewise for columns.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.adaptiveAvgPool2d(1).call(tg.ones([2, 8, 5, 7])) // Tensor<[2, 8, 1, 1]>
 * @since 0.1.0
 * @category layers
 */
export class AdaptiveAvgPool2d<in out OH extends number = number, in out OW extends number = number> extends Layer<
  AdaptiveAvgPool2dFn<OH, OW>
> {
  constructor(readonly outputSize: readonly [OH, OW]) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length !== 4) badInput(this, "[N, C, H, W]", x)
    const [, , h, w] = x.shape as number[]
    const [oh, ow] = this.outputSize
    if (h! % oh === 0 && w! % ow === 0) return avgPoolOp(x, [h! / oh, w! / ow])
    const bins = (n: number, o: number) =>
      Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const)
    const rows = bins(h!, oh).map(([r0, r1]) =>
      stack(bins(w!, ow).map(([c0, c1]) => x.slice(`:, :, ${r0}:${r1}, ${c0}:${c1}`).mean({ axis: [2, 3] })) as AnyTensor[], -1),
    )
    return stack(rows as AnyTensor[], 2)
  }
}
/**
 * An `AdaptiveAvgPool2d` layer (a size or `[oh, ow]`).
 * @example
 * import * as tg from "typegrad"
 * const gap = tg.nn.adaptiveAvgPool2d([1, 1])
 * @since 0.1.0
 * @category layers
 */
export const adaptiveAvgPool2d = <const S extends number | readonly [number, number]>(
  outputSize: S,
): AdaptiveAvgPool2d<
  S extends number ? S : S extends readonly [infer a extends number, number] ? a : number,
  S extends number ? S : S extends readonly [number, infer b extends number] ? b : number
> => new AdaptiveAvgPool2d((typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0], outputSize[1]]) as never)

/**
 * Shape function of `Flatten<St, En>`: dims `St..En` merged.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.FlattenFn<1, -1>, ["B", 16, 4, 4]> // ["B", 256]
 * @since 0.1.0
 * @category types
 */
export interface FlattenFn<St extends number, En extends number> extends ShapeFn {
  readonly name: "Flatten"
  readonly expects: Dim[]
  readonly out: this["in"] extends Shape ? FlattenShape<this["in"], St, En> : never
}

/**
 * Merge dims `startDim..endDim` (PyTorch's `nn.Flatten`, default 1..−1).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.flatten().call(tg.zeros([8, 16, 4, 4])) // Tensor<[8, 256]>
 * @since 0.1.0
 * @category layers
 */
export class Flatten<in out St extends number = 1, in out En extends number = -1> extends Layer<FlattenFn<St, En>> {
  constructor(
    readonly startDim: St,
    readonly endDim: En,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return x.flatten(this.startDim, this.endDim)
  }
}
/**
 * A `Flatten` layer.
 * @example
 * import * as tg from "typegrad"
 * const f = tg.nn.flatten(1, -1)
 * @since 0.1.0
 * @category layers
 */
export const flatten = <const St extends number = 1, const En extends number = -1>(startDim?: St, endDim?: En): Flatten<St, En> =>
  new Flatten((startDim ?? 1) as St, (endDim ?? -1) as En)

/**
 * Shape function of `Unflatten<Ax, S>`: dim `Ax` split into `S` (the sizes are checked at run time).
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.UnflattenFn<1, [16, 4, 4]>, ["B", 256]> // ["B", 16, 4, 4]
 * @since 0.1.0
 * @category types
 */
export interface UnflattenFn<Ax extends number, S extends Shape> extends ShapeFn {
  readonly name: "Unflatten"
  readonly expects: Dim[]
  readonly out: Known<this["in"]> extends false ? Dim[] : this["in"] extends readonly Dim[] ? Splice<this["in"], Ax, S> : never
}
type Splice<X extends readonly Dim[], Ax extends number, S extends Shape, Acc extends Dim[] = []> = Acc["length"] extends Ax
  ? X extends readonly [Dim, ...infer R]
    ? [...Acc, ...S, ...R]
    : BadInput<"Unflatten", `a dim ${Ax}`, X>
  : X extends readonly [infer H extends Dim, ...infer R extends Dim[]]
    ? Splice<R, Ax, S, [...Acc, H]>
    : BadInput<"Unflatten", `a dim ${Ax}`, X>

/**
 * Split dim `dim` into `sizes` (PyTorch's `nn.Unflatten`; `dim` counts from 0).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.unflatten(1, [16, 4, 4]).call(tg.zeros([8, 256])) // Tensor<[8, 16, 4, 4]>
 * @since 0.1.0
 * @category layers
 */
export class Unflatten<in out Ax extends number = number, in out S extends Shape = number[]> extends Layer<UnflattenFn<Ax, S>> {
  constructor(
    readonly dim: Ax,
    readonly sizes: ReadonlyArray<number>,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    const s = x.shape as number[]
    if (this.dim >= s.length || this.sizes.reduce((a, b) => a * b, 1) !== s[this.dim])
      badInput(this, `dim ${this.dim} of size ${this.sizes.reduce((a, b) => a * b, 1)}`, x)
    return x.reshape([...s.slice(0, this.dim), ...this.sizes, ...s.slice(this.dim + 1)])
  }
}
/**
 * An `Unflatten` layer.
 * @example
 * import * as tg from "typegrad"
 * const u = tg.nn.unflatten(1, [16, 4, 4])
 * @since 0.1.0
 * @category layers
 */
export const unflatten = <const Ax extends number, const S extends ReadonlyArray<number>>(dim: Ax, sizes: S): Unflatten<Ax, [...S]> =>
  new Unflatten(dim, sizes)
