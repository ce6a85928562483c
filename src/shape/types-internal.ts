/**
 * Internal helpers of the type-level shape algebra: dim classification, unification, axis
 * normalisation and element counts. Not re-exported from the package root.
 *
 * @since 0.1.0
 * @internal
 */
import type { AddLE, CmpLE, FromLE, MulLE, SubLE, ToLE } from "./arith.js"
import type { Dim, FmtDim, ShapeMismatch } from "./types.js"

/**
 * How a dim behaves: a literal size, a named (symbolic) size, dynamic (`number`, `string`,
 * a union such as `3 | 4`, `any`), or bad (negative or fractional literal).
 * @internal
 */
export type Kind<D> = [D] extends [number]
  ? number extends D
    ? "dyn"
    : IsUnion<D> extends true
      ? "dyn"
      : `${D & number}` extends `${bigint}`
        ? `${D & number}` extends `-${string}`
          ? "bad"
          : "lit"
        : "bad"
  : [D] extends [string]
    ? string extends D
      ? "dyn"
      : IsUnion<D> extends true
        ? "dyn"
        : "sym"
    : "dyn"

/** `true` for unions: sizes like `3 | 4` count as dynamic instead of being distributed over. @internal */
export type IsUnion<D, C = D> = D extends unknown ? ([C] extends [D] ? false : true) : never

/** Spread-safe view of a tuple (`[...(T & Dim[])]` would silently widen to `[...Dim[]]`). @internal */
export type Sp<T> = T extends readonly Dim[] ? T : []

/** `true` for a fixed-length tuple; `false` for `Dim[]` (unknown rank) and `any`. @internal */
export type IsTuple<S> = 0 extends 1 & S ? false : S extends readonly unknown[] ? (number extends S["length"] ? false : true) : false

/** `true` when an op argument (axis, size) is a single number literal; otherwise the op answers `Dim[]`. @internal */
export type IsLitNum<A> = 0 extends 1 & A
  ? false
  : number extends A
    ? false
    : IsUnion<A> extends true
      ? false
      : [A] extends [number]
        ? true
        : false

/** Narrow a dim for `${}` positions and arithmetic. @internal */
export type Lit<D> = D & number

/** Every element is a literal size. @internal */
export type AllLit<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? Kind<H> extends "lit"
    ? AllLit<R>
    : false
  : true

/** Unify two dims that must be equal; a dynamic side yields to the other. @internal */
export type Unify<A, B, Ctx extends string> =
  Kind<A> extends "dyn"
    ? B
    : Kind<B> extends "dyn"
      ? A
      : [A] extends [B]
        ? [B] extends [A]
          ? A
          : ShapeMismatch<`${Ctx} (${FmtDim<A>} vs ${FmtDim<B>})`>
        : ShapeMismatch<`${Ctx} (${FmtDim<A>} vs ${FmtDim<B>})`>

/** Normalise a (possibly negative) axis for rank R: a ∈ [-R, R) ↦ a mod R. @internal */
export type NormAxis<A extends number, R extends number, Op extends string> = `${A}` extends `${bigint}`
  ? `${A}` extends `-${infer K extends number}`
    ? CmpLE<ToLE<K>, ToLE<R>> extends "gt"
      ? ShapeMismatch<`${Op}: axis ${A} out of range for rank ${R}`>
      : FromLE<SubLE<ToLE<R>, ToLE<K>>>
    : CmpLE<ToLE<A>, ToLE<R>> extends "lt"
      ? A
      : ShapeMismatch<`${Op}: axis ${A} out of range for rank ${R}`>
  : ShapeMismatch<`${Op}: axis ${A} out of range for rank ${R}`>

/** Normalise a list of axes into a union of indices; repeats are an error. @internal */
export type NormAxes<A, R extends number, Op extends string, A0 = A, Acc = never> = A extends readonly [infer h extends number, ...infer T]
  ? NormAxis<h, R, Op> extends infer a
    ? a extends ShapeMismatch<string>
      ? a
      : [a] extends [Acc]
        ? ShapeMismatch<`${Op}: axis ${h} repeated in ${FmtAxes<A0>}`>
        : NormAxes<T, R, Op, A0, Acc | a>
    : never
  : Acc
/** `[0, 1, 1]` (axes lists are formatted like shapes). @internal */
export type FmtAxes<P> = `[${JoinNums<P>}]`
type JoinNums<P, Acc extends string = ""> = P extends readonly [infer H extends number, ...infer R]
  ? JoinNums<R, Acc extends "" ? `${H}` : `${Acc}, ${H}`>
  : Acc

/** a + 1 on a small number literal. @internal */
export type Add1<I extends number> = FromLE<AddLE<ToLE<I>, "1">>

/** Sum of two dims: exact when both are literal, `number` otherwise. @internal */
export type AddDim<A, B> = [Kind<A>, Kind<B>] extends ["lit", "lit"] ? FromLE<AddLE<ToLE<Lit<A>>, ToLE<Lit<B>>>> : number

/** Product of a shape as `[numeric part (LE digits), named factors, hasDynamic]`. @internal */
export type Prod<S, N extends string = "1", Syms extends string[] = [], Dyn extends boolean = false> = S extends readonly [
  infer d,
  ...infer R,
]
  ? Kind<d> extends "lit"
    ? Prod<R, MulLE<N, ToLE<Lit<d>>>, Syms, Dyn>
    : Kind<d> extends "sym"
      ? Prod<R, N, [...Syms, d & string], Dyn>
      : Prod<R, N, Syms, true>
  : [N, Syms, Dyn]

/** A product as one dim: exact if all literal, the name if it is a lone name, else `number`. @internal */
export type ProdDim<M> =
  Prod<M> extends [infer N extends string, infer Syms, infer Dyn]
    ? Dyn extends true
      ? number
      : Syms extends []
        ? FromLE<N>
        : [Syms, N] extends [[infer one], "1"]
          ? one & Dim
          : number
    : never

/** `B*T*768`, or `?` when a factor is dynamic. @internal */
export type FmtProd<P> = P extends [infer N extends string, infer Syms extends string[], infer Dyn extends boolean]
  ? `${Dyn extends true ? "?" : Syms extends [] ? FromLE<N> : `${JoinStr<Syms, "*">}${N extends "1" ? "" : `*${FromLE<N>}`}`}`
  : never
type JoinStr<T extends string[], Sep extends string, Acc extends string = ""> = T extends [
  infer H extends string,
  ...infer R extends string[],
]
  ? JoinStr<R, Sep, Acc extends "" ? H : `${Acc}${Sep}${H}`>
  : Acc

/** Remove one occurrence of X from T. @internal */
type RemoveOne<T extends string[], X, Acc extends string[] = []> = T extends [infer H extends string, ...infer R extends string[]]
  ? [H] extends [X]
    ? [...Acc, ...R]
    : RemoveOne<R, X, [...Acc, H]>
  : Acc
/** Multiset difference of named factors: `[A − B, B − A]`. @internal */
export type Cancel<A extends string[], B extends string[], LA extends string[] = []> = A extends [
  infer H extends string,
  ...infer R extends string[],
]
  ? RemoveOne<B, H> extends infer B2 extends string[]
    ? B2["length"] extends B["length"]
      ? Cancel<R, B, [...LA, H]>
      : Cancel<R, B2, LA>
    : never
  : [LA, B]

/** Insert X before index Ax. @internal */
export type InsertAt<S, Ax extends number, X, I extends 0[] = [], Acc extends Dim[] = []> = I["length"] extends Ax
  ? [...Acc, X & Dim, ...Sp<S>]
  : S extends readonly [infer H, ...infer R]
    ? InsertAt<R, Ax, X, [...I, 0], [...Acc, H & Dim]>
    : [...Acc, X & Dim]

/** The first dim that is neither `-1` nor a valid size (negative or fractional literal). @internal */
export type BadDims<T> = T extends readonly [infer H, ...infer R]
  ? [H] extends [-1]
    ? BadDims<R>
    : Kind<H> extends "bad"
      ? H
      : BadDims<R>
  : never
