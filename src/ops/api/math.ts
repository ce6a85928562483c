/**
 * Elementwise math composed from the primitives (no rules of its own): `square`, `reciprocal`.
 * The primitive ops (`add`, `exp`, `where`, `cast`, …) are defined with their primitives in
 * `src/ops/prims`.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType, FloatDType, Shape } from "../../shape/index.js"
import { requireFloat } from "../core/aval.js"
import { checkTensor } from "../core/check.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"

type Unary<Dc extends DType = DType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const unary = <Dc extends DType>(name: string, f: (x: AnyTensor) => AnyTensor): Unary<Dc> =>
  ((x: AnyTensor) => {
    checkTensor(x, name)
    return f(x)
  }) as Unary<Dc>

/** `x²`. @example tg.square(tg.tensor([3])) // [9] @since 0.1.0 @category math */
export const square: Unary = unary("square", (x) => lax.mul(x, x))
/** `1 / x`. @example tg.reciprocal(tg.tensor([4])) // [0.25] @since 0.1.0 @category math */
export const reciprocal: Unary<FloatDType> = unary("reciprocal", (x) => {
  requireFloat("reciprocal", x.dtype)
  return lax.div(lax.scalar(1, x), x)
})
