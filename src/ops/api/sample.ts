/**
 * The basic random samplers — normal, uniform, Bernoulli — from a `Key` (drawn on the host) or
 * from key data (drawn on the key's device, so they work under `vmap` and `jit`). The other
 * distributions are in distributions.ts and choice.ts.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, Shape } from "../../shape/index.js"
import { numel } from "../core/aval.js"
import type { Device } from "../core/backend.js"
import { checkNumber, checkOptions, invalidArgument } from "../core/check.js"
import { fromHost } from "../core/host.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { CreateOptions } from "./create.js"
import { checkNew, place } from "./placement.js"
import { checkKey, checkShape, isKeyData, normalHost, uniformData, uniformHost, type Key, type KeyData } from "./random.js"

/**
 * Options of the random samplers.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.RandomOptions<"f64", "cpu"> = { dtype: "f64", std: 0.1 }
 * tg.normal(tg.key(0), [3], options) // Tensor<[3], "f64", "cpu">
 * @since 0.1.0
 * @category random
 */
export interface RandomOptions<D extends DType, V extends DeviceKind> extends CreateOptions<D, V> {
  readonly mean?: number
  readonly std?: number
  readonly low?: number
  readonly high?: number
}

/**
 * Standard normal samples (or `mean + std·z`), reproducible from the key. With key data
 * `[...B, 2]` (see `keyData`) the samples `[...B, ...shape]` are computed on the key's device
 * (Box–Muller on the key's uniform stream), so this works under `vmap` and `jit`.
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.normal(tg.key(0), [784, 256], { std: 0.05 })
 * const z = tg.normal(tg.keyData(tg.key(0)), [3]) // the same kind of draw, from key data
 * @since 0.1.0
 * @category random
 */
export function normal<const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  key: Key,
  shape: S,
  options?: RandomOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>>
export function normal<B extends Dim[], V extends DeviceKind, const S extends ReadonlyArray<number>, D extends DType = "f32">(
  key: KeyData<B, V>,
  shape: S,
  options?: RandomOptions<D, V>,
): Tensor<[...B, ...S], NoInfer<D>, V>
export function normal(key: Key | AnyTensor, shape: ReadonlyArray<number>, options?: RandomOptions<DType, DeviceKind>): AnyTensor {
  checkOptions(options, "normal", normalKeys)
  const m = checkNumber(options?.mean ?? 0, "normal", "options.mean")
  const s = checkNumber(options?.std ?? 1, "normal", "options.std", 0)
  if (!isKeyData(key)) return sample("normal", normalHost, key, shape, options, (z) => m + s * z)
  checkShape("normal", shape)
  const n = numel(shape),
    lead = key.shape.slice(0, -1)
  // pairs (u₀, u₁) → r·cos θ, r·sin θ with r = √(−2 log(1 − u₀)), θ = 2π·u₁ (as the host sampler)
  const u = uniformData("normal", key, [(n + (n % 2)) / 2, 2], options?.dtype ?? "f32")
  const half = [...lead, (n + (n % 2)) / 2, 1],
    at = (j: number) => lax.slice(u, [...lead.map(() => 0), 0, j], [...lead.map(() => 1), 1, 1], half)
  const r = lax.sqrt(lax.mul(lax.log1p(lax.neg(at(0))), -2)),
    th = lax.mul(at(1), 2 * Math.PI)
  const z = lax.reshape(lax.concat([lax.mul(r, lax.cos(th)), lax.mul(r, lax.sin(th))], lead.length + 1), [...lead, n + (n % 2)])
  const zn = n % 2 === 0 ? z : lax.slice(z, lead.map(() => 0).concat(0), lead.map(() => 1).concat(1), [...lead, n])
  return lax.add(lax.mul(lax.reshape(zn, [...lead, ...shape]), s), m)
}

const normalKeys = ["dtype", "device", "mean", "std"],
  uniformKeys = ["dtype", "device", "low", "high"]
const randomKeys = ["dtype", "device", "mean", "std", "low", "high"]

/** Draw `numel(shape)` host samples, map each, and place them on the device. */
const sample = (
  op: string,
  draw: (k: Key, n: number, dt: DType) => Float64Array,
  key: Key,
  shape: ReadonlyArray<number>,
  options: CreateOptions | undefined,
  f: (u: number) => number,
): AnyTensor => {
  checkKey(key, op)
  const [d, device] = place(op, options, randomKeys)
  const dt = d ?? "f32"
  checkNew(op, shape, dt, device)
  const u = draw(key, numel(shape), dt)
  for (let i = 0; i < u.length; i++) u[i] = f(u[i]!)
  return fromHost(u, shape, dt, device, op)
}

/**
 * Uniform samples in `[low, high)` (default `[0, 1)`), reproducible from the key. With key data
 * `[...B, 2]` (see `keyData`) the samples `[...B, ...shape]` come from the key's device: the same
 * values as from the `Key` itself, and usable under `vmap` and `jit`.
 *
 * @example
 * import * as tg from "typegrad"
 * const u = tg.uniform(tg.key(1), [3], { low: -1, high: 1 })
 * const same = tg.uniform(tg.keyData(tg.key(1)), [3], { low: -1, high: 1 }) // equal to u
 * @since 0.1.0
 * @category random
 */
export function uniform<const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  key: Key,
  shape: S,
  options?: RandomOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>>
export function uniform<B extends Dim[], V extends DeviceKind, const S extends ReadonlyArray<number>, D extends DType = "f32">(
  key: KeyData<B, V>,
  shape: S,
  options?: RandomOptions<D, V>,
): Tensor<[...B, ...S], NoInfer<D>, V>
export function uniform(key: Key | AnyTensor, shape: ReadonlyArray<number>, options?: RandomOptions<DType, DeviceKind>): AnyTensor {
  checkOptions(options, "uniform", uniformKeys)
  const lo = checkNumber(options?.low ?? 0, "uniform", "options.low"),
    hi = checkNumber(options?.high ?? 1, "uniform", "options.high")
  if (lo > hi) throw invalidArgument("uniform", "options.high", hi, `a number ≥ options.low (${lo})`)
  if (!isKeyData(key)) return sample("uniform", uniformHost, key, shape, options, (u) => lo + (hi - lo) * u)
  checkShape("uniform", shape)
  const u = uniformData("uniform", key, shape, options?.dtype ?? "f32")
  return lo === 0 && hi === 1 ? u : lax.add(lax.mul(u, hi - lo), lo)
}

/**
 * Bernoulli samples (`true` with probability `p`), reproducible from the key. `p` is a number
 * (then `shape` is required) or a tensor of probabilities, giving samples of its shape or of a
 * `shape` it broadcasts to, on its device.
 *
 * @example
 * import * as tg from "typegrad"
 * const keep = tg.bernoulli(tg.key(2), 0.9, [128]) // Tensor<[128], "bool", "cpu">
 * const mask = tg.bernoulli(tg.key(3), tg.tensor([0, 0.5, 1])) // Tensor<[3], "bool">: [false, ?, true]
 * const rows = tg.bernoulli(tg.key(4), tg.tensor([0.1, 0.9]), [5, 2]) // Tensor<[5, 2], "bool">
 * const fromData = tg.bernoulli(tg.keyData(tg.key(2)), 0.9, [128]) // from key data (works under vmap)
 * @since 0.1.0
 * @category random
 */
export function bernoulli<const S extends ReadonlyArray<number>, V extends DeviceKind = "cpu">(
  key: Key,
  p: number,
  shape: S,
  options?: { readonly device?: Device<V> },
): Tensor<[...S], "bool", NoInfer<V>>
export function bernoulli<B extends Dim[], V extends DeviceKind, const S extends ReadonlyArray<number>>(
  key: KeyData<B, V>,
  p: number,
  shape: S,
): Tensor<[...B, ...S], "bool", V>
export function bernoulli<S extends Shape, D extends DType, V extends DeviceKind>(key: Key, p: Tensor<S, D, V>): Tensor<S, "bool", V>
export function bernoulli<S extends Shape, D extends DType, V extends DeviceKind, const O extends ReadonlyArray<number>>(
  key: Key,
  p: Tensor<S, D, V>,
  shape: O,
): Tensor<[...O], "bool", V>
export function bernoulli(
  key: Key | AnyTensor,
  p: number | AnyTensor,
  shape?: ReadonlyArray<number>,
  options?: { readonly device?: Device },
): AnyTensor {
  if (typeof p === "number") checkNumber(p, "bernoulli", "p", 0, 1)
  checkOptions(options, "bernoulli", ["device"])
  if (isKeyData(key)) {
    if (typeof p !== "number" || shape === undefined) throw ShapeError.of("bernoulli", "key data takes a number p and a shape", key.shape)
    checkShape("bernoulli", shape)
    return lax.compare(uniformData("bernoulli", key, shape, "f32"), p, "lt")
  }
  if (typeof p !== "number") {
    if (p.dtype !== "f32" && p.dtype !== "f64" && p.dtype !== "f16")
      throw new DTypeError({ op: "bernoulli", dtypes: [p.dtype], message: `bernoulli: expected float probabilities, got ${p.dtype}` })
    const out = shape ?? p.shape
    checkShape("bernoulli", out)
    const u = fromHost(uniformHost(key, numel(out), p.dtype), out, p.dtype, p.device)
    return lax.compare(u, lax.broadcastTo(lax.stopGradient(p), out), "lt")
  }
  if (shape === undefined) throw ShapeError.of("bernoulli", "a number p needs a shape", [])
  const o: CreateOptions = options?.device === undefined ? { dtype: "bool" } : { dtype: "bool", device: options.device }
  return sample("bernoulli", uniformHost, key, shape, o, (u) => (u < p ? 1 : 0))
}
