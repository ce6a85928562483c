/**
 * Generated strided loops for the CPU backend. Every elementwise kernel and every copy is one
 * N-ary map `out[o] = expr(in0[p0], in1[p1], …)` over a shape, with per-operand offsets and strides.
 * Each (expression, array types, rank, inner-stride pattern) gets its own function built once with
 * `new Function` and cached by its source text, so V8 sees monomorphic typed-array accesses and no
 * per-element closure calls. Where `new Function` is unavailable (a CSP without `unsafe-eval`) the
 * same loops run through one generic closure.
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/core/aval.js"
import { broadcastStrides, stridesOf } from "../../shape/index.js"
import { canGenerate } from "./eval.js"

/** An operand of a map: its array, offset and strides over the map's shape (0 on broadcast axes). */
export interface Operand {
  readonly data: ArrayLike<number>
  readonly offset: number
  readonly strides: ReadonlyArray<number>
}

/**
 * A scalar expression over the operands' values, written in JS (`js`), and the same as a function
 * (`f`: called by expressions without an inline form, and by the fallback). `name` identifies both.
 */
export interface Expr {
  readonly name: string
  readonly js: (args: ReadonlyArray<string>) => string
  readonly f: (...xs: number[]) => number
}

type Kernel = (out: HostArray, oOff: number, oStr: ReadonlyArray<number>, ins: ReadonlyArray<Operand>, shape: ReadonlyArray<number>) => void

const bySource = new Map<string, Kernel>()

const typeName = (x: ArrayLike<number>): string =>
  x instanceof Float32Array
    ? "F32"
    : x instanceof Float64Array
      ? "F64"
      : x instanceof Int32Array
        ? "I32"
        : x instanceof Uint8Array
          ? "U8"
          : "Arr"

/** Source of the loop nest for `nIn` operands at rank `r`; `inner[k]` is the innermost stride class of operand k (0, 1 or "s"). */
const source = (e: Expr, types: ReadonlyArray<string>, r: number, inner: ReadonlyArray<0 | 1 | "s">): string => {
  const nIn = inner.length - 1 // inner[0] is the output
  const L: string[] = [`// ${e.name} ${types.join(",")} rank ${r} inner ${inner.join(",")}`]
  L.push("const I = ins;")
  for (let k = 0; k < nIn; k++) L.push(`const a${k} = I[${k}].data, s${k} = I[${k}].strides, q${k}_0 = I[${k}].offset;`)
  for (let d = 0; d < r; d++) {
    L.push(`const n${d} = shape[${d}], o${d}s = oStr[${d}];`)
    for (let k = 0; k < nIn; k++) L.push(`const a${k}s${d} = s${k}[${d}];`)
  }
  L.push("let p_0 = oOff;")
  const ptr = (k: number, d: number) => (k < 0 ? `p_${d}` : `q${k}_${d}`)
  // outer loops over axes 0..r-2 carry one running offset per operand
  for (let d = 0; d < r - 1; d++) {
    const inits = [`i${d} = 0`, `p_${d + 1} = p_${d}`, ...Array.from({ length: nIn }, (_, k) => `q${k}_${d + 1} = q${k}_${d}`)]
    const steps = [`i${d}++`, `p_${d + 1} += o${d}s`, ...Array.from({ length: nIn }, (_, k) => `q${k}_${d + 1} += a${k}s${d}`)]
    L.push(`for (let ${inits.join(", ")}; i${d} < n${d}; ${steps.join(", ")}) {`)
  }
  const d = r - 1
  const at = (k: number) => {
    const cls = inner[k + 1]!
    return cls === 0 ? `a${k}[${ptr(k, d)}]` : cls === 1 ? `a${k}[${ptr(k, d)} + j]` : `a${k}[${ptr(k, d)} + j * a${k}s${d}]`
  }
  // operands constant along the inner axis are loaded once per row
  const args: string[] = []
  for (let k = 0; k < nIn; k++) {
    if (inner[k + 1] === 0) {
      L.push(`const v${k} = ${at(k)};`)
      args.push(`v${k}`)
    } else args.push(at(k))
  }
  const dst = inner[0] === 1 ? `out[p_${d} + j]` : `out[p_${d} + j * o${d}s]`
  L.push(`for (let j = 0; j < n${d}; j++) ${dst} = ${e.js(args)};`)
  for (let k = 0; k < r - 1; k++) L.push("}")
  return L.join("\n")
}

/** The generic closure used when code generation is unavailable (same semantics, slower). */
const fallback = (e: Expr): Kernel => {
  const f = e.f
  return (out, oOff, oStr, ins, shape) => {
    const r = shape.length
    const idx = new Array<number>(r).fill(0)
    const vals = new Array<number>(ins.length)
    const n = shape.reduce((a, b) => a * b, 1)
    for (let c = 0; c < n; c++) {
      let o = oOff
      for (let d = 0; d < r; d++) o += idx[d]! * oStr[d]!
      for (let k = 0; k < ins.length; k++) {
        let p = ins[k]!.offset
        for (let d = 0; d < r; d++) p += idx[d]! * ins[k]!.strides[d]!
        vals[k] = ins[k]!.data[p]!
      }
      out[o] = f(...vals)
      for (let d = r - 1; d >= 0 && ++idx[d]! === shape[d]!; d--) idx[d] = 0
    }
  }
}

/** The array type as a small code (the kernel cache key packs one per operand). */
const typeCode = (x: ArrayLike<number>): number =>
  x instanceof Float32Array ? 0 : x instanceof Float64Array ? 1 : x instanceof Int32Array ? 2 : x instanceof Uint8Array ? 3 : 4
const classCode = { 0: 0, 1: 1, s: 2 } as const
/** Generated kernels by expression name, then by a number packing rank, array types and inner stride classes (no string per call). */
const byCode = new Map<string, Map<number, Kernel>>()

const kernelFor = (e: Expr, out: HostArray, ins: ReadonlyArray<Operand>, r: number, inner: ReadonlyArray<0 | 1 | "s">): Kernel => {
  if (!canGenerate()) return fallback(e)
  // exact in a double for any operand count an expression has (5 bits per operand, 2^53 in all)
  let code = r * 32 + typeCode(out) * 4 + classCode[inner[0]!]
  for (let k = 0; k < ins.length; k++) code = code * 32 + typeCode(ins[k]!.data) * 4 + classCode[inner[k + 1]!]
  let table = byCode.get(e.name)
  if (table === undefined) byCode.set(e.name, (table = new Map()))
  let k = table.get(code)
  if (k !== undefined) return k
  const src = source(e, [typeName(out), ...ins.map((o) => typeName(o.data))], r, inner)
  k = bySource.get(src)
  if (k === undefined) {
    k = new Function("f", `return function map(out, oOff, oStr, ins, shape) {\n${src}\n}`)(e.f) as Kernel
    bySource.set(src, k)
  }
  table.set(code, k)
  return k
}

/**
 * out[oOff + Σ i·oStr] = expr(in_k[off_k + Σ i·str_k]) for every index i of `shape`.
 * Axes are first merged where every operand is contiguous across them and size-1 axes dropped,
 * so same-shape, scalar and row-broadcast operands all run as one or two flat loops.
 */
export const stridedMap = (
  e: Expr,
  out: HostArray,
  oOff: number,
  oStr: ReadonlyArray<number>,
  ins: ReadonlyArray<Operand>,
  shape: ReadonlyArray<number>,
): void => {
  const nIn = ins.length
  const sh: number[] = [],
    os: number[] = []
  const is: number[][] = ins.map(() => [])
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!
    if (n === 0) return
    if (n === 1) continue
    const m = sh.length - 1
    // merge axis d into the previous kept axis when every operand steps through it contiguously
    let merge = m >= 0 && os[m] === oStr[d]! * n
    for (let k = 0; merge && k < nIn; k++) merge = is[k]![m] === ins[k]!.strides[d]! * n
    if (merge) {
      sh[m] = sh[m]! * n
      os[m] = oStr[d]!
      for (let k = 0; k < nIn; k++) is[k]![m] = ins[k]!.strides[d]!
    } else {
      sh.push(n)
      os.push(oStr[d]!)
      for (let k = 0; k < nIn; k++) is[k]!.push(ins[k]!.strides[d]!)
    }
  }
  if (sh.length === 0) {
    sh.push(1)
    os.push(1)
    for (let k = 0; k < nIn; k++) is[k]!.push(0)
  }
  const r = sh.length
  const cls = (s: number): 0 | 1 | "s" => (s === 0 ? 0 : s === 1 ? 1 : "s")
  const inner = [cls(os[r - 1]!), ...is.map((s) => cls(s[r - 1]!))]
  const ops = ins.map((o, k) => ({ data: o.data, offset: o.offset, strides: is[k]! }))
  kernelFor(e, out, ops, r, inner)(out, oOff, os, ops, sh)
}

/** Row-major strides of a contiguous shape. */
export const contiguous = stridesOf

/** The identity expression: a copy. */
export const copyExpr: Expr = { name: "copy", js: ([a]) => a!, f: (a) => a }

/** Elementwise `expr` of contiguous inputs broadcast to `outShape`, written to a fresh contiguous `out`. */
export const broadcastMap = (
  e: Expr,
  xs: ReadonlyArray<ArrayLike<number>>,
  shapes: ReadonlyArray<ReadonlyArray<number>>,
  out: HostArray,
  outShape: ReadonlyArray<number>,
): HostArray => {
  stridedMap(
    e,
    out,
    0,
    contiguous(outShape),
    xs.map((x, k) => ({ data: x, offset: 0, strides: broadcastStrides(shapes[k]!, outShape) })),
    outShape,
  )
  return out
}
