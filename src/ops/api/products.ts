/**
 * Vector products composed from `matmul` (defined with its primitive in `prims/matmul.ts`):
 * `dot` and `outer`.
 *
 * @since 0.1.0
 */
import {
  dotShape,
  outerShape,
  type DeviceKind,
  type DType,
  type Dot,
  type Guard,
  type Outer,
  type SameDevice,
  type SameDType,
  type Shape,
} from "../../shape/index.js"
import { matmul } from "../prims/matmul.js"
import { checkTensor } from "../core/check.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { Out } from "./typing.js"

/**
 * Inner product of two vectors.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.dot(tg.tensor([1, 2, 3]), tg.tensor([4, 5, 6])).item() // 32
 * @since 0.1.0
 * @category linear algebra
 */
export const dot = <A extends Shape, B extends Shape, D1 extends DType, D2 extends DType, V1 extends DeviceKind, V2 extends DeviceKind>(
  a: Tensor<A, D1, V1>,
  b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "dot", SameDType<D1, D2, "dot", Dot<A, B>>>>>,
): Out<Dot<A, B>, D1, V1> => {
  checkTensor(a, "dot", "a")
  checkTensor(b, "dot", "b")
  dotShape(a.shape, b.shape)
  return matmul(a as AnyTensor, b as never) as never
}

/**
 * Outer product of two vectors: `out[i, j] = a[i]·b[j]`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.outer(tg.tensor([1, 2]), tg.tensor([3, 4, 5])) // Tensor<[2, 3]>
 * @since 0.1.0
 * @category linear algebra
 */
export const outer = <A extends Shape, B extends Shape, D1 extends DType, D2 extends DType, V1 extends DeviceKind, V2 extends DeviceKind>(
  a: Tensor<A, D1, V1>,
  b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "outer", SameDType<D1, D2, "outer", Outer<A, B>>>>>,
): Out<Outer<A, B>, D1, V1> => {
  checkTensor(a, "outer", "a")
  checkTensor(b, "outer", "b")
  outerShape(a.shape, b.shape)
  commonDevice([a, b], "outer")
  return lax.mul(lax.reshape(a, [a.shape[0]!, 1]), lax.reshape(b, [1, b.shape[0]!])) as never
}
