/**
 * Batched matrix multiply, the contraction every product (`dot`, conv) lowers to, with its typed
 * public op (NumPy semantics).
 *
 * @since 0.1.0
 */
import { checkTensor } from "../core/check.js"
import {
  broadcastShapes,
  matmulShape,
  type DeviceKind,
  type DType,
  type Guard,
  type Matmul,
  type SameDevice,
  type SameDType,
  type Shape,
} from "../../shape/index.js"
import { DTypeError, ShapeError, TransformError } from "../../errors.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Primitive } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { Out } from "../api/typing.js"

declare module "../core/primitive.js" {
  interface Primitives {
    /** [...batch, m, k] @ [...batch, k, n] with identical batch dims */
    matmul: { readonly params: {}; readonly kind: "other"; readonly linear: true }
  }
}

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

// d(A·B) = dA·B + A·dB ; transpose: ct·Bᵀ and Aᵀ·ct
const matmulP: Primitive<"matmul"> = {
  name: "matmul",
  kind: "other",
  abstractEval: ([a, b]) => {
    const r = a!.shape.length
    const ok =
      r >= 2 && b!.shape.length === r && a!.shape[r - 1] === b!.shape[r - 2] && a!.shape.slice(0, r - 2).every((d, i) => d === b!.shape[i])
    if (!ok) throw ShapeError.of("matmul", `cannot multiply ${fmt(a!.shape)} @ ${fmt(b!.shape)}`, a!.shape, b!.shape)
    if (a!.dtype !== b!.dtype || a!.dtype === "bool")
      throw new DTypeError({
        op: "matmul",
        dtypes: [a!.dtype, b!.dtype],
        message: `matmul: needs equal numeric dtypes, got ${a!.dtype} and ${b!.dtype}`,
      })
    return [{ shape: [...a!.shape.slice(0, r - 1), b!.shape[r - 1]!], dtype: a!.dtype }]
  },
  jvp: ([a, b], [ta, tb]) => {
    const y = lax.matmul(a!, b!)
    const l = ta instanceof Zero ? null : lax.matmul(ta!, b!)
    const r = tb instanceof Zero ? null : lax.matmul(a!, tb!)
    return [[y], [l === null ? (r === null ? new Zero(y.aval) : r) : r === null ? l : lax.add(l, r)]]
  },
  transpose: ([ct], [a, b]) => {
    if (a instanceof LinearIn && b instanceof LinearIn)
      throw new TransformError({ transform: "transpose", message: "matmul: transpose of a product of two linear values (not linear)" })
    const z = ct instanceof Zero
    return [
      a instanceof LinearIn ? (z ? new Zero(a.aval) : lax.matmul(ct!, lax.mT(b as AnyTensor))) : null,
      b instanceof LinearIn ? (z ? new Zero(b.aval) : lax.matmul(lax.mT(a as AnyTensor), ct!)) : null,
    ]
  },
  batch: ([a, b], [da, db]) => {
    const B = da !== null ? a!.shape[da!]! : b!.shape[db!]!
    const fa = da === null ? lax.broadcastTo(a!, [B, ...a!.shape]) : lax.moveAxis(a!, da!, 0)
    const fb = db === null ? lax.broadcastTo(b!, [B, ...b!.shape]) : lax.moveAxis(b!, db!, 0)
    return [[lax.matmul(fa, fb)], [0]]
  },
  domain: { kind: "custom" },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { matmul: matmulP }

// ------------------------------------------------------------------ typed public op

/** NumPy matmul on erased tensors: 1-D operands promoted and squeezed, batch dims broadcast. */
const matmulE = (a: AnyTensor, b: AnyTensor): AnyTensor => {
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
): Out<Matmul<A, B>, D1, V1> => {
  checkTensor(a, "matmul", "a")
  checkTensor(b, "matmul", "b")
  return matmulE(a, b) as never
}
