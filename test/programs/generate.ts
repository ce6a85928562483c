/**
 * Random op DAGs for the cross-backend program tests, built from fast-check arbitraries so a
 * failing program shrinks natively (fewer ops, smaller shapes, simpler ops). A program is a few
 * input shapes and a list of op descriptors; each op names earlier nodes by index (taken modulo
 * the number of nodes so far) and every op is total: operands of the wrong shape are first
 * refitted (`fitTo`: flatten, tile, cut, reshape), so any shrunk descriptor list is a valid
 * program. Shapes stay tiny (≤ 4 per axis) and every op keeps values in a safe domain (bounded
 * exponents, log of 1 + x², division by 1 + x²) so agreement tolerances can be tight.
 */
import * as fc from "fast-check"
import { numel } from "../../src/ops/core/aval.js"
import * as lax from "../../src/ops/core/lax.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { cond } from "../../src/grad/custom.js"
import { fori, scan } from "../../src/grad/control.js"
import { conv2d } from "../../src/ops/api/conv.js"

/** Unary elementwise ops, each defined on all of ℝ with moderate growth. */
export const unaries = ["neg", "sin", "tanh", "sigmoid", "expTanh", "log1pSq", "square"] as const
/** Binary elementwise ops (the right operand may broadcast); `safeDiv` is `a / (1 + b²)`. */
export const binaries = ["add", "sub", "mul", "max", "safeDiv"] as const

/** One op of a program; `a`, `b` are indices of earlier nodes (modulo the node count). */
export type Op =
  | { readonly op: "unary"; readonly f: (typeof unaries)[number]; readonly a: number }
  | {
      readonly op: "binary"
      readonly f: (typeof binaries)[number]
      readonly a: number
      readonly b: number
      readonly keep: ReadonlyArray<boolean>
    }
  | { readonly op: "slice"; readonly a: number; readonly starts: ReadonlyArray<number>; readonly steps: ReadonlyArray<number> }
  | { readonly op: "transpose"; readonly a: number; readonly rot: number }
  | { readonly op: "reshape"; readonly a: number; readonly how: "flat" | "unit" | "merge" }
  | { readonly op: "reduce"; readonly f: "sum" | "max"; readonly a: number; readonly axes: ReadonlyArray<boolean> }
  | { readonly op: "matmul"; readonly a: number; readonly b: number; readonly m: number; readonly k: number; readonly n: number }
  | {
      readonly op: "conv"
      readonly a: number
      readonly b: number
      readonly c: number
      readonly hw: number
      readonly o: number
      readonly kernel: number
      readonly pad: number
    }
  | { readonly op: "cond"; readonly p: number; readonly a: number }
  | { readonly op: "scan"; readonly a: number; readonly b: number; readonly reverse: boolean }
  | { readonly op: "fori"; readonly a: number; readonly n: number }

/** A random program: input shapes, ops, and how many of the last nodes are outputs. */
export interface Program {
  readonly inputs: ReadonlyArray<ReadonlyArray<number>>
  readonly ops: ReadonlyArray<Op>
  readonly outputs: number
}

const dim = fc.integer({ min: 1, max: 4 })
const idx = fc.nat({ max: 15 })
const shape = fc.array(dim, { minLength: 0, maxLength: 3 })
const flags = fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })

/** Op descriptors; control flow can be left out. */
export const opArb = (control = true): fc.Arbitrary<Op> =>
  fc.oneof(
    { arbitrary: fc.record({ op: fc.constant("unary" as const), f: fc.constantFrom(...unaries), a: idx }), weight: 3 },
    {
      arbitrary: fc.record({ op: fc.constant("binary" as const), f: fc.constantFrom(...binaries), a: idx, b: idx, keep: flags }),
      weight: 4,
    },
    fc.record({
      op: fc.constant("slice" as const),
      a: idx,
      starts: fc.array(fc.nat({ max: 2 }), { minLength: 3, maxLength: 3 }),
      steps: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
    }),
    fc.record({ op: fc.constant("transpose" as const), a: idx, rot: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ op: fc.constant("reshape" as const), a: idx, how: fc.constantFrom("flat" as const, "unit" as const, "merge" as const) }),
    {
      arbitrary: fc.record({ op: fc.constant("reduce" as const), f: fc.constantFrom("sum" as const, "max" as const), a: idx, axes: flags }),
      weight: 2,
    },
    fc.record({ op: fc.constant("matmul" as const), a: idx, b: idx, m: dim, k: dim, n: dim }),
    fc.record({
      op: fc.constant("conv" as const),
      a: idx,
      b: idx,
      c: fc.integer({ min: 1, max: 2 }),
      hw: fc.integer({ min: 2, max: 4 }),
      o: fc.integer({ min: 1, max: 2 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      pad: fc.nat({ max: 1 }),
    }),
    ...(control
      ? [
          fc.record({ op: fc.constant("cond" as const), p: idx, a: idx }),
          fc.record({ op: fc.constant("scan" as const), a: idx, b: idx, reverse: fc.boolean() }),
          fc.record({ op: fc.constant("fori" as const), a: idx, n: fc.integer({ min: 0, max: 3 }) }),
        ]
      : []),
  )

/** A program of 1–3 inputs and 1–`maxOps` ops. */
export const programArb = (maxOps = 8, control = true): fc.Arbitrary<Program> =>
  fc.record({
    inputs: fc.array(shape, { minLength: 1, maxLength: 3 }),
    ops: fc.array(opArb(control), { minLength: 1, maxLength: maxOps }),
    outputs: fc.integer({ min: 1, max: 2 }),
  })

/** `x` refitted to `shape`: its elements in row-major order, tiled or cut to the new size. */
export const fitTo = (x: AnyTensor, shape: ReadonlyArray<number>): AnyTensor => {
  const m = numel(shape),
    n = numel(x.shape)
  if (x.shape.length === shape.length && x.shape.every((d: number, i: number) => d === shape[i])) return x
  let flat = lax.reshape(x, [n])
  if (n < m) {
    const reps = Math.ceil(m / n)
    flat = lax.reshape(lax.broadcastTo(lax.reshape(flat, [1, n]), [reps, n]), [reps * n])
  }
  if (flat.shape[0] !== m) flat = lax.slice(flat, [0], [1], [m])
  return lax.reshape(flat, shape)
}

const allAxes = (x: AnyTensor) => x.shape.map((_: number, i: number) => i)
const unary = (f: (typeof unaries)[number], x: AnyTensor): AnyTensor => {
  switch (f) {
    case "neg":
      return lax.neg(x)
    case "sin":
      return lax.sin(x)
    case "tanh":
      return lax.tanh(x)
    case "sigmoid":
      return lax.sigmoid(x)
    case "expTanh":
      return lax.exp(lax.tanh(x))
    case "log1pSq":
      return lax.log1p(lax.mul(x, x))
    case "square":
      return lax.tanh(lax.mul(x, x))
  }
}
const binary = (f: (typeof binaries)[number], a: AnyTensor, b: AnyTensor): AnyTensor => {
  switch (f) {
    case "add":
      return lax.add(a, b)
    case "sub":
      return lax.sub(a, b)
    case "mul":
      return lax.mul(a, b)
    case "max":
      return lax.max(a, b)
    case "safeDiv":
      return lax.div(a, lax.add(lax.mul(b, b), 1))
  }
}

/** One op applied to the nodes computed so far. */
const apply = (op: Op, nodes: ReadonlyArray<AnyTensor>): AnyTensor => {
  const at = (i: number) => nodes[i % nodes.length]!
  switch (op.op) {
    case "unary":
      return unary(op.f, at(op.a))
    case "binary": {
      // the right operand takes the left's trailing axes, some of them size 1 (broadcast)
      const a = at(op.a)
      const bs = a.shape.map((d: number, i: number) => (op.keep[i % op.keep.length] ? d : 1))
      return binary(op.f, a, fitTo(at(op.b), bs.slice(op.keep[2] ? 0 : Math.min(1, bs.length))))
    }
    case "slice": {
      const a = at(op.a)
      const starts = a.shape.map((d: number, i: number) => op.starts[i % op.starts.length]! % d)
      const steps = a.shape.map((_: number, i: number) => op.steps[i % op.steps.length]!)
      const sizes = a.shape.map((d: number, i: number) => Math.ceil((d - starts[i]!) / steps[i]!))
      return lax.slice(a, starts, steps, sizes)
    }
    case "transpose": {
      const a = at(op.a),
        r = a.shape.length
      return r < 2
        ? a
        : lax.transpose(
            a,
            a.shape.map((_: number, i: number) => (i + op.rot) % r),
          )
    }
    case "reshape": {
      const a = at(op.a),
        s = a.shape as number[]
      if (op.how === "flat") return lax.reshape(a, [numel(s)])
      if (op.how === "unit" && s.length < 4) return lax.reshape(a, [...s.slice(0, 1), 1, ...s.slice(1)])
      return s.length >= 2 ? lax.reshape(a, [s[0]! * s[1]!, ...s.slice(2)]) : a
    }
    case "reduce": {
      const a = at(op.a)
      const axes = allAxes(a).filter((i: number) => op.axes[i % op.axes.length])
      return op.f === "sum" ? lax.reduceSum(a, axes) : lax.reduceMax(a, axes)
    }
    case "matmul":
      return lax.mul(lax.matmul(fitTo(at(op.a), [op.m, op.k]), fitTo(at(op.b), [op.k, op.n])), 1 / op.k)
    case "conv": {
      const k = Math.min(op.kernel, op.hw + 2 * op.pad)
      const x = fitTo(at(op.a), [1, op.c, op.hw, op.hw]),
        w = fitTo(at(op.b), [op.o, op.c, k, k])
      return lax.mul(conv2d(x as never, w as never, { padding: op.pad }) as AnyTensor, 1 / (op.c * k * k))
    }
    case "cond": {
      const a = at(op.a)
      return cond(
        lax.compare(lax.reduceSum(at(op.p), allAxes(at(op.p))), 0, "gt"),
        (x: AnyTensor) => lax.sin(lax.mul(x, 2)),
        (x: AnyTensor) => lax.tanh(lax.add(x, 0.5)),
        a,
      )
    }
    case "scan": {
      // carry [..rest] through the leading axis: c ← tanh(c/2 + x), y = c·x; returns ys + final carry
      const a0 = at(op.a),
        a = a0.shape.length === 0 ? lax.reshape(a0, [1]) : a0
      const init = fitTo(at(op.b), a.shape.slice(1))
      const [c, ys] = scan(
        (c: AnyTensor, x: AnyTensor) => {
          const c2 = lax.tanh(lax.add(lax.mul(c, 0.5), x))
          return [c2, lax.mul(c2, x)] as const
        },
        init,
        a,
        { reverse: op.reverse },
      )
      return lax.add(ys as AnyTensor, c)
    }
    case "fori":
      return fori(0, op.n, (i, c: AnyTensor) => lax.add(lax.mul(c, 0.75), lax.mul(lax.sin(c), lax.cast(i, c.dtype))), at(op.a))
  }
}

/** The program as a function of its inputs: every node in order, the last `outputs` returned. */
export const evaluate =
  (p: Program) =>
  (...ins: AnyTensor[]): AnyTensor[] => {
    const nodes = [...ins]
    for (const op of p.ops) nodes.push(apply(op, nodes))
    return nodes.slice(ins.length).slice(-p.outputs)
  }

/** Sum of the sums of the outputs: the scalar whose gradient the tests compare. */
export const total =
  (p: Program) =>
  (...ins: AnyTensor[]): AnyTensor =>
    evaluate(p)(...ins)
      .map((y) => lax.reduceSum(y, allAxes(y)))
      .reduce((s, y) => lax.add(s, y))

/** Input values in [-2, 2] from a seed (mulberry32), one array per input. */
export const inputValues = (p: Program, seed: number): number[][] => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return p.inputs.map((sh) => Array.from({ length: numel(sh) }, () => 4 * next() - 2))
}

/** The program as readable text, for a shrunk counterexample. */
export const show = (p: Program): string => {
  const lines = p.inputs.map((s, i) => `  %${i} = input [${s.join(", ")}]`)
  p.ops.forEach((op, j) => {
    const n = p.inputs.length + j
    const ref = (i: number) => `%${i % n}`
    const { op: name, ...rest } = op
    const args = Object.entries(rest).map(([k, v]) =>
      k === "a" || k === "b" || k === "p" ? `${k}=${ref(v as number)}` : `${k}=${JSON.stringify(v)}`,
    )
    lines.push(`  %${n} = ${name} ${args.join(" ")}`)
  })
  return `program (outputs: last ${p.outputs})\n${lines.join("\n")}`
}
