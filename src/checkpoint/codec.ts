/**
 * Tensor values ↔ safetensors bytes. typegrad's dtypes map one to one (f32 F32, f64 F64, i32 I32,
 * bool BOOL, f16 F16); when reading files written elsewhere, the dtypes that convert exactly are
 * widened (BF16 → f32; I8, U8, I16, U16 → i32; I64, U32, U64 → i32 when every value fits; F16 →
 * f32 on a device without f16).
 *
 * @since 0.1.0
 */
import { CheckpointError } from "../errors.js"
import type { DType } from "../shape/index.js"
import type { RawTensor } from "./format.js"

/** The host data of one tensor as typegrad stores it (f16 values held in a Float32Array). */
export type HostData = Float32Array | Float64Array | Int32Array | Uint8Array

/** The safetensors dtype each typegrad dtype is written as. */
export const safeDType: Readonly<Record<DType, string>> = { f32: "F32", f64: "F64", i32: "I32", bool: "BOOL", f16: "F16" }

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** f16 bits of a number, rounding to nearest even (values already on the f16 grid are exact). */
export const f16Bits = (x: number): number => {
  if (Number.isNaN(x)) return 0x7e00
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0
  const a = Math.abs(x)
  if (a >= 65520) return sign | 0x7c00 // rounds to infinity
  let e = Math.max(Math.floor(Math.log2(a)), -14)
  if (a > 0 && 2 ** e > a) e-- // log2 rounding near powers of two
  if (e < -14) e = -14
  const q = a / 2 ** (e - 10) // the significand in units of the last place
  let m = Math.round(q)
  if (m - q === 0.5 && m % 2 === 1) m-- // ties to even (Math.round rounds ties up)
  if (e === -14 && m < 1024) return sign | m // subnormal (or zero)
  if (m === 2048) return sign | ((e + 16) << 10) // rounded up into the next binade
  return sign | ((e + 15) << 10) | (m - 1024)
}

/** The number an f16 bit pattern stands for. */
export const f16Value = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const m = h & 0x3ff
  if (e === 0) return sign * m * 2 ** -24
  if (e === 31) return m === 0 ? sign * Infinity : NaN
  return sign * (1024 + m) * 2 ** (e - 25)
}

/** The little-endian bytes of `data` written as `dtype` (a view when the host is little-endian). */
export const toBytes = (dtype: DType, data: HostData): Uint8Array => {
  if (dtype === "f16") {
    const out = new Uint8Array(data.length * 2)
    const v = view(out)
    for (let i = 0; i < data.length; i++) v.setUint16(i * 2, f16Bits(data[i]!), true)
    return out
  }
  if (dtype === "bool") return Uint8Array.from(data, (x) => (x !== 0 ? 1 : 0))
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const out = new Uint8Array(data.byteLength)
  const v = view(out)
  if (data instanceof Float64Array) data.forEach((x, i) => v.setFloat64(i * 8, x, true))
  else if (data instanceof Int32Array) data.forEach((x, i) => v.setInt32(i * 4, x, true))
  else data.forEach((x, i) => v.setFloat32(i * 4, x, true))
  return out
}

const scratch = new DataView(new ArrayBuffer(4))
type Getter = (v: DataView, at: number) => number
const getters: Readonly<Record<string, readonly [DType, number, Getter]>> = {
  F32: ["f32", 4, (v, at) => v.getFloat32(at, true)],
  F64: ["f64", 8, (v, at) => v.getFloat64(at, true)],
  I32: ["i32", 4, (v, at) => v.getInt32(at, true)],
  F16: ["f16", 2, (v, at) => f16Value(v.getUint16(at, true))],
  BF16: ["f32", 2, (v, at) => (scratch.setUint32(0, v.getUint16(at, true) << 16), scratch.getFloat32(0))], // bf16 is f32's top half
  BOOL: ["bool", 1, (v, at) => (v.getUint8(at) !== 0 ? 1 : 0)],
  U8: ["i32", 1, (v, at) => v.getUint8(at)],
  I8: ["i32", 1, (v, at) => v.getInt8(at)],
  I16: ["i32", 2, (v, at) => v.getInt16(at, true)],
  U16: ["i32", 2, (v, at) => v.getUint16(at, true)],
  U32: ["i32", 4, (v, at) => v.getUint32(at, true)],
  I64: ["i32", 8, (v, at) => Number(v.getBigInt64(at, true))],
  U64: ["i32", 8, (v, at) => Number(v.getBigUint64(at, true))],
}

/**
 * The typegrad dtype a safetensors dtype reads as (undefined when it has none); F16 reads as f32,
 * exactly, on a device without f16.
 */
export const readDType = (dtype: string, f16: boolean): DType | undefined => {
  const d = getters[dtype]?.[0]
  return d === "f16" && !f16 ? "f32" : d
}

/** Host data of a raw tensor (a fresh, aligned copy), converted to the dtype `readDType` names. */
export const fromBytes = (name: string, raw: RawTensor, path: string, f16: boolean): { readonly dtype: DType; readonly data: HostData } => {
  const g = getters[raw.dtype]
  if (g === undefined)
    throw new CheckpointError({
      reason: "dtype",
      path,
      message: `${path}: tensor "${name}" has dtype ${raw.dtype}, which typegrad cannot hold (it reads F64, F32, F16, BF16, I64, I32, U32, I16, U16, I8, U8 and BOOL)`,
    })
  const [, size, get] = g
  const dtype = readDType(raw.dtype, f16)!
  const n = raw.bytes.length / size
  if (littleEndian && (raw.dtype === "F32" || raw.dtype === "F64" || raw.dtype === "I32")) {
    const copy = new ArrayBuffer(raw.bytes.length) // aligned, and never a view of a pooled Buffer
    new Uint8Array(copy).set(raw.bytes)
    return {
      dtype,
      data: raw.dtype === "F32" ? new Float32Array(copy) : raw.dtype === "F64" ? new Float64Array(copy) : new Int32Array(copy),
    }
  }
  const data =
    dtype === "f64" ? new Float64Array(n) : dtype === "i32" ? new Int32Array(n) : dtype === "bool" ? new Uint8Array(n) : new Float32Array(n)
  const v = view(raw.bytes)
  for (let i = 0; i < n; i++) {
    const x = get(v, i * size)
    if (dtype === "i32" && (x > 2147483647 || x < -2147483648))
      throw new CheckpointError({
        reason: "value",
        path,
        message: `${path}: tensor "${name}" (${raw.dtype}) holds ${x} at flat index ${i}, outside the i32 range typegrad reads it as`,
      })
    data[i] = x
  }
  return { dtype, data }
}
