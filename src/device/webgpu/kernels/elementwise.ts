/**
 * Elementwise kernels generated from each primitive's WGSL expression. Broadcasting goes through
 * per-operand strides in the uniform block, so one pipeline serves every shape of a given rank
 * and broadcast pattern; contiguous f32 kernels load and store vec4.
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/aval.js"
import { compareWgsl } from "../../../ops/binary.js"
import type { CompareOp, PrimitiveName } from "../../../ops/primitive.js"
import { primitives } from "../../../ops/registry.js"
import { broadcastStrides, contiguous } from "../../cpu/strided.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import { alloc, binding, collapse, enables, main, T, uniforms, WG, Words, type GpuKernel } from "./common.js"

/** One scalar function of a kernel: `fn name(a: Ta, b: Tb, ...) -> Tout { return expr; }`. */
export interface ScalarFn {
  readonly expr: string
  readonly ins: ReadonlyArray<DType>
  readonly out: DType
}

/** The WGSL expression (over `a`, `b`, `c`) of an elementwise primitive at the given dtypes. */
export const scalarFn = (prim: PrimitiveName, params: unknown, ins: ReadonlyArray<DType>, out: DType): ScalarFn => {
  switch (prim) {
    case "compare":
      return { expr: `select(0u, 1u, a ${compareWgsl[(params as { op: CompareOp }).op]} b)`, ins, out }
    case "where":
      return { expr: "select(c, b, a != 0u)", ins, out }
    case "cast":
      return { expr: out === "bool" ? `select(0u, 1u, a != ${T(ins[0]!)}(0))` : ins[0] === out ? "a" : `${T(out)}(a)`, ins, out }
    case "stopGradient":
      return { expr: "a", ins, out }
    default: {
      const w = primitives[prim].wgsl
      if (w === undefined) throw new Error(`webgpu: ${prim} is not elementwise`)
      return { expr: w, ins, out }
    }
  }
}

const fnDecl = (name: string, f: ScalarFn, vec: boolean): string => {
  const ty = (d: DType) => (vec ? `vec4<${T(d)}>` : T(d))
  const args = f.ins.map((d, i) => `${"abc"[i]}: ${ty(d)}`).join(", ")
  return `fn ${name}(${args}) -> ${ty(f.out)} { return ${f.expr}; }\n`
}

/** How an operand is indexed from the output index. */
type Mode = "same" | "scalar" | "strided"

/**
 * Run `fn` elementwise over broadcast operands. `extra` lets fusion pass a body of several
 * statements instead of one function call: it maps input names to a result expression.
 */
export const elementwise = (
  g: GpuContext,
  xs: ReadonlyArray<GpuStorage>,
  inAvals: ReadonlyArray<Aval>,
  out: Aval,
  decls: string,
  body: (names: ReadonlyArray<string>) => { readonly lines: string; readonly result: string },
  vecDecls?: string,
): GpuStorage => {
  const y = alloc(g, out)
  const n = numel(out.shape)
  if (n === 0) return y
  const cs = contiguous(out.shape)
  const col = collapse(out.shape, [cs, ...inAvals.map((a) => broadcastStrides(a.shape, out.shape))])
  const rank = col.shape.length
  const outSt = col.strides[0]!
  const modes: Mode[] = inAvals.map((a, k) => {
    const st = col.strides[k + 1]!
    if (numel(a.shape) === 1) return "scalar"
    return st.every((s, d) => s === outSt[d]) ? "same" : "strided"
  })
  const dtypes = [...inAvals.map((a) => a.dtype), out.dtype]
  const vec = vecDecls !== undefined && n % 4 === 0 && modes.every((m) => m !== "strided") && dtypes.every((d) => d === "f32")
  const w = new Words().u(vec ? n / 4 : n)
  if (!vec) w.u(...col.shape)
  const strideAt: number[] = []
  modes.forEach((m, k) => {
    if (m === "strided") ((strideAt[k] = w.length), w.u(...col.strides[k + 1]!))
  })
  let src = enables(dtypes) + uniforms(w.length)
  inAvals.forEach((a, k) => (src += binding(k + 1, `x${k}`, vec && modes[k] === "same" ? "vec4<f32>" : T(a.dtype))))
  src += binding(inAvals.length + 1, "y", vec ? "vec4<f32>" : T(out.dtype), true)
  src += vec ? vecDecls : decls
  src += main() + "  if (gid >= p(0)) { return; }\n"
  if (modes.includes("strided")) {
    src += "  var r = gid;\n"
    for (let d = rank - 1; d >= 1; d--) src += `  let c${d} = r % p(${1 + d}u); r = r / p(${1 + d}u);\n`
    src += "  let c0 = r;\n"
  }
  const names = modes.map((m, k) => {
    if (m === "same") return `x${k}[gid]`
    if (m === "scalar") return vec ? `vec4<f32>(x${k}[0])` : `x${k}[0]`
    const idx = Array.from({ length: rank }, (_, d) => `c${d} * p(${strideAt[k]! + d}u)`).join(" + ")
    return `x${k}[${idx}]`
  })
  const b = body(names)
  src += b.lines + `  y[gid] = ${b.result};\n}\n`
  g.dispatch(src, [...xs, y], w.build(), Math.ceil((vec ? n / 4 : n) / WG))
  return y
}

/** The kernel of one elementwise primitive. */
export const ewKernel = (prim: PrimitiveName): GpuKernel<unknown> => (g, xs, inAvals, params, out) => {
  const f = scalarFn(prim, params, inAvals.map((a) => a.dtype), out.dtype)
  const call = (names: ReadonlyArray<string>) => ({ lines: "", result: `f(${names.join(", ")})` })
  return elementwise(g, xs, inAvals, out, fnDecl("f", f, false), call, fnDecl("f", f, true))
}

export { fnDecl }
