/**
 * Matrix products: batched `matmul` with NumPy semantics (1-D operands, broadcast batch dims),
 * `dot` and `outer`.
 *
 * @since 0.1.0
 */
import {
  broadcastShapes, dotShape, matmulShape, outerShape,
  type DeviceKind, type DType, type Dot, type Guard, type Matmul, type Outer, type SameDevice, type SameDType, type Shape,
} from "../../shape/index.js"
import { DTypeError } from "../../errors.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { Out } from "./typing.js"

/** @internal NumPy matmul on erased tensors */
export const matmulE = (a: AnyTensor, b: AnyTensor): AnyTensor => {
  matmulShape(a.shape, b.shape)
  commonDevice([a, b], "matmul")
  if (a.dtype !== b.dtype)
    throw new DTypeError({ op: "matmul", dtypes: [a.dtype, b.dtype], message: `matmul: dtype mismatch (${a.dtype} vs ${b.dtype})` })
  const a2 = a.shape.length === 1 ? lax.reshape(a, [1, a.shape[0]!]) : a
  const b2 = b.shape.length === 1 ? lax.reshape(b, [b.shape[0]!, 1]) : b
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2)) as number[]
  const ab = lax.broadcastTo(a2, [...batch, ...a2.shape.slice(-2)])
  const bb = lax.broadcastTo(b2, [...batch, ...b2.shape.slice(-2)])
  const y = lax.matmul(ab, bb)
  const out = [...batch, ...(a.shape.length === 1 ? [] : [a2.shape.at(-2)!]), ...(b.shape.length === 1 ? [] : [b2.shape.at(-1)!])]
  return lax.reshape(y, out)
}

/**
 * Matrix product with NumPy semantics: batched over leading dims (broadcast), 1-D operands
 * promoted and squeezed. The inner dims must agree — checked by the type.
 *
 * @example
 * import * as tg from "typegrad"
 * const y = tg.matmul(tg.ones([2, 3]), tg.ones([3, 4])) // Tensor<[2, 4]>
 * // tg.matmul(tg.zeros([2, 3]), tg.zeros([4, 5]))      // compile error: matmul: inner dimensions differ …
 * @since 0.1.0
 * @category linear algebra
 */
export const matmul = <A extends Shape, B extends Shape, D1 extends DType, D2 extends DType, V1 extends DeviceKind, V2 extends DeviceKind>(
  a: Tensor<A, D1, V1>,
  b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "matmul", SameDType<D1, D2, "matmul", Matmul<A, B>>>>>,
): Out<Matmul<A, B>, D1, V1> => matmulE(a, b) as never

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
  dotShape(a.shape, b.shape)
  return matmulE(a, b) as never
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
  outerShape(a.shape, b.shape)
  commonDevice([a, b], "outer")
  return lax.mul(lax.reshape(a, [a.shape[0]!, 1]), lax.reshape(b, [1, b.shape[0]!])) as never
}
