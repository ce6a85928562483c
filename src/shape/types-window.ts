/**
 * Type-level shape rules of windowed ops: `conv2d` (NCHW input, OIHW weight) and 2-D pooling.
 * Output size per spatial axis: ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1.
 *
 * @since 0.1.0
 */
import type { Add, AddLE, CmpLE, DivModLE, FloorDiv, FromLE, Mul, MulLE, Sub, SubLE, ToLE } from "./arith.js"
import type { AllLit, IsTuple, Kind, Lit, Unify } from "./types-internal.js"
import type { Dim, FmtDim, FmtShape, IsError, Shape, ShapeMismatch } from "./types.js"

/**
 * A per-axis option: one number for both spatial axes, or `[height, width]`.
 * @example
 * import type { Pair } from "typegrad"
 * const stride: Pair = [2, 1]
 * @since 0.1.0
 * @category shape functions
 */
export type Pair = number | readonly [number, number]

/**
 * Options of `conv2d`; each defaults like PyTorch (stride 1, padding 0, dilation 1, groups 1).
 * @example
 * import type { Conv2dOpts } from "typegrad"
 * const o: Conv2dOpts = { stride: 2, padding: [3, 3] }
 * @since 0.1.0
 * @category shape functions
 */
export interface Conv2dOpts {
  readonly stride?: Pair
  /** a size, `[h, w]`, per side `[[top, bottom], [left, right]]`, `"same"` (output ⌈n / stride⌉) or `"valid"` (0) */
  readonly padding?: Pair | "same" | "valid" | readonly [number | readonly [number, number], number | readonly [number, number]]
  readonly dilation?: Pair
  /** input dilation: `lhsDilation − 1` zeros between input entries (default 1) */
  readonly lhsDilation?: Pair
  readonly groups?: number
}

/**
 * Options of 2-D pooling; the stride defaults to the kernel.
 * @example
 * import type { Pool2dOpts } from "typegrad"
 * const o: Pool2dOpts = { stride: 2, padding: 1 }
 * @since 0.1.0
 * @category shape functions
 */
export interface Pool2dOpts {
  readonly stride?: Pair
  readonly padding?: Pair
  readonly dilation?: Pair
}

/**
 * Output size of one spatial axis, or `number` when an input is not a literal; an error when the
 * (dilated) window does not fit the padded input or the stride/kernel/dilation is 0. The padding
 * `P` is one size for both sides or a `[lo, hi]` pair.
 * @example
 * import type { WindowOut } from "typegrad"
 * const n: WindowOut<224, 7, 2, 3, 1, "conv2d", "height"> = 112
 * const m: WindowOut<10, 3, 1, [2, 0], 1, "conv2d", "height"> = 10
 * @since 0.1.0
 * @category shape functions
 */
export type WindowOut<N, K, S, P, Dl, Op extends string, Axis extends string> =
  AllLit<[N, K, S, ...PadParts<P>, Dl]> extends true
    ? S extends 0
      ? ShapeMismatch<`${Op}: stride must be positive`>
      : K extends 0
        ? ShapeMismatch<`${Op}: kernel size must be positive`>
        : Dl extends 0
          ? ShapeMismatch<`${Op}: dilation must be positive`>
          : AddLE<ToLE<Lit<N>>, PadTotal<P>> extends infer padded extends string
            ? AddLE<MulLE<ToLE<Lit<Dl>>, SubLE<ToLE<Lit<K>>, "1">>, "1"> extends infer span extends string
              ? CmpLE<padded, span> extends "lt"
                ? ShapeMismatch<`${Op}: kernel ${K & number}${Dl extends 1 ? "" : ` (dilated to ${FromLE<span>})`} larger than padded ${Axis} ${FromLE<padded>}`>
                : FromLE<AddLE<DivModLE<SubLE<padded, span>, ToLE<Lit<S>>>[0], "1">>
              : never
            : never
    : number

type PadParts<P> = P extends readonly [infer lo, infer hi] ? [lo, hi] : [P]
type PadTotal<P> = P extends readonly [infer lo, infer hi] ? AddLE<ToLE<Lit<lo>>, ToLE<Lit<hi>>> : MulLE<"2", ToLE<Lit<P>>>

/**
 * Output size of one spatial axis of a convolution with input dilation `LD` and padding `P` (a
 * size, `[lo, hi]`, `"valid"` or `"same"`: ⌈n / stride⌉); `number` when a size is not a literal.
 * @example
 * import type { ConvAxisOut } from "typegrad"
 * const n: ConvAxisOut<32, 3, 2, "same", 1, 1, "conv2d", "height"> = 16
 * const m: ConvAxisOut<4, 3, 1, 0, 1, 2, "conv2d", "height"> = 5 // input dilated to 7
 * @since 0.1.0
 * @category shape functions
 */
export type ConvAxisOut<N, K, S, P, Dl, LD, Op extends string, Axis extends string> = (
  LD extends 1
    ? N
    : AllLit<[N, LD]> extends true
      ? N extends 0
        ? 0
        : Add<Mul<Sub<Lit<N>, 1>, Lit<LD>>, 1>
      : number
) extends infer n
  ? P extends "same"
    ? AllLit<[n, S]> extends true
      ? S extends 0
        ? ShapeMismatch<`${Op}: stride must be positive`>
        : FloorDiv<Add<Lit<n>, Sub<Lit<S>, 1>>, Lit<S>>
      : number
    : WindowOut<n, K, S, P extends "valid" ? 0 : P, Dl, Op, Axis>
  : never

type P0<X> = X extends readonly [infer a, unknown] ? a : X
type P1<X> = X extends readonly [unknown, infer b] ? b : X
/** option K of O, or Dflt when absent/undefined */
type Opt<O, K extends string, Dflt> = K extends keyof O
  ? [Exclude<O[K], undefined>] extends [never]
    ? Dflt
    : Exclude<O[K], undefined>
  : Dflt
/** padding of axis 0/1: a size for both, `[h, w]`, or per-side `[[lo, hi], [lo, hi]]`; `"same"`/`"valid"` as they are */
type PadAx<P, A extends 0 | 1> = P extends string ? P : P extends readonly [infer a, infer b] ? (A extends 0 ? a : b) : P
type Hw<X, N, K, O, SDflt, Op extends string> = [
  ConvAxisOut<
    X,
    P0<K>,
    P0<Opt<O, "stride", SDflt>>,
    PadAx<Opt<O, "padding", 0>, 0>,
    P0<Opt<O, "dilation", 1>>,
    P0<Opt<O, "lhsDilation", 1>>,
    Op,
    "height"
  >,
  ConvAxisOut<
    N,
    P1<K>,
    P1<Opt<O, "stride", SDflt>>,
    PadAx<Opt<O, "padding", 0>, 1>,
    P1<Opt<O, "dilation", 1>>,
    P1<Opt<O, "lhsDilation", 1>>,
    Op,
    "width"
  >,
]
type FirstErr<T> = T extends readonly [infer H, ...infer R] ? (IsError<H> extends true ? H : FirstErr<R>) : false

/**
 * `conv2d` output shape: X = [N, C, H, W], W = [out, C/groups, kH, kW] → [N, out, H', W'].
 * @example
 * import type { Conv2d } from "typegrad"
 * const s: Conv2d<["B", 3, 224, 224], [64, 3, 7, 7], { stride: 2; padding: 3 }> = ["B", 64, 112, 112]
 * type E = Conv2d<[1, 3, 8, 8], [64, 4, 3, 3]> // ShapeMismatch<"conv2d: input has 3 channels but weight [64, 4, 3, 3] expects 4">
 * @since 0.1.0
 * @category shape functions
 */
export type Conv2d<X extends Shape, W extends Shape, O = {}> = [IsTuple<X>, IsTuple<W>] extends [true, true]
  ? X extends readonly [infer N, infer C, infer H, infer Wd]
    ? W extends readonly [infer Co, infer Cg, infer KH, infer KW]
      ? Opt<O, "groups", 1> extends infer G
        ? IsError<ChannelCheck<C, Cg, G>> extends true
          ? ShapeMismatch<`conv2d: input has ${FmtDim<C>} channels but weight ${FmtShape<W>} expects ${FmtDim<Cg>}${G extends 1 ? "" : ` x ${G & number} groups`}`>
          : [AllLit<[Co, G]>, G] extends [true, Exclude<G, 1>]
            ? DivModLE<ToLE<Lit<Co>>, ToLE<Lit<G>>>[1] extends "0"
              ? ConvOut<N, Co, Hw<H, Wd, [KH, KW], O, 1, "conv2d">>
              : ShapeMismatch<`conv2d: weight ${FmtShape<W>} has ${Co & number} output channels, not divisible by ${G & number} groups`>
            : ConvOut<N, Co, Hw<H, Wd, [KH, KW], O, 1, "conv2d">>
        : never
      : ShapeMismatch<`conv2d: weight must be [out, in/groups, kH, kW], got ${FmtShape<W>}`>
    : ShapeMismatch<`conv2d: input must be [N, C, H, W], got ${FmtShape<X>}`>
  : Dim[]
/** C = Cg·G when both are literal; with G = 1 a named C must be the same name. */
type ChannelCheck<C, Cg, G> =
  Kind<G> extends "lit"
    ? [Kind<Cg>, Kind<C>] extends ["lit", "lit"]
      ? FromLE<MulLE<ToLE<Lit<Cg>>, ToLE<Lit<G>>>> extends C
        ? C
        : ShapeMismatch<"">
      : G extends 1
        ? Unify<C, Cg, "">
        : C
    : C
type ConvOut<N, Co, HW> =
  FirstErr<HW> extends infer e
    ? [e] extends [false]
      ? HW extends [infer h, infer w]
        ? [N & Dim, Co & Dim, h & Dim, w & Dim]
        : never
      : e
    : never

/**
 * 2-D pooling output shape for op `Op` (`"maxPool2d"`, `"avgPool2d"`): [N, C, H, W] or [C, H, W];
 * stride defaults to the kernel, and padding may be at most half the kernel (PyTorch's rule).
 * @example
 * import type { Pool2d } from "typegrad"
 * const s: Pool2d<["B", 64, 112, 112], 3, { stride: 2; padding: 1 }> = ["B", 64, 56, 56]
 * type E = Pool2d<[1, 3, 32, 32], 3, { padding: 2 }> // ShapeMismatch<"maxPool2d: padding 2 should be at most half of kernel 3">
 * @since 0.1.0
 * @category shape functions
 */
export type Pool2d<X extends Shape, K extends Pair, O = {}, Op extends string = "maxPool2d"> =
  IsTuple<X> extends false
    ? Dim[]
    : X extends readonly [...infer Lead extends Dim[], infer H, infer W]
      ? Lead["length"] extends 1 | 2
        ? FirstErr<[PadCheck<P0<Opt<O, "padding", 0>>, P0<K>, Op>, PadCheck<P1<Opt<O, "padding", 0>>, P1<K>, Op>]> extends infer pe
          ? [pe] extends [false]
            ? Hw<H, W, K, O, K, Op> extends infer hw
              ? FirstErr<hw> extends infer e
                ? [e] extends [false]
                  ? hw extends [infer h, infer w]
                    ? [...Lead, h & Dim, w & Dim]
                    : never
                  : e
                : never
              : never
            : pe
          : never
        : ShapeMismatch<`${Op}: input must be [N, C, H, W] or [C, H, W], got ${FmtShape<X>}`>
      : ShapeMismatch<`${Op}: input must be [N, C, H, W] or [C, H, W], got ${FmtShape<X>}`>
/** PyTorch: pad ≤ kernel / 2 */
type PadCheck<P, K, Op extends string> =
  AllLit<[P, K]> extends true
    ? CmpLE<MulLE<"2", ToLE<Lit<P>>>, ToLE<Lit<K>>> extends "gt"
      ? ShapeMismatch<`${Op}: padding ${P & number} should be at most half of kernel ${K & number}`>
      : true
    : true
