/**
 * The loop generator behind the CPU `jit`: one generated function computes a group of elementwise
 * equations over one shape, reading each input through an index transform (offset + strides, and
 * optionally a `pad`: fill value where the index lands on no element). Shapes, strides and pad
 * geometry are baked into the source as literals, so every program gets loops specialised to it.
 * Where code generation is forbidden (a strict Content-Security-Policy) the same spec runs through
 * the interpreter in `fused-interp.ts`.
 *
 * @since 0.1.0
 */
import { hostAlloc, numel, type HostArray } from "../../ops/core/aval.js"
import type { DType } from "../../shape/index.js"
import { contiguous, type Expr } from "./codegen.js"
import { canGenerate } from "./eval.js"
import { interpretLoop } from "./fused-interp.js"
import { wasmLoop } from "./wasm/loops.js"

import type { PadMap } from "../program-view.js"
export type { PadMap }

/** Where a value lives: `R[slot][offset + Σ i·strides]` over its own shape, through `pad` when given. */
export interface Source {
  readonly slot: number
  readonly offset: number
  readonly strides: ReadonlyArray<number>
  readonly pad?: PadMap
}

/** One input of a fused loop: the value of shape `shape` (broadcast to the loop's shape), read through `src`. */
export interface LoopInput {
  readonly shape: ReadonlyArray<number>
  readonly dtype: DType
  readonly src: Source
  /**
   * The value is not in a register but computed in place: `src.pad` (steps 1, shape = the loop's)
   * of value `value` of a fused group over the pad's input shape (`eqns` of `inputs`, none of them
   * padded). Inside the pad's input the group's loads and arithmetic run here, outside it is the
   * fill value: a producer loop inlined into its consumer.
   */
  readonly inline?: { readonly inputs: ReadonlyArray<LoopInput>; readonly eqns: ReadonlyArray<LoopEqn>; readonly value: number }
}

/** One equation of a fused loop: `expr` of earlier values (`inputs` index `LoopInput`s first, then equation results). */
export interface LoopEqn {
  readonly expr: Expr
  readonly inputs: ReadonlyArray<number>
  readonly dtype: DType
  /** its result is 0 or 1 already (a comparison, a cast to bool) */
  readonly boolean: boolean
}

/**
 * A reduction folded into a loop: value `value` (an f32 result of the loop) reduced over the loop
 * axes where `kept` is false, into register `slot` (contiguous over the kept axes). It accumulates
 * in f64, as the reduction kernels do, from the value rounded to f32 as its store would round it,
 * so the f32 result carries one rounding, and the value itself is never written to memory.
 */
export interface LoopReduction {
  readonly value: number
  readonly slot: number
  readonly op: "sum" | "max" | "min"
  readonly kept: ReadonlyArray<boolean>
  readonly reuse?: boolean
}

export interface LoopSpec {
  readonly shape: ReadonlyArray<number>
  readonly inputs: ReadonlyArray<LoopInput>
  readonly eqns: ReadonlyArray<LoopEqn>
  /** values (same numbering as `LoopEqn.inputs`) stored to fresh contiguous registers */
  readonly outputs: ReadonlyArray<{ readonly value: number; readonly slot: number; readonly dtype: DType; readonly reuse?: boolean }>
  /** f32 reductions of loop values computed in the same pass (only where code generation is available) */
  readonly reductions?: ReadonlyArray<LoopReduction>
}

/** A reduction's identity and its accumulate step over the running value `a` and the element `v`, in JS. */
const reducer = {
  sum: { init: 0, js: (a: string, v: string) => `${a} + ${v}` },
  max: { init: -Infinity, js: (a: string, v: string) => `(${v} > ${a} || ${v} !== ${v} ? ${v} : ${a})` },
  min: { init: Infinity, js: (a: string, v: string) => `(${v} < ${a} || ${v} !== ${v} ? ${v} : ${a})` },
} as const

export type Regs = Array<HostArray | undefined>
export type LoopFn = (R: Regs) => void

/** `x` rounded as a store into a `dtype` array rounds it. */
const storeRound = (dtype: DType, x: number): number => {
  const a = hostAlloc(dtype, 1)
  a[0] = x
  return a[0]!
}

const ctor: Record<DType, string> = { f16: "Float32Array", f32: "Float32Array", f64: "Float64Array", i32: "Int32Array", bool: "Uint8Array" }

/** An operand after mapping onto the loop's (merged) axes. */
type Operand =
  | { readonly kind: "const"; readonly value: number }
  | {
      readonly kind: "array"
      readonly slot: number
      readonly offset: number
      /** per loop axis; 0 on broadcast axes */
      readonly strides: number[]
      /** per loop axis: the pad check on that axis, if any */
      readonly checks: Array<{ lo: number; step: number; len: number } | undefined>
      readonly fill: number
    }

/** Map an input onto the loop's shape; coordinates fixed at 0 (broadcast, size-1 axes) are resolved now. */
const operandOf = (x: LoopInput, shape: ReadonlyArray<number>): Operand => {
  const r = shape.length,
    lead = r - x.shape.length
  const { src } = x
  const fill = src.pad === undefined ? 0 : storeRound(x.dtype, src.pad.value)
  let offset = src.offset
  const strides: number[] = [],
    checks: Array<{ lo: number; step: number; len: number } | undefined> = []
  for (let d = 0; d < r; d++) {
    const k = d - lead
    const fixed = k < 0 || x.shape[k] === 1 || shape[d] === 1
    const p = src.pad === undefined || k < 0 ? undefined : { lo: src.pad.lo[k]!, step: src.pad.step[k]!, len: src.pad.len[k]! }
    const st = k < 0 ? 0 : src.strides[k]!
    if (fixed) {
      // coordinate 0 on this axis: a pad either maps it to an element or the whole operand is fill
      if (p !== undefined) {
        const t = -p.lo
        if (t < 0 || t % p.step !== 0 || t / p.step >= p.len) return { kind: "const", value: fill }
        offset += (t / p.step) * st
      }
      strides.push(0)
      checks.push(undefined)
      continue
    }
    if (p !== undefined && p.len === 0) return { kind: "const", value: fill }
    const trivial = p === undefined || (p.lo === 0 && p.step === 1 && p.len === shape[d])
    strides.push(st)
    checks.push(trivial ? undefined : p)
  }
  return { kind: "array", slot: src.slot, offset, strides, checks, fill }
}

/** Drop size-1 axes and merge neighbours every operand walks contiguously (no pad checks on either). */
const mergeAxes = (shape: ReadonlyArray<number>, ops: Operand[]): { shape: number[]; ops: Operand[] } => {
  const arrays = ops.filter((o): o is Extract<Operand, { kind: "array" }> => o.kind === "array")
  const sh: number[] = []
  const st: number[][] = arrays.map(() => [])
  const ck: Array<Array<{ lo: number; step: number; len: number } | undefined>> = arrays.map(() => [])
  let outStride = 1
  const outSt: number[] = []
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!
    if (n === 1) continue
    const m = sh.length - 1
    let merge = m >= 0
    for (let k = 0; merge && k < arrays.length; k++) {
      const a = arrays[k]!
      merge = a.checks[d] === undefined && ck[k]![m] === undefined && a.strides[d] === st[k]![m]! * sh[m]!
    }
    if (merge) {
      sh[m] = sh[m]! * n
    } else {
      sh.push(n)
      outSt.push(outStride)
      arrays.forEach((a, k) => (st[k]!.push(a.strides[d]!), ck[k]!.push(a.checks[d])))
    }
    outStride *= n
  }
  if (sh.length === 0) {
    sh.push(1)
    arrays.forEach((_, k) => (st[k]!.push(0), ck[k]!.push(undefined)))
  }
  sh.reverse()
  let j = 0
  const out = ops.map((o) => {
    if (o.kind === "const") return o
    const k = j++
    return { ...o, strides: st[k]!.reverse(), checks: ck[k]!.reverse() }
  })
  return { shape: sh, ops: out }
}

const lit = (x: number): string => (Object.is(x, -0) ? "-0" : String(x))

/** Build the function computing `spec`. `K` holds constants (fill values) and `F` the scalar functions. */
export const generateLoop = (spec: LoopSpec): { fn: LoopFn; source: string } => {
  const n = numel(spec.shape)
  const K: unknown[] = []
  const konst = (x: number) => {
    K.push(x)
    return `K[${K.length - 1}]`
  }
  const F: Array<(...xs: number[]) => number> = []
  const fnName = (e: LoopEqn) => (F.push(e.expr.f), `F[${F.length - 1}]`)
  // an output no one keeps past the call (read only by later loops) reuses one buffer across calls
  const reuse = spec.outputs.map((o) => (o.reuse === true ? hostAlloc(o.dtype, n) : undefined))
  const allocs = spec.outputs.map((o, m) => {
    if (o.reuse !== true) return `const o${m} = R[${o.slot}] = new ${ctor[o.dtype]}(${n});`
    K.push(reuse[m] as unknown as number)
    return `const o${m} = R[${o.slot}] = K[${K.length - 1}];`
  })
  const reds = spec.reductions ?? []
  // per reduction: the f32 result register and an f64 accumulator, both the size of the kept shape
  reds.forEach((rd, m) => {
    const size = spec.shape.reduce((a, d, i) => (rd.kept[i] ? a * d : a), 1)
    if (rd.reuse === true) {
      K.push(hostAlloc("f32", size) as unknown as number)
      allocs.push(`const r${m} = R[${rd.slot}] = K[${K.length - 1}];`)
    } else allocs.push(`const r${m} = R[${rd.slot}] = new Float32Array(${size});`)
    K.push(new Float64Array(size) as unknown as number)
    allocs.push(`const acc${m} = K[${K.length - 1}].fill(${lit(reducer[rd.op].init)});`)
  })
  const store = reds.map((_, m) => `r${m}.set(acc${m});`)
  if (n === 0) return finish(spec, [...allocs, ...store].join("\n"), K, F)
  // inlined inputs: a virtual operand carrying the pad's geometry, and the group's own inputs read
  // through the same pad (so they share its valid interval)
  const nSpec = spec.inputs.length
  const phys: LoopInput[] = spec.inputs.map((x) =>
    x.inline === undefined
      ? x
      : { shape: x.shape, dtype: x.dtype, src: { slot: -1, offset: 0, strides: contiguous(x.src.pad!.len), pad: x.src.pad! } },
  )
  const innerOf = new Map<number, number[]>()
  spec.inputs.forEach((x, k) => {
    if (x.inline === undefined) return
    const pad = x.src.pad!,
      s1 = pad.len
    innerOf.set(
      k,
      x.inline.inputs.map((y) => {
        const lead = s1.length - y.shape.length
        const strides = s1.map((d, i) => (i < lead || (y.shape[i - lead] === 1 && d !== 1) ? 0 : y.src.strides[i - lead]!))
        // a broadcast scalar is read only inside the pad's interval anyway: load it once, unchecked
        const src = strides.every((t) => t === 0)
          ? { slot: y.src.slot, offset: y.src.offset, strides }
          : { slot: y.src.slot, offset: y.src.offset, strides, pad: { ...pad, value: 0 } }
        phys.push({ shape: x.shape, dtype: y.dtype, src })
        return phys.length - 1
      }),
    )
  })
  // each accumulator walks the loop as an operand would: contiguous over the kept axes, still on the others
  const accOps: Operand[] = reds.map((rd) => {
    const strides = new Array<number>(spec.shape.length).fill(0)
    for (let d = spec.shape.length - 1, st = 1; d >= 0; d--)
      if (rd.kept[d]) {
        strides[d] = spec.shape[d] === 1 ? 0 : st
        st *= spec.shape[d]!
      }
    return { kind: "array", slot: -2, offset: 0, strides, checks: strides.map(() => undefined), fill: 0 }
  })
  const merged = mergeAxes(spec.shape, [...phys.map((x) => operandOf(x, spec.shape)), ...accOps])
  const shape = merged.shape
  const ops = merged.ops.slice(0, phys.length)
  const accs = merged.ops.slice(phys.length) as Array<Extract<Operand, { kind: "array" }>>
  const wasm = wasmVersion(spec, shape, ops, reuse)
  const r = shape.length,
    inner = r - 1,
    nIn = shape[inner]!
  const head: string[] = [...allocs]
  const L: string[] = []
  for (let d = 0; d < inner; d++) L.push(`for (let i${d} = 0; i${d} < ${shape[d]}; i${d}++) {`)
  const rowIndex = Array.from({ length: inner }, (_, d) => `i${d} * ${shape.slice(d + 1).reduce((a, b) => a * b, 1)}`)
  L.push(`const p = ${rowIndex.length === 0 ? "0" : rowIndex.join(" + ")};`)
  /**
   * How operand k is read at inner index j. "plain": always data; "interval": data on [b, e) of
   * valid rows, fill elsewhere (step-1 pads); "test": every index tested (interior padding).
   */
  type Read =
    | { kind: "const"; js: string }
    | { kind: "plain"; js: (j: string) => string }
    | { kind: "interval"; data: (j: string) => string; fill: string; ok: string; b: number; e: number }
    | { kind: "test"; js: (j: string) => string }
  const slotLocal = new Map<number, number>()
  const reads: Read[] = ops.map((o, k): Read => {
    if (o.kind === "const") {
      head.push(`const c${k} = ${konst(o.value)};`)
      return { kind: "const", js: `c${k}` }
    }
    // one local per register: operands of one array (the stencil's slices) share it
    if (o.slot >= 0) {
      const first = slotLocal.get(o.slot)
      if (first === undefined) slotLocal.set(o.slot, k)
      head.push(first === undefined ? `const a${k} = R[${o.slot}];` : `const a${k} = a${first};`)
    }
    const terms = [lit(o.offset)]
    const conds: string[] = []
    for (let d = 0; d < inner; d++) {
      const c = o.checks[d],
        s = o.strides[d]!
      if (c === undefined) {
        if (s !== 0) terms.push(`i${d} * ${s}`)
        continue
      }
      const t = `(i${d} - ${lit(c.lo)})`
      conds.push(`${t} >= 0`, `${t} <= ${(c.len - 1) * c.step}`)
      if (c.step !== 1) conds.push(`${t} % ${c.step} === 0`)
      if (s !== 0) terms.push(c.step === 1 ? `${t} * ${s}` : `(${t} / ${c.step}) * ${s}`)
    }
    const s = o.strides[inner]!,
      c = o.checks[inner]
    const at = (j: string) => (s === 0 ? `a${k}[q${k}]` : s === 1 ? `a${k}[q${k} + ${j}]` : `a${k}[q${k} + ${j} * ${s}]`)
    if (c === undefined && conds.length === 0) {
      L.push(`const q${k} = ${terms.join(" + ")};`)
      if (o.slot < 0) return { kind: "plain", js: () => "undefined" } // an inlined value: never loaded
      if (s === 0) {
        L.push(`const v${k} = a${k}[q${k}];`)
        return { kind: "plain", js: () => `v${k}` }
      }
      return { kind: "plain", js: at }
    }
    const fill = `f${k}`
    head.push(`const f${k} = ${konst(o.fill)};`)
    L.push(`const ok${k} = ${conds.length === 0 ? "true" : conds.join(" && ")};`)
    if (c === undefined) {
      L.push(`const q${k} = ${terms.join(" + ")};`)
      return { kind: "interval", data: at, fill, ok: conds.join(" && "), b: 0, e: nIn }
    }
    const b = Math.min(nIn, Math.max(0, c.lo)),
      e = Math.max(b, Math.min(nIn, c.lo + (c.len - 1) * c.step + 1))
    if (c.step === 1) {
      L.push(`const q${k} = ${terms.join(" + ")} - ${lit(c.lo * s)};`)
      return { kind: "interval", data: at, fill, ok: conds.join(" && "), b, e }
    }
    L.push(`const q${k} = ${terms.join(" + ")};`)
    return {
      kind: "test",
      js: (j) =>
        `(ok${k} && ${j} >= ${b} && ${j} < ${e} && (${j} - ${lit(c.lo)}) % ${c.step} === 0 ? a${k}[q${k} + ((${j} - ${lit(c.lo)}) / ${c.step}) * ${s}] : ${fill})`,
    }
  })
  /** Lines computing `eqns`; `arg(v)` names value v, `f32(v)` says it is a computed f32 value (rounded before a non-f32 use). */
  const emitEqns = (
    eqns: ReadonlyArray<LoopEqn>,
    arg: (v: number) => string,
    f32: (v: number) => boolean,
    res: (i: number) => string,
    lines: string[],
  ) => {
    const rounded = new Map<number, string>()
    eqns.forEach((e, i) => {
      const args = e.inputs.map((v) => {
        // a computed f32 value feeding a non-f32 result is rounded as eager would have stored it
        if (!f32(v) || e.dtype === "f32") return arg(v)
        let rn = rounded.get(v)
        if (rn === undefined) {
          rn = `${arg(v)}r`
          lines.push(`const ${rn} = Math.fround(${arg(v)});`)
          rounded.set(v, rn)
        }
        return rn
      })
      let js = e.expr.js(args)
      if (/\bf\(/.test(js)) js = js.replace(/\bf\(/g, `${fnName(e)}(`)
      if (e.dtype === "i32") js = `(${js}) | 0`
      else if (e.dtype === "bool" && !e.boolean) js = `(${js}) & 255`
      lines.push(`const ${res(i)} = ${js};`)
    })
  }
  /** The data read of operand k at j, inside its valid interval. */
  const dataAt = (k: number): string => {
    const rd = reads[k]!
    return rd.kind === "interval" ? rd.data("j") : rd.kind === "const" ? rd.js : rd.js("j")
  }
  /** Lines computing the inlined group of input k at j (inside the pad); returns its value's name. */
  const inlined = (k: number, lines: string[]): string => {
    const il = spec.inputs[k]!.inline!
    const ins = innerOf.get(k)!
    ins.forEach((pk, m) => lines.push(`const y${k}_${m} = ${dataAt(pk)};`))
    const nI = ins.length
    const arg = (v: number) => (v < nI ? `y${k}_${v}` : `u${k}_${v - nI}`)
    emitEqns(
      il.eqns,
      arg,
      (v) => v >= nI && il.eqns[v - nI]!.dtype === "f32",
      (i) => `u${k}_${i}`,
      lines,
    )
    return arg(il.value)
  }
  /** The loop body; `mode` says where j is relative to the (single) pad interval, or "direct" to test. */
  const body = (mode: "in" | "out" | "direct"): string[] => {
    const lines: string[] = []
    const name = (v: number) => (v < nSpec ? `x${v}` : `t${v - nSpec}`)
    for (let k = 0; k < nSpec; k++) {
      const rd = reads[k]!
      if (spec.inputs[k]!.inline !== undefined && rd.kind !== "const") {
        if (rd.kind === "interval" && mode === "out") lines.push(`const x${k} = ${rd.fill};`)
        else if (rd.kind === "interval" && mode === "direct") {
          lines.push(`let x${k} = ${rd.fill};`, `if (ok${k} && j >= ${rd.b} && j < ${rd.e}) {`)
          const inner: string[] = []
          const v = inlined(k, inner)
          lines.push(...inner, `x${k} = ${v};`, "}")
        } else {
          const v = inlined(k, lines)
          lines.push(`const x${k} = ${v};`)
        }
        continue
      }
      lines.push(
        `const x${k} = ${rd.kind !== "interval" ? dataAt(k) : mode === "in" ? rd.data("j") : mode === "out" ? rd.fill : `(ok${k} && j >= ${rd.b} && j < ${rd.e} ? ${rd.data("j")} : ${rd.fill})`};`,
      )
    }
    const computedF32 = (v: number) =>
      v < nSpec ? spec.inputs[v]!.inline !== undefined && spec.inputs[v]!.dtype === "f32" : spec.eqns[v - nSpec]!.dtype === "f32"
    emitEqns(spec.eqns, name, computedF32, (i) => `t${i}`, lines)
    spec.outputs.forEach((o, m) => lines.push(`o${m}[p + j] = ${name(o.value)};`))
    reds.forEach((rd, m) => {
      const v = computedF32(rd.value) ? `Math.fround(${name(rd.value)})` : name(rd.value)
      const s = accs[m]!.strides[inner]!
      if (s === 0) lines.push(`s${m} = ${reducer[rd.op].js(`s${m}`, v)};`)
      else {
        const at = `acc${m}[w${m} + j${s === 1 ? "" : ` * ${s}`}]`
        lines.push(`${at} = ${reducer[rd.op].js(at, v)};`)
      }
    })
    return lines
  }
  // each accumulator's position in this row; one that stays put along the row runs in a local
  reds.forEach((_, m) => {
    const a = accs[m]!
    const terms = ["0"]
    for (let d = 0; d < inner; d++) if (a.strides[d] !== 0) terms.push(`i${d} * ${a.strides[d]}`)
    L.push(`const w${m} = ${terms.join(" + ")};`)
    if (a.strides[inner] === 0) L.push(`let s${m} = acc${m}[w${m}];`)
  })
  const loop = (from: string, to: string, mode: "in" | "out" | "direct") =>
    L.push(`for (let j = ${from}; j < ${to}; j++) {`, ...body(mode), "}")
  const intervals = reads.flatMap((rd) => (rd.kind === "interval" ? [rd] : []))
  const geometry = new Set(intervals.map((rd) => `${rd.ok}|${rd.b}|${rd.e}`))
  if (intervals.length === 0 || geometry.size > 1) loop("0", String(nIn), "direct")
  else {
    // one pad geometry: split the row into [0, b) / [b, e) / [e, n) and test nothing per element
    const k0 = reads.indexOf(intervals[0]!)
    const g = intervals[0]!
    L.push(`const b = ok${k0} ? ${g.b} : 0, e = ok${k0} ? ${g.e} : 0;`)
    loop("0", "b", "out")
    loop("b", "e", "in")
    loop("e", String(nIn), "out")
  }
  reds.forEach((_, m) => accs[m]!.strides[inner] === 0 && L.push(`acc${m}[w${m}] = s${m};`))
  for (let d = 0; d < inner; d++) L.push("}")
  const js = finish(spec, [...head, ...L, ...store].join("\n"), K, F)
  if (wasm === undefined) return js
  // the JS loop stays as the fallback for a call whose data the Wasm memory cannot hold
  const jsFn = js.fn
  return {
    fn: (R) => void (wasm(R) || jsFn(R)),
    source: `// wasm simd128 loop over [${shape.join(", ")}]: ${spec.eqns.map((e) => e.expr.name).join(", ")}\n${js.source}`,
  }
}

/** The loop on WebAssembly SIMD when it applies: f32 throughout, no pads, inlined producers or reductions, every operation lowered. */
const wasmVersion = (
  spec: LoopSpec,
  shape: ReadonlyArray<number>,
  ops: ReadonlyArray<Operand>,
  reuse: ReadonlyArray<HostArray | undefined>,
) => {
  if (!canGenerate() || spec.reductions !== undefined) return undefined
  if (!spec.inputs.every((x) => x.inline === undefined && x.dtype === "f32") || !spec.outputs.every((o) => o.dtype === "f32"))
    return undefined
  if (!ops.every((o) => o.kind === "const" || o.checks.every((c) => c === undefined))) return undefined
  return wasmLoop(
    shape,
    ops.map((o) => (o.kind === "const" ? o : { kind: "array", slot: o.slot, offset: o.offset, strides: o.strides })),
    spec.eqns.map((e) => ({ op: e.expr.name, inputs: e.inputs })),
    spec.outputs.map((o, m) => ({ value: o.value, slot: o.slot, ...(reuse[m] === undefined ? {} : { reuse: reuse[m] as Float32Array }) })),
  )
}

/** The loop as a function: compiled from `src`, or interpreted from `spec` where code generation is forbidden. */
const finish = (
  spec: LoopSpec,
  src: string,
  K: unknown[],
  F: ReadonlyArray<(...xs: number[]) => number>,
): { fn: LoopFn; source: string } => {
  if (!canGenerate()) return { fn: interpretLoop(spec), source: src }
  const fn = new Function("K", "F", `return function fused(R) {\n${src}\n}`)(K, F) as LoopFn
  return { fn, source: src }
}
