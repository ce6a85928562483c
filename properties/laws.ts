/**
 * The laws every primitive must satisfy, as functions of a generated `Case` that throw on
 * failure: (a) shape rule, (b) JVP vs finite differences, (c) VJP dot-product identity,
 * (d) transpose adjointness, (e) linearity of the JVP in the tangent, (f) zero in → zero out,
 * (g) batching rule vs a loop.
 */
import { vmap } from "../src/grad/vmap.js"
import { dtypeOfHost, isFloat, numel, type Aval } from "../src/ops/core/aval.js"
import { dataSync } from "../src/ops/api/host.js"
import { bind } from "../src/ops/core/interpreter.js"
import * as lax from "../src/ops/core/lax.js"
import {
  LinearIn,
  Zero,
  type LinearPrimitiveName,
  type ParamsOf,
  type Primitive,
  type PrimitiveName,
  type Tangent,
} from "../src/ops/core/primitive.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import { uniformFrom } from "../src/testing/arbitraries.js"
import { checkGrads, fromValues } from "../src/testing/index.js"
import { describeCase, diffArgsOf, type Case } from "../test/cases.js"

const host = (x: AnyTensor): Float64Array => Float64Array.from(dataSync(x))
const fmtAval = (a: Aval) => `${a.dtype}[${a.shape.join(", ")}]`
const sameAval = (a: Aval, b: Aval) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])

class LawError extends Error {}
const fail = (c: Case, law: string, detail: string): never => {
  throw new LawError(`${law} fails for ${describeCase(c)}: ${detail}`)
}

/** Seeded random numbers in [-1, 1) and random tensors of an aval. */
export const rng = (seed: number) => {
  const next = uniformFrom(seed)
  return { next, like: (a: Aval) => fromValues(Array.from({ length: numel(a.shape) }, next), a.shape, a.dtype) }
}

const run = (c: Case, args: ReadonlyArray<AnyTensor>, params: unknown = c.spec.params) =>
  bind(c.prim, args, params as ParamsOf<PrimitiveName>)

/** The first index where `got` and `want` differ by more than `tol·(1 + |want|)`, or -1. */
const mismatch = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number): number => {
  for (let k = 0; k < Math.min(got.length, want.length); k++) {
    const g = got[k]!,
      w = want[k]!
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w))) && !(Number.isNaN(g) && Number.isNaN(w))) return k
  }
  return got.length === want.length ? -1 : Math.min(got.length, want.length)
}

/** (a) `abstractEval` gives the expected aval, and the CPU kernel returns exactly that much data of that dtype. */
export const shapeLaw = (c: Case): void => {
  const args = c.examples[0]!
  const [rule] = c.prim.abstractEval(
    args.map((a) => a.aval),
    c.spec.params as never,
  )
  if (!sameAval(rule!, c.spec.out)) fail(c, "(a) shape rule", `abstractEval gives ${fmtAval(rule!)}, expected ${fmtAval(c.spec.out)}`)
  const data = dataSync(run(c, args)[0]!)
  const dtype = dtypeOfHost(data, c.prim.name)
  if (data.length !== numel(rule!.shape) || dtype !== rule!.dtype)
    fail(c, "(a) shape rule", `the CPU kernel returns ${data.length} ${dtype} values for ${fmtAval(rule!)}`)
}

/**
 * (b) fwd: JVP = central finite differences; (c) rev: `<J·t, c> = <t, Jᵀ·c>` (J·t by finite
 * differences); (h) order 2: both, also for the pullback `x ↦ Jᵀ(x)·c` (the rules' own derivatives).
 */
export const gradLaw =
  (mode: "fwd" | "rev" | "order2") =>
  (c: Case): void => {
    const args = c.examples[0]!
    const diff = diffArgsOf(c.prim, c.spec)
    if (diff.length === 0) return
    const f = (...xs: AnyTensor[]) => {
      const full = args.slice()
      diff.forEach((i, k) => (full[i] = xs[k]!))
      return run(c, full)
    }
    try {
      const options = mode === "order2" ? { order: 2 as const } : { modes: [mode] }
      checkGrads(
        f,
        diff.map((i) => args[i]!),
        { ...options, ...c.spec.tol },
      )
    } catch (e) {
      const law = { fwd: "(b) JVP vs finite differences", rev: "(c) VJP dot-product identity", order2: "(h) second derivatives" }[mode]
      fail(c, law, String((e as Error).message))
    }
  }

/** For each linear primitive: the sets of inputs it is jointly linear in (the rest are constants). */
const linearSets: { readonly [P in LinearPrimitiveName]: (c: Case, params: ParamsOf<P>) => ReadonlyArray<ReadonlyArray<number>> } = {
  neg: () => [[0]],
  add: () => [[0, 1]],
  sub: () => [[0, 1]],
  mul: () => [[0], [1]],
  div: () => [[0]],
  where: () => [[1, 2]],
  cast: (c, { dtype }) => (isFloat(c.spec.inputs[0]!.dtype) && isFloat(dtype) ? [[0]] : []),
  reduceSum: () => [[0]],
  reshape: () => [[0]],
  broadcastTo: () => [[0]],
  transpose: () => [[0]],
  slice: () => [[0]],
  pad: () => [[0]],
  concat: (c) => [c.spec.inputs.map((_, i) => i)],
  matmul: () => [[0], [1]],
  unfold: () => [[0]],
  fold: () => [[0]],
  gather: () => [[0]],
  scatterAdd: () => [[0]],
  triangularSolve: () => [[1]],
}
export const isLinear = (p: Primitive): boolean => p.name in linearSets

/** The linear part of an affine primitive: pad and unfold fill with 0 (as their JVPs do). */
const linearParams = (c: Case): unknown =>
  c.prim.name === "pad" || c.prim.name === "unfold" ? { ...(c.spec.params as object), value: 0 } : c.spec.params

const dotHost = (a: ArrayLike<number>, b: ArrayLike<number>): [number, number] => {
  let s = 0,
    scale = 0
  for (let k = 0; k < a.length; k++) (s += a[k]! * b[k]!), (scale += Math.abs(a[k]! * b[k]!))
  return [s, scale]
}

/** (d) `<L x, y> = <x, Lᵀ y>` for the transpose rule of a linear primitive. */
export const adjointLaw = (c: Case, seed: number): void => {
  if (!isLinear(c.prim)) return
  const args = c.examples[0]!
  const params = linearParams(c)
  const r = rng(seed)
  const rule = c.prim.transpose as (
    cts: ReadonlyArray<Tangent>,
    a: ReadonlyArray<AnyTensor | LinearIn>,
    p: unknown,
  ) => Array<Tangent | null>
  const sets = linearSets[c.prim.name as LinearPrimitiveName] as (c: Case, p: unknown) => ReadonlyArray<ReadonlyArray<number>>
  for (const set of sets(c, c.spec.params)) {
    const Lx = run(c, args, params)[0]!
    const y = r.like(Lx.aval)
    const cts = rule(
      [y],
      args.map((a, i) => (set.includes(i) ? new LinearIn(a.aval) : a)),
      params,
    )
    const [lhs, outScale] = dotHost(host(Lx), host(y))
    let rhs = 0,
      scale = outScale
    for (const i of set) {
      const ct = cts[i]
      if (ct === null || ct === undefined) fail(c, "(d) transpose", `no cotangent for linear input ${i}`)
      if (ct instanceof Zero) continue
      if (!sameAval((ct as AnyTensor).aval, args[i]!.aval))
        fail(c, "(d) transpose", `cotangent of input ${i} is ${fmtAval((ct as AnyTensor).aval)}, the input is ${fmtAval(args[i]!.aval)}`)
      const [d, s] = dotHost(host(args[i]!), host(ct as AnyTensor))
      rhs += d
      scale += s
    }
    const tol = c.spec.tol?.rtol ?? 1e-10
    if (!(Math.abs(lhs - rhs) <= tol * (1 + scale)))
      fail(c, "(d) transpose", `linear in inputs [${set.join(", ")}]: <L x, y> = ${lhs} but <x, Lᵀ y> = ${rhs}`)
  }
}

type JvpRule = (
  p: ReadonlyArray<AnyTensor>,
  t: ReadonlyArray<Tangent>,
  params: unknown,
) => readonly [ReadonlyArray<AnyTensor>, ReadonlyArray<Tangent>]
const jvpRule = (c: Case) => (tangents: ReadonlyArray<Tangent>) => (c.prim.jvp as JvpRule)(c.examples[0]!, tangents, c.spec.params)

/** Output tangents as host arrays (a symbolic Zero reads as zeros), checking each against its primal's aval. */
const tangentData = (c: Case, law: string, outs: ReadonlyArray<AnyTensor>, touts: ReadonlyArray<Tangent>) =>
  touts.map((t, o) => {
    const want = outs[o]!.aval
    if (!sameAval(t.aval, want)) fail(c, law, `output tangent ${o} is ${fmtAval(t.aval)}, the output is ${fmtAval(want)}`)
    return t instanceof Zero ? new Float64Array(numel(want.shape)) : host(t)
  })

/** (e) `jvp(a·t₁ + b·t₂) = a·jvp(t₁) + b·jvp(t₂)`. */
export const linearityLaw = (c: Case, seed: number): void => {
  const diff = diffArgsOf(c.prim, c.spec)
  if (diff.length === 0) return
  const args = c.examples[0]!
  const r = rng(seed)
  const [a, b] = [r.next() * 2, r.next() * 2]
  const draw = () => args.map((x, i): Tangent => (diff.includes(i) ? r.like(x.aval) : new Zero(x.aval)))
  const t1 = draw(),
    t2 = draw()
  const mix = t1.map((t, i) => (t instanceof Zero ? t : lax.add(lax.mul(t, a), lax.mul(t2[i] as AnyTensor, b))))
  const jvp = jvpRule(c)
  const [outs, o1] = jvp(t1),
    [, o2] = jvp(t2),
    [, o12] = jvp(mix)
  const law = "(e) JVP linear in the tangent"
  const [d1, d2, d12] = [o1, o2, o12].map((ts) => tangentData(c, law, outs, ts))
  d12!.forEach((got, o) => {
    const want = got.map((_, k) => a * d1![o]![k]! + b * d2![o]![k]!)
    const k = mismatch(got, want, c.spec.tol?.rtol ?? 1e-9)
    if (k >= 0) fail(c, law, `at output ${o}[${k}]: jvp(a·t₁ + b·t₂) = ${got[k]}, a·jvp(t₁) + b·jvp(t₂) = ${want[k]}`)
  })
}

/**
 * (f) All-zero tangents in → symbolic `Zero` out (with the output's aval); for non-differentiable
 * primitives any tangent gives `Zero`; and a symbolic `Zero` acts like a materialised zero.
 */
export const zeroLaw = (c: Case, seed: number): void => {
  const args = c.examples[0]!
  const jvp = jvpRule(c)
  const law = "(f) zero in → zero out"
  const r = rng(seed)
  const checkZero = (tangents: ReadonlyArray<Tangent>, what: string) => {
    const [outs, touts] = jvp(tangents)
    touts.forEach((t, o) => {
      if (!(t instanceof Zero)) fail(c, law, `${what} gave a materialised tangent (expected the symbolic Zero)`)
      if (!sameAval(t.aval, outs[o]!.aval)) fail(c, law, `${what} gave Zero of ${fmtAval(t.aval)}, the output is ${fmtAval(outs[o]!.aval)}`)
    })
  }
  checkZero(
    args.map((x) => new Zero(x.aval)),
    "all-Zero tangents",
  )
  if (c.prim.domain.nonDiff) {
    checkZero(
      args.map((x) => (isFloat(x.dtype) ? r.like(x.aval) : new Zero(x.aval))),
      "a non-differentiable primitive",
    )
    return
  }
  const diff = diffArgsOf(c.prim, c.spec)
  if (diff.length < 2) return
  // some differentiable inputs Zero, the others random: Zero must equal materialised zeros
  const zeroed = diff.filter(() => r.next() < 0)
  const ts = args.map((x, i): Tangent => (diff.includes(i) && !zeroed.includes(i) ? r.like(x.aval) : new Zero(x.aval)))
  const [outs, sym] = jvp(ts)
  const [, mat] = jvp(ts.map((t, i) => (t instanceof Zero && diff.includes(i) ? lax.zerosLike(args[i]!) : t)))
  const [ds, dm] = [sym, mat].map((x) => tangentData(c, law, outs, x))
  ds!.forEach((got, o) => {
    const k = mismatch(got, dm![o]!, 1e-12)
    if (k >= 0)
      fail(c, law, `Zero tangents for inputs [${zeroed.join(", ")}] give ${got[k]} at output ${o}[${k}], zeros give ${dm![o]![k]}`)
  })
}

/** Host data of tensors `xs` (same aval) stacked along a new axis `axis`. */
const stackAt = (xs: ReadonlyArray<AnyTensor>, axis: number): AnyTensor => {
  const { shape, dtype } = xs[0]!.aval
  const post = numel(shape.slice(axis)),
    pre = numel(shape.slice(0, axis)),
    B = xs.length
  const data = xs.map((x) => dataSync(x))
  const out = new Float64Array(pre * B * post)
  for (let p = 0; p < pre; p++)
    for (let b = 0; b < B; b++) for (let q = 0; q < post; q++) out[(p * B + b) * post + q] = data[b]![p * post + q]!
  return fromValues(out, [...shape.slice(0, axis), B, ...shape.slice(axis)], dtype)
}

/** Which inputs are batched, and along which axis (`null`: shared by every example). */
export type BatchPlan = ReadonlyArray<number | null>

/** (g) `vmap` of the primitive (its batching rule) equals a loop over examples. */
export const batchLaw = (c: Case, plan: BatchPlan): void => {
  const B = c.examples.length
  const batched = c.examples[0]!.map((_, i) =>
    plan[i] === null
      ? c.examples[0]![i]!
      : stackAt(
          c.examples.map((ex) => ex[i]!),
          plan[i]!,
        ),
  )
  const f = (...xs: AnyTensor[]) => run(c, xs)
  const got = vmap(f, { inAxes: [...plan] })(...batched) as AnyTensor[]
  for (let b = 0; b < B; b++) {
    const want = run(
      c,
      c.examples[0]!.map((x, i) => (plan[i] === null ? x : c.examples[b]![i]!)),
    )
    want.forEach((w, o) => {
      const g = got[o]!
      if (g.shape[0] !== B || !sameAval({ shape: g.shape.slice(1), dtype: g.dtype }, w.aval))
        fail(
          c,
          "(g) batching",
          `vmap output ${o} is ${fmtAval(g.aval)}, expected ${B} × ${fmtAval(w.aval)} (inAxes ${JSON.stringify(plan)})`,
        )
      const n = w.size
      const gd = host(g).subarray(b * n, (b + 1) * n),
        wd = host(w)
      const k = mismatch(gd, wd, 1e-12)
      if (k >= 0)
        fail(c, "(g) batching", `example ${b}, output ${o}[${k}]: vmap gives ${gd[k]}, the loop ${wd[k]} (inAxes ${JSON.stringify(plan)})`)
    })
  }
}
