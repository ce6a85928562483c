/**
 * Typed `conv1d`, `conv3d` and `convTranspose2d` over the general convolution of
 * `conv-general.ts`; their output shapes are computed by the type from literal sizes.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type {
  Add,
  ConvAxisOut,
  DeviceKind,
  Dim,
  DType,
  FmtShape,
  Guard,
  IsError,
  Mul,
  SameDevice,
  SameDType,
  Shape,
  ShapeMismatch,
  Sub,
} from "../../shape/index.js"
import type { AllLit, Lit } from "../../shape/types-internal.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { convGeneral, perAxis, resolveConv, type ConvOpts, type ConvPadding } from "./conv-general.js"
import { flip } from "./indexing.js"
import type { Out } from "./typing.js"

type Opt<O, K extends string, Dflt> = K extends keyof O
  ? [Exclude<O[K], undefined>] extends [never]
    ? Dflt
    : Exclude<O[K], undefined>
  : Dflt
/** entry I of a per-axis option (a bare number applies to every axis) */
type At<V, I> = V extends string ? V : V extends number ? V : V extends readonly unknown[] ? (I extends keyof V ? V[I] : number) : number
type FirstErr<T> = T extends readonly [infer H, ...infer R] ? (IsError<H> extends true ? H : FirstErr<R>) : false
type AxisNames = { 1: ["length"]; 3: ["depth", "height", "width"] }
type AxisName<R, I extends number> = R extends keyof AxisNames
  ? I extends keyof AxisNames[R]
    ? AxisNames[R][I] & string
    : `axis ${I}`
  : `axis ${I}`
type Spatial<
  Sp extends readonly unknown[],
  Ks extends readonly unknown[],
  O,
  Op extends string,
  R,
  Acc extends unknown[] = [],
> = Sp extends readonly [infer H, ...infer Rest]
  ? Spatial<
      Rest,
      Ks,
      O,
      Op,
      R,
      [
        ...Acc,
        ConvAxisOut<
          H,
          At<Ks, Acc["length"]>,
          At<Opt<O, "stride", 1>, Acc["length"]>,
          At<Opt<O, "padding", 0>, Acc["length"]>,
          At<Opt<O, "dilation", 1>, Acc["length"]>,
          At<Opt<O, "lhsDilation", 1>, Acc["length"]>,
          Op,
          AxisName<R, Acc["length"]>
        >,
      ]
    >
  : Acc
type Dims<T> = { [K in keyof T]: T[K] & Dim }
type ChannelsOk<C, Cg, G> = AllLit<[C, Cg, G]> extends true ? (Mul<Lit<Cg>, Lit<G>> extends C ? true : false) : true

/**
 * Output shape of an N-d convolution (`conv1d`: R = 1, `conv3d`: R = 3): `X = [N, C, ...sp]`,
 * `W = [O, C/groups, ...k]` → `[N, O, ...sp']`, each spatial size as `ConvAxisOut`.
 *
 * @example
 * import type * as tg from "typegrad"
 * const s: tg.ConvNd<[2, 4, 8, 8, 8], [6, 4, 3, 3, 3], { padding: 1 }, 3, "conv3d"> = [2, 6, 8, 8, 8]
 * @since 0.1.0
 * @category shape functions
 */
export type ConvNd<X extends Shape, W extends Shape, O, R extends number, Op extends string> = number extends X["length"]
  ? Dim[]
  : number extends W["length"]
    ? Dim[]
    : X extends readonly [infer N, infer C, ...infer Sp]
      ? W extends readonly [infer Co, infer Cg, ...infer Ks]
        ? Sp["length"] extends R
          ? Ks["length"] extends R
            ? ChannelsOk<C, Cg, Opt<O, "groups", 1>> extends false
              ? ShapeMismatch<`${Op}: input has ${C & number} channels but weight ${FmtShape<W>} expects ${Cg & number}${Opt<O, "groups", 1> extends 1 ? "" : ` x ${Opt<O, "groups", 1> & number} groups`}`>
              : Spatial<Sp, Ks, O, Op, R> extends infer sp extends unknown[]
                ? FirstErr<sp> extends infer e
                  ? [e] extends [false]
                    ? [N & Dim, Co & Dim, ...Dims<sp>]
                    : e
                  : never
                : never
            : ShapeMismatch<`${Op}: weight must have ${R} spatial axes, got ${FmtShape<W>}`>
          : ShapeMismatch<`${Op}: input must have ${R} spatial axes, got ${FmtShape<X>}`>
        : ShapeMismatch<`${Op}: weight must be [out, in/groups, ...kernel], got ${FmtShape<W>}`>
      : ShapeMismatch<`${Op}: input must be [N, C, ...spatial], got ${FmtShape<X>}`>

/**
 * 1-D convolution (cross-correlation, as PyTorch's `conv1d`): `x: [N, C, L]`, `w: [O, C/groups, k]`
 * with stride, padding (size, `[lo, hi]` as `[[lo, hi]]`, `"same"`, `"valid"`), dilation,
 * input dilation and groups. The output length is computed by the type.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[[1, 2, 3, 4]]]) // [N=1, C=1, L=4]
 * tg.conv1d(x, tg.tensor([[[1, -1]]])).toArraySync() // [[[-1, -1, -1]]]
 * tg.conv1d(x, tg.tensor([[[1, 1, 1]]]), { padding: "same" }) // Tensor<[1, 1, 4]>
 * @since 0.1.0
 * @category convolution
 */
export const conv1d = <
  X extends Shape,
  W extends Shape,
  D1 extends DType,
  D2 extends DType,
  V1 extends DeviceKind,
  V2 extends DeviceKind,
  const O extends ConvOpts = {},
>(
  x: Tensor<X, D1, V1>,
  w: Tensor<W, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "conv1d", SameDType<D1, D2, "conv1d", ConvNd<X, W, O, 1, "conv1d">>>>>,
  options?: O,
): Out<ConvNd<X, W, O, 1, "conv1d">, D1, V1> =>
  convGeneral("conv1d", x, w as AnyTensor, resolveConv("conv1d", x, w as AnyTensor, 1, options ?? {})) as never

/**
 * 3-D convolution (cross-correlation, as PyTorch's `conv3d`): `x: [N, C, D, H, W]`,
 * `w: [O, C/groups, kd, kh, kw]`, options per axis or one for all. The output size is computed by
 * the type.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.ones([1, 2, 4, 4, 4])
 * const y = tg.conv3d(x, tg.ones([3, 2, 2, 2, 2]), { stride: 2 }) // Tensor<[1, 3, 2, 2, 2]>
 * y.max().item() // 16: a 2·2·2 window over 2 channels of ones
 * @since 0.1.0
 * @category convolution
 */
export const conv3d = <
  X extends Shape,
  W extends Shape,
  D1 extends DType,
  D2 extends DType,
  V1 extends DeviceKind,
  V2 extends DeviceKind,
  const O extends ConvOpts = {},
>(
  x: Tensor<X, D1, V1>,
  w: Tensor<W, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "conv3d", SameDType<D1, D2, "conv3d", ConvNd<X, W, O, 3, "conv3d">>>>>,
  options?: O,
): Out<ConvNd<X, W, O, 3, "conv3d">, D1, V1> =>
  convGeneral("conv3d", x, w as AnyTensor, resolveConv("conv3d", x, w as AnyTensor, 3, options ?? {})) as never

/**
 * Options of `convTranspose2d` (PyTorch's `conv_transpose2d`): each a size or `[h, w]`; defaults
 * stride 1, padding 0, output padding 0, dilation 1, groups 1.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.ConvTranspose2dOpts = { stride: 2, padding: 1, outputPadding: 1 }
 * @since 0.1.0
 * @category convolution
 */
export interface ConvTranspose2dOpts {
  readonly stride?: number | readonly [number, number]
  readonly padding?: number | readonly [number, number]
  readonly outputPadding?: number | readonly [number, number]
  readonly dilation?: number | readonly [number, number]
  readonly groups?: number
}

type P<V, I extends 0 | 1> = V extends readonly [infer a, infer b] ? (I extends 0 ? a : b) : V
/** (n − 1)·s − 2p + d·(k − 1) + op + 1 on literals */
type TAxis<N, K, S, Pd, Dl, Op> =
  AllLit<[N, K, S, Pd, Dl, Op]> extends true
    ? Add<Add<Mul<Sub<Lit<N>, 1>, Lit<S>>, Mul<Lit<Dl>, Sub<Lit<K>, 1>>>, Add<Lit<Op>, 1>> extends infer full extends number
      ? Sub<full, Mul<2, Lit<Pd>>> extends infer r
        ? [r] extends [never]
          ? ShapeMismatch<`convTranspose2d: padding ${Pd & number} leaves no output`>
          : r
        : never
      : never
    : number

/**
 * Output shape of `convTranspose2d`: `X = [N, C, H, W]`, `W = [C, O/groups, kh, kw]` →
 * `[N, O, H', W']`, `H' = (H − 1)·s − 2p + d·(kh − 1) + outputPadding + 1`.
 *
 * @example
 * import type * as tg from "typegrad"
 * const s: tg.ConvTranspose2d<[1, 8, 7, 7], [8, 4, 4, 4], { stride: 2; padding: 1 }> = [1, 4, 14, 14]
 * @since 0.1.0
 * @category shape functions
 */
export type ConvTranspose2d<X extends Shape, W extends Shape, O = {}> = number extends X["length"]
  ? Dim[]
  : number extends W["length"]
    ? Dim[]
    : X extends readonly [infer N, infer C, infer H, infer Wd]
      ? W extends readonly [infer Ci, infer Og, infer KH, infer KW]
        ? AllLit<[C, Ci]> extends true
          ? C extends Ci
            ? TOut<N, Og, H, Wd, KH, KW, O>
            : ShapeMismatch<`convTranspose2d: input has ${C & number} channels but weight ${FmtShape<W>} expects ${Ci & number}`>
          : TOut<N, Og, H, Wd, KH, KW, O>
        : ShapeMismatch<`convTranspose2d: weight must be [in, out/groups, kH, kW], got ${FmtShape<W>}`>
      : ShapeMismatch<`convTranspose2d: input must be [N, C, H, W], got ${FmtShape<X>}`>
type TOut<N, Og, H, Wd, KH, KW, O> = [
  TAxis<H, KH, P<Opt<O, "stride", 1>, 0>, P<Opt<O, "padding", 0>, 0>, P<Opt<O, "dilation", 1>, 0>, P<Opt<O, "outputPadding", 0>, 0>>,
  TAxis<Wd, KW, P<Opt<O, "stride", 1>, 1>, P<Opt<O, "padding", 0>, 1>, P<Opt<O, "dilation", 1>, 1>, P<Opt<O, "outputPadding", 0>, 1>>,
] extends infer hw
  ? FirstErr<hw> extends infer e
    ? [e] extends [false]
      ? hw extends [infer h, infer w]
        ? [N & Dim, OutCh<Og, Opt<O, "groups", 1>>, h & Dim, w & Dim]
        : never
      : e
    : never
  : never
type OutCh<Og, G> = AllLit<[Og, G]> extends true ? Mul<Lit<Og>, Lit<G>> : number

/**
 * Transposed 2-D convolution (PyTorch's `conv_transpose2d`, the gradient of `conv2d` with respect
 * to its input): `x: [N, C, H, W]`, `w: [C, O/groups, kh, kw]`. It is a convolution with input
 * dilation `stride`, padding `d·(k − 1) − p` (plus `outputPadding` on the high side) and the
 * flipped kernel, so its gradients and batching follow. The output size is computed by the type.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[[[1, 2], [3, 4]]]])
 * tg.convTranspose2d(x, tg.ones([1, 1, 2, 2]), { stride: 2 }).toArraySync()
 * // [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
 * tg.convTranspose2d(tg.zeros([1, 8, 7, 7]), tg.zeros([8, 4, 4, 4]), { stride: 2, padding: 1 }) // Tensor<[1, 4, 14, 14]>
 * @since 0.1.0
 * @category convolution
 */
export const convTranspose2d = <
  X extends Shape,
  W extends Shape,
  D1 extends DType,
  D2 extends DType,
  V1 extends DeviceKind,
  V2 extends DeviceKind,
  const O extends ConvTranspose2dOpts = {},
>(
  x: Tensor<X, D1, V1>,
  w: Tensor<W, D2, V2> &
    NoInfer<Guard<SameDevice<V1, V2, "convTranspose2d", SameDType<D1, D2, "convTranspose2d", ConvTranspose2d<X, W, O>>>>>,
  options?: O,
): Out<ConvTranspose2d<X, W, O>, D1, V1> => convTransposeGeneral("convTranspose2d", x, w as AnyTensor, 2, options ?? {}) as never

/** The transposed convolution over `nsp` spatial axes (PyTorch's semantics). */
const convTransposeGeneral = (op: string, x: AnyTensor, w: AnyTensor, nsp: number, o: ConvTranspose2dOpts): AnyTensor => {
  const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`
  if (x.shape.length !== nsp + 2)
    throw ShapeError.of(op, `input must be [N, C, ${nsp === 2 ? "H, W" : "...spatial"}], got ${fmt(x.shape)}`, x.shape, w.shape)
  if (w.shape.length !== nsp + 2)
    throw ShapeError.of(op, `weight must be [in, out/groups, ${nsp === 2 ? "kH, kW" : "...kernel"}], got ${fmt(w.shape)}`, x.shape, w.shape)
  const g = o.groups ?? 1
  if (!Number.isInteger(g) || g < 1) throw ShapeError.of(op, `groups must be a positive integer, got ${g}`, x.shape, w.shape)
  const [Ci, Og] = w.shape as number[]
  if (x.shape[1] !== Ci)
    throw ShapeError.of(op, `input has ${x.shape[1]} channels but weight ${fmt(w.shape)} expects ${Ci}`, x.shape, w.shape)
  if (Ci! % g !== 0)
    throw ShapeError.of(op, `weight ${fmt(w.shape)} has ${Ci} input channels, not divisible by ${g} groups`, x.shape, w.shape)
  const stride = perAxis(op, "stride", o.stride, nsp, 1)
  const dilation = perAxis(op, "dilation", o.dilation, nsp, 1)
  const padding = perAxis(op, "padding", o.padding, nsp, 0, 0)
  const outPad = perAxis(op, "outputPadding", o.outputPadding, nsp, 0, 0)
  const k = w.shape.slice(2)
  outPad.forEach((v, i) => {
    if (v >= Math.max(stride[i]!, dilation[i]!))
      throw ShapeError.of(
        op,
        `outputPadding ${v} must be smaller than the stride ${stride[i]} or the dilation ${dilation[i]}`,
        x.shape,
        w.shape,
      )
  })
  const sizes = x.shape.slice(2).map((n, i) => (n - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (k[i]! - 1) + outPad[i]! + 1)
  if (sizes.some((n) => n < 1))
    throw ShapeError.of(
      op,
      `padding ${fmt(padding)} leaves no output for input ${fmt(x.shape)} and kernel ${fmt(w.shape)}`,
      x.shape,
      w.shape,
    )
  // w [C, O/g, ...k] -> [g, C/g, O/g, ...k] -> [g, O/g, C/g, ...k] -> [O, C/g, ...k], flipped in space
  const wg = lax.reshape(w, [g, Ci! / g, Og!, ...k])
  const wt = lax.reshape(lax.transpose(wg, [0, 2, 1, ...k.map((_, i) => i + 3)]), [g * Og!, Ci! / g, ...k])
  const wf = flip(
    wt as Tensor<number[]>,
    k.map((_, i) => i + 2),
  ) as AnyTensor
  const pads = k.map((kk, i) => [dilation[i]! * (kk - 1) - padding[i]!, dilation[i]! * (kk - 1) - padding[i]! + outPad[i]!] as const)
  return convGeneral(op, x, wf, { stride: k.map(() => 1), pads, dilation, lhsDilation: stride, groups: g })
}

export type { ConvOpts, ConvPadding }
