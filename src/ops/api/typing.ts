/**
 * Type-level glue between `src/shape` and the typed op functions: result tensors, operand
 * unpacking and nested-array types for host access.
 *
 * @since 0.1.0
 */
import type { Broadcast, DeviceKind, Dim, DType, Guard, IsError, Promote, SameDevice, Shape } from "../../shape/index.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"

/**
 * The result tensor of a shape rule; on error it degrades to unknown rank so one mistake gives one diagnostic.
 *
 * @example
 * import * as tg from "typegrad"
 * type Y = tg.Out<[2, 4], "f32", "cpu"> // Tensor<[2, 4], "f32", "cpu">
 * @since 0.1.0
 * @category types
 */
export type Out<R, D extends DType, V extends DeviceKind> =
  IsError<R> extends true ? Tensor<Dim[], D, V> : R extends Shape ? Tensor<R, D, V> : never

/**
 * The shape type of a tensor type (`[]` for a plain number).
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.ShapeOf<tg.Tensor<[2, 3]>> // [2, 3]
 * @since 0.1.0
 * @category types
 */
export type ShapeOf<T> = T extends Tensor<infer S, infer _D, infer _V> ? S : T extends number ? [] : never
/**
 * The dtype of a tensor type.
 *
 * @example
 * import * as tg from "typegrad"
 * type D = tg.DTypeOf<tg.Tensor<[2], "i32">> // "i32"
 * @since 0.1.0
 * @category types
 */
export type DTypeOf<T> = T extends Tensor<infer _S, infer D, infer _V> ? D : never
/**
 * The device kind of a tensor type.
 *
 * @example
 * import * as tg from "typegrad"
 * type V = tg.DeviceOf<tg.Tensor<[2], "f32", "cpu">> // "cpu"
 * @since 0.1.0
 * @category types
 */
export type DeviceOf<T> = T extends Tensor<infer _S, infer _D, infer V> ? V : never
export type ShapesOf<Ts> = { [K in keyof Ts]: ShapeOf<Ts[K]> }

/**
 * An operand of an arithmetic op: a tensor or a plain number (which takes the tensor's dtype).
 *
 * @example
 * import * as tg from "typegrad"
 * const b: tg.Operand = 2
 * tg.tensor([1, 2]).mul(b) // [2, 4]
 * @since 0.1.0
 * @category types
 */
export type Operand = AnyTensor | number

type OpShape<T> = T extends number ? [] : ShapeOf<T>
type OpDType<T, Other extends DType> = T extends number ? Other : DTypeOf<T>
type OpDevice<T, Other extends DeviceKind> = T extends number ? Other : DeviceOf<T>

/** The check attached to the second operand of a broadcasting binary op. */
export type BinCheck<A extends Shape, V extends DeviceKind, T, Op extends string> = T extends number
  ? unknown
  : Guard<SameDevice<V, OpDevice<T, V>, Op, Broadcast<A, OpShape<T>, Op>>>
/** Result of a broadcasting binary op `a ∘ b` with `a: Tensor<A, D, V>`. */
export type BinOut<A extends Shape, D extends DType, V extends DeviceKind, T> = Out<Broadcast<A, OpShape<T>>, Promote<D, OpDType<T, D>>, V>
/** Same, with a boolean result (comparisons). */
export type CmpOut<A extends Shape, V extends DeviceKind, T> = Out<Broadcast<A, OpShape<T>>, "bool", V>

/**
 * Element type on the host: `boolean` for bool tensors, `number` otherwise.
 *
 * @example
 * import * as tg from "typegrad"
 * const e: tg.Elem<"bool"> = true
 * @since 0.1.0
 * @category types
 */
export type Elem<D extends DType> = D extends "bool" ? boolean : number
/**
 * Nested JS arrays of a shape (`number[][]` for rank 2); unknown rank gives a recursive array.
 *
 * @example
 * import * as tg from "typegrad"
 * const rows: tg.Nested<[2, 2], number> = tg.tensor([[1, 2], [3, 4]]).toArraySync()
 * @since 0.1.0
 * @category types
 */
export type Nested<S extends Shape, T> = number extends S["length"]
  ? NestedArray<T>
  : S extends readonly [Dim, ...infer R extends Shape]
    ? Array<Nested<R, T>>
    : T
export type NestedArray<T> = T | Array<NestedArray<T>>

/**
 * Nested literal data accepted by `tensor(...)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const data: tg.NestedData = [[1, 2], [3, 4]]
 * tg.tensor([[1, 2], [3, 4]]) // Tensor<[2, 2]>
 * @since 0.1.0
 * @category types
 */
export type NestedData = number | boolean | ReadonlyArray<NestedData>
/** The shape of a nested literal: `[[1, 2, 3], [4, 5, 6]]` → `[2, 3]`; ragged lengths become `number`. */
export type ShapeOfNested<T> = [T] extends [ReadonlyArray<infer E>]
  ? [E] extends [never]
    ? [T["length"]]
    : [T["length"], ...ShapeOfNested<E>]
  : []
/** The dtype of nested literal data: booleans make `"bool"`, numbers `"f32"`. */
export type DTypeOfNested<T> = [T] extends [boolean]
  ? "bool"
  : [T] extends [ReadonlyArray<infer E>]
    ? [E] extends [never]
      ? "f32"
      : DTypeOfNested<E>
    : "f32"
