/**
 * Sampling from named continuous and count distributions with explicit keys (JAX's `jax.random`
 * names and semantics): scalar-parameter families are drawn on the host from the key's counter
 * stream (so they are identical on every device; the inverse-CDF ones also from key data, on its
 * device), and `multivariateNormal` is a composition on the parameters' device, differentiable in
 * the mean and the covariance. Categorical draws, choices and permutations are in `choice.ts`.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, FloatDType } from "../../shape/index.js"
import { numel } from "../core/aval.js"
import type { Device } from "../core/backend.js"
import { getDefaultDevice } from "../core/defaults.js"
import { fromHost } from "../core/host.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import {
  checkParam,
  checkShape,
  floatOf,
  gammaHost,
  HostStream,
  isKeyData,
  ndtrHost,
  ndtriHost,
  normalHost,
  poissonHost,
  uniformData,
  uniformHost,
  type Key,
  type KeyData,
} from "./random.js"

/**
 * Where and as what to draw samples (default f32 on the default device).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.SampleOptions<"f64", "cpu"> = { dtype: "f64", device: tg.cpu }
 * tg.exponential(tg.key(0), [3], o) // Tensor<[3], "f64", "cpu">
 * @since 0.1.0
 * @category random
 */
export interface SampleOptions<D extends DType = "f32", V extends DeviceKind = "cpu"> {
  readonly dtype?: D
  readonly device?: Device<V>
}

const place = (
  op: string,
  data: Float64Array | Int32Array,
  shape: ReadonlyArray<number>,
  o: SampleOptions<DType, DeviceKind> | undefined,
  dflt: DType = "f32",
): AnyTensor => {
  const dt = o?.dtype ?? dflt
  return fromHost(data, shape, dt, o?.device ?? getDefaultDevice(), op)
}
/** `n` host draws of `f(stream)` from one stream of the key. */
const stream = (k: Key, n: number, f: (s: HostStream) => number): Float64Array => {
  const s = new HostStream(k)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = f(s)
  return out
}
/** Samples `inverse(u)` of uniform draws (53-bit, in [0, 1)); from key data, `traced(u)` on the key's device. */
const inverseCdf = (
  op: string,
  k: Key | AnyTensor,
  shape: ReadonlyArray<number>,
  o: SampleOptions<DType, DeviceKind> | undefined,
  inverse: (u: number) => number,
  traced: (u: AnyTensor, halfCell: number) => AnyTensor,
): AnyTensor => {
  checkShape(op, shape)
  const dt = floatOf(op, o?.dtype ?? "f32")
  if (isKeyData(k)) return traced(uniformData(op, k, shape, dt), dt === "f64" ? 2 ** -54 : 2 ** -25)
  const u = uniformHost(k, numel(shape), "f64")
  for (let i = 0; i < u.length; i++) u[i] = inverse(u[i]!)
  return place(op, u, shape, o)
}

/** A sampler's signature: a `Key` (samples `S`), or key data `[...B, 2]` (samples `[...B, ...S]` on its device). */
interface Sampler<Opts> {
  <const S extends ReadonlyArray<number>, D extends FloatDType = "f32", V extends DeviceKind = "cpu">(
    key: Key,
    shape: S,
    options?: SampleOptions<D, V> & Opts,
  ): Tensor<[...S], NoInfer<D>, NoInfer<V>>
  <B extends Dim[], V extends DeviceKind, const S extends ReadonlyArray<number>, D extends FloatDType = "f32">(
    key: KeyData<B, V>,
    shape: S,
    options?: SampleOptions<D, V> & Opts,
  ): Tensor<[...B, ...S], NoInfer<D>, V>
}

/**
 * Exponential samples with rate `rate` (default 1): `−log(1 − U) / rate`, mean `1 / rate`.
 *
 * @example
 * import * as tg from "typegrad"
 * const waits = tg.exponential(tg.key(0), [1000], { rate: 2 }) // mean ≈ 0.5
 * @since 0.1.0
 * @category random
 */
export const exponential: Sampler<{ readonly rate?: number }> = (
  key: Key | AnyTensor,
  shape: ReadonlyArray<number>,
  options?: SampleOptions<DType, DeviceKind> & { readonly rate?: number },
) => {
  const rate = options?.rate ?? 1
  checkParam("exponential", "rate", rate, (v) => v > 0 && Number.isFinite(v), "a positive number")
  return inverseCdf(
    "exponential",
    key,
    shape,
    options,
    (u) => -Math.log1p(-u) / rate,
    (u) => lax.div(lax.neg(lax.log1p(lax.neg(u))), rate),
  ) as never
}

/**
 * Laplace samples (double exponential) with location `loc` (default 0) and scale `scale` (default 1):
 * variance `2·scale²`.
 *
 * @example
 * import * as tg from "typegrad"
 * const noise = tg.laplace(tg.key(0), [4], { scale: 0.1 })
 * @since 0.1.0
 * @category random
 */
export const laplace: Sampler<{ readonly loc?: number; readonly scale?: number }> = (
  key: Key | AnyTensor,
  shape: ReadonlyArray<number>,
  options?: SampleOptions<DType, DeviceKind> & { readonly loc?: number; readonly scale?: number },
) => {
  const loc = options?.loc ?? 0,
    scale = options?.scale ?? 1
  checkParam("laplace", "scale", scale, (v) => v > 0 && Number.isFinite(v), "a positive number")
  // U in [0, 1) → v = U − ½ in [−½, ½): x = loc − scale·sign(v)·log(1 − 2|v|)
  return inverseCdf(
    "laplace",
    key,
    shape,
    options,
    (u) => {
      const v = u - 0.5
      return loc - scale * Math.sign(v) * Math.log1p(-2 * Math.abs(v))
    },
    (u) => {
      const v = lax.sub(u, 0.5)
      return lax.sub(loc, lax.mul(lax.mul(lax.sign(v), lax.log1p(lax.mul(lax.abs(v), -2))), scale))
    },
  ) as never
}

/**
 * Logistic samples with location `loc` and scale `scale`: `loc + scale·log(U / (1 − U))`,
 * variance `scale²·π² / 3`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.logistic(tg.key(0), [2, 2]) // Tensor<[2, 2]>
 * @since 0.1.0
 * @category random
 */
export const logistic: Sampler<{ readonly loc?: number; readonly scale?: number }> = (
  key: Key | AnyTensor,
  shape: ReadonlyArray<number>,
  options?: SampleOptions<DType, DeviceKind> & { readonly loc?: number; readonly scale?: number },
) => {
  const loc = options?.loc ?? 0,
    scale = options?.scale ?? 1
  checkParam("logistic", "scale", scale, (v) => v > 0 && Number.isFinite(v), "a positive number")
  // U = 0 would give −∞: it is raised to half a cell (adding would round the top draw up to 1)
  return inverseCdf(
    "logistic",
    key,
    shape,
    options,
    (u) => {
      const w = Math.max(u, 2 ** -54)
      return loc + scale * (Math.log(w) - Math.log1p(-w))
    },
    (u, half) => {
      const w = lax.max(u, half)
      return lax.add(lax.mul(lax.sub(lax.log(w), lax.log1p(lax.neg(w))), scale), loc)
    },
  ) as never
}

/**
 * Standard normal samples truncated to `[lower, upper]` (inverse-CDF sampling, accurate in both
 * tails: a window above 0 is drawn as the mirror of the window below).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.truncatedNormal(tg.key(0), -2, 2, [256, 128]) // every entry in [−2, 2]
 * @since 0.1.0
 * @category random
 */
export const truncatedNormal = <const S extends ReadonlyArray<number>, D extends FloatDType = "f32", V extends DeviceKind = "cpu">(
  key: Key,
  lower: number,
  upper: number,
  shape: S,
  options?: SampleOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => {
  if (!(lower < upper)) throw ShapeError.of("truncatedNormal", `lower ${lower} must be below upper ${upper}`)
  // NOTE: Φ loses all relative precision in the upper tail; sample −X on [−upper, −lower] there
  const flip = lower > 0
  const [a, b] = flip ? [-upper, -lower] : [lower, upper]
  const pa = ndtrHost(a),
    pb = ndtrHost(b)
  return inverseCdf(
    "truncatedNormal",
    key,
    shape,
    options,
    (u) => {
      const x = Math.min(Math.max(ndtriHost(pa + u * (pb - pa)), a), b)
      return flip ? -x : x
    },
    () => {
      throw ShapeError.of("truncatedNormal", "takes a Key, not key data")
    },
  ) as never
}

/**
 * Gamma(α, 1) samples (Marsaglia–Tsang rejection; shape `alpha > 0`): mean and variance `α`.
 *
 * @example
 * import * as tg from "typegrad"
 * const g = tg.gamma(tg.key(0), 2.5, [1000]) // mean ≈ 2.5
 * @since 0.1.0
 * @category random
 */
export const gamma = <const S extends ReadonlyArray<number>, D extends FloatDType = "f32", V extends DeviceKind = "cpu">(
  key: Key,
  alpha: number,
  shape: S,
  options?: SampleOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => {
  checkShape("gamma", shape)
  checkParam("gamma", "alpha", alpha, (v) => v > 0 && Number.isFinite(v), "a positive number")
  floatOf("gamma", options?.dtype ?? "f32")
  return place(
    "gamma",
    stream(key, numel(shape), (s) => gammaHost(s, alpha)),
    shape,
    options,
  ) as never
}

/**
 * Beta(a, b) samples, as `X / (X + Y)` of independent Gamma(a) and Gamma(b) draws: mean `a / (a + b)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const p = tg.beta(tg.key(0), 2, 5, [100]) // every entry in (0, 1)
 * @since 0.1.0
 * @category random
 */
export const beta = <const S extends ReadonlyArray<number>, D extends FloatDType = "f32", V extends DeviceKind = "cpu">(
  key: Key,
  a: number,
  b: number,
  shape: S,
  options?: SampleOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => {
  checkShape("beta", shape)
  checkParam("beta", "a", a, (v) => v > 0 && Number.isFinite(v), "a positive number")
  checkParam("beta", "b", b, (v) => v > 0 && Number.isFinite(v), "a positive number")
  floatOf("beta", options?.dtype ?? "f32")
  return place(
    "beta",
    stream(key, numel(shape), (s) => {
      const x = gammaHost(s, a),
        y = gammaHost(s, b)
      return x / (x + y)
    }),
    shape,
    options,
  ) as never
}

/**
 * Dirichlet(α) samples: one probability vector of `alpha.length` entries per sample, shape
 * `[...shape, K]` (normalised Gamma(αᵢ) draws): mean `αᵢ / Σα`.
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.dirichlet(tg.key(0), [1, 2, 3], [10]) // Tensor<[10, 3]>, each row sums to 1
 * @since 0.1.0
 * @category random
 */
export const dirichlet = <
  const S extends ReadonlyArray<number>,
  const A extends ReadonlyArray<number>,
  D extends FloatDType = "f32",
  V extends DeviceKind = "cpu",
>(
  key: Key,
  alpha: A,
  shape: S,
  options?: SampleOptions<D, V>,
): Tensor<[...S, A["length"]], NoInfer<D>, NoInfer<V>> => {
  checkShape("dirichlet", shape)
  if (alpha.length === 0) throw ShapeError.of("dirichlet", "alpha must have at least one entry")
  for (const a of alpha) checkParam("dirichlet", "alpha", a, (v) => v > 0 && Number.isFinite(v), "positive numbers")
  floatOf("dirichlet", options?.dtype ?? "f32")
  const K = alpha.length,
    n = numel(shape)
  const s = new HostStream(key)
  const out = new Float64Array(n * K)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < K; j++) sum += out[i * K + j] = gammaHost(s, alpha[j]!)
    for (let j = 0; j < K; j++) out[i * K + j]! /= sum
  }
  return place("dirichlet", out, [...shape, K], options) as never
}

/**
 * Poisson(λ) counts (Knuth's method below λ = 10, Hörmann's transformed rejection above), i32 by
 * default: mean and variance `λ`.
 *
 * @example
 * import * as tg from "typegrad"
 * const counts = tg.poisson(tg.key(0), 4, [1000]) // Tensor<[1000], "i32">, mean ≈ 4
 * @since 0.1.0
 * @category random
 */
export const poisson = <const S extends ReadonlyArray<number>, D extends DType = "i32", V extends DeviceKind = "cpu">(
  key: Key,
  lam: number,
  shape: S,
  options?: SampleOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => {
  checkShape("poisson", shape)
  checkParam("poisson", "lam", lam, (v) => v >= 0 && v < 1e9, "a non-negative number below 1e9")
  return place(
    "poisson",
    stream(key, numel(shape), (s) => poissonHost(s, lam)),
    shape,
    options,
    "i32",
  ) as never
}

/** Lower Cholesky factor of symmetric positive-definite `[..., n, n]`, column by column (differentiable). */
const cholesky = (a: AnyTensor): AnyTensor => {
  const r = a.shape.length,
    n = a.shape[r - 1]!,
    lead = a.shape.slice(0, -2)
  const col = (t: AnyTensor, j: number) =>
    lax.reshape(lax.slice(t, [...lead.map(() => 0), 0, j], [...lead.map(() => 1), 1, 1], [...lead, n, 1]), [...lead, n])
  const cols: AnyTensor[] = []
  for (let j = 0; j < n; j++) {
    let s = col(a, j)
    if (j > 0) {
      // s = A[:, j] − L[:, :j] · L[j, :j]
      const lj = lax.concat(
        cols.map((c) => lax.reshape(c, [...lead, n, 1])),
        r - 1,
      )
      const row = lax.slice(lj, [...lead.map(() => 0), j, 0], [...lead.map(() => 1), 1, 1], [...lead, 1, j])
      s = lax.sub(s, lax.reshape(lax.matmul(lj, lax.reshape(row, [...lead, j, 1])), [...lead, n]))
    }
    const d = lax.sqrt(lax.slice(s, [...lead.map(() => 0), j], [...lead.map(() => 1), 1], [...lead, 1]))
    const below = fromHost(
      Array.from({ length: n }, (_, i) => (i > j ? 1 : 0)),
      [n],
      a.dtype,
      a.device,
    )
    const at = fromHost(
      Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)),
      [n],
      a.dtype,
      a.device,
    )
    cols.push(lax.add(lax.mul(lax.div(s, d), below), lax.mul(d, at)))
  }
  return lax.concat(
    cols.map((c) => lax.reshape(c, [...lead, n, 1])),
    r - 1,
  )
}

/**
 * Multivariate normal samples `mean + L·z` with `L` the Cholesky factor of `cov` (`[D, D]`,
 * symmetric positive-definite), shape `[...shape, D]`; differentiable in `mean` and `cov` (the
 * reparameterisation).
 *
 * @example
 * import * as tg from "typegrad"
 * const cov = tg.tensor([[1, 0.8], [0.8, 1]])
 * const xs = tg.multivariateNormal(tg.key(0), tg.zeros([2]), cov, [500]) // Tensor<[500, 2]>
 * @since 0.1.0
 * @category random
 */
export const multivariateNormal = <
  const Dm extends number,
  D extends FloatDType,
  V extends DeviceKind,
  const O extends ReadonlyArray<number>,
>(
  key: Key,
  mean: Tensor<[Dm], D, V>,
  cov: Tensor<[Dm, Dm], D, V>,
  shape: O,
): Tensor<[...O, Dm], D, V> => {
  checkShape("multivariateNormal", shape)
  const m = mean as AnyTensor,
    c = cov as AnyTensor
  floatOf("multivariateNormal", m.dtype)
  const d = m.shape[0]
  if (m.shape.length !== 1 || c.shape.length !== 2 || c.shape[0] !== d || c.shape[1] !== d)
    throw ShapeError.of(
      "multivariateNormal",
      `mean must be [D] and cov [D, D], got [${m.shape.join(", ")}] and [${c.shape.join(", ")}]`,
      m.shape,
      c.shape,
    )
  if (m.dtype !== c.dtype)
    throw new DTypeError({
      op: "multivariateNormal",
      dtypes: [m.dtype, c.dtype],
      message: `multivariateNormal: dtype mismatch (${m.dtype} vs ${c.dtype})`,
    })
  const n = numel(shape)
  const z = fromHost(normalHost(key, n * d!, m.dtype), [n, d!], m.dtype, m.device)
  // rows: x = mean + z·Lᵀ
  const y = lax.add(lax.matmul(z, lax.transpose(cholesky(c), [1, 0])), m)
  return lax.reshape(y, [...shape, d!]) as never
}
