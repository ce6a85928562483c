/**
 * Activation functions and the neural-network building blocks `standardize` and
 * `dotProductAttention`, composed from primitives (no rules of their own).
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import {
  broadcastShapes,
  normAxes,
  normAxis,
  sameShape,
  type DeviceKind,
  type Dim,
  type DType,
  type FloatDType,
  type Shape,
} from "../../shape/index.js"
import { fromHost } from "../core/host.js"
import { commonDevice } from "../core/interpreter.js"
import { checkChoice, checkOptions, checkTensor } from "../core/check.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { expm1 as expm1T } from "../prims/unary.js"
import { softmax } from "./reductions.js"

type Act<Dc extends DType = FloatDType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const act = <Dc extends DType = FloatDType>(name: string, f: (x: AnyTensor) => AnyTensor): Act<Dc> =>
  ((x: AnyTensor) => {
    checkTensor(x, name)
    return f(x)
  }) as Act<Dc>

/**
 * `max(x, 0)`; the derivative at 0 is taken as 0 (PyTorch's convention) and NaN stays NaN (as in
 * JAX and PyTorch).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.relu(tg.tensor([-1, 0, 2])).toArraySync() // [0, 0, 2]
 * @since 0.1.0
 * @category activations
 */
// `x <= 0` is false for NaN, so NaN takes the `x` branch
export const relu: Act<DType> = act("relu", (x) => lax.where(lax.compare(x, 0, "le"), 0, x))

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
  const poly = lax.mul(
    t,
    lax.add(
      0.254829592,
      lax.mul(t, lax.add(-0.284496736, lax.mul(t, lax.add(1.421413741, lax.mul(t, lax.add(-1.453152027, lax.mul(t, 1.061405429))))))),
    ),
  )
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
export const gelu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: GeluOptions,
): Tensor<S, D, V> => {
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

/**
 * `x / (1 + |x|)`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.softSign(tg.tensor([-3, 0, 1])).toArraySync() // [-0.75, 0, 0.5]
 * @since 0.1.0
 * @category activations
 */
export const softSign: Act = act("softSign", (x) => lax.div(x, lax.add(lax.abs(x), 1)))

const expm1 = (x: AnyTensor): AnyTensor => expm1T(x)
const LN2 = Math.LN2
/**
 * `log(1 − e^(−x))` for `x ≥ 0` (JAX's `nn.log1mexp`; NaN below 0), accurate at both ends:
 * `log(−expm1(−x))` up to ln 2 and `log1p(−e^(−x))` above (Mächler's switch).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.log1mexp(tg.tensor([Math.LN2, 1e-10])).toArraySync() // [-0.6931…, -23.0258…]
 * @since 0.1.0
 * @category math
 */
export const log1mexp: Act = act("log1mexp", (x) => {
  const big = lax.compare(x, LN2, "gt")
  // NOTE: each branch sees only inputs it is accurate and finite on, so the unused one's derivative is not NaN
  const xs = lax.where(big, LN2, x),
    xb = lax.where(big, x, 1)
  return lax.where(big, lax.log1p(lax.neg(lax.exp(lax.neg(xb)))), lax.log(lax.neg(expm1(lax.neg(xs)))))
})

/** `x` where positive, else `alpha·(e^(x/c) − 1)·c`, the exponential evaluated only on x ≤ 0 (no overflow). */
const expLinear = (x: AnyTensor, alpha: number, c: number): AnyTensor =>
  lax.where(lax.compare(x, 0, "gt"), x, lax.mul(expm1(lax.div(lax.min(x, 0), c)), alpha * c))

/**
 * Exponential linear unit: `x` for `x > 0`, `alpha·(eˣ − 1)` otherwise (default `alpha` 1).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.elu(tg.tensor([-1, 2])).toArraySync() // [-0.6321…, 2]
 * @since 0.1.0
 * @category activations
 */
export const elu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(x: Tensor<S, D, V>, alpha = 1): Tensor<S, D, V> =>
  expLinear(x, alpha, 1) as Tensor<S, D, V>

/**
 * Continuously differentiable ELU: `max(0, x) + min(0, alpha·(e^(x/alpha) − 1))` (default `alpha` 1).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.celu(tg.tensor([-2, 1]), 2).toArraySync() // [-1.2642…, 1]
 * @since 0.1.0
 * @category activations
 */
export const celu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(x: Tensor<S, D, V>, alpha = 1): Tensor<S, D, V> => {
  if (alpha === 0) throw new DTypeError({ op: "celu", dtypes: [x.dtype], message: "celu: alpha must be non-zero" })
  return expLinear(x, 1, alpha) as Tensor<S, D, V>
}

// the self-normalising constants of Klambauer et al. (2017)
const SELU_ALPHA = 1.6732632423543772
const SELU_SCALE = 1.0507009873554805
/**
 * Scaled ELU: `scale·elu(x, alpha)` with the self-normalising constants (α ≈ 1.6733, λ ≈ 1.0507).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.selu(tg.tensor([1])).toArraySync() // [1.0507…]
 * @since 0.1.0
 * @category activations
 */
export const selu: Act = act("selu", (x) => lax.mul(expLinear(x, SELU_ALPHA, 1), SELU_SCALE))

/**
 * `x·tanh(softplus(x))` (Misra, 2019).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.mish(tg.tensor([0, 1])).toArraySync() // [0, 0.8650…]
 * @since 0.1.0
 * @category activations
 */
export const mish: Act = act("mish", (x) => lax.mul(x, lax.tanh(softplus(x as never) as AnyTensor)))

/** `min(max(x, 0), 6)` with a zero derivative outside (0, 6), by selection. */
const relu6E = (x: AnyTensor): AnyTensor =>
  lax.where(lax.compare(x, 0, "gt"), lax.where(lax.compare(x, 6, "lt"), x, lax.scalar(6, x)), lax.scalar(0, x))
/**
 * `min(max(x, 0), 6)`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.relu6(tg.tensor([-1, 3, 9])).toArraySync() // [0, 3, 6]
 * @since 0.1.0
 * @category activations
 */
export const relu6: Act<DType> = act("relu6", relu6E)
/**
 * Piecewise-linear sigmoid `relu6(x + 3) / 6` (JAX's `hard_sigmoid`, PyTorch's `Hardsigmoid`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.hardSigmoid(tg.tensor([-4, 0, 4])).toArraySync() // [0, 0.5, 1]
 * @since 0.1.0
 * @category activations
 */
export const hardSigmoid: Act = act("hardSigmoid", (x) => lax.div(relu6E(lax.add(x, 3)), 6))
/**
 * `x·relu6(x + 3) / 6` (MobileNetV3; JAX's `hard_swish`, PyTorch's `Hardswish`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.hardSwish(tg.tensor([-4, 1, 4])).toArraySync() // [0, 0.6666…, 4]
 * @since 0.1.0
 * @category activations
 */
export const hardSwish: Act = act("hardSwish", (x) => lax.div(lax.mul(x, relu6E(lax.add(x, 3))), 6))

/**
 * Gated linear unit: split `axis` (default −1, of even length) into halves `a`, `b` and return
 * `a·σ(b)`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.glu(tg.tensor([[2, 4, 0, 0]])).toArraySync() // [[1, 2]]
 * @since 0.1.0
 * @category activations
 */
export const glu = <S extends Shape, D extends FloatDType, V extends DeviceKind>(x: Tensor<S, D, V>, axis = -1): Tensor<Dim[], D, V> => {
  const a = normAxis(axis, x.shape.length, "glu")
  const n = x.shape[a]!
  if (n % 2 !== 0) throw ShapeError.of("glu", `axis ${a} must have even length, got ${n}`, x.shape)
  const sizes = x.shape.map((s: number, d: number) => (d === a ? n / 2 : s))
  const half = (start: number) =>
    lax.slice(
      x,
      x.shape.map((_, d) => (d === a ? start : 0)),
      x.shape.map(() => 1),
      sizes,
    )
  return lax.mul(half(0), lax.sigmoid(half(n / 2))) as never
}

/**
 * Options of {@link standardize}: the axes (default −1), `epsilon` (default 1e-5) and precomputed
 * `mean` / `variance` (broadcastable with the axes kept).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.StandardizeOptions = { axis: [0, 1], epsilon: 0 }
 * tg.standardize(tg.tensor([[1, 3], [1, 3]]), options) // [[-1, 1], [-1, 1]]
 * @since 0.1.0
 * @category nn
 */
export interface StandardizeOptions {
  readonly axis?: number | ReadonlyArray<number>
  readonly epsilon?: number
  readonly mean?: AnyTensor
  readonly variance?: AnyTensor
}
/**
 * `(x − mean) / √(variance + epsilon)` over `axis` (JAX's `nn.standardize`; the normalisation of
 * layer norm without its affine part). Differentiable, also through computed statistics.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.standardize(tg.tensor([1, 2, 3]), { epsilon: 0 }).toArraySync() // [-1.2247…, 0, 1.2247…]
 * @since 0.1.0
 * @category nn
 */
export const standardize = <S extends Shape, D extends FloatDType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: StandardizeOptions,
): Tensor<S, D, V> => {
  const axes = normAxes(options?.axis ?? -1, x.shape.length, "standardize")
  const keep = lax.keepDimsShape(x.shape, axes)
  const count = axes.reduce((c, a) => c * x.shape[a]!, 1)
  const m = options?.mean ?? lax.reshape(lax.div(lax.reduceSum(x, axes), count), keep)
  const d = lax.sub(x, m)
  const v = options?.variance ?? lax.reshape(lax.div(lax.reduceSum(lax.mul(d, d), axes), count), keep)
  return lax.div(d, lax.sqrt(lax.add(v, options?.epsilon ?? 1e-5))) as Tensor<S, D, V>
}

/**
 * Options of {@link dotProductAttention}: a boolean `mask` broadcastable to the scores
 * `[..., T, S]` (`true`: may attend, as JAX's), an additive `bias`, `isCausal` (query `t` attends
 * to keys `s ≤ t`) and the `scale` (default `1/√d`).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.DotProductAttentionOptions = { isCausal: true, scale: 0.5 }
 * @since 0.1.0
 * @category nn
 */
export interface DotProductAttentionOptions {
  readonly mask?: AnyTensor
  readonly bias?: AnyTensor
  readonly isCausal?: boolean
  readonly scale?: number
}
/**
 * Scaled dot-product attention `softmax(q kᵀ·scale + bias, masked) v` over the last two axes of
 * `q [..., T, d]`, `k [..., S, d]`, `v [..., S, dv]` (leading axes broadcast, as in matmul). A query
 * with no key left to attend to gets zeros (not NaN). Differentiable in `q`, `k`, `v` and `bias`.
 * (`tg.nn.scaledDotProductAttention` is the same with PyTorch's mask convention.)
 *
 * @example
 * import * as tg from "typegrad"
 * const q = tg.tensor([[1, 0], [0, 1]]), v = tg.tensor([[1, 2], [3, 4]])
 * // the first query sees only the first key; the second weighs both by softmax([0, 1/√2])
 * tg.dotProductAttention(q, q, v, { isCausal: true }).toArraySync() // [[1, 2], [2.3395…, 3.3395…]]
 * @since 0.1.0
 * @category nn
 */
export const dotProductAttention = <SQ extends Shape, SK extends Shape, SV extends Shape, D extends FloatDType, V extends DeviceKind>(
  q: Tensor<SQ, D, V>,
  k: Tensor<SK, D, V>,
  v: Tensor<SV, D, V>,
  options?: DotProductAttentionOptions,
): Tensor<Dim[], D, V> => {
  if (q.shape.length < 2 || k.shape.length < 2 || v.shape.length < 2)
    throw ShapeError.of(
      "dotProductAttention",
      "q, k and v need rank at least 2 ([..., T, d], [..., S, d], [..., S, dv])",
      q.shape,
      k.shape,
      v.shape,
    )
  const d = q.shape[q.shape.length - 1]!
  if (k.shape[k.shape.length - 1] !== d || k.shape[k.shape.length - 2] !== v.shape[v.shape.length - 2])
    throw ShapeError.of(
      "dotProductAttention",
      `q [${q.shape.join(", ")}], k [${k.shape.join(", ")}] and v [${v.shape.join(", ")}] do not fit [..., T, d], [..., S, d], [..., S, dv]`,
      q.shape,
      k.shape,
      v.shape,
    )
  commonDevice([q, k, v, ...(options?.mask ? [options.mask] : []), ...(options?.bias ? [options.bias] : [])], "dotProductAttention")
  let s = lax.mul(lax.matmul(q, lax.mT(k)), options?.scale ?? 1 / Math.sqrt(d))
  if (options?.bias !== undefined) s = lax.add(s, lax.cast(options.bias, s.dtype))
  const [T, S] = s.shape.slice(-2) as [number, number]
  let allowed: AnyTensor | undefined
  if (options?.mask !== undefined) {
    if (options.mask.dtype !== "bool") {
      const message = `dotProductAttention: the mask must be bool, got ${options.mask.dtype}`
      throw new DTypeError({ op: "dotProductAttention", dtypes: [options.mask.dtype], message })
    }
    allowed = lax.broadcastTo(options.mask, broadcastShapes(options.mask.shape, s.shape, "dotProductAttention") as number[])
  }
  if (options?.isCausal === true) {
    const causal = fromHost(
      Uint8Array.from({ length: T * S }, (_, i) => (i % S <= Math.floor(i / S) ? 1 : 0)),
      [T, S],
      "bool",
      q.device,
    )
    allowed = allowed === undefined ? causal : lax.where(causal, allowed, lax.scalar(0, causal, "bool"))
  }
  if (allowed !== undefined) {
    if (!sameShape(allowed.shape, s.shape)) {
      const shape = broadcastShapes(allowed.shape, s.shape, "dotProductAttention") as number[]
      allowed = lax.broadcastTo(allowed, shape)
      s = lax.broadcastTo(s, shape)
    }
    // NOTE: a row with nothing allowed would be softmax of all −∞ (NaN); it is zeroed instead
    const rowAny = lax.compare(lax.reduceMax(lax.cast(allowed, "i32"), [s.shape.length - 1]), 0, "gt")
    const anyK = lax.reshape(rowAny, [...s.shape.slice(0, -1), 1])
    const sm = lax.where(allowed, s, lax.scalar(-Infinity, s))
    const p = softmax(lax.where(anyK, sm, lax.scalar(0, s)) as never, { axis: -1 }) as AnyTensor
    return lax.matmul(lax.where(allowed, p, lax.scalar(0, p)), v) as never
  }
  return lax.matmul(softmax(s as never, { axis: -1 }) as AnyTensor, v) as never
}
