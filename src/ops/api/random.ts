/**
 * Counter-based random numbers from explicit, splittable keys (Threefry-2x32, as in JAX):
 * the same key always gives the same numbers, on every device.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
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

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0
const R = [13, 15, 26, 6, 17, 29, 16, 24]

/** Threefry-2x32 with 20 rounds: a keyed bijection of 64-bit counters. */
export const threefry2x32 = (k: readonly [number, number], x0: number, x1: number): [number, number] => {
  const ks = [k[0] >>> 0, k[1] >>> 0, (0x1bd11bda ^ k[0] ^ k[1]) >>> 0]
  let a = (x0 + ks[0]!) >>> 0
  let b = (x1 + ks[1]!) >>> 0
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      a = (a + b) >>> 0
      b = rotl(b, R[(i % 2) * 4 + j]!) ^ a
    }
    a = (a + ks[(i + 1) % 3]!) >>> 0
    b = (b + ks[(i + 2) % 3]! + i + 1) >>> 0
  }
  return [a, b]
}

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
 * Split a key into `n` independent keys (default 2).
 *
 * @example
 * import * as tg from "typegrad"
 * const [k1, k2, k3] = tg.split(tg.key(0), 3)
 * @since 0.1.0
 * @category random
 */
export const split = (k: Key, n = 2): Key[] => {
  checkKey(k, "split")
  checkInt(n, "split", "n", 0)
  const out: Key[] = []
  for (let i = 0; i < n; i++) out.push(new Key(threefry2x32(k.words, 0, i)))
  return out
}

/**
 * Derive a key for step `i` of a loop without splitting a chain.
 *
 * @example
 * import * as tg from "typegrad"
 * const k7 = tg.foldIn(tg.key(0), 7)
 * @since 0.1.0
 * @category random
 */
export const foldIn = (k: Key, i: number): Key => {
  checkKey(k, "foldIn")
  checkInt(i, "foldIn", "i")
  return new Key(threefry2x32(k.words, 1, i >>> 0))
}

/** `n` uniform 32-bit words from a key. */
export const randomBits = (k: Key, n: number): Uint32Array => {
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i += 2) {
    const [a, b] = threefry2x32(k.words, 0x9e3779b9, i >>> 1)
    out[i] = a
    if (i + 1 < n) out[i + 1] = b
  }
  return out
}

/** `n` uniform floats in [0, 1) (53 random bits for f64, 24 otherwise). */
export const uniformHost = (k: Key, n: number, dtype: DType): Float64Array => {
  const wide = dtype === "f64"
  const bits = randomBits(k, wide ? 2 * n : n)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++)
    out[i] = wide ? ((bits[2 * i]! >>> 5) * 67108864 + (bits[2 * i + 1]! >>> 6)) / 9007199254740992 : (bits[i]! >>> 8) / 16777216
  return out
}

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
