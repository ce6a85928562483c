/**
 * Discrete random selection with explicit keys (JAX's `jax.random` semantics): `categorical`
 * (the Gumbel-max trick, on the logits' device), `choice` (with or without replacement, uniform
 * or with probabilities `p`: Gumbel-top-k without replacement), `permutation` and `shuffle`
 * (Fisher–Yates on the host, applied with `take`). Logits and probabilities are not
 * differentiated: a draw is piecewise constant in them.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, FloatDType, Shape } from "../../shape/index.js"
import { numel } from "../core/aval.js"
import { getDefaultDevice } from "../core/defaults.js"
import { fromHost } from "../core/host.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { take, topk } from "./indexing.js"
import { checkParam, checkShape, floatOf, isKeyData, uniformData, uniformHost, type Key, type KeyData } from "./random.js"

/** Standard Gumbel noise −log(−log U) of the given shape, drawn in f64 and placed like `like` (from key data: on its device). */
const gumbel = (k: Key | AnyTensor, shape: ReadonlyArray<number>, like: AnyTensor): AnyTensor => {
  if (isKeyData(k)) {
    const u = lax.max(uniformData("categorical", k, shape, like.dtype), like.dtype === "f64" ? 2 ** -54 : 2 ** -25)
    return lax.neg(lax.log(lax.neg(lax.log(u))))
  }
  const u = uniformHost(k, numel(shape), "f64")
  for (let i = 0; i < u.length; i++) u[i] = -Math.log(-Math.log(Math.max(u[i]!, 2 ** -54)))
  return fromHost(u, shape, like.dtype, like.device)
}

type DropLast<S> = S extends readonly [...infer B extends Dim[], Dim] ? B : Dim[]

/**
 * Draw category indices from unnormalised log-probabilities `logits: [...B, K]` along the last
 * axis (the Gumbel-max trick: `argmax(logits + G)`): an i32 tensor of shape `B`, or `[...shape]`
 * when `shape` is given (it must end with `B`, NumPy broadcasting).
 *
 * @example
 * import * as tg from "typegrad"
 * const logits = tg.log(tg.tensor([0.2, 0.5, 0.3]))
 * const draws = tg.categorical(tg.key(0), logits, [1000]) // Tensor<[1000], "i32">
 * @since 0.1.0
 * @category random
 */
export function categorical<S extends Shape, D extends FloatDType, V extends DeviceKind>(
  key: Key | KeyData<[], V>,
  logits: Tensor<S, D, V>,
): Tensor<DropLast<S>, "i32", V>
export function categorical<S extends Shape, D extends FloatDType, V extends DeviceKind, const O extends ReadonlyArray<number>>(
  key: Key | KeyData<[], V>,
  logits: Tensor<S, D, V>,
  shape: O,
): Tensor<[...O], "i32", V>
export function categorical(key: Key | AnyTensor, logits: AnyTensor, shape?: ReadonlyArray<number>): AnyTensor {
  const r = logits.shape.length
  if (r === 0) throw ShapeError.of("categorical", "logits must have a category axis (rank at least 1)", logits.shape)
  const batch = logits.shape.slice(0, -1),
    K = logits.shape[r - 1]!
  const out = shape ?? batch
  checkShape("categorical", out)
  if (out.length < batch.length || batch.some((d, i) => out[out.length - batch.length + i] !== d))
    throw ShapeError.of(
      "categorical",
      `shape [${out.join(", ")}] must end with the batch shape [${batch.join(", ")}] of logits`,
      logits.shape,
      out,
    )
  const full = [...out, K]
  if (isKeyData(key) && key.shape.length !== 1)
    throw ShapeError.of(
      "categorical",
      `takes one key ([2]) of key data, got [${key.shape.join(", ")}] (vmap over a batch of keys)`,
      key.shape,
    )
  const z = lax.add(lax.broadcastTo(lax.stopGradient(logits), full), gumbel(key, full, logits))
  return lax.argReduce(z, full.length - 1, "max")
}

/** A uniform random permutation of 0…n−1 (Fisher–Yates on 53-bit draws). */
const permutationHost = (k: Key, n: number): Int32Array => {
  const idx = Int32Array.from({ length: n }, (_, i) => i)
  const u = uniformHost(k, Math.max(n - 1, 0), "f64")
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[n - 1 - i]! * (i + 1))
    const t = idx[i]!
    idx[i] = idx[j]!
    idx[j] = t
  }
  return idx
}

/**
 * A random permutation: of `0…n−1` (i32) for a number, or of a tensor's entries along `axis`
 * (default 0).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.permutation(tg.key(0), 5) // Tensor<[5], "i32">: 0…4 in random order
 * tg.permutation(tg.key(0), tg.tensor([[1, 2], [3, 4], [5, 6]])) // rows shuffled
 * @since 0.1.0
 * @category random
 */
export function permutation<const N extends number>(key: Key, n: N): Tensor<[N], "i32", "cpu">
export function permutation<S extends Shape, D extends DType, V extends DeviceKind>(
  key: Key,
  x: Tensor<S, D, V>,
  axis?: number,
): Tensor<S, D, V>
export function permutation(key: Key, x: number | AnyTensor, axis = 0): AnyTensor {
  if (typeof x === "number") {
    checkParam("permutation", "n", x, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer")
    return fromHost(permutationHost(key, x), [x], "i32", getDefaultDevice())
  }
  const r = x.shape.length
  if (!Number.isInteger(axis) || axis < -r || axis >= r)
    throw ShapeError.of("permutation", `axis ${axis} out of range for rank ${r}`, x.shape)
  const a = axis < 0 ? axis + r : axis
  const n = x.shape[a]!
  return take(x as Tensor<number[]>, fromHost(permutationHost(key, n), [n], "i32", x.device) as Tensor<[number], "i32">, a) as AnyTensor
}

/**
 * `x` with its entries along `axis` (default 0) in random order: the same as `permutation(key, x, axis)`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.shuffle(tg.key(1), tg.arange(6)) // Tensor<[6]>: 0…5 shuffled
 * @since 0.1.0
 * @category random
 */
export const shuffle = <S extends Shape, D extends DType, V extends DeviceKind>(key: Key, x: Tensor<S, D, V>, axis = 0): Tensor<S, D, V> =>
  permutation(key, x, axis)

/**
 * Options of `choice`: sampling with replacement (default `true`) and probabilities `p` of the
 * `n` candidates (default uniform; a tensor or numbers summing to 1).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.ChoiceOptions = { replace: false, p: [0.5, 0.25, 0.25] }
 * @since 0.1.0
 * @category random
 */
export interface ChoiceOptions {
  readonly replace?: boolean
  readonly p?: ReadonlyArray<number> | AnyTensor
}

/**
 * Random draws from `0…n−1` (for a number) or from the rows of a tensor (along axis 0), of the
 * given `shape`: with replacement by default, without (`replace: false`, at most `n` draws), and
 * with probabilities `p` (Gumbel-max draws; Gumbel-top-k without replacement).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.choice(tg.key(0), 10, [3]) // Tensor<[3], "i32">: three draws from 0…9
 * tg.choice(tg.key(0), 5, [5], { replace: false }) // a permutation of 0…4
 * tg.choice(tg.key(0), tg.tensor([10, 20, 30]), [4], { p: [0.1, 0.1, 0.8] }) // mostly 30
 * @since 0.1.0
 * @category random
 */
export function choice<const O extends ReadonlyArray<number>>(
  key: Key,
  n: number,
  shape: O,
  options?: ChoiceOptions,
): Tensor<[...O], "i32", "cpu">
export function choice<S extends Shape, D extends DType, V extends DeviceKind, const O extends ReadonlyArray<number>>(
  key: Key,
  x: Tensor<S, D, V>,
  shape: O,
  options?: ChoiceOptions,
): Tensor<S extends readonly [Dim, ...infer R extends Dim[]] ? [...O, ...R] : Dim[], D, V>
export function choice(key: Key, a: number | AnyTensor, shape: ReadonlyArray<number>, options: ChoiceOptions = {}): AnyTensor {
  checkShape("choice", shape)
  const device = typeof a === "number" ? getDefaultDevice() : a.device
  if (typeof a !== "number" && a.shape.length === 0)
    throw ShapeError.of("choice", "needs a tensor of rank at least 1 to draw rows from", a.shape)
  const n = typeof a === "number" ? a : a.shape[0]!
  checkParam("choice", "n", n, (v) => Number.isInteger(v) && v >= 1, "a positive integer")
  const m = numel(shape),
    replace = options.replace ?? true
  if (!replace && m > n) throw ShapeError.of("choice", `cannot draw ${m} entries without replacement from ${n}`, shape)
  let idx: AnyTensor
  if (options.p === undefined) {
    const data = replace ? Int32Array.from(uniformHost(key, m, "f64"), (u) => Math.floor(u * n)) : permutationHost(key, n).slice(0, m)
    idx = fromHost(data, shape, "i32", device)
  } else {
    // listed probabilities in f64 where the device has it (f32 on WebGPU)
    const p = Array.isArray(options.p)
      ? fromHost(options.p as ReadonlyArray<number>, [options.p.length], device.backend.supports("f64") ? "f64" : "f32", device)
      : (options.p as AnyTensor)
    if (p.shape.length !== 1 || p.shape[0] !== n)
      throw ShapeError.of("choice", `p must have shape [${n}], got [${p.shape.join(", ")}]`, p.shape)
    floatOf("choice", p.dtype)
    const logp = lax.log(lax.stopGradient(p))
    if (replace) idx = lax.reshape(categorical(key, logp as Tensor<number[], FloatDType>, [m]) as AnyTensor, shape)
    else {
      // Gumbel-top-k: the k largest of log p + G are k draws without replacement
      const z = lax.add(logp, gumbel(key, [n], logp))
      idx = lax.reshape(topk(z as Tensor<number[]>, m)[1] as AnyTensor, shape)
    }
  }
  return typeof a === "number"
    ? idx
    : lax.reshape(take(a as Tensor<number[]>, lax.reshape(idx, [m]) as Tensor<[number], "i32">, 0) as AnyTensor, [
        ...shape,
        ...a.shape.slice(1),
      ])
}
