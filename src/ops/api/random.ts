/**
 * Counter-based random numbers from explicit, splittable keys (Threefry-2x32, as in JAX):
 * the same key always gives the same numbers, on every device.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType } from "../../shape/index.js"
import { numel } from "../core/aval.js"
import type { Device } from "../core/backend.js"
import { getDefaultDevice } from "../core/defaults.js"
import { fromHost } from "../core/host.js"
import { bind1 } from "../core/interpreter.js"
import { primitive } from "../core/primitive.js"
import { Tensor, type AnyTensor } from "../core/tensor.js"
import { threefry2x32, uniformFromKey } from "../core/threefry.js"
import { checkInt, invalidArgument } from "../core/check.js"

/**
 * A PRNG key. Split it instead of reusing it: `const [k1, k2] = tg.split(key)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const key = tg.key(0)
 * const [a, b] = tg.split(key)
 * @since 0.1.0
 * @category random
 */
export class Key {
  /** @internal */
  constructor(readonly words: readonly [number, number]) {}
  toString(): string {
    return `Key(${this.words[0]}, ${this.words[1]})`
  }
}

export { threefry2x32 } from "../core/threefry.js"

/**
 * A key from an integer seed.
 *
 * @example
 * import * as tg from "typegrad"
 * const k = tg.key(42)
 * @since 0.1.0
 * @category random
 */
export const key = (seed: number): Key => {
  // NOTE: NaN, ±Infinity and fractions would all collapse onto some integer seed's key
  if (!Number.isSafeInteger(seed)) throw invalidArgument("key", "seed", seed, `an integer in ±(2^53 − 1)`)
  return new Key([Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0])
}
/** Throw unless `k` is a key (an untyped caller's tensor or seed number). @internal */
export const checkKey = (k: unknown, op: string): void => {
  if (!(k instanceof Key)) throw invalidArgument(op, "key", k, "a Key (tg.key(seed), or one split from it)")
}

/**
 * Keys as data: an i32 tensor `[..., 2]` holding each key's two words. The samplers that take a
 * `Key` and draw from the uniform stream also take key data (`uniform`, `normal`, `bernoulli`,
 * `exponential`, `laplace`, `logistic`, `categorical`, and `split`/`foldIn` themselves), drawing
 * one sample block per key, so a batch of keys can be `vmap`ped over or passed into `jit`.
 *
 * @example
 * import * as tg from "typegrad"
 * const keys: tg.KeyData<[4]> = tg.split(tg.keyData(tg.key(0)), 4) // Tensor<[4, 2], "i32">
 * @since 0.1.0
 * @category random
 */
export type KeyData<B extends Dim[] = [], V extends DeviceKind = DeviceKind> = Tensor<[...B, 2], "i32", V>

/**
 * Key data (see `KeyData`) of one key (`[2]`) or of a list of keys (`[n, 2]`), on the default
 * device or `options.device`.
 *
 * @example
 * import * as tg from "typegrad"
 * const keys = tg.keyData(tg.split(tg.key(0), 8)) // Tensor<[8, 2], "i32">
 * const draws = tg.vmap((k: tg.KeyData) => tg.normal(k, [3]))(keys) // Tensor<[8, 3]>: one row per key
 * @since 0.1.0
 * @category random
 */
export function keyData<V extends DeviceKind = "cpu">(key: Key, options?: { readonly device?: Device<V> }): KeyData<[], V>
export function keyData<const K extends ReadonlyArray<Key>, V extends DeviceKind = "cpu">(
  keys: K,
  options?: { readonly device?: Device<V> },
): KeyData<[K["length"]], V>
export function keyData(k: Key | ReadonlyArray<Key>, options?: { readonly device?: Device }): AnyTensor {
  const keys = k instanceof Key ? [k] : k
  const words = Int32Array.from(keys.flatMap((q) => [q.words[0] | 0, q.words[1] | 0]))
  return fromHost(words, k instanceof Key ? [2] : [keys.length, 2], "i32", options?.device ?? getDefaultDevice())
}

/** The `threefry` primitive on key data (checked: i32 `[..., 2]`). */
const threefryOf = (
  op: string,
  k: AnyTensor,
  p: { mode: "key" | "uniform"; x0: number; start: number; count: number; dtype: DType },
): AnyTensor => {
  if (k.dtype !== "i32" || k.shape.length === 0 || k.shape[k.shape.length - 1] !== 2)
    throw invalidArgument(op, "key", k, "a Key, or i32 key data [..., 2] (see keyData)")
  return bind1(primitive("threefry"), [k], p)
}

/**
 * Split a key into `n` independent keys (default 2); split key data `[..., 2]` into `[..., n, 2]`
 * (the same keys, as data).
 *
 * @example
 * import * as tg from "typegrad"
 * const [k1, k2, k3] = tg.split(tg.key(0), 3)
 * const data = tg.split(tg.keyData(tg.key(0)), 3) // Tensor<[3, 2], "i32">: k1, k2, k3 as data
 * @since 0.1.0
 * @category random
 */
export function split(k: Key, n?: number): Key[]
export function split<B extends Dim[], V extends DeviceKind, const N extends number = 2>(k: KeyData<B, V>, n?: N): KeyData<[...B, N], V>
export function split(k: Key | AnyTensor, n = 2): Key[] | AnyTensor {
  checkInt(n, "split", "n", 0)
  if (k instanceof Tensor) return threefryOf("split", k, { mode: "key", x0: 0, start: 0, count: n, dtype: "i32" })
  checkKey(k, "split")
  const out: Key[] = []
  for (let i = 0; i < n; i++) out.push(new Key(threefry2x32(k.words, 0, i)))
  return out
}

/**
 * Derive a key for step `i` of a loop without splitting a chain (key data in, key data out).
 *
 * @example
 * import * as tg from "typegrad"
 * const k7 = tg.foldIn(tg.key(0), 7)
 * @since 0.1.0
 * @category random
 */
export function foldIn(k: Key, i: number): Key
export function foldIn<B extends Dim[], V extends DeviceKind>(k: KeyData<B, V>, i: number): KeyData<B, V>
export function foldIn(k: Key | AnyTensor, i: number): Key | AnyTensor {
  checkInt(i, "foldIn", "i")
  if (k instanceof Tensor) {
    const y = threefryOf("foldIn", k, { mode: "key", x0: 1, start: i >>> 0, count: 1, dtype: "i32" })
    return y.reshape(k.shape as number[]) as AnyTensor
  }
  checkKey(k, "foldIn")
  return new Key(threefry2x32(k.words, 1, i >>> 0))
}

/** Uniform floats in [0, 1) of shape `[...lead, ...shape]` from key data `[...lead, 2]` (the host stream's values). */
export const uniformData = (op: string, k: AnyTensor, shape: ReadonlyArray<number>, dtype: DType): AnyTensor => {
  if (dtype !== "f32" && dtype !== "f64" && dtype !== "f16")
    throw new DTypeError({ op, dtypes: [dtype], message: `${op}: expected a float dtype, got ${dtype}` })
  const u = threefryOf(op, k, { mode: "uniform", x0: 0, start: 0, count: numel(shape), dtype })
  return u.reshape([...k.shape.slice(0, -1), ...shape] as number[]) as AnyTensor
}

/** A new tensor's shape (of a sampler or a constructor) is a list of non-negative integers. */
export const checkShape = (op: string, shape: ReadonlyArray<number>) => {
  if (!Array.isArray(shape)) throw invalidArgument(op, "shape", shape, "an array of dims (e.g. [2, 3])")
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw ShapeError.of(op, `dims must be non-negative integers, got [${shape.join(", ")}]`, shape)
}
/** A scalar parameter passes `ok`, or a ShapeError names the op, the parameter and what was expected. */
export const checkParam = (op: string, name: string, v: number, ok: (v: number) => boolean, want: string) => {
  if (typeof v !== "number" || !ok(v)) throw ShapeError.of(op, `${name} must be ${want}, got ${v}`)
}
/** The dtype, checked to be a float one (a DTypeError naming the op otherwise). */
export const floatOf = (op: string, d: DType): DType => {
  if (d !== "f32" && d !== "f64" && d !== "f16")
    throw new DTypeError({ op, dtypes: [d], message: `${op}: expected a float dtype, got ${d}` })
  return d
}
/** Whether a key argument is key data (a tensor) rather than a host `Key`. */
export const isKeyData = (k: unknown): k is AnyTensor => k instanceof Tensor

/** `n` uniform floats in [0, 1) (53 random bits for f64, 24 otherwise). */
export const uniformHost = (k: Key, n: number, dtype: DType): Float64Array => uniformFromKey(k.words, n, dtype === "f64") as Float64Array

/** `n` standard normal samples (Box–Muller on pairs of uniforms; the log argument is kept away from 0). */
export const normalHost = (k: Key, n: number, dtype: DType): Float64Array => {
  const u = uniformHost(k, n + (n % 2), dtype)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u[i]!))
    const th = 2 * Math.PI * u[i + 1]!
    out[i] = r * Math.cos(th)
    if (i + 1 < n) out[i + 1] = r * Math.sin(th)
  }
  return out
}

/**
 * An endless stream of uniform doubles in (0, 1) from a key, for rejection samplers that need an
 * unknown number of draws: block `j` is 53-bit uniforms from `foldIn(key, j)`.
 */
export class HostStream {
  private block: Float64Array = new Float64Array(0)
  private at = 0
  private j = 0
  constructor(private readonly k: Key) {}
  /** A uniform double in the open interval (0, 1). */
  next(): number {
    for (;;) {
      if (this.at === this.block.length) {
        this.block = uniformHost(foldIn(this.k, this.j++), 256, "f64")
        this.at = 0
      }
      const u = this.block[this.at++]!
      if (u > 0) return u
    }
  }
  /** A standard normal (Marsaglia's polar method). */
  normal(): number {
    for (;;) {
      const a = 2 * this.next() - 1,
        b = 2 * this.next() - 1,
        s = a * a + b * b
      if (s > 0 && s < 1) return a * Math.sqrt((-2 * Math.log(s)) / s)
    }
  }
}

/** Gamma(α, 1) (Marsaglia–Tsang; for α < 1 the α + 1 draw times U^(1/α)). */
export const gammaHost = (st: HostStream, alpha: number): number => {
  if (alpha < 1) {
    const u = st.next()
    return gammaHost(st, alpha + 1) * Math.exp(Math.log(u) / alpha)
  }
  const d = alpha - 1 / 3,
    c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number, v: number
    do {
      x = st.normal()
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = st.next()
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}

const logFactorial = (k: number): number => {
  if (k < 2) return 0
  if (k < 20) {
    let f = 0
    for (let i = 2; i <= k; i++) f += Math.log(i)
    return f
  }
  // Stirling's series (error below 1e-10 from k = 20)
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k)
}

/** Poisson(λ): multiplication of uniforms (Knuth) below λ = 10, Hörmann's PTRS transformed rejection above. */
export const poissonHost = (st: HostStream, lam: number): number => {
  if (lam === 0) return 0
  if (lam < 10) {
    const l = Math.exp(-lam)
    let k = 0,
      p = st.next()
    while (p > l) {
      k++
      p *= st.next()
    }
    return k
  }
  const slam = Math.sqrt(lam),
    loglam = Math.log(lam)
  const b = 0.931 + 2.53 * slam,
    a = -0.059 + 0.02483 * b,
    invalpha = 1.1239 + 1.1328 / (b - 3.4),
    vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const u = st.next() - 0.5,
      v = st.next(),
      us = 0.5 - Math.abs(u)
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43)
    if (us >= 0.07 && v <= vr) return k
    if (k < 0 || (us < 0.013 && v > us)) continue
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k
  }
}

/** erfc(x) for x ≥ 0: 1 − erf by its Taylor series below 2, Lentz's continued fraction above (relative error near 1e-15). */
const erfcPos = (x: number): number => {
  // continued fraction for large x, series for small: both converge fast in their ranges
  if (x < 2) {
    // erf by its Taylor series: 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x,
      sum = x
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n
      const t = term / (2 * n + 1)
      sum += t
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum
  }
  // Lentz's continued fraction: erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
  let f = x,
    c = x,
    d = 0
  for (let n = 1; n < 200; n++) {
    const an = n / 2
    d = x + an * d
    d = d === 0 ? 1e-300 : 1 / d
    c = x + an / c
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f)
}

/** Φ(x), the standard normal CDF, accurate in relative terms in the lower tail. */
export const ndtrHost = (x: number): number => (x < 0 ? 0.5 * erfcPos(-x / Math.SQRT2) : 1 - 0.5 * erfcPos(x / Math.SQRT2))

/** Φ⁻¹(p): Acklam's rational approximation refined by two Newton steps on Φ. */
export const ndtriHost = (p: number): number => {
  if (p <= 0) return -Infinity
  if (p >= 1) return Infinity
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const lo = 0.02425
  let x: number
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p))
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    if (p > 1 - lo) x = -x
  } else {
    const q = p - 0.5,
      r = q * q
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  }
  for (let i = 0; i < 2; i++) {
    // Newton on Φ(x) = p in the tail where Φ is accurate: work with the smaller of p and 1 − p
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)
    if (pdf === 0) break
    x -= x < 0 ? (ndtrHost(x) - p) / pdf : (1 - ndtrHost(x) - (1 - p)) / -pdf
  }
  return x
}
