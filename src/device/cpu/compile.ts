/**
 * `jit` on the CPU: a staged program becomes a list of closures over a register file of typed
 * arrays (no interpreter, no shape rules, no tensor objects per op), and runs of elementwise
 * equations over one shape are fused into a single generated loop. NOTE: intermediates of a fused
 * f32 loop stay in f64 registers (rounding each to f32 with `Math.fround` made loops 5x slower),
 * so fused f32 results may differ from eager ones in the last bit; f64 results are identical.
 *
 * @since 0.1.0
 */
import { isFloat, numel, type HostArray } from "../../ops/aval.js"
import type { CompiledProgram, Program, ProgramEqn, ProgramVar, Storage } from "../../ops/backend.js"
import type { PrimitiveName } from "../../ops/primitive.js"
import { primitives } from "../../ops/registry.js"
import { CpuStorage } from "./index.js"
import { cpuKernels, type CpuKernel } from "./kernels.js"

type Regs = Array<HostArray | undefined>
type Step = (regs: Regs) => void

/** Inline JS for common scalar ops; the rest call the primitive's `scalar` function. */
const inline: Partial<Record<PrimitiveName, (a: string, b: string) => string>> = {
  neg: (a) => `(-${a})`, exp: (a) => `Math.exp(${a})`, log: (a) => `Math.log(${a})`, log1p: (a) => `Math.log1p(${a})`,
  sin: (a) => `Math.sin(${a})`, cos: (a) => `Math.cos(${a})`, sqrt: (a) => `Math.sqrt(${a})`, tanh: (a) => `Math.tanh(${a})`,
  abs: (a) => `Math.abs(${a})`, add: (a, b) => `(${a} + ${b})`, sub: (a, b) => `(${a} - ${b})`, mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`, pow: (a, b) => `Math.pow(${a}, ${b})`,
}

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.length === b.length && a.every((d, i) => d === b[i])

const isElementwise = (e: ProgramEqn): boolean => {
  const out = e.outs[0]!.aval
  return primitives[e.prim.name].scalar !== undefined && e.outs.length === 1 && isFloat(out.dtype) && out.dtype !== "f16" &&
    e.inputs.every((v) => v.aval.dtype === out.dtype)
}

/** One generated loop computing `group` (consecutive elementwise equations over one shape). */
const fuseGroup = (group: ReadonlyArray<ProgramEqn>, slot: (v: ProgramVar) => number, live: (v: ProgramVar) => boolean): Step => {
  const n = numel(group[0]!.outs[0]!.aval.shape)
  const dtype = group[0]!.outs[0]!.aval.dtype
  const local = new Map<ProgramVar, string>()
  const head: string[] = []
  const body: string[] = []
  const loads: string[] = []
  const ref = (v: ProgramVar): string => {
    const l = local.get(v)
    if (l !== undefined) return l
    const k = local.size
    const name = `x${k}`
    if (numel(v.aval.shape) === 1) head.push(`const ${name} = R[${slot(v)}][0];`)
    else {
      head.push(`const a${k} = R[${slot(v)}];`)
      loads.push(`const ${name} = a${k}[i];`)
    }
    local.set(v, name)
    return name
  }
  const outs: Array<[ProgramVar, string]> = []
  group.forEach((e, j) => {
    const [a, b] = e.inputs.map(ref) as [string, string | undefined]
    const gen = inline[e.prim.name]
    const expr = gen !== undefined ? gen(a, b ?? "") : `S.${e.prim.name}(${[a, b].filter((x) => x !== undefined).join(", ")})`
    const name = `v${j}`
    body.push(`const ${name} = ${expr};`)
    local.set(e.outs[0]!, name)
    if (live(e.outs[0]!)) outs.push([e.outs[0]!, name])
  })
  const alloc = outs.map(([v], k) => `const o${k} = R[${slot(v)}] = new ${dtype === "f64" ? "Float64Array" : "Float32Array"}(${n});`)
  const store = outs.map(([, name], k) => `o${k}[i] = ${name};`)
  const src = [...head, ...alloc, `for (let i = 0; i < ${n}; i++) {`, ...loads, ...body, ...store, "}"].join("\n")
  const scalars = Object.fromEntries(group.map((e) => [e.prim.name, primitives[e.prim.name].scalar]))
  return new Function("S", `return (R) => {\n${src}\n}`)(scalars) as Step
}

/** Compile a staged program for the CPU backend. */
export const compileCpu = (program: Program, consts: ReadonlyArray<Storage>): CompiledProgram => {
  const slots = new Map<ProgramVar, number>()
  const slot = (v: ProgramVar) => {
    let s = slots.get(v)
    if (s === undefined) slots.set(v, (s = slots.size))
    return s
  }
  program.constVars.forEach(slot)
  program.inVars.forEach(slot)
  // last use of every variable outside a fusion group decides what a group must materialise
  const usedBy = new Map<ProgramVar, number[]>()
  program.eqns.forEach((e, i) => e.inputs.forEach((v) => usedBy.set(v, [...(usedBy.get(v) ?? []), i])))
  const outSet = new Set(program.outs)

  const steps: Step[] = []
  const eqns = program.eqns
  for (let i = 0; i < eqns.length; ) {
    const e = eqns[i]!
    if (isElementwise(e)) {
      const shape = e.outs[0]!.aval.shape
      const inGroup = new Set<ProgramVar>()
      let j = i
      for (; j < eqns.length; j++) {
        const g = eqns[j]!
        const ok = isElementwise(g) && g.outs[0]!.aval.dtype === e.outs[0]!.aval.dtype && sameShape(g.outs[0]!.aval.shape, shape) &&
          g.inputs.every((v) => inGroup.has(v) || sameShape(v.aval.shape, shape) || numel(v.aval.shape) === 1)
        if (!ok) break
        g.outs.forEach((v) => inGroup.add(v))
      }
      if (j - i >= 2) {
        const end = j
        const live = (v: ProgramVar) => outSet.has(v) || (usedBy.get(v) ?? []).some((k) => k >= end)
        steps.push(fuseGroup(eqns.slice(i, j), slot, live))
        i = j
        continue
      }
    }
    const k = cpuKernels[e.prim.name] as CpuKernel<PrimitiveName>
    const ins = e.inputs.map(slot), outs = e.outs.map(slot)
    const inAvals = e.inputs.map((v) => v.aval), outAval = e.outs[0]!.aval
    const params = e.params as never
    if (outs.length === 1) {
      const o = outs[0]!
      steps.push((R) => void (R[o] = k(ins.map((s) => R[s]!), inAvals, params, outAval)))
    } else {
      const avals = e.outs.map((v) => v.aval)
      const multi = k as unknown as (xs: HostArray[], a: typeof inAvals, p: never, o: typeof avals) => HostArray[]
      steps.push((R) => multi(ins.map((s) => R[s]!), inAvals, params, avals).forEach((x, m) => (R[outs[m]!] = x)))
    }
    i++
  }
  const nConst = consts.length
  const constData = consts.map((s) => (s as CpuStorage).data)
  const outSlots = program.outs.map(slot)
  const size = slots.size
  return {
    run: (inputs) => {
      const R: Regs = new Array(size)
      for (let c = 0; c < nConst; c++) R[c] = constData[c]
      for (let k = 0; k < inputs.length; k++) R[nConst + k] = (inputs[k] as CpuStorage).data
      for (const s of steps) s(R)
      return outSlots.map((s) => new CpuStorage(R[s]!))
    },
  }
}
