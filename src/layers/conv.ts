/**
 * Convolution layers in PyTorch's layouts and default initialisation: `Conv2d` (stride, padding
 * including `"same"`, dilation, groups), `Conv1d` and `ConvTranspose2d`, each over its op
 * (`conv2d`, `conv1d`, `convTranspose2d`).
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import {
  conv1d as conv1dOp,
  conv2d as conv2dOp,
  convTranspose2d as convTranspose2dOp,
  split,
  type AnyTensor,
  type Key,
} from "../ops/index.js"
import type { Conv2d as Conv2dShape, Dim, FloorDiv, FmtDim, Pair } from "../shape/index.js"
import * as init from "./init.js"
import { badInput, type Param, Layer, type ShapeFn } from "./module.js"
import type { BadInput, DimFits, Known } from "./types.js"

/**
 * Options of the convolution layers (PyTorch's defaults: stride 1, padding 0, dilation 1, groups 1, bias).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.ConvOptions = { stride: 2, padding: "same", groups: 1 }
 * @since 0.1.0
 * @category layers
 */
export interface ConvOptions extends init.InitOptions {
  readonly stride?: Pair
  readonly padding?: Pair | "same"
  readonly dilation?: Pair
  readonly groups?: number
  readonly bias?: boolean
}

type Opt<O, K extends string, Dflt> = K extends keyof O
  ? [Exclude<O[K], undefined>] extends [never]
    ? Dflt
    : Exclude<O[K], undefined>
  : Dflt
type WeightIn<I extends number, G> = G extends 1 ? I : G extends number ? FloorDiv<I, G> : I

/**
 * Shape function of `Conv2d<I, O, KH, KW, Opts>`: `[N, I, H, W] → [N, O, H', W']` with PyTorch's output sizes.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.Conv2dFn<3, 16, 3, 3, { padding: 1 }>, ["B", 3, 32, 32]> // ["B", 16, 32, 32]
 * @since 0.1.0
 * @category types
 */
export interface Conv2dFn<I extends number, O extends number, KH extends number, KW extends number, Opts> extends ShapeFn {
  readonly name: "Conv2d"
  readonly expects: ["B", I, "H", "W"]
  readonly out: ConvOut<this["in"], I, O, KH, KW, Opts>
}
type ConvOut<X, I extends number, O extends number, KH extends number, KW extends number, Opts> =
  Known<X> extends false
    ? Dim[]
    : X extends readonly [infer N extends Dim, infer C, infer H extends Dim, infer W extends Dim]
      ? DimFits<C, I> extends false
        ? BadInput<"Conv2d", `[N, ${FmtDim<I>}, H, W]`, X>
        : Opt<Opts, "padding", 0> extends "same"
          ? [N, O, H, W]
          : Conv2dShape<
              [N, I, H, W],
              [O, WeightIn<I, Opt<Opts, "groups", 1>>, KH, KW],
              {
                stride: Opt<Opts, "stride", 1>
                padding: Opt<Opts, "padding", 0>
                dilation: Opt<Opts, "dilation", 1>
                groups: Opt<Opts, "groups", 1>
              }
            >
      : BadInput<"Conv2d", `[N, ${FmtDim<I>}, H, W]`, X>

const pair = (p: Pair | undefined, d: number): [number, number] =>
  p === undefined ? [d, d] : typeof p === "number" ? [p, p] : [p[0], p[1]]

/**
 * A 2-D convolution layer (PyTorch's `nn.Conv2d`); `weight [O, I/groups, KH, KW]`, `bias [O]`.
 *
 * @example
 * import * as tg from "typegrad"
 * const conv = tg.nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 })
 * conv.call(tg.zeros([8, 3, 32, 32])) // Tensor<[8, 16, 32, 32]>
 * @since 0.1.0
 * @category layers
 */
export class Conv2d<
  in out I extends number = number,
  in out O extends number = number,
  in out KH extends number = number,
  in out KW extends number = number,
  in out Opts = {},
> extends Layer<Conv2dFn<I, O, KH, KW, Opts>> {
  constructor(
    readonly weight: Param<[O, number, KH, KW]>,
    readonly bias: Param<[O]> | undefined,
    readonly inChannels: I,
    readonly outChannels: O,
    readonly stride: readonly [number, number],
    readonly padding: readonly [number, number] | "same",
    readonly dilation: readonly [number, number],
    readonly groups: number,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length !== 4 || x.shape[1] !== this.inChannels) badInput(this, `[N, ${this.inChannels}, H, W]`, x)
    // "same": total padding d·(k−1) per axis, the odd entry on the high side (PyTorch's, at stride 1)
    const y = conv2dOp(x, this.weight as AnyTensor, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    })
    return this.bias === undefined ? y : y.add((this.bias as AnyTensor).reshape([1, -1, 1, 1]))
  }
}

/**
 * A `Conv2d` from `inChannels` to `outChannels` with a `kernel` (a size or `[kh, kw]`) and PyTorch's default initialisation.
 *
 * @example
 * import * as tg from "typegrad"
 * const conv = tg.nn.conv2d(tg.key(0), 16, 32, [3, 5], { stride: 2, groups: 4 })
 * @since 0.1.0
 * @category layers
 */
export const conv2d = <const I extends number, const O extends number, const K extends Pair, const Opts extends ConvOptions = {}>(
  key: Key,
  inChannels: I,
  outChannels: O,
  kernel: K,
  options?: Opts,
): Conv2d<
  I,
  O,
  K extends number ? K : K extends readonly [infer a extends number, number] ? a : number,
  K extends number ? K : K extends readonly [number, infer b extends number] ? b : number,
  Opts
> => {
  const o: ConvOptions = options ?? {}
  const g = o.groups ?? 1
  if (inChannels % g !== 0 || outChannels % g !== 0)
    throw badInputConfig("Conv2d", `channels ${inChannels} → ${outChannels} are not divisible by ${g} groups`)
  const [kh, kw] = pair(kernel, 1)
  const [k1, k2] = split(key)
  const shape = [outChannels, inChannels / g, kh, kw]
  const bound = 1 / Math.sqrt((inChannels / g) * kh * kw)
  const weight = init.kaimingUniform(k1!, shape, { ...pickInit(o), a: Math.sqrt(5) })
  const bias = o.bias === false ? undefined : init.uniform(k2!, [outChannels], -bound, bound, pickInit(o))
  const padding = o.padding === "same" ? "same" : pair(o.padding, 0)
  if (padding === "same" && pair(o.stride, 1).some((s) => s !== 1)) throw badInputConfig("Conv2d", `padding "same" needs stride 1`)
  return new Conv2d(weight as never, bias as never, inChannels, outChannels, pair(o.stride, 1), padding, pair(o.dilation, 1), g) as never
}

const pickInit = (o: init.InitOptions): init.InitOptions => ({
  ...(o.dtype ? { dtype: o.dtype } : {}),
  ...(o.device ? { device: o.device } : {}),
})
const badInputConfig = (layer: string, detail: string) => ShapeError.of(layer, detail)

// ------------------------------------------------------------------ Conv1d

/**
 * Shape function of `Conv1d<I, O, K, Opts>`: `[N, I, L] → [N, O, L']`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.Conv1dFn<4, 8, 3, {}>, ["B", 4, 10]> // ["B", 8, 8]
 * @since 0.1.0
 * @category types
 */
export interface Conv1dFn<I extends number, O extends number, K extends number, Opts> extends ShapeFn {
  readonly name: "Conv1d"
  readonly expects: ["B", I, "L"]
  readonly out: Conv1dOut<this["in"], I, O, K, Opts>
}
type Conv1dOut<X, I extends number, O extends number, K extends number, Opts> =
  Known<X> extends false
    ? Dim[]
    : X extends readonly [infer N extends Dim, infer C, infer L extends Dim]
      ? DimFits<C, I> extends false
        ? BadInput<"Conv1d", `[N, ${FmtDim<I>}, L]`, X>
        : Opt<Opts, "padding", 0> extends "same"
          ? [N, O, L]
          : Conv2dShape<
                [N, I, 1, L],
                [O, WeightIn<I, Opt<Opts, "groups", 1>>, 1, K],
                {
                  stride: [1, Opt<Opts, "stride", 1>]
                  padding: [0, Opt<Opts, "padding", 0>]
                  dilation: [1, Opt<Opts, "dilation", 1>]
                  groups: Opt<Opts, "groups", 1>
                }
              > extends infer R
            ? R extends readonly [infer a, infer b, 1, infer c]
              ? [a, b, c]
              : R
            : never
      : BadInput<"Conv1d", `[N, ${FmtDim<I>}, L]`, X>

/**
 * A 1-D convolution layer (PyTorch's `nn.Conv1d`); `weight [O, I/groups, K]`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.conv1d(tg.key(0), 4, 8, 3).call(tg.zeros([2, 4, 10])) // Tensor<[2, 8, 8]>
 * @since 0.1.0
 * @category layers
 */
export class Conv1d<
  in out I extends number = number,
  in out O extends number = number,
  in out K extends number = number,
  in out Opts = {},
> extends Layer<Conv1dFn<I, O, K, Opts>> {
  constructor(
    readonly weight: Param<[O, number, K]>,
    readonly bias: Param<[O]> | undefined,
    readonly inChannels: I,
    readonly outChannels: O,
    readonly stride: number,
    readonly padding: number | "same",
    readonly dilation: number,
    readonly groups: number,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length !== 3 || x.shape[1] !== this.inChannels) badInput(this, `[N, ${this.inChannels}, L]`, x)
    const y = conv1dOp(x, this.weight as AnyTensor, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    })
    return this.bias === undefined ? y : y.add((this.bias as AnyTensor).reshape([1, -1, 1]))
  }
}

/**
 * A `Conv1d` with PyTorch's default initialisation.
 *
 * @example
 * import * as tg from "typegrad"
 * const conv = tg.nn.conv1d(tg.key(0), 4, 8, 3, { padding: 1 })
 * @since 0.1.0
 * @category layers
 */
export const conv1d = <
  const I extends number,
  const O extends number,
  const K extends number,
  const Opts extends ConvOptions & { readonly stride?: number; readonly padding?: number | "same"; readonly dilation?: number } = {},
>(
  key: Key,
  inChannels: I,
  outChannels: O,
  kernel: K,
  options?: Opts,
): Conv1d<I, O, K, Opts> => {
  const o = (options ?? {}) as ConvOptions & { readonly stride?: number; readonly padding?: number | "same"; readonly dilation?: number }
  if (o.padding === "same" && (o.stride ?? 1) !== 1) throw badInputConfig("Conv1d", `padding "same" needs stride 1`)
  const c: Conv2d = conv2d(
    key,
    inChannels as number,
    outChannels as number,
    [1, kernel as number] as const,
    { ...o, stride: 1, padding: 0, dilation: 1 } as ConvOptions,
  ) as never
  return new Conv1d<I, O, K, Opts>(
    (c.weight as AnyTensor).squeeze(2) as never,
    c.bias as never,
    inChannels,
    outChannels,
    o.stride ?? 1,
    o.padding ?? 0,
    o.dilation ?? 1,
    o.groups ?? 1,
  )
}

// ------------------------------------------------------------------ ConvTranspose2d

/**
 * Shape function of `ConvTranspose2d<I, O>`: `[N, I, H, W] → [N, O, H', W']`, `H' = (H−1)·s − 2p + d·(k−1) + outputPadding + 1` (sizes computed at run time).
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.ConvTranspose2dFn<8, 4>, ["B", 8, 7, 7]> // ["B", 4, number, number]
 * @since 0.1.0
 * @category types
 */
export interface ConvTranspose2dFn<I extends number, O extends number> extends ShapeFn {
  readonly name: "ConvTranspose2d"
  readonly expects: ["B", I, "H", "W"]
  readonly out: Known<this["in"]> extends false
    ? Dim[]
    : this["in"] extends readonly [infer N extends Dim, infer C, Dim, Dim]
      ? DimFits<C, I> extends true
        ? [N, O, number, number]
        : BadInput<"ConvTranspose2d", `[N, ${FmtDim<I>}, H, W]`, this["in"]>
      : BadInput<"ConvTranspose2d", `[N, ${FmtDim<I>}, H, W]`, this["in"]>
}

/**
 * A transposed 2-D convolution (PyTorch's `nn.ConvTranspose2d`); `weight [I, O/groups, KH, KW]`,
 * computed by the `convTranspose2d` op.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.convTranspose2d(tg.key(0), 8, 4, 2, { stride: 2 }).call(tg.zeros([1, 8, 7, 7])) // [1, 4, 14, 14] at run time
 * @since 0.1.0
 * @category layers
 */
export class ConvTranspose2d<in out I extends number = number, in out O extends number = number> extends Layer<ConvTranspose2dFn<I, O>> {
  constructor(
    readonly weight: Param<[I, number, number, number]>,
    readonly bias: Param<[O]> | undefined,
    readonly inChannels: I,
    readonly outChannels: O,
    readonly stride: readonly [number, number],
    readonly padding: readonly [number, number],
    readonly outputPadding: readonly [number, number],
    readonly dilation: readonly [number, number],
    readonly groups: number,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length !== 4 || x.shape[1] !== this.inChannels) badInput(this, `[N, ${this.inChannels}, H, W]`, x)
    const opts = {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    }
    const y = convTranspose2dOp(x, this.weight as AnyTensor, opts) as AnyTensor
    return this.bias === undefined ? y : y.add((this.bias as AnyTensor).reshape([1, -1, 1, 1]))
  }
}

/**
 * A `ConvTranspose2d` with PyTorch's default initialisation (fan-in from `weight.shape[1]·k`).
 *
 * @example
 * import * as tg from "typegrad"
 * const up = tg.nn.convTranspose2d(tg.key(0), 16, 8, 4, { stride: 2, padding: 1 })
 * @since 0.1.0
 * @category layers
 */
export const convTranspose2d = <const I extends number, const O extends number>(
  key: Key,
  inChannels: I,
  outChannels: O,
  kernel: Pair,
  options?: init.InitOptions & {
    readonly stride?: Pair
    readonly padding?: Pair
    readonly outputPadding?: Pair
    readonly dilation?: Pair
    readonly groups?: number
    readonly bias?: boolean
  },
): ConvTranspose2d<I, O> => {
  const g = options?.groups ?? 1
  const [kh, kw] = pair(kernel, 1)
  const [k1, k2] = split(key)
  const shape = [inChannels, outChannels / g, kh, kw]
  const fanIn = (outChannels / g) * kh * kw // PyTorch computes fans from dim 1 of this weight
  const weight = init.kaimingUniform(k1!, shape, { ...pickInit(options ?? {}), a: Math.sqrt(5) })
  const bound = 1 / Math.sqrt(fanIn)
  const bias = options?.bias === false ? undefined : init.uniform(k2!, [outChannels], -bound, bound, pickInit(options ?? {}))
  return new ConvTranspose2d(
    weight as never,
    bias as never,
    inChannels,
    outChannels,
    pair(options?.stride, 1),
    pair(options?.padding, 0),
    pair(options?.outputPadding, 0),
    pair(options?.dilation, 1),
    g,
  )
}
