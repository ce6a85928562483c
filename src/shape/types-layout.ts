/**
 * Type-level shape rules that regroup or reorder dims without windows: reshape, flatten,
 * transpose, permute, reductions, squeeze/unsqueeze, concat/stack and pad.
 *
 * @since 0.1.0
 */
import type { CmpLE, DivModLE, FromLE, ToLE } from "./arith.js"
import type {
  Add1,
  AddDim,
  AllLit,
  BadDims,
  Cancel,
  FmtProd,
  InsertAt,
  IsLitNum,
  IsTuple,
  Kind,
  NormAxes,
  NormAxis,
  Prod,
  ProdDim,
  Sp,
  Unify,
} from "./types-internal.js"
import type { Dim, FmtDim, FmtShape, IsError, Shape, ShapeMismatch } from "./types.js"

// ================================================================== reshape (one -1 allowed)
type CountNeg<T, C extends 0[] = []> = T extends readonly [infer H, ...infer R]
  ? CountNeg<R, [H] extends [-1] ? [...C, 0] : C>
  : C["length"]
type WithoutNeg<T, Acc extends Dim[] = []> = T extends readonly [infer H, ...infer R]
  ? WithoutNeg<R, [H] extends [-1] ? Acc : [...Acc, H & Dim]>
  : Acc
type ReplaceNeg<T, X, Acc extends Dim[] = []> = T extends readonly [infer H, ...infer R]
  ? ReplaceNeg<R, X, [...Acc, [H] extends [-1] ? X & Dim : H & Dim]>
  : Acc

/**
 * Reshape S into T. Element counts must match, as a product of literals times a multiset of
 * names (so `["B", 3, 4]` → `["B", 12]`); one `-1` is inferred by exact long division.
 * @example
 * import type { Reshape } from "typegrad"
 * const s: Reshape<["B", "T", 768], ["B", "T", 12, -1]> = ["B", "T", 12, 64]
 * type E = Reshape<[2, 3], [7]> // ShapeMismatch<"reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)">
 * @since 0.1.0
 * @category shape functions
 */
export type Reshape<S extends Shape, T extends Shape> =
  IsTuple<T> extends false
    ? Dim[]
    : [BadDims<T>] extends [never]
      ? CountNeg<T> extends 0 | 1
        ? IsTuple<S> extends false
          ? ReplaceNeg<T, number>
          : ReshapeCheck<S, T, Prod<S>, Prod<WithoutNeg<T>>>
        : ShapeMismatch<`reshape: only one -1 allowed in ${FmtShape<T>}`>
      : ShapeMismatch<`reshape: invalid dimension ${BadDims<T> & number} in ${FmtShape<T>}`>
type ReshapeCheck<S, T, PS, PT> = PS extends [infer NS extends string, infer SS extends string[], infer DS extends boolean]
  ? PT extends [infer NT extends string, infer ST extends string[], infer DT extends boolean]
    ? [DS, DT] extends [false, false]
      ? Cancel<SS, ST> extends [infer LS extends string[], infer LT extends string[]]
        ? CountNeg<T> extends 0
          ? [LS, LT, NS] extends [[], [], NT]
            ? [...Sp<T>]
            : ShapeMismatch<`reshape: cannot reshape ${FmtShape<S>} (${FmtProd<PS>} elements) into ${FmtShape<T>} (${FmtProd<PT>} elements)`>
          : LT extends []
            ? NT extends "0"
              ? ShapeMismatch<`reshape: cannot infer -1 in ${FmtShape<T>} with a zero-sized dimension`>
              : DivModLE<NS, NT> extends [infer Q extends string, infer Rm extends string]
                ? Rm extends "0"
                  ? ReplaceNeg<T, LS extends [] ? FromLE<Q> : [LS, Q] extends [[infer one], "1"] ? one : number>
                  : ShapeMismatch<`reshape: cannot reshape ${FmtShape<S>} (${FmtProd<PS>} elements) into ${FmtShape<T>}`>
                : never
            : ReplaceNeg<T, number>
        : never
      : ReplaceNeg<T, number>
    : never
  : never

// ================================================================== flatten(start=0, end=-1)
/**
 * Merge dims Start..End (inclusive, negative from the end) into their product; a scalar becomes [1].
 * @example
 * import type { Flatten } from "typegrad"
 * const s: Flatten<["B", 64, 7, 7], 1> = ["B", 3136]
 * @since 0.1.0
 * @category shape functions
 */
export type Flatten<S extends Shape, Start extends number = 0, End extends number = -1> = [
  IsTuple<S>,
  IsLitNum<Start>,
  IsLitNum<End>,
] extends [true, true, true]
  ? S extends readonly []
    ? [1]
    : NormAxis<Start, S["length"], "flatten"> extends infer s
      ? IsError<s> extends true
        ? s
        : NormAxis<End, S["length"], "flatten"> extends infer e
          ? IsError<e> extends true
            ? e
            : CmpLE<ToLE<s & number>, ToLE<e & number>> extends "gt"
              ? ShapeMismatch<`flatten: start_dim ${Start} after end_dim ${End} for ${FmtShape<S>}`>
              : FlattenAt<S, s & number, e & number>
          : never
      : never
  : Dim[]
type FlattenAt<
  S,
  St extends number,
  En extends number,
  I extends 0[] = [],
  Pre extends Dim[] = [],
  Mid extends Dim[] = [],
  In extends boolean = false,
> = S extends readonly [infer H, ...infer R]
  ? (In extends true ? true : I["length"] extends St ? true : false) extends true
    ? I["length"] extends En
      ? [...Pre, ProdDim<[...Mid, H]>, ...Sp<R>]
      : FlattenAt<R, St, En, [...I, 0], Pre, [...Mid, H & Dim], true>
    : FlattenAt<R, St, En, [...I, 0], [...Pre, H & Dim], Mid, false>
  : [...Pre, ProdDim<Mid>]

// ================================================================== transpose / permute
/**
 * Swap two axes (default: the last two).
 * @example
 * import type { Transpose } from "typegrad"
 * const s: Transpose<["B", 12, "T", 64]> = ["B", 12, 64, "T"]
 * @since 0.1.0
 * @category shape functions
 */
export type Transpose<S extends Shape, D0 extends number = -2, D1 extends number = -1> = [IsTuple<S>, IsLitNum<D0>, IsLitNum<D1>] extends [
  true,
  true,
  true,
]
  ? NormAxis<D0, S["length"], "transpose"> extends infer a
    ? IsError<a> extends true
      ? a
      : NormAxis<D1, S["length"], "transpose"> extends infer b
        ? IsError<b> extends true
          ? b
          : { [K in keyof S]: K extends `${a & number}` ? S[b & number] : K extends `${b & number}` ? S[a & number] : S[K] } extends infer R
            ? [...Sp<R>]
            : never
        : never
    : never
  : Dim[]

/**
 * Reorder axes: output dim i is input dim P[i] (negative axes allowed, each exactly once).
 * @example
 * import type { Permute } from "typegrad"
 * const s: Permute<["B", "T", 12, 64], [0, 2, 1, 3]> = ["B", 12, "T", 64]
 * @since 0.1.0
 * @category shape functions
 */
export type Permute<S extends Shape, P extends readonly number[]> = [IsTuple<S>, IsTuple<P>, AllLitNums<P>] extends [true, true, true]
  ? P["length"] extends S["length"]
    ? PermuteLoop<S, P, P, never>
    : ShapeMismatch<`permute: ${FmtShape<P>} has ${P["length"]} axes but tensor ${FmtShape<S>} has rank ${S["length"]}`>
  : Dim[]
type AllLitNums<P> = P extends readonly [infer H, ...infer R] ? (IsLitNum<H> extends true ? AllLitNums<R> : false) : true
type PermuteLoop<S extends Shape, P0, P, Seen, Acc extends Dim[] = []> = P extends readonly [infer h extends number, ...infer R]
  ? NormAxis<h, S["length"], "permute"> extends infer a
    ? IsError<a> extends true
      ? a
      : [a] extends [Seen]
        ? ShapeMismatch<`permute: axis ${h} repeated in ${FmtShape<P0>}`>
        : PermuteLoop<S, P0, R, Seen | a, [...Acc, S[a & number]]>
    : never
  : Acc

// ================================================================== reductions
/**
 * Shape after reducing `Axes` (a number, a list, or `undefined` for all) with op `Op`
 * (used in messages); `KeepDims` leaves size-1 dims in place.
 * @example
 * import type { Reduce } from "typegrad"
 * const s: Reduce<["B", "T", 768], -1, true> = ["B", "T", 1]
 * type E = Reduce<[2, 3], [1, -1]> // ShapeMismatch<"sum: axis -1 repeated in [1, -1]">
 * @since 0.1.0
 * @category shape functions
 */
export type Reduce<
  S extends Shape,
  Axes extends number | readonly number[] | undefined = undefined,
  KeepDims extends boolean = false,
  Op extends string = "sum",
> =
  IsTuple<S> extends false
    ? Dim[]
    : boolean extends KeepDims
      ? Dim[]
      : [Axes] extends [undefined]
        ? KeepDims extends true
          ? { -readonly [K in keyof S]: 1 }
          : []
        : [Axes] extends [number]
          ? IsLitNum<Axes> extends true
            ? ReduceAt<S, NormAxes<[Axes], S["length"], Op>, KeepDims>
            : Dim[]
          : [Axes] extends [readonly number[]]
            ? [IsTuple<Axes>, AllLitNums<Axes>] extends [true, true]
              ? ReduceAt<S, NormAxes<Axes, S["length"], Op>, KeepDims>
              : Dim[]
            : Dim[]
type ReduceAt<S, Ax, Keep extends boolean> = IsError<Ax> extends true ? Ax : ReduceLoop<S, Ax, Keep>
type ReduceLoop<S, Ax, Keep extends boolean, I extends 0[] = [], Acc extends Dim[] = []> = S extends readonly [infer H, ...infer R]
  ? ReduceLoop<R, Ax, Keep, [...I, 0], [I["length"]] extends [Ax] ? (Keep extends true ? [...Acc, 1] : Acc) : [...Acc, H & Dim]>
  : Acc

// ================================================================== squeeze / unsqueeze
/**
 * Drop size-1 dims: all literal 1s when `Axes` is omitted (unknown rank if a dim is dynamic),
 * else exactly the given axes, which must be 1 (or dynamic).
 * @example
 * import type { Squeeze } from "typegrad"
 * const s: Squeeze<[1, "B", 1, 4]> = ["B", 4]
 * type E = Squeeze<[2, 3], 1> // ShapeMismatch<"squeeze: dim 1 of [2, 3] has size 3, not 1">
 * @since 0.1.0
 * @category shape functions
 */
export type Squeeze<S extends Shape, Axes extends number | readonly number[] | undefined = undefined> =
  IsTuple<S> extends false
    ? Dim[]
    : [Axes] extends [undefined]
      ? HasDyn<S> extends true
        ? Dim[]
        : SqueezeLoop<S, 1>
      : [Axes] extends [number]
        ? IsLitNum<Axes> extends true
          ? SqueezeAt<S, NormAxes<[Axes], S["length"], "squeeze">>
          : Dim[]
        : [Axes] extends [readonly number[]]
          ? [IsTuple<Axes>, AllLitNums<Axes>] extends [true, true]
            ? SqueezeAt<S, NormAxes<Axes, S["length"], "squeeze">>
            : Dim[]
          : Dim[]
type HasDyn<S> = S extends readonly [infer H, ...infer R] ? (Kind<H> extends "dyn" ? true : HasDyn<R>) : false
type SqueezeAt<S, Ax> = IsError<Ax> extends true ? Ax : SqueezeCheck<S, S, Ax>
type SqueezeCheck<S, S0, Ax, I extends 0[] = []> = S extends readonly [infer H, ...infer R]
  ? [I["length"]] extends [Ax]
    ? [H] extends [1]
      ? SqueezeCheck<R, S0, Ax, [...I, 0]>
      : Kind<H> extends "dyn"
        ? SqueezeCheck<R, S0, Ax, [...I, 0]>
        : ShapeMismatch<`squeeze: dim ${I["length"]} of ${FmtShape<S0>} has size ${FmtDim<H>}, not 1`>
    : SqueezeCheck<R, S0, Ax, [...I, 0]>
  : SqueezeLoop<S0, never, Ax>
/** Keep dims that are not `One` and whose index is not in `Ax`. */
type SqueezeLoop<S, One, Ax = never, I extends 0[] = [], Acc extends Dim[] = []> = S extends readonly [infer H, ...infer R]
  ? SqueezeLoop<
      R,
      One,
      Ax,
      [...I, 0],
      [I["length"]] extends [Ax] ? Acc : [H] extends [One] ? ([One] extends [never] ? [...Acc, H & Dim] : Acc) : [...Acc, H & Dim]
    >
  : Acc

/**
 * Insert a size-1 dim before `Axis` (∈ [−rank−1, rank]).
 * @example
 * import type { Unsqueeze } from "typegrad"
 * const s: Unsqueeze<[3, 4], -1> = [3, 4, 1]
 * @since 0.1.0
 * @category shape functions
 */
export type Unsqueeze<S extends Shape, Axis extends number> = [IsTuple<S>, IsLitNum<Axis>] extends [true, true]
  ? NormAxis<Axis, Add1<S["length"]>, "unsqueeze"> extends infer a
    ? IsError<a> extends true
      ? a
      : InsertAt<S, a & number, 1>
    : never
  : Dim[]

// ================================================================== concat / stack
/**
 * Join along an existing axis: other dims must agree; the axis sizes add up.
 * @example
 * import type { Concat } from "typegrad"
 * const s: Concat<[[2, 3], [5, 3]]> = [7, 3]
 * @since 0.1.0
 * @category shape functions
 */
export type Concat<Ss extends readonly Shape[], Axis extends number = 0> = Ss extends readonly [
  infer F extends Shape,
  ...infer Rest extends readonly Shape[],
]
  ? [IsTuple<F>, IsLitNum<Axis>, AllTuples<Rest>] extends [true, true, true]
    ? NormAxis<Axis, F["length"], "concat"> extends infer ax
      ? IsError<ax> extends true
        ? ax
        : ConcatLoop<Rest, ax & number, F, F, 1>
      : never
    : Dim[]
  : Ss extends readonly []
    ? ShapeMismatch<"concat: expects a non-empty list of tensors">
    : Dim[]
type AllTuples<Ss> = Ss extends readonly [infer H, ...infer R] ? (IsTuple<H> extends true ? AllTuples<R> : false) : true
type ConcatLoop<Rest, Ax extends number, Acc, F extends Shape, I extends number> = Rest extends readonly [infer S extends Shape, ...infer R]
  ? S["length"] extends F["length"]
    ? ConcatPair<Acc, S, Ax, F, S, I> extends infer next
      ? IsError<next> extends true
        ? next
        : ConcatLoop<R, Ax, next, F, Add1<I>>
      : never
    : ShapeMismatch<`concat: tensor ${I} ${FmtShape<S>} has rank ${S["length"]}, expected ${F["length"]} like ${FmtShape<F>}`>
  : [...Sp<Acc>]
type ConcatPair<A, B, Ax extends number, F, S, I extends number, K extends 0[] = [], Acc extends Dim[] = []> = A extends readonly [
  infer a,
  ...infer AR,
]
  ? B extends readonly [infer b, ...infer BR]
    ? K["length"] extends Ax
      ? ConcatPair<AR, BR, Ax, F, S, I, [...K, 0], [...Acc, AddDim<a, b>]>
      : Unify<a, b, `concat: tensor ${I} ${FmtShape<S>} differs from ${FmtShape<F>} at dim ${K["length"]}`> extends infer u
        ? IsError<u> extends true
          ? u
          : ConcatPair<AR, BR, Ax, F, S, I, [...K, 0], [...Acc, u & Dim]>
        : never
    : never
  : Acc

/**
 * Join equal shapes along a new axis (∈ [−rank−1, rank]) of size `Ss["length"]`.
 * @example
 * import type { Stack } from "typegrad"
 * const s: Stack<[[2, 3], [2, 3]], -1> = [2, 3, 2]
 * @since 0.1.0
 * @category shape functions
 */
export type Stack<Ss extends readonly Shape[], Axis extends number = 0> = Ss extends readonly [
  infer F extends Shape,
  ...infer Rest extends readonly Shape[],
]
  ? [IsTuple<F>, IsLitNum<Axis>, AllTuples<Rest>] extends [true, true, true]
    ? NormAxis<Axis, Add1<F["length"]>, "stack"> extends infer ax
      ? IsError<ax> extends true
        ? ax
        : StackLoop<Rest, F, F, 1> extends infer common
          ? IsError<common> extends true
            ? common
            : InsertAt<common, ax & number, Ss["length"]>
          : never
      : never
    : Dim[]
  : Ss extends readonly []
    ? ShapeMismatch<"stack: expects a non-empty list of tensors">
    : Dim[]
type StackLoop<Rest, Acc, F extends Shape, I extends number> = Rest extends readonly [infer S extends Shape, ...infer R]
  ? S["length"] extends F["length"]
    ? UnifyShapes<Acc, S, `stack: tensor ${I} ${FmtShape<S>} differs from ${FmtShape<F>}`> extends infer u
      ? IsError<u> extends true
        ? u
        : StackLoop<R, u, F, Add1<I>>
      : never
    : ShapeMismatch<`stack: tensor ${I} ${FmtShape<S>} differs from ${FmtShape<F>}`>
  : Acc
type UnifyShapes<A, B, Ctx extends string, Acc extends Dim[] = []> = A extends readonly [infer a, ...infer AR]
  ? B extends readonly [infer b, ...infer BR]
    ? Unify<a, b, Ctx> extends infer u
      ? IsError<u> extends true
        ? ShapeMismatch<Ctx>
        : UnifyShapes<AR, BR, Ctx, [...Acc, u & Dim]>
      : never
    : never
  : Acc

// ================================================================== pad
/**
 * Constant padding, NumPy's `pad_width`: one `[before, after]` pair per dim, a single pair for
 * every dim, or one number for both sides of every dim; any other number of pairs is an error.
 * @example
 * import type { Pad } from "typegrad"
 * const s: Pad<[2, 3, 28, 28], [[0, 0], [0, 0], [1, 1], [2, 2]]> = [2, 3, 30, 32]
 * const t: Pad<[3, 4], 1> = [5, 6]
 * const u: Pad<[3, 4], [[1, 0]]> = [4, 5]
 * @since 0.1.0
 * @category shape functions
 */
export type Pad<S extends Shape, Pads extends number | readonly (readonly [number, number])[]> =
  IsTuple<S> extends false
    ? Dim[]
    : [Pads] extends [number]
      ? IsLitNum<Pads> extends false
        ? { -readonly [K in keyof S]: number }
        : Kind<Pads> extends "lit"
          ? { -readonly [K in keyof S]: PadDim<S[K], Pads, Pads> }
          : ShapeMismatch<`pad: invalid padding ${Pads}`>
      : Pads extends readonly unknown[]
        ? IsTuple<Pads> extends false
          ? { -readonly [K in keyof S]: number }
          : Pads["length"] extends 1 | S["length"]
            ? PadCheck<Pads> extends infer bad extends string
              ? ShapeMismatch<`pad: invalid padding ${bad}`>
              : Pads extends readonly [readonly [infer a, infer b]]
                ? { -readonly [K in keyof S]: PadDim<S[K], a, b> }
                : PadZip<S, Pads>
            : ShapeMismatch<`pad: ${Pads["length"]} pad pairs for ${FmtShape<S>} of rank ${S["length"]} (one pair, or one per axis)`>
        : Dim[]
type PadCheck<Ps> = Ps extends readonly [readonly [infer a, infer b], ...infer R]
  ? [Kind<a>, Kind<b>] extends ["bad", unknown] | [unknown, "bad"]
    ? `[${a & number}, ${b & number}]`
    : PadCheck<R>
  : false
type PadZip<S, Ps, Acc extends Dim[] = []> = [S, Ps] extends [
  readonly [infer H, ...infer R],
  readonly [readonly [infer a, infer b], ...infer PR],
]
  ? PadZip<R, PR, [...Acc, PadDim<H, a, b>]>
  : Acc
/** d + a + b; a named dim survives zero padding. */
type PadDim<D, A, B> = AllLit<[D, A, B]> extends true ? AddDim<AddDim<D, A>, B> : [Kind<D>, A, B] extends ["sym", 0, 0] ? D & Dim : number
