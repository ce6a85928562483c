/**
 * Type-level shape algebra. A dim is a non-negative integer literal (checked exactly, with
 * digit-string arithmetic), a string literal (a named size, equal only to itself) or `number`
 * (dynamic: unifies with anything and is checked at run time). Each shape function returns a
 * tuple or a `ShapeMismatch<"op: …">` whose text equals the runtime twin's `ShapeError.message`.
 * `Dim[]` (unknown rank) passes through every op.
 *
 * The families live in `types-layout.ts`, `types-window.ts`, `types-slice.ts` and `types-linalg.ts`; this module
 * re-exports them.
 *
 * @since 0.1.0
 */
import type { CmpLE, FromLE, ToLE } from "./arith.js"
import type { BadDims, IsTuple, Kind, Prod, Sp, Unify } from "./types-internal.js"

export type * from "./types-layout.js"
export type * from "./types-slice.js"
export type * from "./types-window.js"
export type * from "./types-linalg.js"

/**
 * One dimension: a literal size (`768`), a named size (`"B"`) or dynamic (`number`).
 * @example
 * import type { Dim } from "typegrad"
 * type D = Dim // 768 | "B" | number
 * @since 0.1.0
 * @category shapes
 */
export type Dim = number | string

/**
 * A shape: a tuple of dims (`[2, "T", 768]`), or `Dim[]` when even the rank is unknown.
 * @example
 * import type { Shape } from "typegrad"
 * const s: Shape = [2, "T", 768]
 * @since 0.1.0
 * @category shapes
 */
export type Shape = readonly Dim[]

/**
 * Element types.
 * @example
 * import type { DType } from "typegrad"
 * const d: DType = "f32"
 * @since 0.1.0
 * @category dtypes
 */
export type DType = "f32" | "f64" | "i32" | "bool" | "f16"

/**
 * Floating-point element types (the ones that have gradients).
 * @example
 * import type { FloatDType } from "typegrad"
 * const d: FloatDType = "f16"
 * @since 0.1.0
 * @category dtypes
 */
export type FloatDType = "f32" | "f64" | "f16"

/**
 * Kinds of device a tensor can live on.
 * @example
 * import type { DeviceKind } from "typegrad"
 * const k: DeviceKind = "webgpu"
 * @since 0.1.0
 * @category devices
 */
export type DeviceKind = "cpu" | "webgpu"

declare const shapeMismatchBrand: unique symbol
/**
 * A type-level shape error. Ops intersect it into the faulty argument's type (see `Guard`),
 * so the editor underlines that argument and shows `Msg` verbatim. The runtime twin throws
 * `ShapeError` with `message === Msg`.
 * @example
 * import type { Matmul } from "typegrad"
 * type E = Matmul<[2, 3], [4, 5]>
 * // ShapeMismatch<"matmul: inner dimensions differ for [2, 3] @ [4, 5] (3 vs 4)">
 * @since 0.1.0
 * @category errors
 */
export interface ShapeMismatch<Msg extends string> {
  readonly [shapeMismatchBrand]: Msg
}

/**
 * `true` iff T is a `ShapeMismatch` (`any` and `never` are not).
 * @example
 * import type { Broadcast, IsError } from "typegrad"
 * const t: IsError<Broadcast<[2], [3]>> = true
 * @since 0.1.0
 * @category errors
 */
export type IsError<T> = 0 extends 1 & T ? false : [T] extends [never] ? false : [T] extends [ShapeMismatch<string>] ? true : false

/**
 * `unknown` (a no-op in an intersection) when R is fine, the error itself otherwise. Ops write
 * `b: Tensor<B> & Guard<Matmul<A, B>>` so that the diagnostic lands on `b`.
 * @example
 * import type { Guard, Matmul, Shape } from "typegrad"
 * declare function matmul<A extends Shape, B extends Shape>(a: A, b: B & Guard<Matmul<A, B>>): void
 * @since 0.1.0
 * @category errors
 */
export type Guard<R> = IsError<R> extends true ? R : unknown

/**
 * A dim as text: the literal or name, `?` when dynamic (the runtime prints `null` as `?`).
 * @example
 * import type { FmtDim } from "typegrad"
 * const t: FmtDim<number> = "?"
 * @since 0.1.0
 * @category formatting
 */
export type FmtDim<D> = Kind<D> extends "dyn" ? "?" : `${D & (string | number)}`

/**
 * A shape as text, exactly like the runtime `fmtShape`: `[B, 3, ?]`; `[...]` for unknown rank.
 * @example
 * import type { FmtShape } from "typegrad"
 * const t: FmtShape<["B", 3, number]> = "[B, 3, ?]"
 * @since 0.1.0
 * @category formatting
 */
export type FmtShape<S> = IsTuple<S> extends true ? `[${JoinDims<S>}]` : "[...]"
type JoinDims<S, Acc extends string = ""> = S extends readonly [infer H, ...infer R]
  ? JoinDims<R, Acc extends "" ? FmtDim<H> : `${Acc}, ${FmtDim<H>}`>
  : Acc

// Device/dtype checks only fire when both sides are single literals: `any` or a default-generic
// `Tensor` (whose parameters are the full unions) degrades to "unknown" instead of "cpu vs cpu | webgpu".
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type IsSingle<T> = [T] extends [never] ? false : 0 extends 1 & T ? false : [T] extends [UnionToIntersection<T>] ? true : false

/**
 * R when both devices agree (or either is not a single literal), else `"<op>: device mismatch (a vs b)"`.
 * @example
 * import type { SameDevice } from "typegrad"
 * type E = SameDevice<"webgpu", "cpu", "matmul", [2, 2]> // ShapeMismatch<"matmul: device mismatch (webgpu vs cpu)">
 * @since 0.1.0
 * @category devices
 */
export type SameDevice<V1, V2, Op extends string, R> = [IsSingle<V1>, IsSingle<V2>] extends [true, true]
  ? [V1] extends [V2]
    ? R
    : ShapeMismatch<`${Op}: device mismatch (${V1 & string} vs ${V2 & string})`>
  : R

/**
 * R when both dtypes agree (or either is not a single literal), else `"<op>: dtype mismatch (a vs b)"`.
 * @example
 * import type { SameDType } from "typegrad"
 * type E = SameDType<"f32", "i32", "matmul", [2, 2]> // ShapeMismatch<"matmul: dtype mismatch (f32 vs i32)">
 * @since 0.1.0
 * @category dtypes
 */
export type SameDType<D1, D2, Op extends string, R> = [IsSingle<D1>, IsSingle<D2>] extends [true, true]
  ? [D1] extends [D2]
    ? R
    : ShapeMismatch<`${Op}: dtype mismatch (${D1 & string} vs ${D2 & string})`>
  : R

type DTypeRank = { bool: 0; i32: 1; f16: 2; f32: 3; f64: 4 }
type RankDType = ["bool", "i32", "f16", "f32", "f64"]
/**
 * Result dtype of a binary elementwise op: the larger in bool < i32 < f16 < f32 < f64.
 * @example
 * import type { Promote } from "typegrad"
 * const d: Promote<"i32", "f16"> = "f16"
 * @since 0.1.0
 * @category dtypes
 */
export type Promote<D1 extends DType, D2 extends DType> = D1 extends DType
  ? D2 extends DType
    ? RankDType[CmpLE<ToLE<DTypeRank[D1]>, ToLE<DTypeRank[D2]>> extends "lt" ? DTypeRank[D2] : DTypeRank[D1]]
    : never
  : never

/**
 * Number of elements of a shape; `number` when a dim is named or dynamic.
 * @example
 * import type { NumElements } from "typegrad"
 * const n: NumElements<[1024, 1024]> = 1048576
 * @since 0.1.0
 * @category shapes
 */
export type NumElements<S extends Shape> =
  IsTuple<S> extends true ? (Prod<S> extends [infer N extends string, [], false] ? FromLE<N> : number) : number

// ================================================================== broadcast (NumPy rules)
type BroadcastDim<A, B> = [A] extends [B] ? ([B] extends [A] ? A : BroadcastDim2<A, B>) : BroadcastDim2<A, B>
type BroadcastDim2<A, B> = [A] extends [1]
  ? B
  : [B] extends [1]
    ? A
    : Kind<A> extends "dyn"
      ? Kind<B> extends "dyn"
        ? number
        : B
      : Kind<B> extends "dyn"
        ? A
        : false

/**
 * NumPy broadcasting: align from the right; equal dims, or a 1, or a dynamic dim (checked at run time).
 * @example
 * import type { Broadcast } from "typegrad"
 * const s: Broadcast<[8, 1, 6, 1], [7, 1, 5]> = [8, 7, 6, 5]
 * type E = Broadcast<[2, 3], [4]> // ShapeMismatch<"broadcast: [2, 3] vs [4] (dim 3 vs 4)">
 * type F = Broadcast<[2, 3], [4], "add"> // ShapeMismatch<"add: cannot broadcast [2, 3] with [4] (dim 3 vs 4)">
 * @since 0.1.0
 * @category shape functions
 */
export type Broadcast<A extends Shape, B extends Shape, Op extends string = "broadcast"> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? BroadcastLoop<A, B, A, B, [], Op>
  : Dim[]
type BroadcastMsg<Op extends string, A0, B0, a, b> = Op extends "broadcast"
  ? `broadcast: ${FmtShape<A0>} vs ${FmtShape<B0>} (dim ${FmtDim<a>} vs ${FmtDim<b>})`
  : `${Op}: cannot broadcast ${FmtShape<A0>} with ${FmtShape<B0>} (dim ${FmtDim<a>} vs ${FmtDim<b>})`
type BroadcastLoop<A, B, A0, B0, Acc extends Dim[], Op extends string> = A extends readonly [...infer AI, infer a]
  ? B extends readonly [...infer BI, infer b]
    ? BroadcastDim<a, b> extends infer r
      ? [r] extends [false]
        ? ShapeMismatch<BroadcastMsg<Op, A0, B0, a, b>>
        : BroadcastLoop<AI, BI, A0, B0, [r & Dim, ...Acc], Op>
      : never
    : [...Sp<A>, ...Acc]
  : [...Sp<B>, ...Acc]

// ================================================================== matmul / dot / outer
type Inner<K1, K2, A, B> = Unify<K1, K2, `matmul: inner dimensions differ for ${FmtShape<A>} @ ${FmtShape<B>}`>
type IfOk<E, R> = IsError<E> extends true ? E : R

/**
 * `a @ b` like `numpy.matmul`: [..., M, K] @ [..., K, N] → [...batch, M, N] with broadcast batch
 * dims; a 1-D left operand is a row vector and a 1-D right operand a column vector (then dropped).
 * @example
 * import type { Matmul } from "typegrad"
 * const s: Matmul<[8, 1, 3, 4], [5, 4, 6]> = [8, 5, 3, 6]
 * const v: Matmul<[3, 4], [4]> = [3]
 * @since 0.1.0
 * @category shape functions
 */
export type Matmul<A extends Shape, B extends Shape> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? A extends readonly []
    ? ShapeMismatch<`matmul: scalar operand ${FmtShape<A>}`>
    : B extends readonly []
      ? ShapeMismatch<`matmul: scalar operand ${FmtShape<B>}`>
      : A extends readonly [infer k1]
        ? B extends readonly [infer k2]
          ? IfOk<Inner<k1, k2, A, B>, []>
          : B extends readonly [...infer BB extends Dim[], infer k2, infer n]
            ? IfOk<Inner<k1, k2, A, B>, [...BB, n & Dim]>
            : never
        : A extends readonly [...infer BA extends Dim[], infer m, infer k1]
          ? B extends readonly [infer k2]
            ? IfOk<Inner<k1, k2, A, B>, [...BA, m & Dim]>
            : B extends readonly [...infer BB extends Dim[], infer k2, infer n]
              ? IfOk<
                  Inner<k1, k2, A, B>,
                  Broadcast<BA, BB> extends infer batch
                    ? IsError<batch> extends true
                      ? ShapeMismatch<`matmul: batch dims do not broadcast: ${FmtShape<A>} @ ${FmtShape<B>}`>
                      : [...Sp<batch>, m & Dim, n & Dim]
                    : never
                >
              : never
          : never
  : Dim[]

/**
 * Inner product of two 1-D tensors: [K] · [K] → [].
 * @example
 * import type { Dot } from "typegrad"
 * const s: Dot<[3], [3]> = []
 * type E = Dot<[3], [4]> // ShapeMismatch<"dot: sizes differ for [3] and [4] (3 vs 4)">
 * @since 0.1.0
 * @category shape functions
 */
export type Dot<A extends Shape, B extends Shape> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? [A, B] extends [readonly [infer a], readonly [infer b]]
    ? IfOk<Unify<a, b, `dot: sizes differ for ${FmtShape<A>} and ${FmtShape<B>}`>, []>
    : ShapeMismatch<`dot: expects 1-D tensors, got ${FmtShape<A>} and ${FmtShape<B>}`>
  : []

/**
 * Outer product of two 1-D tensors: [M] ⊗ [N] → [M, N].
 * @example
 * import type { Outer } from "typegrad"
 * const s: Outer<[3], ["N"]> = [3, "N"]
 * @since 0.1.0
 * @category shape functions
 */
export type Outer<A extends Shape, B extends Shape> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? [A, B] extends [readonly [infer a], readonly [infer b]]
    ? [a & Dim, b & Dim]
    : ShapeMismatch<`outer: expects 1-D tensors, got ${FmtShape<A>} and ${FmtShape<B>}`>
  : Dim[]

// ================================================================== expand (broadcast_to)
/**
 * `broadcast_to` / torch `expand`: dims of S align right with T; each must equal T's or be 1;
 * `-1` in T keeps S's dim; T may add leading dims (not `-1`).
 * @example
 * import type { Expand } from "typegrad"
 * const s: Expand<[3, 1], [2, -1, 4]> = [2, 3, 4]
 * type E = Expand<[2, 3], [2, 4]> // ShapeMismatch<"expand: cannot expand [2, 3] to [2, 4] (dim 3 vs 4)">
 * @since 0.1.0
 * @category shape functions
 */
export type Expand<S extends Shape, T extends Shape> =
  IsTuple<T> extends false
    ? Dim[]
    : [BadDims<T>] extends [never]
      ? IsTuple<S> extends false
        ? { [K in keyof T]: [T[K]] extends [-1] ? number : T[K] }
        : CmpLE<ToLE<S["length"]>, ToLE<T["length"]>> extends "gt"
          ? ShapeMismatch<`expand: cannot expand ${FmtShape<S>} to ${FmtShape<T>} (rank ${S["length"]} > ${T["length"]})`>
          : ExpandLoop<S, T, S, T, []>
      : ShapeMismatch<`expand: invalid dimension ${BadDims<T> & number} in ${FmtShape<T>}`>
type ExpandLoop<S, T, S0, T0, Acc extends Dim[]> = T extends readonly [...infer TI, infer t]
  ? S extends readonly [...infer SI, infer s]
    ? ExpandDim<s, t> extends infer r
      ? [r] extends [false]
        ? ShapeMismatch<`expand: cannot expand ${FmtShape<S0>} to ${FmtShape<T0>} (dim ${FmtDim<s>} vs ${FmtDim<t>})`>
        : ExpandLoop<SI, TI, S0, T0, [r & Dim, ...Acc]>
      : never
    : [t] extends [-1]
      ? ShapeMismatch<`expand: -1 is not allowed for a new leading dim in ${FmtShape<T0>}`>
      : ExpandLoop<S, TI, S0, T0, [t & Dim, ...Acc]>
  : Acc
type ExpandDim<s, t> = [t] extends [-1]
  ? s
  : [Kind<s>, Kind<t>] extends ["lit", "lit"] | ["sym", "sym"] | ["sym", "lit"] | ["lit", "sym"]
    ? [s] extends [t]
      ? s
      : [s] extends [1]
        ? t
        : false
    : Kind<s> extends "dyn"
      ? Kind<t> extends "dyn"
        ? number
        : t
      : [s] extends [1]
        ? number
        : s
