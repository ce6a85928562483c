/**
 * Threefry-2x32 (20 rounds), the counter-based generator behind keys: a keyed bijection of 64-bit
 * counters. It lives in the contract so that the `threefry` primitive's kernels (CPU and WebGPU)
 * and the host samplers share one definition, and with it the uniform-float mapping from words.
 *
 * @since 0.1.0
 */

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0
/** The rotation constants of Threefry-2x32. */
export const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const
/** The key-schedule parity constant of Threefry. */
export const PARITY = 0x1bd11bda
/** The first counter word of the random-bits stream (split and foldIn use 0 and 1). */
export const BITS_SALT = 0x9e3779b9

/** Threefry-2x32 of the counter `(x0, x1)` under key `k` (unsigned 32-bit words). */
export const threefry2x32 = (k: readonly [number, number], x0: number, x1: number): [number, number] => {
  const ks = [k[0] >>> 0, k[1] >>> 0, (PARITY ^ k[0] ^ k[1]) >>> 0]
  let a = (x0 + ks[0]!) >>> 0
  let b = (x1 + ks[1]!) >>> 0
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      a = (a + b) >>> 0
      b = rotl(b, ROTATIONS[(i % 2) * 4 + j]!) ^ a
    }
    a = (a + ks[(i + 1) % 3]!) >>> 0
    b = (b + ks[(i + 2) % 3]! + i + 1) >>> 0
  }
  return [a, b]
}

/**
 * `n` uniform floats in [0, 1) from key `k`: 53 bits from two words (pair i) for f64, 24 bits of
 * one word (word i mod 2 of pair ⌊i/2⌋) otherwise; pair i is Threefry of `(BITS_SALT, i)`.
 */
export const uniformFromKey = (
  k: readonly [number, number],
  n: number,
  wide: boolean,
  out: { [i: number]: number } = new Float64Array(n),
  at = 0,
): { [i: number]: number } => {
  if (wide)
    for (let i = 0; i < n; i++) {
      const [a, b] = threefry2x32(k, BITS_SALT, i)
      out[at + i] = ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992
    }
  else
    for (let i = 0; i < n; i += 2) {
      const [a, b] = threefry2x32(k, BITS_SALT, i >>> 1)
      out[at + i] = (a >>> 8) / 16777216
      if (i + 1 < n) out[at + i + 1] = (b >>> 8) / 16777216
    }
  return out
}
