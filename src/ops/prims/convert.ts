/**
 * `cast` between dtypes and `stopGradient` (the identity with a zero derivative), with their typed
 * public ops.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { isFloat } from "../core/aval.js"
import { checkDTypeName, checkTensor } from "../core/check.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { type LinearIn, Zero, type ElementwiseDecl, type LinearElementwiseDecl, type Primitive } from "../core/primitive.js"
import type { Tensor } from "../core/tensor.js"

declare module "../core/primitive.js" {
  interface Primitives {
    cast: LinearElementwiseDecl<{ readonly dtype: DType }>
    stopGradient: ElementwiseDecl
  }
}

// d cast(x) = cast(dx) between float dtypes; 0 into int/bool
const castP: Primitive<"cast"> = {
  name: "cast",
  kind: "elementwise",
  abstractEval: ([x], { dtype }) => [{ shape: x!.shape, dtype }],
  jvp: ([x], [t], params) => {
    const y = bind1(castP, [x!], params)
    return [[y], [t instanceof Zero || !isFloat(params.dtype) || !isFloat(x!.dtype) ? new Zero(y.aval) : lax.cast(t!, params.dtype)]]
  },
  transpose: ([ct], [x]) => [ct instanceof Zero ? new Zero((x as LinearIn).aval) : lax.cast(ct!, (x as LinearIn).aval.dtype)],
  batch: ([x], dims, params) => [[bind1(castP, [x!], params)], dims],
  domain: { kind: "custom" },
}

// stopGradient(x) = x with zero derivative
const stopGradientP: Primitive<"stopGradient"> = {
  name: "stopGradient",
  kind: "elementwise",
  abstractEval: ([x]) => [x!],
  jvp: ([x]) => [[bind1(stopGradientP, [x!], {})], [new Zero(x!.aval)]],
  transpose: null,
  batch: ([x], dims) => [[bind1(stopGradientP, [x!], {})], dims],
  domain: { kind: "unary", nonDiff: true },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { cast: castP, stopGradient: stopGradientP }

// ------------------------------------------------------------------ typed public ops

/**
 * Convert to another dtype (floats truncate toward zero into i32; non-zero becomes true).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.cast(tg.tensor([1.7, -1.7]), "i32").toArraySync() // [1, -1]
 * @since 0.1.0
 * @category dtypes
 */
export const cast = <S extends Shape, D extends DType, V extends DeviceKind, D2 extends DType>(
  x: Tensor<S, D, V>,
  dtype: D2,
): Tensor<S, D2, V> => {
  checkTensor(x, "cast")
  return lax.cast(x, checkDTypeName(dtype, "cast")) as Tensor<S, D2, V>
}

/**
 * The identity with a zero derivative: gradients do not flow through it.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.grad((x: tg.Tensor<[]>) => tg.stopGradient(x).mul(x))(tg.scalar(3)).item() // 3
 * @since 0.1.0
 * @category transforms
 */
export const stopGradient = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<S, D, V> =>
  lax.stopGradient(x) as Tensor<S, D, V>
