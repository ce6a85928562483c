/**
 * Activation functions, composed from primitives (no rules of their own).
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType, FloatDType, Shape } from "../../shape/index.js"
import { checkChoice, checkOptions, checkTensor } from "../core/check.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"

type Act<Dc extends DType = FloatDType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const act = <Dc extends DType = FloatDType>(name: string, f: (x: AnyTensor) => AnyTensor): Act<Dc> =>
  ((x: AnyTensor) => {
    checkTensor(x, name)
    return f(x)
  }) as Act<Dc>

/**
 * `max(x, 0)`; the derivative at 0 is taken as 0 (PyTorch's convention).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.relu(tg.tensor([-1, 0, 2])).toArraySync() // [0, 0, 2]
 * @since 0.1.0
 * @category activations
 */
export const relu: Act<DType> = act("relu", (x) => lax.where(lax.compare(x, 0, "gt"), x, 0))

/**
 * `log(1 + e^x)`, evaluated as `max(x, 0) + log1p(e^-|x|)` so it never overflows.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.softplus(tg.tensor([0])).toArraySync() // [0.6931…]
 * @since 0.1.0
 * @category activations
 */
export const softplus: Act = act("softplus", (x) => lax.add(lax.max(x, 0), lax.log1p(lax.exp(lax.neg(lax.abs(x))))))

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), odd extension; differentiable by composition
const erfE = (x: AnyTensor): AnyTensor => {
  const a = lax.abs(x)
  const t = lax.div(1, lax.add(lax.mul(a, 0.3275911), 1))
  const poly = lax.mul(t, lax.add(0.254829592, lax.mul(t, lax.add(-0.284496736, lax.mul(t, lax.add(1.421413741, lax.mul(t, lax.add(-1.453152027, lax.mul(t, 1.061405429)))))))))
  const y = lax.sub(1, lax.mul(poly, lax.exp(lax.neg(lax.mul(a, a)))))
  return lax.mul(lax.sign(x), y)
}
/**
 * The error function (rational approximation, |error| < 1.5e-7).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.erf(tg.tensor([0.5])).toArraySync() // [0.5205…]
 * @since 0.1.0
 * @category math
 */
export const erf: Act = act("erf", erfE)

/**
 * Options of `gelu`: exact (erf, default) or the tanh approximation.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.GeluOptions = { approximate: "tanh" }
 * tg.gelu(tg.tensor([1]), options) // [0.8412]
 * @since 0.1.0
 * @category nn
 */
export interface GeluOptions {
  readonly approximate?: "none" | "tanh"
}
/**
 * Gaussian error linear unit `x·Φ(x)` (exact by default; `{ approximate: "tanh" }` for the GPT-2 form).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.gelu(tg.tensor([1])).toArraySync() // [0.8413…]
 * @since 0.1.0
 * @category activations
 */
export const gelu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(x: Tensor<S, D, V>, options?: GeluOptions): Tensor<S, D, V> => {
  checkTensor(x, "gelu")
  checkOptions(options, "gelu", ["approximate"])
  if (checkChoice(options?.approximate ?? "none", "gelu", "options.approximate", ["none", "tanh"]) === "tanh") {
    const inner = lax.mul(lax.add(x, lax.mul(lax.mul(lax.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))
    return lax.mul(lax.mul(x, 0.5), lax.add(lax.tanh(inner), 1)) as Tensor<S, D, V>
  }
  return lax.mul(lax.mul(x, 0.5), lax.add(erfE(lax.mul(x, Math.SQRT1_2)), 1)) as Tensor<S, D, V>
}

/**
 * `x·σ(x)` (SiLU / swish).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.silu(tg.tensor([0])).toArraySync() // [0]
 * @since 0.1.0
 * @category activations
 */
export const silu: Act = act("silu", (x) => lax.mul(x, lax.sigmoid(x)))

/**
 * `x` where positive, `slope·x` elsewhere.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.leakyRelu(tg.tensor([-2, 3]), 0.1).toArraySync() // [-0.2, 3]
 * @since 0.1.0
 * @category activations
 */
export const leakyRelu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(x: Tensor<S, D, V>, slope = 0.01): Tensor<S, D, V> =>
  lax.where(lax.compare(x, 0, "gt"), x, lax.mul(x, slope)) as Tensor<S, D, V>
