/**
 * `jit` on WebGPU: a staged program becomes a short list of kernels. Chains of elementwise
 * equations of one output shape fuse into one generated kernel (several outputs allowed); slices
 * and broadcasts feeding only that chain are folded into its index math; a chain consumed only by
 * a reduction fuses into the reduction's loads. Everything else runs its own kernel. All of it
 * goes into the device's open batch (one submission per call), and intermediates are released
 * as soon as the call returns.
 *
 * @since 0.1.0
 */
import { numel, type Aval } from "../../ops/core/aval.js"
import type { CompiledProgram, Program, ProgramEqn, ProgramVar, Storage } from "../../ops/core/backend.js"
import type { ElementwiseName, NamesOfKind, PrimitiveName } from "../../ops/core/primitive.js"
import { sameShape, stridesOf as contiguous } from "../../shape/index.js"
import type { GpuContext } from "./context.js"
import { elementwise, fnDecl, scalarFn, type Operand } from "./kernels/elementwise.js"
import { gpuKernel } from "./kernels/index.js"
import type { GpuKernel } from "./kernels/common.js"
import { reduceRows, reduceView, type ReduceOp } from "./kernels/reduce.js"
import type { GpuStorage } from "./memory.js"
import { viewOf, type View } from "../program-view.js"
import { InternalError } from "../../errors.js"

/** The reduction each reduction primitive fuses as (total over the kind). */
const REDUCE = { reduceSum: "sum", reduceProd: "prod", reduceMax: "max", reduceMin: "min" } satisfies {
  readonly [P in NamesOfKind<"reduction">]: ReduceOp
}
const reduceOf = (name: PrimitiveName): ReduceOp | undefined => (REDUCE as Partial<Record<PrimitiveName, ReduceOp>>)[name]

/**
 * A view folded into a fused kernel: read `base` at `offset + Σ i·strides`. With `pad`, `i` is
 * the output coordinate mapped back through the pad (fill value where it lands on no element).
 */
type Step =
  | { readonly kind: "op"; readonly eqn: ProgramEqn }
  | {
      readonly kind: "fused"
      readonly eqns: ReadonlyArray<ProgramEqn>
      readonly inputs: ReadonlyArray<ProgramVar>
      readonly views: ReadonlyArray<View | null>
      readonly outputs: ReadonlyArray<ProgramVar>
      readonly reduce: ProgramEqn | null
    }

/** Partition the program into steps. */
const plan = (program: Program): Step[] => {
  const uses = new Map<ProgramVar, number>()
  const use = (v: ProgramVar) => uses.set(v, (uses.get(v) ?? 0) + 1)
  program.eqns.forEach((e) => e.inputs.forEach(use))
  program.outs.forEach(use)
  const producer = new Map<ProgramVar, ProgramEqn>()
  program.eqns.forEach((e) => e.outs.forEach((v) => producer.set(v, e)))
  const steps: Step[] = []
  let group: ProgramEqn[] = []
  const close = (reduce: ProgramEqn | null) => {
    if (group.length === 0) return
    const made = new Set(group.flatMap((e) => e.outs))
    const inputs = [...new Set(group.flatMap((e) => e.inputs).filter((v) => !made.has(v)))]
    const inside = new Map<ProgramVar, number>()
    group.forEach((e) => e.inputs.forEach((v) => inside.set(v, (inside.get(v) ?? 0) + 1)))
    if (reduce !== null) inside.set(reduce.inputs[0]!, (inside.get(reduce.inputs[0]!) ?? 0) + 1)
    const outputs = [...made].filter((v) => (uses.get(v) ?? 0) > (inside.get(v) ?? 0))
    // a view used only by this group is read in place; its eqn was deferred, so drop it
    // a pad is read in place only at the group's own shape (its index map does not broadcast)
    const shape = group[0]!.outs[0]!.aval.shape
    const views = inputs.map((v) => {
      const p = producer.get(v)
      const view = p !== undefined && deferred.has(p) && uses.get(v) === (inside.get(v) ?? 0) ? (composed.get(p) ?? viewOf(p)) : null
      return view !== null && view.pad !== undefined && !sameShape(v.aval.shape, shape) ? null : view
    })
    inputs.forEach((v, k) => {
      const p = producer.get(v)
      if (p !== undefined && deferred.has(p) && views[k] === null) materialize(p)
      if (p !== undefined && views[k] !== null) deferred.delete(p)
    })
    steps.push({ kind: "fused", eqns: group, inputs, views, outputs, reduce })
    group = []
  }
  // views are deferred until we know whether a fused group swallows them
  const deferred = new Set<ProgramEqn>()
  // a pad whose input is a deferred view read by nothing else reads through that view; if the pad
  // must run as its own kernel after all, the view runs first
  const composed = new Map<ProgramEqn, View>()
  const absorbed = new Map<ProgramEqn, ProgramEqn>()
  const materialize = (e: ProgramEqn) => {
    deferred.delete(e)
    const inner = absorbed.get(e)
    if (inner !== undefined) materialize(inner)
    steps.push({ kind: "op", eqn: e })
  }
  const flushDeferred = (needed: ReadonlyArray<ProgramVar>) => {
    for (const v of needed) {
      const p = producer.get(v)
      if (p !== undefined && deferred.has(p)) materialize(p)
    }
  }
  for (const e of program.eqns) {
    const name = e.prim.name
    const shape = e.outs[0]!.aval.shape
    if (e.prim.kind === "elementwise") {
      if (group.length > 0 && !sameShape(group[0]!.outs[0]!.aval.shape, shape)) close(null)
      group.push(e)
      continue
    }
    const red = reduceOf(name)
    const x = e.inputs[0]
    if (
      red !== undefined &&
      group.length > 0 &&
      x !== undefined &&
      group.some((q) => q.outs[0] === x) &&
      uses.get(x) === 1 &&
      reduceView(x.aval.shape, (e.params as { axes: ReadonlyArray<number> }).axes) !== null
    ) {
      close(e)
      continue
    }
    if (viewOf(e) !== null && numel(e.outs[0]!.aval.shape) > 0) {
      // a view does not end the open group unless it reads what the group makes
      if (group.some((q) => q.outs[0] === x)) close(null)
      const inner = x === undefined ? undefined : producer.get(x)
      if (inner !== undefined && deferred.has(inner) && uses.get(x!) === 1) {
        const view = viewOf(e, composed.get(inner) ?? viewOf(inner))
        if (view !== null) {
          deferred.delete(inner)
          composed.set(e, view)
          absorbed.set(e, inner)
          deferred.add(e)
          continue
        }
      }
      flushDeferred(e.inputs)
      deferred.add(e)
      continue
    }
    close(null)
    flushDeferred(e.inputs)
    steps.push({ kind: "op", eqn: e })
  }
  close(null)
  for (const e of [...deferred]) materialize(e)
  return order(steps, program)
}

/** Deferred views were appended late: order steps so each runs after its inputs exist. */
const order = (steps: Step[], program: Program): Step[] => {
  const ready = new Set<ProgramVar>([...program.constVars, ...program.inVars])
  const ins = (s: Step) => (s.kind === "op" ? s.eqn.inputs : s.views.map((v, k) => v?.base ?? s.inputs[k]!))
  const outs = (s: Step) => (s.kind === "op" ? s.eqn.outs : s.reduce !== null ? [...s.outputs, ...s.reduce.outs] : s.outputs)
  const out: Step[] = []
  const pending = [...steps]
  while (pending.length > 0) {
    const i = pending.findIndex((s) => ins(s).every((v) => ready.has(v)))
    if (i < 0) throw new InternalError({ message: "webgpu jit: could not order the fused program" })
    const [s] = pending.splice(i, 1)
    out.push(s!)
    outs(s!).forEach((v) => ready.add(v))
  }
  return out
}

/** Compile a staged program for the device behind `g`. */
export const compileProgram = (g: GpuContext, program: Program, consts: ReadonlyArray<Storage>): CompiledProgram => {
  const steps = plan(program)
  // the program owns its constants: they outlive the scope that traced it
  const owned = consts.map((c) => g.pool.share(c as GpuStorage, true))
  return {
    run: (inputs) => {
      g.live()
      const R = new Map<ProgramVar, GpuStorage>()
      program.constVars.forEach((v, i) => R.set(v, owned[i]!))
      program.inVars.forEach((v, i) => R.set(v, inputs[i] as GpuStorage))
      const made: GpuStorage[] = []
      for (const s of steps) {
        if (s.kind === "op") {
          const k = gpuKernel(s.eqn.prim.name) as GpuKernel<unknown>
          const y = k(
            g,
            s.eqn.inputs.map((v) => R.get(v)!),
            s.eqn.inputs.map((v) => v.aval),
            s.eqn.params,
            s.eqn.outs[0]!.aval,
          )
          R.set(s.eqn.outs[0]!, y)
          made.push(y)
        } else runFused(g, s, R, made)
      }
      const outs = program.outs.map((v) => R.get(v)!)
      const keep = new Set<GpuStorage>(outs)
      for (const s of made) if (!keep.has(s)) s.release()
      // intermediates never escape; an output that is an input, a constant or repeated gets its own claim
      const fresh = new Set(made)
      return outs.map((s) => (fresh.delete(s) ? s : g.pool.share(s)))
    },
  }
}

const runFused = (g: GpuContext, s: Extract<Step, { kind: "fused" }>, R: Map<ProgramVar, GpuStorage>, made: GpuStorage[]): void => {
  const name = new Map<ProgramVar, string>()
  let decls = "",
    vecDecls = "",
    lines = ""
  const body = (names: ReadonlyArray<string>) => {
    s.inputs.forEach((v, k) => name.set(v, `in${k}`))
    lines = names.map((n, k) => `  let in${k} = ${n};\n`).join("")
    s.eqns.forEach((e, i) => {
      const v = `t${i}`
      lines += `  let ${v} = f${i}(${e.inputs.map((x) => name.get(x)!).join(", ")});\n`
      name.set(e.outs[0]!, v)
    })
    return { lines, results: s.outputs.map((v) => name.get(v)!) }
  }
  s.eqns.forEach((e, i) => {
    const f = scalarFn(
      e.prim.name as ElementwiseName,
      e.params as never,
      e.inputs.map((v) => v.aval.dtype),
      e.outs[0]!.aval.dtype,
    )
    decls += fnDecl(`f${i}`, f, false)
    vecDecls += fnDecl(`f${i}`, f, true)
  })
  const operands: Operand[] = s.inputs.map((v, k) => {
    const view = s.views[k]
    if (view === null || view === undefined) return { storage: R.get(v)!, aval: v.aval }
    const o = { storage: R.get(view.base)!, aval: v.aval, offset: view.offset, strides: view.strides }
    return view.pad === undefined ? o : { ...o, pad: view.pad }
  })
  if (s.reduce === null) {
    const ys = elementwise(
      g,
      operands,
      s.outputs.map((v) => v.aval),
      decls,
      body,
      vecDecls,
    )
    s.outputs.forEach((v, j) => (R.set(v, ys[j]!), made.push(ys[j]!)))
    return
  }
  // fused into a reduction: every operand must be indexable by the flat input index
  const red = s.reduce
  const x = red.inputs[0]!
  // a view that is its base read in order (a reshape) is as good as a plain input
  const inOrder = (o: Operand) =>
    o.offset === undefined || (o.offset === 0 && o.pad === undefined && sameShape(o.strides!, contiguous(o.aval.shape)))
  const flat = operands.every((o) => (sameShape(o.aval.shape, x.aval.shape) || numel(o.aval.shape) === 1) && inOrder(o))
  if (!flat || s.outputs.length > 0) {
    const ys = elementwise(
      g,
      operands,
      [...s.outputs, x].map((v) => v.aval),
      decls,
      (n) => {
        const b = body(n)
        return { lines: b.lines, results: [...b.results, name.get(x)!] }
      },
      vecDecls,
    )
    ;[...s.outputs, x].forEach((v, j) => (R.set(v, ys[j]!), made.push(ys[j]!)))
    const y = (gpuKernel(red.prim.name) as GpuKernel<unknown>)(g, [R.get(x)!], [x.aval], red.params, red.outs[0]!.aval)
    R.set(red.outs[0]!, y)
    made.push(y)
    return
  }
  const axes = (red.params as { axes: ReadonlyArray<number> }).axes
  const load = (idx: string) => {
    const b = body(operands.map((o, k) => (numel(o.aval.shape) === 1 ? `x${k}[0]` : `x${k}[${idx}]`)))
    return { lines: b.lines.replace(/^/gm, "    "), value: name.get(x)! }
  }
  const y = reduceRows(
    g,
    operands.map((o) => o.storage),
    operands.map((o) => o.aval.dtype),
    red.outs[0]!.aval as Aval,
    reduceOf(red.prim.name)!,
    reduceView(x.aval.shape, axes)!,
    load,
    decls,
  )
  R.set(red.outs[0]!, y)
  made.push(y)
}
