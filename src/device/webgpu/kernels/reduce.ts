/**
 * Reductions. The input is viewed as [outer, R, inner] (reduced axes contiguous; otherwise they
 * are transposed to the end first). Long rows (inner = 1) get one workgroup each with a tree
 * reduction in workgroup memory; everything else one thread per output walking R (coalesced
 * across `inner`).
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import { alloc, binding, enables, lit, main, nanTest, T, uniforms, WG, Words, type GpuKernel } from "./common.js"
import { transpose } from "./structural.js"

export type ReduceOp = "sum" | "prod" | "max" | "min"

const combineOf: Record<ReduceOp, (a: string, b: string) => string> = {
  sum: (a, b) => `${a} + ${b}`, prod: (a, b) => `${a} * ${b}`, max: (a, b) => `max(${a}, ${b})`, min: (a, b) => `min(${a}, ${b})`,
}
/** How `op` combines two accumulated values of dtype `d`: float max/min propagate NaN, as NumPy's do (WGSL's built-ins need not). */
const combineFor = (op: ReduceOp, d: DType) => (a: string, b: string): string =>
  (op === "max" || op === "min") && d !== "i32" ? `select(${combineOf[op](a, b)}, bits(0x7fc00000u), ${nanTest(a)} || ${nanTest(b)})` : combineOf[op](a, b)
const identity = (op: ReduceOp, d: DType): string =>
  lit(op === "sum" ? 0 : op === "prod" ? 1 : d === "i32" ? (op === "max" ? -2147483647 : 2147483647) : op === "max" ? -Infinity : Infinity, accType(d))
const accType = (d: DType): DType => (d === "f16" ? "f32" : d)

/** [outer, R, inner] view of `shape` reduced over sorted `axes`, or null if the axes are not one run. */
export const reduceView = (shape: ReadonlyArray<number>, axes: ReadonlyArray<number>): [number, number, number] | null => {
  const live = axes.filter((a) => shape[a] !== 1)
  if (live.length > 0 && live[live.length - 1]! - live[0]! + 1 !== live.length) {
    // a gap of size-1 axes is still one run
    for (let a = live[0]!; a <= live[live.length - 1]!; a++) if (!axes.includes(a) && shape[a] !== 1) return null
  }
  const first = live[0] ?? shape.length, last = live[live.length - 1] ?? shape.length - 1
  return [numel(shape.slice(0, first)), numel(live.map((a) => shape[a]!)), numel(shape.slice(last + 1))]
}

/**
 * Reduce `x` ([outer, R, inner] of dtype `d`) with `op`; `wrap` turns each loaded element into the
 * accumulated value (fusion passes an elementwise body there).
 */
export const reduceRows = (
  g: GpuContext, xs: ReadonlyArray<GpuStorage>, inDTypes: ReadonlyArray<DType>, out: Aval, op: ReduceOp,
  [outer, R, inner]: readonly [number, number, number],
  load: (idx: string) => { readonly lines: string; readonly value: string } = (i) => ({ lines: "", value: `x0[${i}]` }),
  decls = "",
): GpuStorage => {
  const y = alloc(g, out)
  const n = outer * inner
  if (n === 0) return y
  const A = T(accType(out.dtype))
  const combine = combineFor(op, accType(out.dtype))
  let src = enables([...inDTypes, out.dtype]) + uniforms(3)
  inDTypes.forEach((d, k) => (src += binding(k + 1, `x${k}`, T(d))))
  src += binding(inDTypes.length + 1, "y", T(out.dtype), true) + decls
  const step = (acc: string, idx: string) => {
    const l = load(idx)
    return `${l.lines}      ${acc} = ${combine(acc, `${A}(${l.value})`)};\n`
  }
  const rowWise = inner === 1 && R >= 64
  if (rowWise) {
    src += `var<workgroup> part: array<${A}, ${WG}>;\n` + main()
    src += `  let R = p(1);\n  var acc = ${identity(op, out.dtype)};\n`
    src += `  for (var k = lid; k < R; k += ${WG}u) {\n    let i = group * R + k;\n${step("acc", "i")}  }\n`
    src += "  part[lid] = acc;\n  workgroupBarrier();\n"
    for (let s = WG / 2; s >= 1; s /= 2)
      src += `  if (lid < ${s}u) { part[lid] = ${combine("part[lid]", `part[lid + ${s}u]`)}; }\n  workgroupBarrier();\n`
    src += `  if (lid == 0u && group < p(0)) { y[group] = ${T(out.dtype)}(part[0]); }\n}\n`
  } else {
    src += main() + `  if (gid >= p(0)) { return; }\n  let R = p(1);\n  let inner = p(2);\n`
    src += `  let o = gid / inner;\n  let i0 = gid % inner;\n  var acc = ${identity(op, out.dtype)};\n`
    src += `  for (var k = 0u; k < R; k++) {\n    let i = (o * R + k) * inner + i0;\n${step("acc", "i")}  }\n`
    src += `  y[gid] = ${T(out.dtype)}(acc);\n}\n`
  }
  g.dispatch(src, [...xs, y], new Uint32Array([n, R, inner]), rowWise ? outer : Math.ceil(n / WG))
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

const reduce = (op: ReduceOp): GpuKernel<{ readonly axes: ReadonlyArray<number> }> => (g, [x], [ax], { axes }, out) => {
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

// index of the first extremum along one axis (one thread per output); a NaN counts as the
// extremum, so the first NaN's index is returned (NumPy's argmax/argmin)
export const argReduce: GpuKernel<ParamsOf<"argReduce">> = (g, [x], [ax], { axis, op }, out) => {
  const y = alloc(g, out)
  const shape = ax!.shape
  const R = shape[axis]!, inner = numel(shape.slice(axis + 1)), n = numel(out.shape)
  if (n === 0) return y
  const cmp = op === "max" ? ">" : "<"
  const better = ax!.dtype === "i32" || ax!.dtype === "bool"
    ? `v ${cmp} best`
    : `(v ${cmp} best && !${nanTest("best")}) || (${nanTest("v")} && !${nanTest("best")})`
  let src = enables([ax!.dtype]) + uniforms(3) + binding(1, "x", T(ax!.dtype)) + binding(2, "y", "i32", true)
  src += main() + `  if (gid >= p(0)) { return; }\n  let R = p(1);\n  let inner = p(2);\n`
  src += "  let base = (gid / inner) * R * inner + gid % inner;\n  var best = x[base];\n  var arg = 0;\n"
  src += `  for (var k = 1u; k < R; k++) {\n    let v = x[base + k * inner];\n    if (${better}) { best = v; arg = i32(k); }\n  }\n  y[gid] = arg;\n}\n`
  g.dispatch(src, [x!, y], new Uint32Array([n, R, inner]), Math.ceil(n / WG))
  return y
}
