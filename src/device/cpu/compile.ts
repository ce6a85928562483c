/**
 * `jit` on the CPU: a staged program becomes a list of closures over a register file of typed
 * arrays (no interpreter, no shape rules, no tensor objects per op). Runs of elementwise
 * equations over one shape (any dtypes: arithmetic, comparisons, `where`, `cast`) are fused into
 * one generated loop (`fused.ts`), and `slice`, `transpose`, `broadcastTo`, `reshape` and `pad`
 * feeding such a loop are folded into its reads as index transforms (offset + strides; a pad tests
 * the index and reads its fill value outside the input) instead of being materialised. The heat
 * step is thus 2 loops: the five slices and the arithmetic, then `grid + pad(lap)`.
 *
 * NOTE: intermediates of a fused f32 loop stay in f64 locals (rounding each to f32 with
 * `Math.fround` made loops 5x slower), so fused f32 results may differ from eager ones in the last
 * bit; an f32 intermediate is rounded where it feeds a non-f32 result (a comparison, a cast), and
 * i32/bool intermediates wrap as their stores would, so f64, i32 and bool results are identical.
 *
 * @since 0.1.0
 */
import { sameShape } from "../../shape/index.js"
import { numel } from "../../ops/core/aval.js"
import {
  registerSlots,
  type CompiledProgram,
  type Program,
  type ProgramEqn,
  type ProgramVar,
  type Storage,
} from "../../ops/core/backend.js"
import type { ElementwiseName, ParamsOf, PrimitiveName } from "../../ops/core/primitive.js"
import { contiguous, type Expr } from "./codegen.js"
import { exprOf, isElementwise } from "./elementwise.js"
import { canGenerate } from "./eval.js"
import { generateLoop, type LoopEqn, type LoopInput, type LoopSpec, type Regs, type Source } from "./fused.js"
import { CpuStorage } from "./storage.js"
import { cpuKernels, matmulKernel, type CpuKernel } from "./kernels.js"
import { matmulLayout } from "./matmul.js"
import { viewOf, type View } from "../program-view.js"

type Step = (regs: Regs) => void

/** Kernels whose result is always a new array, never one of their inputs: matmul, and reductions over at least one axis. */
const freshResult = (e: ProgramEqn): boolean => {
  const n = e.prim.name
  if (n === "matmul") return true
  const reduction = n === "reduceSum" || n === "reduceMax" || n === "reduceMin" || n === "reduceProd"
  return reduction && (e.params as ParamsOf<"reduceSum">).axes.length > 0
}

/** The reduction a loop can fold in: an f32 sum, max or min over at least one axis of an f32 value. */
const reduceOp = (e: ProgramEqn): "sum" | "max" | "min" | undefined => {
  const n = e.prim.name
  const op = n === "reduceSum" ? "sum" : n === "reduceMax" ? "max" : n === "reduceMin" ? "min" : undefined
  if (op === undefined || (e.params as ParamsOf<"reduceSum">).axes.length === 0) return undefined
  return e.outs[0]!.aval.dtype === "f32" && e.inputs[0]!.aval.dtype === "f32" ? op : undefined
}

/** `w` reads all of its base, in order, with no pad: the same array under another shape. */
const identityView = (v: ProgramVar, w: View): boolean => {
  if (w.pad !== undefined || w.offset !== 0 || numel(v.aval.shape) !== numel(w.base.aval.shape)) return false
  const want = contiguous(v.aval.shape)
  return v.aval.shape.every((d, i) => d === 1 || w.strides[i] === want[i])
}

/** The scalar expression of a fusable (elementwise) equation: the same ones eager kernels use. */
const exprFor = (e: ProgramEqn): Expr | undefined => {
  const name = e.prim.name
  if (!isElementwise(name)) return undefined
  // f16 never reaches the CPU backend
  if (name === "cast" && (e.params as ParamsOf<"cast">).dtype === "f16") return undefined
  return exprOf(name, e.params as never, e.outs[0]!.aval.dtype)
}

/** A compiled CPU program; `steps` counts what runs per call (`loops` of them generated fused loops). */
export interface CpuCompiledProgram extends CompiledProgram {
  readonly steps: number
  readonly loops: number
  /** the generated loops' source, for inspection */
  readonly sources: ReadonlyArray<string>
}

/** Compile a staged program for the CPU backend. */
export const compileCpu = (program: Program, consts: ReadonlyArray<Storage>): CpuCompiledProgram => {
  const { slot, count } = registerSlots(program)
  const usedBy = new Map<ProgramVar, ProgramEqn[]>()
  program.eqns.forEach((e) => e.inputs.forEach((v) => usedBy.set(v, [...(usedBy.get(v) ?? []), e])))
  const outSet = new Set(program.outs)

  // a value read only by generated loops (directly or through views) and by kernels that always
  // return a fresh array never escapes a call: its buffer is allocated once and reused (other
  // kernels may return their input, so they never see one)
  const scratch = (v: ProgramVar): boolean =>
    !outSet.has(v) && (usedBy.get(v) ?? []).every((q) => q.prim.kind === "view" || exprFor(q) !== undefined || freshResult(q))
  /** planned steps: kernels as closures, loops as specs (generated at the end: a later loop may inline one) */
  const steps: Array<Step | Planned> = []
  interface Planned {
    readonly spec: LoopSpec
    readonly outs: ReadonlyArray<ProgramVar>
    readonly eqns: ReadonlyArray<ProgramEqn>
  }
  /** variables whose register is written before the step being planned runs */
  const ready = new Set<ProgramVar>([...program.constVars, ...program.inVars])
  const views = new Map<ProgramVar, View>()
  const producer = new Map<ProgramVar, ProgramEqn>()
  program.eqns.forEach((e) => e.outs.forEach((v) => producer.set(v, e)))
  /**
   * Open groups of elementwise equations, one per loop shape. A group runs when it is closed: when
   * a later step reads one of its values (directly, or through a view that would index its
   * buffer), or at the end. Equations of other shapes and kernels in between do not close it, so
   * a tree of parameters updated leaf by leaf (an optimizer's `Tree.map`s interleave the leaves'
   * shapes) still gets one loop per leaf.
   */
  interface Group {
    readonly eqns: ProgramEqn[]
    readonly made: Set<ProgramVar>
    /** f32 reductions of the group's values, computed in its loop */
    readonly reds: ProgramEqn[]
  }
  const groups = new Map<string, Group>()
  /** the open group that computes a value */
  const openOf = new Map<ProgramVar, Group>()
  /** values whose loop writes a buffer reused across calls */
  const reused = new Set<ProgramVar>()

  const sourceOf = (v: ProgramVar): Source => {
    const w = ready.has(v) ? undefined : views.get(v)
    if (w === undefined) return { slot: slot(v), offset: 0, strides: contiguous(v.aval.shape) }
    return w.pad === undefined
      ? { slot: slot(w.base), offset: w.offset, strides: w.strides }
      : { slot: slot(w.base), offset: w.offset, strides: w.strides, pad: w.pad }
  }
  /**
   * The previous loop, when input `u` of a loop over `shape` is a pad (steps 1, at the loop's
   * shape) of that loop's only output and nothing else reads it: it can run inside this one.
   */
  const inlinable = (u: ProgramVar, shape: ReadonlyArray<number>, members: ReadonlySet<ProgramEqn>): Planned | undefined => {
    const last = steps[steps.length - 1]
    const w = ready.has(u) ? undefined : views.get(u)
    if (last === undefined || typeof last === "function" || w?.pad === undefined || !sameShape(u.aval.shape, shape) || outSet.has(u))
      return undefined
    const b = w.base,
      pe = producer.get(u)
    if (last.outs.length !== 1 || last.outs[0] !== b || outSet.has(b) || last.eqns.length === 0 || numel(b.aval.shape) === 0)
      return undefined
    if (pe === undefined || pe.inputs[0] !== b || !w.pad.step.every((t) => t === 1) || (usedBy.get(b) ?? []).length !== 1) return undefined
    if (!(usedBy.get(u) ?? []).every((q) => members.has(q))) return undefined
    if (last.spec.inputs.some((x) => x.src.pad !== undefined || x.inline !== undefined) || last.spec.reductions !== undefined)
      return undefined
    return last
  }
  const emitLoop = (
    shape: ReadonlyArray<number>,
    eqns: ReadonlyArray<ProgramEqn>,
    outs: ReadonlyArray<ProgramVar>,
    extra: ReadonlyArray<ProgramVar> = [],
    reds: ReadonlyArray<ProgramEqn> = [],
  ) => {
    const inside = new Set(eqns.flatMap((e) => e.outs))
    const members = new Set(eqns)
    const inputs = [...new Set([...extra, ...eqns.flatMap((e) => e.inputs)].filter((v) => !inside.has(v)))]
    const index = new Map<ProgramVar, number>()
    inputs.forEach((v, k) => index.set(v, k))
    eqns.forEach((e, i) => index.set(e.outs[0]!, inputs.length + i))
    let absorbed = false
    const loopInputs: LoopInput[] = inputs.map((v) => {
      const x: LoopInput = { shape: v.aval.shape, dtype: v.aval.dtype, src: sourceOf(v) }
      const prev = absorbed || eqns.length === 0 ? undefined : inlinable(v, shape, members)
      if (prev === undefined) return x
      absorbed = true
      steps.pop()
      return { ...x, inline: { inputs: prev.spec.inputs, eqns: prev.spec.eqns, value: prev.spec.outputs[0]!.value } }
    })
    const loopEqns: LoopEqn[] = eqns.map((e) => ({
      expr: exprFor(e)!,
      inputs: e.inputs.map((v) => index.get(v)!),
      dtype: e.outs[0]!.aval.dtype,
      boolean: e.prim.name === "compare" || (e.prim.name === "cast" && (e.params as ParamsOf<"cast">).dtype === "bool"),
    }))
    const spec: LoopSpec = {
      shape,
      inputs: loopInputs,
      eqns: loopEqns,
      outputs: outs.map((v) => ({ value: index.get(v)!, slot: slot(v), dtype: v.aval.dtype, reuse: scratch(v) })),
      ...(reds.length === 0
        ? {}
        : {
            reductions: reds.map((e) => {
              const { axes } = e.params as ParamsOf<"reduceSum">
              return {
                value: index.get(e.inputs[0]!)!,
                slot: slot(e.outs[0]!),
                op: reduceOp(e)!,
                kept: shape.map((_, d) => !axes.includes(d)),
                reuse: scratch(e.outs[0]!),
              }
            }),
          }),
    }
    outs.forEach((v) => scratch(v) && reused.add(v))
    reds.forEach((e) => {
      ready.add(e.outs[0]!)
      if (scratch(e.outs[0]!)) reused.add(e.outs[0]!)
    })
    steps.push({ spec, outs, eqns })
    outs.forEach((v) => ready.add(v))
  }
  /** Run group `g` now: one loop computing its values that anything outside it reads. */
  const close = (g: Group | undefined) => {
    if (g === undefined) return
    const shape = g.eqns[0]!.outs[0]!.aval.shape
    groups.delete(shape.join(","))
    g.made.forEach((v) => openOf.delete(v))
    g.reds.forEach((e) => openOf.delete(e.outs[0]!))
    const members = new Set([...g.eqns, ...g.reds])
    const live = [...g.made].filter((v) => outSet.has(v) || (usedBy.get(v) ?? []).some((q) => !members.has(q)))
    emitLoop(shape, g.eqns, live, [], g.reds)
  }
  /** Close the group computing `v`'s base when `v` is a deferred view (reading it indexes that buffer). */
  const needBase = (v: ProgramVar) => {
    const w = ready.has(v) ? undefined : views.get(v)
    if (w !== undefined) close(openOf.get(w.base))
  }
  /** Close the group computing `v`, or `v`'s base when `v` is a deferred view: a step is about to read it. */
  const need = (v: ProgramVar) => {
    close(openOf.get(v))
    needBase(v)
  }
  /** Give a deferred view its own register (a copy loop through its index transform). */
  const materialize = (v: ProgramVar) => {
    if (ready.has(v)) return
    const w = views.get(v)!
    close(openOf.get(w.base))
    // a view that is its whole base in order (a reshape, a size-1 transpose) shares the base's
    // array, as eager reshape does; a buffer reused across calls only when the view, too, never
    // leaves the call (the next call overwrites it)
    if (identityView(v, w) && ready.has(w.base) && (!reused.has(w.base) || scratch(v))) {
      const from = slot(w.base),
        to = slot(v)
      steps.push((R) => void (R[to] = R[from]))
      ready.add(v)
      if (reused.has(w.base)) reused.add(v)
      return
    }
    emitLoop(v.aval.shape, [], [v], [v])
  }
  /**
   * A matmul step: an input that is a deferred view reading a ready register in order or with
   * its last two axes swapped (`mT`, as in every Linear layer's backward) is read there in place,
   * flagged transposed, instead of materialised by a copy loop.
   */
  const matmulStep = (e: ProgramEqn): Step => {
    const ops = e.inputs.map((v) => {
      const w = ready.has(v) ? undefined : views.get(v)
      const layout = w === undefined || w.pad !== undefined || !ready.has(w.base) ? undefined : matmulLayout(v.aval.shape, w.strides)
      if (w === undefined || layout === undefined) return (materialize(v), { slot: slot(v), offset: 0, n: -1, t: false })
      return { slot: slot(w.base), offset: w.offset, n: numel(v.aval.shape), t: layout === "transposed" }
    })
    const read = (R: Regs, i: number) => {
      const { slot: s, offset, n } = ops[i]!
      const x = R[s]!
      return n < 0 || (offset === 0 && n === x.length) ? x : x.subarray(offset, offset + n)
    }
    const [aa, ab] = e.inputs.map((v) => v.aval),
      outAval = e.outs[0]!.aval,
      o = slot(e.outs[0]!)
    return (R) => void (R[o] = matmulKernel(read(R, 0), ops[0]!.t, read(R, 1), ops[1]!.t, aa!, ab!, outAval))
  }

  for (const e of program.eqns) {
    const out = e.outs[0]!
    if (e.prim.kind === "view") {
      const x = e.inputs[0]!
      const inner = ready.has(x) ? undefined : views.get(x)
      let w = viewOf(e, inner ?? null)
      if (w === null && inner !== undefined) {
        materialize(x)
        w = viewOf(e, null)
      }
      if (w !== null) {
        views.set(out, w)
        continue
      }
    }
    if (exprFor(e) !== undefined) {
      const key = out.aval.shape.join(",")
      // another group's values must be in their registers before this group's loop runs, and a
      // loop cannot read what it is still computing through an index transform
      for (const v of e.inputs) {
        const h = openOf.get(v)
        if (h !== undefined && h !== groups.get(key)) close(h)
        needBase(v)
      }
      let g = groups.get(key)
      if (g === undefined) groups.set(key, (g = { eqns: [], made: new Set(), reds: [] }))
      g.eqns.push(e)
      g.made.add(out)
      openOf.set(out, g)
      continue
    }
    // an f32 reduction of a value an open loop computes runs in that loop
    const into = reduceOp(e) === undefined ? undefined : openOf.get(e.inputs[0]!)
    if (into !== undefined && canGenerate()) {
      into.reds.push(e)
      openOf.set(out, into)
      continue
    }
    e.inputs.forEach(need)
    if (e.prim.name === "matmul") {
      steps.push(matmulStep(e))
      ready.add(out)
      continue
    }
    e.inputs.forEach(materialize)
    // every kernel primitive has one output
    const k = cpuKernels[e.prim.name as Exclude<PrimitiveName, ElementwiseName>] as CpuKernel<PrimitiveName>
    const ins = e.inputs.map(slot),
      o = slot(out)
    const inAvals = e.inputs.map((v) => v.aval),
      outAval = out.aval
    const params = e.params as never
    steps.push(
      (R) =>
        void (R[o] = k(
          ins.map((s) => R[s]!),
          inAvals,
          params,
          outAval,
        )),
    )
    ready.add(out)
  }
  ;[...groups.values()].forEach(close)
  program.outs.forEach(materialize)

  const sources: string[] = []
  const run: Step[] = steps.map((s) => {
    if (typeof s === "function") return s
    const { fn, source } = generateLoop(s.spec)
    sources.push(source)
    return fn
  })
  const nConst = consts.length
  const constData = consts.map((s) => (s as CpuStorage).data)
  const outSlots = program.outs.map(slot)
  const size = count()
  return {
    steps: run.length,
    loops: sources.length,
    sources,
    run: (inputs) => {
      const R: Regs = new Array(size)
      for (let c = 0; c < nConst; c++) R[c] = constData[c]
      for (let k = 0; k < inputs.length; k++) R[nConst + k] = (inputs[k] as CpuStorage).data
      for (const s of run) s(R)
      return outSlots.map((s) => new CpuStorage(R[s]!))
    },
  }
}
