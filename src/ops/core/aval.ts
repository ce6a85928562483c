/**
 * Abstract values (shape + dtype) and host storage helpers shared by every backend.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { DTypeError, OutOfMemory } from "../../errors.js"

/** The abstract value of a tensor: what the shape rules and the staged IR see. */
export interface Aval {
  readonly shape: ReadonlyArray<number>
  readonly dtype: DType
}

/** Host-side storage of a tensor: one typed array per dtype (f16 is held as f32 on the host; bool as 0/1 bytes). */
export type HostArray = Float32Array | Float64Array | Int32Array | Uint8Array

export { numel, stridesOf } from "../../shape/index.js"

export const isFloat = (d: DType): boolean => d === "f32" || d === "f64" || d === "f16"
/** A DTypeError unless `dtype` is a float: for composites whose integer form would silently truncate (mean, variance, avgPool2d, reciprocal). */
export const requireFloat = (op: string, dtype: DType): void => {
  if (!isFloat(dtype)) throw new DTypeError({ op, dtypes: [dtype], message: `${op}: expected a float tensor, got ${dtype}` })
}

/** The dtype a host array holds (undefined for any other array type). */
export const hostDType = (a: ArrayLike<number>): DType | undefined =>
  a instanceof Float32Array
    ? "f32"
    : a instanceof Float64Array
      ? "f64"
      : a instanceof Int32Array
        ? "i32"
        : a instanceof Uint8Array
          ? "bool"
          : undefined

/** Allocate zeroed host storage for `n` elements of dtype `d` (a refusal by the engine is `OutOfMemory`). */
export const hostAlloc = (d: DType, n: number): HostArray => {
  try {
    switch (d) {
      case "f32":
      case "f16":
        return new Float32Array(n)
      case "f64":
        return new Float64Array(n)
      case "i32":
        return new Int32Array(n)
      case "bool":
        return new Uint8Array(n)
    }
  } catch (e) {
    // the engine refused the array (over its length limit, or the host is out of memory)
    if (!(e instanceof RangeError)) throw e
    const bytes = n * hostBytes(d)
    throw new OutOfMemory({ bytes, message: `host: cannot allocate ${n} elements of ${d} (${bytes} bytes): ${e.message}` })
  }
}

/**
 * A fresh copy of host data (what readers outside the library get: tensors are immutable). Large
 * arrays are copied as raw bytes, which skips zero-filling the new array first.
 */
export const hostCopy = <A extends HostArray>(a: A): A => {
  if (a.length < 4096) return a.slice() as A
  const C = a.constructor as new (b: ArrayBuffer) => A
  return new C((a.buffer as ArrayBuffer).slice(a.byteOffset, a.byteOffset + a.byteLength))
}

/** Bytes per element of a dtype's host array (f16 is held as f32 on the host, bool as bytes). */
export const hostBytes = (d: DType): number => (d === "f64" ? 8 : d === "bool" ? 1 : 4)

/** Copy `src` into fresh storage of dtype `d` with the dtype's conversion semantics (truncation toward zero for ints, !=0 for bool). */
export const hostConvert = (src: ArrayLike<number>, d: DType): HostArray => {
  const out = hostAlloc(d, src.length)
  if (d === "bool") for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0
  else if (d === "i32") for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!)
  else if (d === "f16") for (let i = 0; i < src.length; i++) out[i] = roundF16(src[i]!)
  else out.set(src)
  return out
}

/** Round an f32 value to the nearest f16 (ties to even), returned as a number. */
export const roundF16 = (x: number): number => {
  if (!Number.isFinite(x)) return x
  const a = Math.abs(x)
  if (a >= 65520) return x > 0 ? Infinity : -Infinity
  if (a < 2 ** -24) return 0 * Math.sign(x)
  const e = Math.floor(Math.log2(a))
  const quantum = 2 ** (Math.max(e, -14) - 10)
  const q = a / quantum
  let r = Math.round(q)
  if (Math.abs(q - Math.trunc(q) - 0.5) < 1e-12 && r % 2 === 1) r -= 1
  return Math.sign(x) * r * quantum
}

/** Type-level names of each dtype's host array. */
export interface HostOf {
  f32: Float32Array
  f16: Float32Array
  f64: Float64Array
  i32: Int32Array
  bool: Uint8Array
}

/** The dtype of a host typed array given without an explicit dtype. */
export const dtypeOfHost = (a: HostArray | ArrayLike<number>, op: string): DType => {
  if (a instanceof Float32Array) return "f32"
  if (a instanceof Float64Array) return "f64"
  if (a instanceof Int32Array) return "i32"
  if (a instanceof Uint8Array) return "bool"
  throw new DTypeError({ op, message: `${op}: cannot infer a dtype from ${Object.prototype.toString.call(a)}`, dtypes: [] })
}

/** Promotion lattice bool < i32 < f16 < f32 < f64 (runtime twin of the type-level `Promote`). */
const rank: Record<DType, number> = { bool: 0, i32: 1, f16: 2, f32: 3, f64: 4 }
export const promote = (a: DType, b: DType): DType => (rank[a] >= rank[b] ? a : b)
