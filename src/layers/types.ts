/**
 * Type-level helpers of the layers' shape functions: whether two dims can be equal, a shape's
 * text for messages, and the ready-made shape functions of shape-preserving layers.
 *
 * @since 0.1.0
 */
import type { Dim, FmtShape, Shape, ShapeMismatch } from "../shape/index.js"
import type { ShapeFn } from "./module.js"

/**
 * `true` when dims `A` and `B` can be equal: a `number` side yields, otherwise both must be the same literal or name.
 *
 * @example
 * import type * as tg from "typegrad"
 * type T = tg.nn.DimFits<3, number> // true
 * @since 0.1.0
 * @category types
 */
export type DimFits<A, B> = number extends A ? true : number extends B ? true : [A] extends [B] ? ([B] extends [A] ? true : false) : false

/**
 * Whether a shape `S` has a known rank (a tuple rather than a runtime-sized `number[]`).
 *
 * @example
 * import type * as tg from "typegrad"
 * type A = tg.nn.Known<[2, 3]> // true
 * type B = tg.nn.Known<number[]> // false
 * @since 0.1.0
 * @category types
 */
export type Known<S> = S extends readonly unknown[] ? (number extends S["length"] ? false : true) : false

/**
 * The message of a layer whose input has the wrong shape: `"<Layer>: expected input <want>, got <shape>"`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type E = tg.nn.BadInput<"Linear", "[..., 3]", [8, 4]> // ShapeMismatch<"Linear: expected input [..., 3], got [8, 4]">
 * @since 0.1.0
 * @category types
 */
export type BadInput<Name extends string, Want extends string, X> = ShapeMismatch<`${Name}: expected input ${Want}, got ${FmtShape<X>}`>

/**
 * The shape function of a layer that keeps its input's shape (activations, Dropout, Identity).
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.SameFn<"ReLU">, ["B", 10]> // ["B", 10]
 * @since 0.1.0
 * @category types
 */
export interface SameFn<Name extends string> extends ShapeFn {
  readonly name: Name
  readonly expects: Dim[]
  readonly out: this["in"]
}

/**
 * Shape function of a layer that needs `[N, C, ...Rest]` inputs with `C` channels (the norms): the shape is kept.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.ChannelFn<"BatchNorm2d", 16, ["H", "W"]>, ["B", 16, 32, 32]> // ["B", 16, 32, 32]
 * @since 0.1.0
 * @category types
 */
export interface ChannelFn<Name extends string, C extends Dim, Rest extends Shape> extends ShapeFn {
  readonly name: Name
  readonly expects: ["B", C, ...Rest]
  readonly out: ChannelOut<this["in"], Name, C, Rest>
}
type ChannelOut<X, Name extends string, C, Rest extends Shape> =
  Known<X> extends false
    ? X
    : X extends readonly [Dim, infer XC, ...infer XR]
      ? XR["length"] extends Rest["length"]
        ? DimFits<XC, C> extends true
          ? X
          : BadInput<Name, FmtShape<["N", C, ...Rest]>, X>
        : BadInput<Name, FmtShape<["N", C, ...Rest]>, X>
      : BadInput<Name, FmtShape<["N", C, ...Rest]>, X>
