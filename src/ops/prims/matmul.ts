/**
 * Batched matrix multiply, the contraction every product (`dot`, `outer`, conv) lowers to, with
 * its typed public op.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError, TransformError } from "../../errors.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Primitive } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

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
    const ok = r >= 2 && b!.shape.length === r && a!.shape[r - 1] === b!.shape[r - 2] && a!.shape.slice(0, r - 2).every((d, i) => d === b!.shape[i])
    if (!ok) throw ShapeError.of("matmul", `cannot multiply ${fmt(a!.shape)} @ ${fmt(b!.shape)}`, a!.shape, b!.shape)
    if (a!.dtype !== b!.dtype || a!.dtype === "bool")
      throw new DTypeError({ op: "matmul", dtypes: [a!.dtype, b!.dtype], message: `matmul: needs equal numeric dtypes, got ${a!.dtype} and ${b!.dtype}` })
    return [{ shape: [...a!.shape.slice(0, r - 1), b!.shape[r - 1]!], dtype: a!.dtype }]
  },
  jvp: ([a, b], [ta, tb]) => {
    const y = lax.matmul(a!, b!)
    const l = ta instanceof Zero ? null : lax.matmul(ta!, b!)
    const r = tb instanceof Zero ? null : lax.matmul(a!, tb!)
    return [[y], [l === null ? (r === null ? new Zero(y.aval) : r) : r === null ? l : lax.add(l, r)]]
  },
  transpose: ([ct], [a, b]) => {
    if (a instanceof LinearIn && b instanceof LinearIn) throw new TransformError({ transform: "transpose", message: "matmul: transpose of a product of two linear values (not linear)" })
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

/** The family, for the registry. @internal */
export const matmulPrimitives = { matmul: matmulP }
