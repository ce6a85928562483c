/**
 * Type-level glue of the transforms (types only, nothing at run time): results that follow the
 * actual arguments, the scalar-loss check of `grad`, Jacobian shapes and the axis algebra of
 * `vmap` (which axis is removed from each argument, where the batch axis goes in each output).
 *
 * Conventions, as for the ops: `any` stays `any` (the erased `AnyTensor` passes everywhere),
 * unknown rank stays unknown rank, and a size the type cannot know becomes `number`, never `any`.
 *
 * @since 0.1.0
 * @internal
 */
import type { Tensor } from "../ops/core/tensor.js"
import type { DeviceKind, Dim, FmtShape, Guard, IsError, Shape, ShapeMismatch } from "../shape/index.js"
import type { Add1, InsertAt, IsLitNum, IsTuple, IsUnion, Kind, NormAxis, Unify } from "../shape/types-internal.js"

type IsAny<T> = 0 extends 1 & T ? true : false

// ------------------------------------------------------------------ devices

/**
 * The device kind of the first tensor in a tree of actual arguments (`DeviceKind` when there is
 * none within a small depth).
 * @internal
 */
export type FirstDevice<B, Depth extends unknown[] = []> = Depth["length"] extends 8
  ? DeviceKind
  : B extends readonly [infer H, ...infer T]
    ? H extends Tensor<infer _S, infer _D, infer V extends DeviceKind>
      ? V
      : H extends ReadonlyArray<infer E>
        ? FirstDevice<[E, ...T], [...Depth, 0]>
        : H extends Record<string, unknown>
          ? FirstDevice<[H[keyof H], ...T], [...Depth, 0]>
          : FirstDevice<T, [...Depth, 0]>
    : DeviceKind

/** `V0` when it names one device; a declared "any device" (the full union) becomes the actual `V`. @internal */
export type FollowDevice<V0 extends DeviceKind, V extends DeviceKind> = IsAny<V0> extends true ? V0 : [DeviceKind] extends [V0] ? V : V0

/**
 * A result tree of `f` whose "any device" tensors take the device `V` of the actual arguments:
 * every op checks that its operands share a device, so a function of CPU tensors returns CPU
 * tensors unless it moves them explicitly (then its declared device is kept).
 * @internal
 */
export type OnArgDevice<R, V extends DeviceKind> =
  IsAny<R> extends true
    ? R
    : R extends Tensor<infer S, infer D, infer V0>
      ? [DeviceKind] extends [V0]
        ? IsAny<V0> extends true
          ? R
          : Tensor<S, D, V>
        : R
      : R extends ReadonlyArray<unknown>
        ? { [K in keyof R]: OnArgDevice<R[K], V> }
        : R extends (...args: never) => unknown
          ? R
          : R extends object
            ? { [K in keyof R]: OnArgDevice<R[K], V> }
            : R

// ------------------------------------------------------------------ grad

/**
 * `unknown` when `R` can be a float scalar, else the error `grad` throws at run time. Unknown
 * rank, `any` and dtype unions pass (the run-time check decides).
 * @internal
 */
export type LossCheck<R, Op extends string> =
  IsAny<R> extends true
    ? unknown
    : R extends Tensor<infer S, infer D, infer _V>
      ? IsTuple<S> extends false
        ? unknown
        : S extends readonly []
          ? [D] extends ["i32" | "bool"]
            ? ShapeMismatch<`${Op}: the function must return a float scalar (shape []), got ${D & string}[]; use vjp or jacrev for other outputs`>
            : unknown
          : ShapeMismatch<`${Op}: the function must return a float scalar (shape []), got ${D & string}${FmtShape<S>}; use vjp or jacrev for other outputs`>
      : ShapeMismatch<`${Op}: the function must return a float scalar tensor (shape [])`>

/** The picked arguments of `argnums`: one argument, or a tuple of them. @internal */
export type Picked<A extends ReadonlyArray<unknown>, I> = I extends number
  ? A[I]
  : { -readonly [K in keyof I]: I[K] extends number ? A[I[K]] : never }

/** `unknown` when every `argnums` entry indexes an argument of `f`, else an error. @internal */
export type ArgnumsCheck<A extends ReadonlyArray<unknown>, I, Op extends string> = number extends A["length"]
  ? unknown
  : [OutOfRange<A, I extends number ? I : I[keyof I & number]>] extends [never]
    ? unknown
    : ShapeMismatch<`${Op}: argnums ${OutOfRange<A, I extends number ? I : I[keyof I & number]> & number} is out of range for ${A["length"]} argument(s)`>
type OutOfRange<A extends ReadonlyArray<unknown>, N> = N extends number
  ? IsLitNum<N> extends true
    ? `${N}` extends keyof A
      ? never
      : N
    : never
  : never

// ------------------------------------------------------------------ jacobians

/**
 * The Jacobian of `R` with respect to `X` (JAX semantics over pytrees): a tree shaped like `R`
 * whose leaves are trees shaped like `X`; the leaf for output tensor `O` and input tensor `I` is
 * `[...O, ...I]`, with `O`'s dtype on the argument's device. `any` shapes give the erased tensor
 * type.
 * @internal
 */
export type Jacobian<R, X> =
  IsAny<R> extends true
    ? R
    : R extends Tensor<infer _O, infer _D, infer _V>
      ? JacobianIn<R, X>
      : R extends (...args: never) => unknown
        ? ShapeMismatch<"jacobian: the function must return a tensor or a tree of tensors">
        : R extends ReadonlyArray<unknown>
          ? { -readonly [K in keyof R]: Jacobian<R[K], X> }
          : R extends object
            ? { -readonly [K in keyof R]: Jacobian<R[K], X> }
            : ShapeMismatch<"jacobian: the function must return a tensor or a tree of tensors">

/** One output tensor `R` against the input tree `X`. */
type JacobianIn<R, X> =
  IsAny<X> extends true
    ? // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
      Tensor<any, any, any>
    : X extends Tensor<infer _I, infer _D, infer _V>
      ? JacobianLeaf<R, X>
      : X extends (...args: never) => unknown
        ? ShapeMismatch<"jacobian: the differentiated argument must be a tensor or a tree of tensors">
        : X extends ReadonlyArray<unknown>
          ? { -readonly [K in keyof X]: JacobianIn<R, X[K]> }
          : X extends object
            ? { -readonly [K in keyof X]: JacobianIn<R, X[K]> }
            : ShapeMismatch<"jacobian: the differentiated argument must be a tensor or a tree of tensors">

type JacobianLeaf<R, X> =
  R extends Tensor<infer O, infer D, infer V0 extends DeviceKind>
    ? X extends Tensor<infer I, infer _D, infer V extends DeviceKind>
      ? [IsAny<O>, IsAny<I>] extends [false, false]
        ? Tensor<[IsTuple<O>, IsTuple<I>] extends [true, true] ? [...O, ...I] : Dim[], D, FollowDevice<V0, V>>
        : // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
          Tensor<any, any, any>
      : never
    : never

// ------------------------------------------------------------------ vmap

/** The shape of a tensor type (`any` for anything else, which skips the checks). */
// biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
type ShapeOfT<X> = X extends Tensor<infer S, infer _D, infer _V> ? S : any

/** What one leaf tells about the batch: its mapped size, or why it does not fit. */
interface Sized<N> {
  readonly size: N
}
type Size<N> = Sized<N & Dim>
type Len<S> = S extends readonly unknown[] ? S["length"] : never

/** The spec at the root of the arguments (default 0) and of the outputs (default 0). */
export type InSpec<O> = "inAxes" extends keyof O ? O["inAxes" & keyof O] : 0
export type OutSpec<O> = "outAxes" extends keyof O ? O["outAxes" & keyof O] : 0

/**
 * Walk the declared arguments `D`, the actual ones `X` and a spec prefix `Sp` together, giving a
 * union of per-leaf results. A spec that is not a literal (a variable of type `AxisSpec`) checks
 * nothing and sizes the batch as `number`.
 */
type VWalk<D, X, Sp> = [Sp] extends [number | null]
  ? VLeaves<D, X, Sp>
  : [Sp] extends [ReadonlyArray<unknown>]
    ? X extends ReadonlyArray<unknown>
      ? SameLength<Len<Sp>, Len<X>> extends true
        ? { [K in keyof Sp]: VWalk<At<D, K>, At<X, K>, Sp[K]> }[number]
        : ShapeMismatch<`vmap: an inAxes spec has ${Len<Sp> & number} entries for an array of ${Len<X> & number}`>
      : Size<number>
    : [Sp] extends [{ readonly [k: string]: unknown }]
      ? AxisSpecLike extends Sp
        ? Size<number>
        : { [K in keyof Sp]: VWalk<At<D, K>, At<X, K>, Sp[K]> }[keyof Sp]
      : Size<number>
type SameLength<A, B> = number extends A ? true : number extends B ? true : [A] extends [B] ? true : false
// biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
type At<T, K> = K extends keyof T ? T[K] : any
type AxisSpecLike = { readonly [k: string]: never }

type VLeaves<D, X, Ax> =
  IsAny<D> extends true
    ? // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
      VLeaf<any, ShapeOfT<X>, Ax>
    : D extends Tensor<infer S, infer _D, infer _V>
      ? VLeaf<S, ShapeOfT<X>, Ax>
      : D extends ReadonlyArray<unknown>
        ? { [K in keyof D]: VLeaves<D[K], At<X, K>, Ax> }[number]
        : D extends object
          ? { [K in keyof D]-?: VLeaves<D[K], At<X, K>, Ax> }[keyof D]
          : never

/** One leaf: declared shape `S`, actual shape `S2`, mapped axis `Ax`. */
type VLeaf<S, S2, Ax> = [Ax] extends [null]
  ? SameShape<S, S2>
  : null extends Ax
    ? Size<number>
    : IsAny<S2> extends true
      ? Size<number>
      : IsTuple<S2> extends false
        ? Size<number>
        : IsAny<S> extends true
          ? SizeAt<S2, Ax>
          : IsTuple<S> extends false
            ? SizeAt<S2, Ax>
            : Len<S2> extends Add1<Len<S>>
              ? IsLitNum<Ax> extends true
                ? NormAxis<Ax & number, Len<S2>, "vmap"> extends infer n
                  ? IsError<n> extends true
                    ? ShapeMismatch<`vmap: inAxes axis ${Ax & number} is out of range for rank ${Len<S2>}`>
                    : Fits<
                          InsertAt<S, n & number, S2[n & keyof S2]>,
                          S2,
                          `vmap: the argument ${FmtShape<S2>} does not fit the function's ${FmtShape<S>} mapped at axis ${Ax & number}`
                        > extends infer E
                      ? IsError<E> extends true
                        ? E
                        : Size<S2[n & keyof S2]>
                      : never
                  : never
                : Size<number>
              : ShapeMismatch<`vmap: the argument ${FmtShape<S2>} does not fit the function's ${FmtShape<S>} with one mapped axis`>

type SizeAt<S2, Ax> = S2 extends readonly unknown[]
  ? IsLitNum<Ax> extends true
    ? NormAxis<Ax & number, Len<S2>, "vmap"> extends infer n
      ? IsError<n> extends true
        ? ShapeMismatch<`vmap: inAxes axis ${Ax & number} is out of range for rank ${Len<S2>}`>
        : Size<S2[n & keyof S2]>
      : never
    : Size<number>
  : Size<number>

/** An unmapped leaf: the actual shape must be the declared one (dynamic dims yield). */
type SameShape<S, S2> = [IsTuple<S>, IsTuple<S2>] extends [true, true]
  ? Len<S2> extends Len<S>
    ? Fits<S, S2, `vmap: the unmapped argument ${FmtShape<S2>} differs from the function's ${FmtShape<S>}`> extends infer E
      ? IsError<E> extends true
        ? E
        : never
      : never
    : ShapeMismatch<`vmap: the unmapped argument ${FmtShape<S2>} differs from the function's ${FmtShape<S>}`>
  : never

/** Unify two equal-rank shapes dim by dim: `true` or the first error. */
type Fits<E, S2, Ctx extends string> = [E, S2] extends [readonly [infer e, ...infer ER], readonly [infer s, ...infer SR]]
  ? Unify<s, e, Ctx> extends infer u
    ? IsError<u> extends true
      ? u
      : Fits<ER, SR, Ctx>
    : never
  : true

type Errors<U> = U extends ShapeMismatch<string> ? U : never
type Known<U> = U extends Sized<infer N> ? (Kind<N> extends "dyn" ? never : N) : never
type LastOf<U> = (U extends unknown ? (x: () => U) => void : never) extends (x: infer I) => void
  ? I extends () => infer L
    ? L
    : never
  : never

/** The batch size: the one static size the mapped leaves agree on, else `number`. @internal */
export type BatchSize<D, X, Sp> = BatchOf<Known<VWalk<D, X, Sp>>>
type BatchOf<K> = [K] extends [never] ? number : IsUnion<K> extends true ? number : K

/** `unknown` when the arguments fit the function with the mapped axes, else the first error. @internal */
export type VmapCheck<D, X, Sp> =
  VWalk<D, X, Sp> extends infer U
    ? [Errors<U>] extends [never]
      ? [Known<U>] extends [never]
        ? unknown
        : IsUnion<Known<U>> extends true
          ? ShapeMismatch<`vmap: mapped axes have different sizes (${LastOf<Known<U>> & Dim} and ${LastOf<Exclude<Known<U>, LastOf<Known<U>>>> & Dim})`>
          : unknown
      : Guard<LastOf<Errors<U>>>
    : never

/** Insert the batch axis `N` at `Ax` (null: unchanged; a non-literal axis: rank + 1 of `number`). @internal */
export type InsertAxis<S extends Shape, Ax, N> = [Ax] extends [null]
  ? S
  : IsTuple<S> extends false
    ? S
    : IsLitNum<Ax> extends true
      ? NormAxis<Ax & number, Add1<S extends readonly unknown[] ? S["length"] : 0>, "vmap"> extends infer n
        ? IsError<n> extends true
          ? Dim[]
          : InsertAt<S, n & number, N>
        : never
      : S extends readonly unknown[]
        ? [number, ...{ [K in keyof S]: number }]
        : Dim[]

/** The outputs of a vmapped function: each tensor leaf gains the batch axis `N` where `Sp` says. @internal */
export type VmapOut<R, N, Sp, V extends DeviceKind> = [Sp] extends [number | null]
  ? VOutLeaves<R, N, Sp, V>
  : [Sp] extends [ReadonlyArray<unknown>]
    ? R extends ReadonlyArray<unknown>
      ? { [K in keyof R]: VmapOut<R[K], N, At<Sp, K>, V> }
      : VOutLeaves<R, N, number, V>
    : [Sp] extends [{ readonly [k: string]: unknown }]
      ? R extends object
        ? { [K in keyof R]: VmapOut<R[K], N, K extends keyof Sp ? Sp[K] : number, V> }
        : VOutLeaves<R, N, number, V>
      : VOutLeaves<R, N, number, V>
type VOutLeaves<R, N, Ax, V extends DeviceKind> =
  IsAny<R> extends true
    ? R
    : R extends Tensor<infer S extends Shape, infer D, infer V0 extends DeviceKind>
      ? IsAny<S> extends true
        ? R
        : Tensor<InsertAxis<S, Ax, N>, D, FollowDevice<V0, V>>
      : R extends ReadonlyArray<unknown>
        ? { [K in keyof R]: VOutLeaves<R[K], N, Ax, V> }
        : R extends object
          ? { [K in keyof R]: VOutLeaves<R[K], N, Ax, V> }
          : R

// ------------------------------------------------------------------ scan

/** One step of a tree of stacked tensors: each tensor leaf loses its leading axis. @internal */
export type Unstacked<T> =
  IsAny<T> extends true
    ? T
    : T extends Tensor<infer S extends Shape, infer D, infer V>
      ? IsAny<S> extends true
        ? T
        : S extends readonly [Dim, ...infer R extends Shape]
          ? Tensor<R, D, V>
          : T
      : T extends ReadonlyArray<unknown>
        ? { [K in keyof T]: Unstacked<T[K]> }
        : T extends object
          ? { [K in keyof T]: Unstacked<T[K]> }
          : T

/** A tree of per-step results stacked along a new leading axis of size `L`. @internal */
export type Stacked<T, L> =
  IsAny<T> extends true
    ? T
    : T extends Tensor<infer S extends Shape, infer D, infer V>
      ? IsAny<S> extends true
        ? T
        : IsTuple<S> extends true
          ? Tensor<[L & Dim, ...S], D, V>
          : T
      : T extends ReadonlyArray<unknown>
        ? { -readonly [K in keyof T]: Stacked<T[K], L> }
        : T extends object
          ? { [K in keyof T]: Stacked<T[K], L> }
          : T

/** The trip count of `scan`: a literal `options.length`, else the leading dim of the first `xs` leaf, else `number`. @internal */
export type ScanLength<XS, L> = IsLitNum<L> extends true ? L : Leading<XS>
type Leading<T, Depth extends unknown[] = []> = Depth["length"] extends 8
  ? number
  : IsAny<T> extends true
    ? number
    : T extends Tensor<infer S, infer _D, infer _V>
      ? IsAny<S> extends true
        ? number
        : S extends readonly [infer H, ...unknown[]]
          ? Kind<H> extends "dyn"
            ? number
            : H
          : number
      : T extends readonly [infer H, ...infer _R]
        ? Leading<H, [...Depth, 0]>
        : T extends ReadonlyArray<infer E>
          ? Leading<E, [...Depth, 0]>
          : T extends Record<string, unknown>
            ? Leading<T[keyof T], [...Depth, 0]>
            : number
