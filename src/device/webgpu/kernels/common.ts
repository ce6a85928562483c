/**
 * Shared pieces of the generated WGSL: the uniform block, the 2D-folded workgroup index, output
 * allocation, and dimension collapsing (fewer, longer axes → cheaper index math).
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { GpuContext } from "../context.js"
import { storageBytes, wgslType } from "../dtype.js"
import type { GpuStorage } from "../memory.js"

export const WG = 256

/** A kernel of the backend table: inputs already validated by the primitive's shape rule. */
export type GpuKernel<Params> = (
  g: GpuContext,
  xs: ReadonlyArray<GpuStorage>,
  inAvals: ReadonlyArray<Aval>,
  params: Params,
  out: Aval,
) => GpuStorage

/** `enable f16;` when any dtype needs it. */
export const enables = (dtypes: ReadonlyArray<DType>): string => (dtypes.includes("f16") ? "enable f16;\n" : "")

/** The uniform block of `n` u32 words and its accessor `p(i)`. */
export const uniforms = (n: number): string =>
  `struct Params { d: array<vec4<u32>, ${Math.max(1, Math.ceil(n / 4))}> }
@group(0) @binding(0) var<uniform> params: Params;
fn p(i: u32) -> u32 { return params.d[i / 4u][i % 4u]; }
fn ps(i: u32) -> i32 { return bitcast<i32>(p(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(p(i)); }
fn bits(b: u32) -> f32 { return bitcast<f32>(b); }
`

/** Storage binding declaration. */
export const binding = (i: number, name: string, type: string, write = false): string =>
  `@group(0) @binding(${i}) var<storage, ${write ? "read_write" : "read"}> ${name}: array<${type}>;\n`

/** Entry point header with the flat invocation index `gid` (workgroups folded into 2D by the dispatcher). */
export const main = (wg = WG): string =>
  `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  let gid = group * ${wg}u + lid;
`

/** Words for a uniform block, with signed and float helpers. */
export class Words {
  readonly w: number[] = []
  u(...xs: number[]): this {
    for (const x of xs) this.w.push(x >>> 0)
    return this
  }
  f(x: number): this {
    f32[0] = x
    this.w.push(u32[0]!)
    return this
  }
  get length(): number {
    return this.w.length
  }
  build(): Uint32Array {
    return Uint32Array.from(this.w)
  }
}
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** Fresh storage for `out`. */
export const alloc = (g: GpuContext, out: Aval): GpuStorage => g.pool.alloc(storageBytes(out.dtype, numel(out.shape)), false)

export const T = (d: DType): string => wgslType(d)

/**
 * A WGSL test that float expression `x` (f32 or f16) is NaN. NOTE: WGSL lets implementations
 * assume no NaN, so `x != x` may fold to false; the f32 bit pattern is tested instead (exponent
 * all ones, mantissa non-zero).
 */
export const isNan = (x: string): string => `((bitcast<u32>(f32(${x})) & 0x7fffffffu) > 0x7f800000u)`

/** A WGSL test that float expression `x` is ±Inf (bit pattern, as `isNan`). */
export const isInf = (x: string): string => `((bitcast<u32>(f32(${x})) & 0x7fffffffu) == 0x7f800000u)`

/** A WGSL test of float expression `x`'s sign bit (true for -0 and negative NaNs, unlike `x < 0`). */
export const signBit = (x: string): string => `((bitcast<u32>(f32(${x})) & 0x80000000u) != 0u)`

/** Whether dtype `d` holds floats (and so NaN). */
export const isFloat = (d: DType): boolean => d === "f32" || d === "f16" || d === "f64"

/**
 * A literal of dtype `d`. Floats go through their f32 bits (exact); ±inf and NaN through the
 * function `bits` (declared with the uniforms), because constant expressions may not be infinite.
 */
export const lit = (x: number, d: DType): string => {
  if (d === "i32") return `i32(${Math.max(-2147483647, Math.min(2147483647, Math.trunc(x)))})`
  if (d === "bool") return x !== 0 ? "1u" : "0u"
  f32[0] = x
  return Number.isFinite(x) ? `${T(d)}(bitcast<f32>(${u32[0]!}u))` : `${T(d)}(bits(${u32[0]!}u))`
}

/**
 * Collapse axes: drop size-1 axes and merge neighbours that every stride vector walks
 * contiguously. `strides[k]` are per-axis strides of operand k over `shape`.
 */
export const collapse = (
  shape: ReadonlyArray<number>,
  strides: ReadonlyArray<ReadonlyArray<number>>,
): { shape: number[]; strides: number[][] } => {
  const sh: number[] = []
  const st: number[][] = strides.map(() => [])
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue
    const last = sh.length - 1
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * shape[i]!)) {
      sh[last] = sh[last]! * shape[i]!
      strides.forEach((s, k) => (st[k]![last] = s[i]!))
    } else {
      sh.push(shape[i]!)
      strides.forEach((s, k) => st[k]!.push(s[i]!))
    }
  }
  return { shape: sh, strides: st }
}
