/**
 * The CPU `jit` loops without code generation: the same `LoopSpec` that `fused.ts` turns into
 * JavaScript source, run one equation at a time over the whole loop (a tight loop per equation
 * calling its scalar function) instead of one generated loop. Used where a Content-Security-Policy
 * forbids `new Function`; results equal the generated loops' bit for bit (same scalar functions,
 * same f32 rounding points, same integer wrapping), at a lower speed.
 *
 * @since 0.1.0
 */
import { hostAlloc, numel, type HostArray } from "../../ops/core/aval.js"
import type { DType } from "../../shape/index.js"
import type { LoopEqn, LoopFn, LoopInput, LoopSpec, Regs } from "./fused.js"

/** `x` rounded as a store into a `dtype` array rounds it. */
const storeRound = (dtype: DType, x: number): number => {
  const a = hostAlloc(dtype, 1)
  a[0] = x
  return a[0]!
}

/**
 * The element `x` reads at loop index `idx`: its coordinates (0 on broadcast axes), through the
 * pad when present; `undefined` where the pad has no element (the fill value is read there).
 */
const addressOf = (x: LoopInput, r: number): ((idx: ReadonlyArray<number>) => number | undefined) => {
  const lead = r - x.shape.length
  const { offset, strides, pad } = x.src
  return (idx) => {
    let p = offset
    for (let k = 0; k < x.shape.length; k++) {
      let c = x.shape[k] === 1 ? 0 : idx[lead + k]!
      if (pad !== undefined) {
        const t = c - pad.lo[k]!,
          step = pad.step[k]!
        if (t < 0 || t % step !== 0 || t / step >= pad.len[k]!) return undefined
        c = t / step
      }
      p += c * strides[k]!
    }
    return p
  }
}

/** `at` at every index of `shape` in row-major order (-1 for `undefined`): the addresses are fixed by the spec, so they are computed once. */
const table = (shape: ReadonlyArray<number>, at: (idx: ReadonlyArray<number>) => number | undefined): Int32Array => {
  const n = numel(shape),
    r = shape.length
  const out = new Int32Array(n)
  const idx = new Array<number>(r).fill(0)
  for (let i = 0; i < n; i++) {
    out[i] = at(idx) ?? -1
    for (let d = r - 1; d >= 0 && ++idx[d]! === shape[d]!; d--) idx[d] = 0
  }
  return out
}

/** Loads input values into a buffer: one register read per element (or the fill value). */
interface Load {
  readonly slot: number
  readonly addr: Int32Array
  readonly fill: number
}

const load = (R: Regs, l: Load, out: Float64Array): void => {
  const a = R[l.slot]!,
    addr = l.addr,
    fill = l.fill
  for (let i = 0; i < out.length; i++) {
    const p = addr[i]!
    out[i] = p < 0 ? fill : a[p]!
  }
}

/**
 * Runs `eqns` over buffers `vals` (inputs first, then one per equation). `computedF32(v)`: value v
 * is an unrounded f32 result, rounded (into a scratch copy) before a non-f32 equation reads it.
 */
const runEqns = (
  eqns: ReadonlyArray<LoopEqn>,
  vals: Float64Array[],
  nIn: number,
  computedF32: (v: number) => boolean,
  scratch: Float64Array[],
): void => {
  eqns.forEach((e, i) => {
    const args = e.inputs.map((v, k) => {
      if (e.dtype === "f32" || !computedF32(v)) return vals[v]!
      const s = scratch[k]!,
        src = vals[v]!
      for (let j = 0; j < s.length; j++) s[j] = Math.fround(src[j]!)
      return s
    })
    const out = vals[nIn + i]!,
      f = e.expr.f,
      n = out.length
    const [a, b, c] = args
    if (args.length === 1) for (let j = 0; j < n; j++) out[j] = f(a![j]!)
    else if (args.length === 2) for (let j = 0; j < n; j++) out[j] = f(a![j]!, b![j]!)
    else if (args.length === 3) for (let j = 0; j < n; j++) out[j] = f(a![j]!, b![j]!, c![j]!)
    else for (let j = 0; j < n; j++) out[j] = f(...args.map((x) => x[j]!))
    if (e.dtype === "i32") for (let j = 0; j < n; j++) out[j] = out[j]! | 0
    else if (e.dtype === "bool" && !e.boolean) for (let j = 0; j < n; j++) out[j] = out[j]! & 255
  })
}

/** How input k of the loop gets its values each call. */
type Input =
  | { readonly kind: "load"; readonly load: Load }
  | {
      /** a producer loop run in place: its inputs loaded at the unpadded coordinates, its equations, then the fill outside the pad */
      readonly kind: "inline"
      readonly loads: ReadonlyArray<Load>
      readonly eqns: ReadonlyArray<LoopEqn>
      readonly value: number
      readonly inside: Int32Array
      readonly fill: number
    }

const inputOf = (x: LoopInput, shape: ReadonlyArray<number>): Input => {
  const r = shape.length
  const fill = x.src.pad === undefined ? 0 : storeRound(x.dtype, x.src.pad.value)
  if (x.inline === undefined) return { kind: "load", load: { slot: x.src.slot, addr: table(shape, addressOf(x, r)), fill } }
  const pad = x.src.pad!
  const inner = pad.len.length,
    lead = r - inner
  const inside = addressOf({ ...x, src: { slot: -1, offset: 0, strides: pad.len.map(() => 0), pad } }, r)
  const coords = new Array<number>(inner).fill(0)
  /** the unpadded coordinates of loop index `idx`, or undefined outside the pad */
  const unpadded = (idx: ReadonlyArray<number>): ReadonlyArray<number> | undefined => {
    if (inside(idx) === undefined) return undefined
    for (let k = 0; k < inner; k++) coords[k] = (idx[lead + k]! - pad.lo[k]!) / pad.step[k]!
    return coords
  }
  const loads = x.inline.inputs.map((y): Load => {
    const at = addressOf(y, inner)
    return {
      slot: y.src.slot,
      addr: table(shape, (idx) => {
        const c = unpadded(idx)
        return c === undefined ? undefined : at(c)
      }),
      fill: 0,
    }
  })
  return { kind: "inline", loads, eqns: x.inline.eqns, value: x.inline.value, inside: table(shape, inside), fill }
}

/** The function computing `spec` by interpretation (no generated code). */
export const interpretLoop = (spec: LoopSpec): LoopFn => {
  const n = numel(spec.shape),
    nIn = spec.inputs.length
  const inputs = spec.inputs.map((x) => inputOf(x, spec.shape))
  const computedF32 = (v: number) =>
    v < nIn ? spec.inputs[v]!.inline !== undefined && spec.inputs[v]!.dtype === "f32" : spec.eqns[v - nIn]!.dtype === "f32"
  const buffers = (count: number) => Array.from({ length: count }, () => new Float64Array(n))
  // working buffers, allocated once per compiled loop (a loop never runs re-entrantly)
  const vals = buffers(nIn + spec.eqns.length)
  const arity = Math.max(
    0,
    ...spec.eqns.map((e) => e.inputs.length),
    ...spec.inputs.flatMap((x) => x.inline?.eqns.map((e) => e.inputs.length) ?? []),
  )
  const scratch = buffers(arity)
  const inlineVals = inputs.map((x) => (x.kind === "inline" ? buffers(x.loads.length + x.eqns.length) : []))
  // outputs read only by later loops reuse one buffer across calls, as the generated loops do
  const reused = spec.outputs.map((o) => (o.reuse === true ? hostAlloc(o.dtype, n) : undefined))
  return (R) => {
    const outs: HostArray[] = spec.outputs.map((o, m) => (R[o.slot] = reused[m] ?? hostAlloc(o.dtype, n)))
    if (n === 0) return
    inputs.forEach((x, k) => {
      const dst = vals[k]!
      if (x.kind === "load") return load(R, x.load, dst)
      const iv = inlineVals[k]!,
        nI = x.loads.length
      x.loads.forEach((l, m) => load(R, l, iv[m]!))
      runEqns(x.eqns, iv, nI, (v) => v >= nI && x.eqns[v - nI]!.dtype === "f32", scratch)
      const y = iv[x.value]!
      for (let i = 0; i < n; i++) dst[i] = x.inside[i]! < 0 ? x.fill : y[i]!
    })
    runEqns(spec.eqns, vals, nIn, computedF32, scratch)
    spec.outputs.forEach((o, m) => {
      const out = outs[m]!,
        src = vals[o.value]!
      for (let i = 0; i < n; i++) out[i] = src[i]!
    })
  }
}
