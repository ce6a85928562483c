/**
 * Reductions. The input is viewed as [outer, R, inner] (reduced axes contiguous; otherwise they
 * are transposed to the end first) and reduced in passes that each shrink R by a bounded factor,
 * so a float sum carries O(log R) roundings instead of O(R): long rows (inner = 1) give each
 * workgroup a chunk of ROW_CHUNK elements (ROW_PER_THREAD per thread, folded pairwise in
 * registers, then a tree in workgroup memory), everything else gives each thread COL_CHUNK
 * consecutive elements of one column (coalesced across `inner`). Partials stay in the accumulator type; the last pass writes the
 * output dtype. max and min propagate NaN (the bit pattern is tested, see `isNan`).
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import { alloc, binding, enables, isFloat, isNan, lit, main, T, uniforms, WG, type GpuKernel } from "./common.js"
import { transpose } from "./structural.js"

export type ReduceOp = "sum" | "prod" | "max" | "min"

/** Elements one thread folds pairwise in registers in a row pass, before the workgroup tree (a power of 2). */
const ROW_PER_THREAD = 16
/** Elements of a row one workgroup reduces per pass. */
const ROW_CHUNK = WG * ROW_PER_THREAD
/** Consecutive elements of a column one thread folds per pass. */
const COL_CHUNK = 16

/** `fn red_comb(a, b)`: the binary step of `op` over accumulator type `A` (NaN-propagating max/min). */
const combDecl = (op: ReduceOp, d: DType): string => {
  const A = T(d)
  const plain = op === "sum" ? "a + b" : op === "prod" ? "a * b" : `${op}(a, b)`
  // NOTE: WGSL's max/min may return the other operand when one is NaN; NumPy and JAX propagate it
  const body = (op === "max" || op === "min") && isFloat(d) ? `select(select(${plain}, b, ${isNan("b")}), a, ${isNan("a")})` : plain
  return `fn red_comb(a: ${A}, b: ${A}) -> ${A} { return ${body}; }\n`
}
// NOTE: i32's max identity is INT_MIN, which `lit` (clamping to ±INT_MAX) cannot write
const identity = (op: ReduceOp, d: DType): string =>
  d === "i32" && op === "max"
    ? "(-2147483647i - 1i)"
    : lit(op === "sum" ? 0 : op === "prod" ? 1 : d === "i32" ? 2147483647 : op === "max" ? -Infinity : Infinity, accType(d))
const accType = (d: DType): DType => (d === "f16" ? "f32" : d)

/** [outer, R, inner] view of `shape` reduced over sorted `axes`, or null if the axes are not one run. */
export const reduceView = (shape: ReadonlyArray<number>, axes: ReadonlyArray<number>): [number, number, number] | null => {
  const live = axes.filter((a) => shape[a] !== 1)
  if (live.length > 0 && live[live.length - 1]! - live[0]! + 1 !== live.length) {
    // a gap of size-1 axes is still one run
    for (let a = live[0]!; a <= live[live.length - 1]!; a++) if (!axes.includes(a) && shape[a] !== 1) return null
  }
  const first = live[0] ?? shape.length,
    last = live[live.length - 1] ?? shape.length - 1
  return [numel(shape.slice(0, first)), numel(live.map((a) => shape[a]!)), numel(shape.slice(last + 1))]
}

/**
 * Reduce `x` ([outer, R, inner] of dtype `d`) with `op`; `load` turns each loaded element into the
 * accumulated value (fusion passes an elementwise body there, applied in the first pass only).
 */
export const reduceRows = (
  g: GpuContext,
  xs: ReadonlyArray<GpuStorage>,
  inDTypes: ReadonlyArray<DType>,
  out: Aval,
  op: ReduceOp,
  [outer, R, inner]: readonly [number, number, number],
  load: (idx: string) => { readonly lines: string; readonly value: string } = (i) => ({ lines: "", value: `x0[${i}]` }),
  decls = "",
): GpuStorage => {
  const n = outer * inner
  if (n === 0 || R <= 1) return reducePass(g, xs, inDTypes, out, op, [outer, R, inner], 1, load, decls)
  const acc = accType(out.dtype)
  const plain = (i: string) => ({ lines: "", value: `x0[${i}]` })
  let src = xs,
    dts = inDTypes,
    ld = load,
    dc = decls,
    r = R
  let first = true
  for (;;) {
    const chunk = inner === 1 && r >= 64 ? ROW_CHUNK : COL_CHUNK
    const parts = Math.ceil(r / chunk)
    const last = parts === 1
    const y = reducePass(g, src, dts, last ? out : { shape: [outer, parts, inner], dtype: acc }, op, [outer, r, inner], parts, ld, dc)
    if (!first) src[0]!.release()
    if (last) return y
    first = false
    src = [y]
    dts = [acc]
    ld = plain
    dc = ""
    r = parts
  }
}

/** One pass: [outer, R, inner] → [outer, parts, inner], each part folding ⌈R / parts⌉ consecutive elements. */
const reducePass = (
  g: GpuContext,
  xs: ReadonlyArray<GpuStorage>,
  inDTypes: ReadonlyArray<DType>,
  out: Aval,
  op: ReduceOp,
  [outer, R, inner]: readonly [number, number, number],
  parts: number,
  load: (idx: string) => { readonly lines: string; readonly value: string },
  decls: string,
): GpuStorage => {
  const y = alloc(g, out)
  const n = outer * parts * inner
  if (n === 0) return y
  const accD = accType(out.dtype)
  const A = T(accD)
  let src = enables([...inDTypes, out.dtype]) + uniforms(5)
  inDTypes.forEach((d, k) => (src += binding(k + 1, `x${k}`, T(d))))
  src += binding(inDTypes.length + 1, "y", T(out.dtype), true) + decls + combDecl(op, accD)
  const step = (acc: string, idx: string) => {
    const l = load(idx)
    return `${l.lines}      ${acc} = red_comb(${acc}, ${A}(${l.value}));\n`
  }
  const chunk = Math.ceil(R / parts)
  const rowWise = inner === 1 && R >= 64
  if (rowWise) {
    // workgroup `group` reduces row group / parts, elements [c·chunk, (c+1)·chunk)
    src += `var<workgroup> part: array<${A}, ${WG}>;\n${main()}`
    src +=
      "  let R = p(1);\n  let parts = p(4);\n  let row = group / parts;\n  let k0 = (group % parts) * p(2);\n  let k1 = min(R, k0 + p(2));\n"
    src += `  var acc = ${identity(op, out.dtype)};\n`
    // each thread's ROW_PER_THREAD elements (strided by WG, coalesced) pairwise in registers, then the tree
    src += `  var v: array<${A}, ${ROW_PER_THREAD}>;\n  for (var j = 0u; j < ${ROW_PER_THREAD}u; j++) {\n    v[j] = acc;\n    let k = k0 + lid + j * ${WG}u;\n`
    src += `    if (group < p(0) && k < k1) {\n      let i = row * R + k;\n${step("v[j]", "i")}    }\n  }\n`
    for (let h = ROW_PER_THREAD / 2; h >= 1; h /= 2) src += `  for (var j = 0u; j < ${h}u; j++) { v[j] = red_comb(v[j], v[j + ${h}u]); }\n`
    src += "  acc = v[0];\n"
    src += "  part[lid] = acc;\n  workgroupBarrier();\n"
    for (let s = WG / 2; s >= 1; s /= 2)
      src += `  if (lid < ${s}u) { part[lid] = red_comb(part[lid], part[lid + ${s}u]); }\n  workgroupBarrier();\n`
    src += `  if (lid == 0u && group < p(0)) { y[group] = ${T(out.dtype)}(part[0]); }\n}\n`
  } else {
    // thread gid → (row o, part c, column i0), folding elements [c·chunk, (c+1)·chunk) of its column
    src += `${main()}  if (gid >= p(0)) { return; }\n  let R = p(1);\n  let inner = p(3);\n  let parts = p(4);\n`
    src +=
      "  let i0 = gid % inner;\n  let oc = gid / inner;\n  let o = oc / parts;\n  let k0 = (oc % parts) * p(2);\n  let k1 = min(R, k0 + p(2));\n"
    src += `  var acc = ${identity(op, out.dtype)};\n`
    src += `  for (var k = k0; k < k1; k++) {\n    let i = (o * R + k) * inner + i0;\n${step("acc", "i")}  }\n`
    src += `  y[gid] = ${T(out.dtype)}(acc);\n}\n`
  }
  g.dispatch(src, [...xs, y], new Uint32Array([n, R, chunk, inner, parts]), rowWise ? n : Math.ceil(n / WG))
  return y
}

/** Move the reduced axes to the end (a copy) so they form one run. */
const toEnd = (g: GpuContext, x: GpuStorage, ax: Aval, axes: ReadonlyArray<number>): [GpuStorage, [number, number, number]] => {
  const kept = ax.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const perm = [...kept, ...axes]
  const t = transpose(g, [x], [ax], { perm }, { shape: perm.map((p) => ax.shape[p]!), dtype: ax.dtype })
  const R = numel(axes.map((a) => ax.shape[a]!))
  return [t, [numel(ax.shape) / Math.max(R, 1), R, 1]]
}

const reduce =
  (op: ReduceOp): GpuKernel<{ readonly axes: ReadonlyArray<number> }> =>
  (g, [x], [ax], { axes }, out) => {
    const view = reduceView(ax!.shape, axes)
    if (view !== null) return reduceRows(g, [x!], [ax!.dtype], out, op, view)
    const [t, v] = toEnd(g, x!, ax!, axes)
    const y = reduceRows(g, [t], [ax!.dtype], out, op, [numel(out.shape), v[1], 1])
    t.release()
    return y
  }

export const reduceSum = reduce("sum")
export const reduceProd = reduce("prod")
export const reduceMax = reduce("max")
export const reduceMin = reduce("min")

// index of the first extremum (or first NaN) along one axis (one thread per output)
export const argReduce: GpuKernel<ParamsOf<"argReduce">> = (g, [x], [ax], { axis, op }, out) => {
  const y = alloc(g, out)
  const shape = ax!.shape
  const R = shape[axis]!,
    inner = numel(shape.slice(axis + 1)),
    n = numel(out.shape)
  if (n === 0) return y
  // the first NaN wins (as on the CPU and in NumPy): NaN compares false, so its bit pattern is tested
  const better = `v ${op === "max" ? ">" : "<"} best${isFloat(ax!.dtype) ? ` || (${isNan("v")} && !${isNan("best")})` : ""}`
  let src = enables([ax!.dtype]) + uniforms(3) + binding(1, "x", T(ax!.dtype)) + binding(2, "y", "i32", true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let R = p(1);\n  let inner = p(2);\n`
  src += "  let base = (gid / inner) * R * inner + gid % inner;\n  var best = x[base];\n  var arg = 0;\n"
  src += `  for (var k = 1u; k < R; k++) {\n    let v = x[base + k * inner];\n    if (${better}) { best = v; arg = i32(k); }\n  }\n  y[gid] = arg;\n}\n`
  g.dispatch(src, [x!, y], new Uint32Array([n, R, inner]), Math.ceil(n / WG))
  return y
}
