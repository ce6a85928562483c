/**
 * Elementwise kernels generated from each primitive's WGSL expression. Broadcasting goes through
 * per-operand strides in the uniform block, so one pipeline serves every shape of a given rank
 * and broadcast pattern; contiguous f32 kernels load and store vec4.
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { CompareOp, ElementwiseName, ParamsOf } from "../../../ops/core/primitive.js"
import { sameShape, stridesOf as contiguous } from "../../../shape/index.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import {
  alloc,
  binding,
  collapse,
  enables,
  isFloat,
  isInf,
  isNan,
  main,
  signBit,
  T,
  uniforms,
  WG,
  Words,
  type GpuKernel,
} from "./common.js"
import type { PadMap } from "../../program-view.js"
import { InternalError } from "../../../errors.js"

/** One scalar function of a kernel: `fn name(a: Ta, b: Tb, ...) -> Tout { return expr; }`. */
export interface ScalarFn {
  readonly expr: string
  readonly ins: ReadonlyArray<DType>
  readonly out: DType
}

const compareWgsl: Record<CompareOp, string> = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "==", ne: "!=" }

/**
 * max/min of floats as NumPy's maximum/minimum and the CPU compute them: `a` when it wins or ties
 * (so max(-0, 0) = -0) or is NaN, else `b` (NaN when `b` is).
 */
const nanFirst = (op: "max" | "min"): string => `select(b, a, (a ${op === "max" ? ">=" : "<="} b && !${isNan("b")}) || ${isNan("a")})`
/**
 * Float → i32 as XLA converts: truncation toward zero, saturated at the i32 range, NaN → 0. WGSL
 * clamps at the largest f32 below 2³¹ (2147483520) and leaves NaN to the implementation.
 */
const floatToI32 = `select(select(i32(a), 2147483647i, f32(a) >= 2147483648.0), 0i, ${isNan("a")})`

/**
 * a^b with C99's (NumPy's, JAX's) special cases: WGSL's pow is exp2(b·log2(a)), defined for a > 0
 * only. |a|^b from the finite rule or the limits at 0 and ±Inf, then the sign of a negative base:
 * odd integer b keeps it, even integer b drops it, any other finite b gives NaN (except for -0
 * and -Inf); b = 0 or a = 1 give 1 even against NaN. Computed in f32.
 */
const powC99 = ((): string => {
  const a = "f32(a)",
    b = "f32(b)",
    inf = "bits(0x7f800000u)",
    nan = "bits(0x7fc00000u)"
  const ax = `abs(${a})`
  const mag =
    `select(select(select(pow(${ax}, ${b}), select(${inf}, 0.0, ${b} < 0.0), ${isInf("a")}), select(0.0, ${inf}, ${b} < 0.0), ${ax} == 0.0), ` +
    `select(select(0.0, ${inf}, (${ax} > 1.0) == (${b} > 0.0)), 1.0, ${ax} == 1.0), ${isInf("b")})`
  const isInt = `(fract(${b}) == 0.0)`,
    odd = `(abs(${b}) < 16777216.0 && ${isInt} && (i32(${b}) & 1) == 1)`
  const negBase = `(${signBit("a")} && !${isInf("b")})`
  const signed = `select(select(select(${nan}, ${mag}, ${isInf("a")} || ${a} == 0.0), ${mag}, ${isInt}), -${mag}, ${odd})`
  return `select(select(select(select(${mag}, ${signed}, ${negBase}), ${nan}, ${isNan("a")} || ${isNan("b")}), 1.0, ${a} == 1.0), 1.0, ${b} == 0.0)`
})()

type Wgsl<P extends ElementwiseName> = (params: ParamsOf<P>, ins: ReadonlyArray<DType>, out: DType) => string
const fixed = (expr: string) => (): string => expr

/**
 * The WGSL expression (over `a`, `b`, `c`) of every elementwise primitive. Total over the
 * elementwise primitives (`satisfies`), so a new one without a WGSL lowering is a compile error.
 */
export const wgslElementwise = {
  neg: fixed("-a"),
  exp: fixed("exp(a)"),
  // NOTE: WGSL has no expm1. Near 0 a degree-6 Taylor polynomial (relative error < 2e-8 for
  // |x| < 0.1); Kahan's (u - 1)·x / log(u) trick is folded away by shader compilers (log(exp(x)) = x)
  expm1: fixed(
    "select(exp(a) - 1.0, a * (1.0 + a * (0.5 + a * (0.16666667 + a * (0.041666668 + a * (0.008333334 + a * 0.0013888889))))), abs(a) < 0.1)",
  ),
  log: fixed("log(a)"),
  // NOTE: WGSL has no log1p. Near 0 a degree-7 Taylor polynomial (relative error < 2e-8 for
  // |x| < 0.1); the Kahan/Goldberg trick x·log(u)/(u - 1) is folded away by shader compilers
  log1p: fixed(
    "select(log(1.0 + a), a * (1.0 - a * (0.5 - a * (0.33333334 - a * (0.25 - a * (0.2 - a * (0.16666667 - a * 0.14285715)))))), abs(a) < 0.1)",
  ),
  sin: fixed("sin(a)"),
  cos: fixed("cos(a)"),
  sqrt: fixed("sqrt(a)"),
  // NOTE: clamped because WGSL's tanh overflows past |x| ≈ 44; clamp would turn NaN into -1
  tanh: fixed(`select(tanh(clamp(a, -15.0, 15.0)), a, ${isNan("a")})`),
  // NOTE: exp(-|x|) forms so neither branch overflows
  sigmoid: fixed("select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)"),
  abs: fixed("abs(a)"),
  // NOTE: WGSL lets implementations assume no NaN, so `a != a` may fold to false; the bit pattern
  // is tested instead (`isNan`) and NaN passes through; so do ±0 (WGSL's sign(-0) is +0)
  sign: (_p, ins) => (ins[0] === "i32" ? "sign(a)" : `select(sign(a), a, ${isNan("a")} || a == 0.0)`),
  // integer tensors are already whole: the WGSL built-ins take floats only
  floor: (_p, ins) => (ins[0] === "i32" ? "a" : "floor(a)"),
  ceil: (_p, ins) => (ins[0] === "i32" ? "a" : "ceil(a)"),
  // WGSL's round() rounds halves to even, as NumPy does
  round: (_p, ins) => (ins[0] === "i32" ? "a" : "round(a)"),
  trunc: (_p, ins) => (ins[0] === "i32" ? "a" : "trunc(a)"),
  // NOTE: WGSL leaves atan2(±0, ±0) undefined; IEEE's ±0 (b = +0) and ±π (b = -0) are taken there
  atan2: fixed(
    `select(atan2(a, b), select(a, select(3.141592653589793, -3.141592653589793, ${signBit("a")}), ${signBit("b")}), a == 0.0 && b == 0.0)`,
  ),
  add: fixed("a + b"),
  sub: fixed("a - b"),
  mul: fixed("a * b"),
  // WGSL defines i32 x / 0 as x; XLA's -1 is followed on every backend (INT_MIN / -1 = INT_MIN in both)
  div: (_p, ins) => (ins[0] === "i32" ? "select(a / b, -1i, b == 0i)" : "a / b"),
  pow: (_p, _ins, out) => `${T(out)}(${powC99})`,
  // NOTE: WGSL's max/min may drop a NaN operand; NaN propagates, as in NumPy and JAX
  max: (_p, ins) => (isFloat(ins[0]!) ? nanFirst("max") : "max(a, b)"),
  min: (_p, ins) => (isFloat(ins[0]!) ? nanFirst("min") : "min(a, b)"),
  // NOTE: comparisons with NaN are IEEE's (only `ne` holds) whatever the implementation assumes
  compare: ({ op }, ins) => {
    const c = `a ${compareWgsl[op]} b`
    if (!isFloat(ins[0]!)) return `select(0u, 1u, ${c})`
    const nan = `${isNan("a")} || ${isNan("b")}`
    return op === "ne" ? `select(0u, 1u, ${c} || ${nan})` : `select(0u, 1u, ${c} && !(${nan}))`
  },
  where: fixed("select(c, b, a != 0u)"),
  cast: (_p, ins, out) => {
    const fl = isFloat(ins[0]!)
    // NaN is true (IEEE: NaN != 0), which the implementation may not honour unaided
    if (out === "bool") return `select(0u, 1u, a != ${T(ins[0]!)}(0)${fl ? ` || ${isNan("a")}` : ""})`
    return ins[0] === out ? "a" : out === "i32" && fl ? floatToI32 : `${T(out)}(a)`
  },
  stopGradient: fixed("a"),
} satisfies { readonly [P in ElementwiseName]: Wgsl<P> }

/** Whether `name` is lowered by this table (an elementwise primitive). */
export const isElementwise = (name: string): name is ElementwiseName => Object.hasOwn(wgslElementwise, name)

/** The WGSL expression of an elementwise primitive at the given dtypes. */
export const scalarFn = <P extends ElementwiseName>(prim: P, params: ParamsOf<P>, ins: ReadonlyArray<DType>, out: DType): ScalarFn => ({
  expr: (wgslElementwise[prim] as Wgsl<P>)(params, ins, out),
  ins,
  out,
})

/**
 * `fn name(...)`. With `vec`, a vec4 function applying the scalar one per lane: the primitives'
 * expressions are written for scalars (`select(.., a >= 0.0)`, `clamp(a, -15.0, 15.0)` do not
 * type-check over vec4), and the lanes cost the same on SIMT hardware; the win of vec4 is the loads.
 */
export const fnDecl = (name: string, f: ScalarFn, vec: boolean): string => {
  const args = (ty: (d: DType) => string) => f.ins.map((d, i) => `${"abc"[i]}: ${ty(d)}`).join(", ")
  const scalar = `fn ${vec ? `${name}_s` : name}(${args(T)}) -> ${T(f.out)} { return ${f.expr}; }\n`
  if (!vec) return scalar
  const lane = (l: string) => `${name}_s(${f.ins.map((_, i) => `${"abc"[i]}.${l}`).join(", ")})`
  return `${scalar}fn ${name}(${args((d) => `vec4<${T(d)}>`)}) -> vec4<${T(f.out)}> { return vec4<${T(f.out)}>(${["x", "y", "z", "w"].map(lane).join(", ")}); }\n`
}

/** How an operand is indexed from the output index. */
type Mode = "same" | "scalar" | "strided" | "padded"

/** A pad folded into an operand's loads (jit): the shared `PadMap` of the jit compilers. */
export type PadView = PadMap

/**
 * An operand as the kernel reads it: `shape` broadcasts to the output; elements at
 * `offset + Σ i·strides` of its buffer. With `pad`, `shape` is the output shape, and `strides`
 * index the padded input (whose coordinates `pad` maps from the output's).
 */
export interface Operand {
  readonly storage: GpuStorage
  readonly aval: Aval
  readonly offset?: number
  readonly strides?: ReadonlyArray<number>
  readonly pad?: PadView
}

/** Strides of an operand over the output shape (0 on broadcast axes). */
const stridesOver = (op: Operand, out: ReadonlyArray<number>): number[] => {
  const own = op.strides ?? contiguous(op.aval.shape)
  const lead = out.length - op.aval.shape.length
  return out.map((d, i) => (i < lead || (op.aval.shape[i - lead] === 1 && d !== 1) ? 0 : own[i - lead]!))
}

/**
 * Run a kernel elementwise over broadcast operands into one or more outputs of one shape.
 * `body` maps the operands' value expressions to statements and one result per output; `vecDecls`
 * (the same functions over vec4) enables 4-wide loads and stores for contiguous f32 kernels.
 */
export const elementwise = (
  g: GpuContext,
  ops: ReadonlyArray<Operand>,
  outs: ReadonlyArray<Aval>,
  decls: string,
  body: (names: ReadonlyArray<string>) => { readonly lines: string; readonly results: ReadonlyArray<string> },
  vecDecls?: string,
): GpuStorage[] => {
  const ys = outs.map((o) => alloc(g, o))
  const shape = outs[0]!.shape
  const n = numel(shape)
  if (n === 0) return ys
  const cs = contiguous(shape)
  // a padded operand maps every output axis on its own: no collapsing then
  const padded = ops.some((o) => o.pad !== undefined)
  const strides = [cs, ...ops.map((o) => (o.pad !== undefined ? shape.map(() => 0) : stridesOver(o, shape)))]
  const col = padded ? { shape: [...shape], strides } : collapse(shape, strides)
  const rank = col.shape.length
  const outSt = col.strides[0]!
  const modes: Mode[] = ops.map((o, k) => {
    if (o.pad !== undefined) {
      if (!sameShape(o.aval.shape, shape)) throw new InternalError({ message: "webgpu: a padded operand must have the output's shape" })
      return "padded"
    }
    const st = col.strides[k + 1]!
    if (numel(o.aval.shape) === 1) return "scalar"
    return (o.offset ?? 0) === 0 && st.every((s, d) => s === outSt[d]) ? "same" : "strided"
  })
  const dtypes = [...ops.map((o) => o.aval.dtype), ...outs.map((o) => o.dtype)]
  const vec =
    vecDecls !== undefined &&
    n % 4 === 0 &&
    modes.every((m) => m === "same" || m === "scalar") &&
    dtypes.every((d) => d === "f32") &&
    ops.every((o, k) => modes[k] !== "scalar" || (o.offset ?? 0) === 0)
  const w = new Words().u(vec ? n / 4 : n)
  if (!vec) w.u(...col.shape)
  const at: number[] = []
  modes.forEach((m, k) => {
    const o = ops[k]!
    if (m === "same") return
    at[k] = w.length
    w.u(o.offset ?? 0)
    if (m === "strided") w.u(...col.strides[k + 1]!)
    if (m === "padded") {
      const pd = o.pad!
      for (let d = 0; d < rank; d++) w.u(o.strides![d]!, pd.lo[d]!, pd.step[d]!, pd.len[d]!)
      if (o.aval.dtype === "f32" || o.aval.dtype === "f16") w.f(pd.value)
      else w.u(o.aval.dtype === "bool" ? (pd.value !== 0 ? 1 : 0) : Math.trunc(pd.value))
    }
  })
  let src = enables(dtypes) + uniforms(w.length)
  ops.forEach((o, k) => (src += binding(k + 1, `x${k}`, vec && modes[k] === "same" ? "vec4<f32>" : T(o.aval.dtype))))
  outs.forEach((o, j) => (src += binding(ops.length + 1 + j, `y${j}`, vec ? "vec4<f32>" : T(o.dtype), true)))
  src += vec ? vecDecls : decls
  src += `${main()}  if (gid >= p(0)) { return; }\n`
  if (modes.includes("strided") || modes.includes("padded")) {
    src += "  var r = gid;\n"
    for (let d = rank - 1; d >= 1; d--) src += `  let c${d} = r % p(${1 + d}u); r = r / p(${1 + d}u);\n`
    src += "  let c0 = r;\n"
  }
  // padded operands: the fill value unless every axis lands on an input element
  modes.forEach((m, k) => {
    if (m !== "padded") return
    const a = at[k]!,
      fill = a + 1 + 4 * rank,
      d = ops[k]!.aval.dtype
    src += `  var v${k} = ${d === "f32" ? `pf(${fill}u)` : d === "f16" ? `f16(pf(${fill}u))` : d === "i32" ? `ps(${fill}u)` : `p(${fill}u)`};\n`
    let ok = "true",
      idx = `p(${a}u)`
    for (let i = 0; i < rank; i++) {
      const q = `q${k}_${i}`,
        b = a + 1 + 4 * i
      src += `  let ${q} = i32(c${i}) - ps(${b + 1}u);\n`
      ok += ` && ${q} >= 0 && ${q} % ps(${b + 2}u) == 0 && ${q} / ps(${b + 2}u) < ps(${b + 3}u)`
      idx += ` + u32(${q} / ps(${b + 2}u)) * p(${b}u)`
    }
    src += `  if (${ok}) { v${k} = x${k}[${idx}]; }\n`
  })
  const names = modes.map((m, k) => {
    if (m === "same") return `x${k}[gid]`
    if (m === "padded") return `v${k}`
    if (m === "scalar") return vec ? `vec4<f32>(x${k}[p(${at[k]}u)])` : `x${k}[p(${at[k]}u)]`
    const idx = Array.from({ length: rank }, (_, d) => ` + c${d} * p(${at[k]! + 1 + d}u)`).join("")
    return `x${k}[p(${at[k]}u)${idx}]`
  })
  const b = body(names)
  src += `${b.lines + b.results.map((r, j) => `  y${j}[gid] = ${r};\n`).join("")}}\n`
  g.dispatch(src, [...ops.map((o) => o.storage), ...ys], w.build(), Math.ceil((vec ? n / 4 : n) / WG))
  return ys
}

const ewKernels = new Map<ElementwiseName, GpuKernel<unknown>>()
/** The kernel of one elementwise primitive. */
export const ewKernel = (prim: ElementwiseName): GpuKernel<unknown> => {
  let k = ewKernels.get(prim)
  if (k === undefined) ewKernels.set(prim, (k = ewKernelOf(prim)))
  return k
}
const ewKernelOf =
  (prim: ElementwiseName): GpuKernel<unknown> =>
  (g, xs, inAvals, params, out) => {
    const f = scalarFn(
      prim,
      params as never,
      inAvals.map((a) => a.dtype),
      out.dtype,
    )
    const call = (names: ReadonlyArray<string>) => ({ lines: "", results: [`f(${names.join(", ")})`] })
    return elementwise(
      g,
      xs.map((storage, k) => ({ storage, aval: inAvals[k]! })),
      [out],
      fnDecl("f", f, false),
      call,
      fnDecl("f", f, true),
    )[0]!
  }
