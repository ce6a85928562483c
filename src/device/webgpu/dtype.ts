/**
 * How each dtype lives on the GPU: WGSL element type, bytes per element and the host conversions
 * (bool is stored as u32, f16 as IEEE half bits; f64 never reaches the GPU).
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { DTypeError } from "../../errors.js"
import { hostAlloc, type HostArray } from "../../ops/core/aval.js"

/** WGSL scalar type of a dtype's storage. */
export const wgslType = (d: DType): string => {
  switch (d) {
    case "f32":
      return "f32"
    case "f16":
      return "f16"
    case "i32":
      return "i32"
    case "bool":
      return "u32"
    case "f64":
      throw new DTypeError({ op: "webgpu", dtypes: ["f64"], message: "webgpu: f64 is not supported on WebGPU (cast to f32 first)" })
  }
}

export const elemBytes = (d: DType): number => (d === "f16" ? 2 : 4)

/** Storage size in bytes, rounded up to the 4-byte multiple WebGPU requires (never 0). */
export const storageBytes = (d: DType, n: number): number => Math.max(4, Math.ceil((n * elemBytes(d)) / 4) * 4)

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** f32 → IEEE half bits, round to nearest even. */
export const toHalf = (x: number): number => {
  f32[0] = x
  const b = u32[0]!
  const sign = (b >>> 16) & 0x8000
  const exp = (b >>> 23) & 0xff
  let man = b & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (man !== 0 ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    man |= 0x800000
    const shift = 14 - e
    let h = man >>> shift
    const rem = man & ((1 << shift) - 1),
      half = 1 << (shift - 1)
    if (rem > half || (rem === half && (h & 1) === 1)) h++
    return sign | h
  }
  let h = (e << 10) | (man >>> 13)
  const rem = man & 0x1fff
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++
  return sign | h
}

/** IEEE half bits → number. */
export const fromHalf = (h: number): number => {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >>> 10) & 0x1f,
    m = h & 0x3ff
  if (e === 0) return s * m * 2 ** -24
  if (e === 0x1f) return m === 0 ? s * Infinity : NaN
  return s * (1 + m / 1024) * 2 ** (e - 15)
}

/** Host array → the bytes the GPU stores (bool → u32, f16 → half bits), padded to 4 bytes. */
export const toDevice = (h: HostArray, d: DType): Uint8Array<ArrayBuffer> => {
  const bytes = new Uint8Array(storageBytes(d, h.length))
  switch (d) {
    case "f32":
      new Float32Array(bytes.buffer, 0, h.length).set(h)
      break
    case "i32":
      new Int32Array(bytes.buffer, 0, h.length).set(h)
      break
    case "bool":
      new Uint32Array(bytes.buffer, 0, h.length).set(h)
      break
    case "f16": {
      const v = new Uint16Array(bytes.buffer, 0, h.length)
      for (let i = 0; i < h.length; i++) v[i] = toHalf(h[i]!)
      break
    }
    case "f64":
      wgslType("f64")
  }
  return bytes
}

/** GPU bytes → host array of `n` elements of dtype `d`. */
export const fromDevice = (buf: ArrayBuffer, d: DType, n: number): HostArray => {
  const out = hostAlloc(d, n)
  switch (d) {
    case "f32":
      out.set(new Float32Array(buf, 0, n))
      break
    case "i32":
      out.set(new Int32Array(buf, 0, n))
      break
    case "bool": {
      const v = new Uint32Array(buf, 0, n)
      for (let i = 0; i < n; i++) out[i] = v[i] !== 0 ? 1 : 0
      break
    }
    case "f16": {
      const v = new Uint16Array(buf, 0, n)
      for (let i = 0; i < n; i++) out[i] = fromHalf(v[i]!)
      break
    }
    case "f64":
      wgslType("f64")
  }
  return out
}
