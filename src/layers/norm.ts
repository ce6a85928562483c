/**
 * Normalisation layers with PyTorch's semantics: `BatchNorm1d/2d` (batch statistics in training,
 * running statistics in evaluation; the running variance takes the unbiased batch variance),
 * `LayerNorm` over trailing dims, `GroupNorm` over channel groups. Running statistics are
 * buffers, updated through `nn.forward` rather than by mutation.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { full, stopGradient, variance, type AnyTensor } from "../ops/index.js"
import type { Dim, FmtShape, Shape } from "../shape/index.js"
import type * as init from "./init.js"
import { ones, zeros } from "./init.js"
import { badInput, type Param, Layer, recordState, stateOf, type ShapeFn } from "./module.js"
import type { BadInput, ChannelFn, DimFits, Known } from "./types.js"

/**
 * Options of the batch norms (PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking);
 * `momentum: null` averages cumulatively.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.BatchNormOptions = { momentum: 0.01, affine: false }
 * @since 0.1.0
 * @category layers
 */
export interface BatchNormOptions extends init.InitOptions {
  readonly eps?: number
  readonly momentum?: number | null
  readonly affine?: boolean
  readonly trackRunningStats?: boolean
}

/** Shared implementation of BatchNorm1d/2d over `[N, C, ...]`. */
abstract class BatchNormBase<F extends ShapeFn> extends Layer<F> {
  static override readonly buffers = ["running_mean", "running_var", "num_batches_tracked"]
  constructor(
    readonly weight: Param<[number]> | undefined,
    readonly bias: Param<[number]> | undefined,
    readonly running_mean: Param<[number]> | undefined,
    readonly running_var: Param<[number]> | undefined,
    readonly num_batches_tracked: Param<[], "i32"> | undefined,
    readonly numFeatures: number,
    readonly eps: number,
    readonly momentum: number | null,
    readonly training: boolean,
  ) {
    super()
  }
  /** the input ranks this norm accepts */
  abstract get inputRanks(): ReadonlyArray<number>
  /** the expected input, for messages */
  abstract get expectedInput(): string
  forward(x: AnyTensor): AnyTensor {
    if (!this.inputRanks.includes(x.shape.length) || x.shape[1] !== this.numFeatures) badInput(this, this.expectedInput, x)
    const axes = [0, ...Array.from({ length: x.shape.length - 2 }, (_, i) => i + 2)]
    const bshape = [1, this.numFeatures, ...Array.from({ length: x.shape.length - 2 }, () => 1)]
    const tracking = this.running_mean !== undefined && this.running_var !== undefined && this.num_batches_tracked !== undefined
    let mean: AnyTensor, vr: AnyTensor
    if (this.training || !tracking) {
      mean = x.mean({ axis: axes })
      vr = variance(x as never, { axis: axes }) as AnyTensor
      if (this.training && tracking) {
        const s = stateOf(this, {
          running_mean: this.running_mean as AnyTensor,
          running_var: this.running_var as AnyTensor,
          num_batches_tracked: this.num_batches_tracked as AnyTensor,
        })
        const n = (x.size as number) / this.numFeatures
        const nbt = s.num_batches_tracked.add(1)
        // momentum null: cumulative average, factor 1 / batches seen
        const f: AnyTensor | number =
          this.momentum === null ? full([], 1, { dtype: x.dtype, device: x.device }).div(nbt.cast(x.dtype)) : this.momentum
        const m = stopGradient(mean),
          v = stopGradient(vr).mul(n / Math.max(n - 1, 1))
        recordState(this, {
          running_mean: s.running_mean.mul(full([], 1, { dtype: x.dtype, device: x.device }).sub(f)).add(m.mul(f)),
          running_var: s.running_var.mul(full([], 1, { dtype: x.dtype, device: x.device }).sub(f)).add(v.mul(f)),
          num_batches_tracked: nbt,
        })
      }
    } else {
      const s = stateOf(this, { running_mean: this.running_mean as AnyTensor, running_var: this.running_var as AnyTensor })
      mean = s.running_mean
      vr = s.running_var
    }
    let y = x.sub(mean.reshape(bshape)).div((vr.reshape(bshape).add(this.eps) as AnyTensor).sqrt())
    if (this.weight !== undefined) y = y.mul((this.weight as AnyTensor).reshape(bshape))
    if (this.bias !== undefined) y = y.add((this.bias as AnyTensor).reshape(bshape))
    return y
  }
}

/**
 * Shape function of `BatchNorm1d<C>`: `[N, C]` or `[N, C, L]`, kept.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.BatchNorm1dFn<8>, ["B", 8]> // ["B", 8]
 * @since 0.1.0
 * @category types
 */
export interface BatchNorm1dFn<C extends number> extends ShapeFn {
  readonly name: "BatchNorm1d"
  readonly expects: ["B", C]
  readonly out: Known<this["in"]> extends false
    ? Dim[]
    : this["in"] extends readonly [Dim, infer XC] | readonly [Dim, infer XC, Dim]
      ? DimFits<XC, C> extends true
        ? this["in"]
        : BadInput<"BatchNorm1d", `[N, ${C}] or [N, ${C}, L]`, this["in"]>
      : BadInput<"BatchNorm1d", `[N, ${C}] or [N, ${C}, L]`, this["in"]>
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]` (PyTorch's `nn.BatchNorm1d`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.batchNorm1d(8).call(tg.ones([4, 8])) // Tensor<[4, 8]>
 * @since 0.1.0
 * @category layers
 */
export class BatchNorm1d<in out C extends number = number> extends BatchNormBase<BatchNorm1dFn<C>> {
  get inputRanks(): ReadonlyArray<number> {
    return [2, 3]
  }
  get expectedInput(): string {
    return `[N, ${this.numFeatures}] or [N, ${this.numFeatures}, L]`
  }
}

/**
 * Batch normalisation over `[N, C, H, W]` (PyTorch's `nn.BatchNorm2d`): weight 1, bias 0,
 * running mean 0, running variance 1.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.batchNorm2d(16).call(tg.ones([8, 16, 32, 32])) // Tensor<[8, 16, 32, 32]>
 * @since 0.1.0
 * @category layers
 */
export class BatchNorm2d<in out C extends number = number> extends BatchNormBase<ChannelFn<"BatchNorm2d", C, ["H", "W"]>> {
  get inputRanks(): ReadonlyArray<number> {
    return [4]
  }
  get expectedInput(): string {
    return `[N, ${this.numFeatures}, H, W]`
  }
}

const bnParts = (c: number, o?: BatchNormOptions) => {
  const affine = o?.affine ?? true
  const track = o?.trackRunningStats ?? true
  const p: init.InitOptions = { ...(o?.dtype ? { dtype: o.dtype } : {}), ...(o?.device ? { device: o.device } : {}) }
  return [
    affine ? ones([c], p) : undefined,
    affine ? zeros([c], p) : undefined,
    track ? zeros([c], p) : undefined,
    track ? ones([c], p) : undefined,
    track ? full([], 0, { dtype: "i32", ...(o?.device ? { device: o.device } : {}) }) : undefined,
    c,
    o?.eps ?? 1e-5,
    o?.momentum === undefined ? 0.1 : o.momentum,
    true,
  ] as const
}

/**
 * A `BatchNorm1d` over `numFeatures` channels, in training mode.
 *
 * @example
 * import * as tg from "typegrad"
 * const bn = tg.nn.batchNorm1d(64, { momentum: 0.01 })
 * @since 0.1.0
 * @category layers
 */
export const batchNorm1d = <const C extends number>(numFeatures: C, options?: BatchNormOptions): BatchNorm1d<C> =>
  new BatchNorm1d<C>(...(bnParts(numFeatures, options) as unknown as ConstructorParameters<typeof BatchNorm1d>))

/**
 * A `BatchNorm2d` over `numFeatures` channels, in training mode.
 *
 * @example
 * import * as tg from "typegrad"
 * const bn = tg.nn.batchNorm2d(16)
 * @since 0.1.0
 * @category layers
 */
export const batchNorm2d = <const C extends number>(numFeatures: C, options?: BatchNormOptions): BatchNorm2d<C> =>
  new BatchNorm2d<C>(...(bnParts(numFeatures, options) as unknown as ConstructorParameters<typeof BatchNorm2d>))

// ------------------------------------------------------------------ LayerNorm

/**
 * Shape function of `LayerNorm<S>`: any input ending in `S`, kept.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.LayerNormFn<[768]>, ["B", "T", 768]> // ["B", "T", 768]
 * @since 0.1.0
 * @category types
 */
export interface LayerNormFn<S extends Shape> extends ShapeFn {
  readonly name: "LayerNorm"
  readonly expects: ["B", ...S]
  readonly out: Known<this["in"]> extends false
    ? Dim[]
    : EndsWith<this["in"], S> extends true
      ? this["in"]
      : BadInput<"LayerNorm", `[..., ${Inner<FmtShape<S>>}]`, this["in"]>
}
type Inner<T extends string> = T extends `[${infer I}]` ? I : T
type EndsWith<X, S> = X extends readonly [...Dim[], ...infer T]
  ? S extends readonly unknown[]
    ? T["length"] extends S["length"]
      ? AllFit<T, S>
      : Tail<X, S>
    : false
  : false
type Tail<X, S extends readonly unknown[]> = X extends readonly [unknown, ...infer R]
  ? R["length"] extends S["length"]
    ? AllFit<R, S>
    : R["length"] extends 0
      ? false
      : Tail<R, S>
  : false
type AllFit<A, B> = A extends readonly [infer a, ...infer ra]
  ? B extends readonly [infer b, ...infer rb]
    ? DimFits<a, b> extends true
      ? AllFit<ra, rb>
      : false
    : false
  : true

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `nn.LayerNorm`): biased variance, `eps` 1e-5, affine weight 1 and bias 0.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.layerNorm([8]).call(tg.ones([2, 5, 8])) // Tensor<[2, 5, 8]>
 * @since 0.1.0
 * @category layers
 */
export class LayerNorm<in out S extends Shape = number[]> extends Layer<LayerNormFn<S>> {
  constructor(
    readonly weight: Param<[...S]> | undefined,
    readonly bias: Param<[...S]> | undefined,
    readonly normalizedShape: ReadonlyArray<number>,
    readonly eps: number,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    const k = this.normalizedShape.length
    const tail = (x.shape as number[]).slice(-k)
    if (x.shape.length < k || tail.join() !== this.normalizedShape.join()) badInput(this, `[..., ${this.normalizedShape.join(", ")}]`, x)
    const axes = Array.from({ length: k }, (_, i) => x.shape.length - k + i)
    const mean = x.mean({ axis: axes, keepdims: true })
    const v = variance(x as never, { axis: axes, keepdims: true }) as AnyTensor
    let y = x.sub(mean).div((v.add(this.eps) as AnyTensor).sqrt())
    if (this.weight !== undefined) y = y.mul(this.weight as AnyTensor)
    if (this.bias !== undefined) y = y.add(this.bias as AnyTensor)
    return y
  }
}

/**
 * A `LayerNorm` over trailing dims `normalizedShape`.
 *
 * @example
 * import * as tg from "typegrad"
 * const ln = tg.nn.layerNorm([768], { eps: 1e-6 })
 * @since 0.1.0
 * @category layers
 */
export const layerNorm = <const S extends ReadonlyArray<number>>(
  normalizedShape: S,
  options?: init.InitOptions & { readonly eps?: number; readonly elementwiseAffine?: boolean; readonly bias?: boolean },
): LayerNorm<[...S]> => {
  const p: init.InitOptions = {
    ...(options?.dtype ? { dtype: options.dtype } : {}),
    ...(options?.device ? { device: options.device } : {}),
  }
  const affine = options?.elementwiseAffine ?? true
  return new LayerNorm<[...S]>(
    affine ? (ones(normalizedShape, p) as never) : undefined,
    affine && options?.bias !== false ? (zeros(normalizedShape, p) as never) : undefined,
    normalizedShape,
    options?.eps ?? 1e-5,
  )
}

// ------------------------------------------------------------------ GroupNorm

/**
 * Group normalisation (PyTorch's `nn.GroupNorm`): `[N, C, ...]` normalised over each of `G`
 * channel groups and the spatial dims, then a per-channel affine map.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.groupNorm(4, 16).call(tg.ones([2, 16, 8, 8])) // Tensor<[2, 16, 8, 8]>
 * @since 0.1.0
 * @category layers
 */
export class GroupNorm<in out C extends number = number> extends Layer<ChannelFn<"GroupNorm", C, Dim[]>> {
  constructor(
    readonly weight: Param<[C]> | undefined,
    readonly bias: Param<[C]> | undefined,
    readonly numGroups: number,
    readonly numChannels: C,
    readonly eps: number,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length < 2 || x.shape[1] !== this.numChannels) badInput(this, `[N, ${this.numChannels}, ...]`, x)
    const shape = x.shape as number[]
    const g = x.reshape([shape[0]!, this.numGroups, -1])
    const mean = g.mean({ axis: 2, keepdims: true })
    const v = variance(g as never, { axis: 2, keepdims: true }) as AnyTensor
    let y = g
      .sub(mean)
      .div((v.add(this.eps) as AnyTensor).sqrt())
      .reshape(shape)
    const bshape = [1, this.numChannels, ...shape.slice(2).map(() => 1)]
    if (this.weight !== undefined) y = y.mul((this.weight as AnyTensor).reshape(bshape))
    if (this.bias !== undefined) y = y.add((this.bias as AnyTensor).reshape(bshape))
    return y
  }
}

/**
 * A `GroupNorm` with `numGroups` groups over `numChannels` channels (weight 1, bias 0).
 *
 * @example
 * import * as tg from "typegrad"
 * const gn = tg.nn.groupNorm(8, 64)
 * @since 0.1.0
 * @category layers
 */
export const groupNorm = <const C extends number>(
  numGroups: number,
  numChannels: C,
  options?: init.InitOptions & { readonly eps?: number; readonly affine?: boolean },
): GroupNorm<C> => {
  if (numChannels % numGroups !== 0) throw badGroups(numGroups, numChannels)
  const p: init.InitOptions = {
    ...(options?.dtype ? { dtype: options.dtype } : {}),
    ...(options?.device ? { device: options.device } : {}),
  }
  const affine = options?.affine ?? true
  return new GroupNorm<C>(
    affine ? (ones([numChannels], p) as never) : undefined,
    affine ? (zeros([numChannels], p) as never) : undefined,
    numGroups,
    numChannels,
    options?.eps ?? 1e-5,
  )
}
const badGroups = (g: number, c: number) => ShapeError.of("GroupNorm", `${c} channels are not divisible by ${g} groups`)
