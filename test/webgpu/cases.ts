// Seeded random cases for every primitive (shared by the op suite and the benchmarks' checks).
import { numel } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import type { CompareOp, ParamsOf, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { DType } from "../../src/shape/index.js"
import { tensorOn, type Rng } from "./gpu.js"

export interface Input {
  readonly shape: ReadonlyArray<number>
  readonly dtype: DType
  readonly range?: readonly [number, number]
  /** keep |x| ≥ this */
  readonly away?: number
  /** integer-valued floats (to produce ties) */
  readonly ints?: boolean
}
export interface Case {
  readonly inputs: ReadonlyArray<Input>
  readonly params: unknown
  /** tolerance scale (reductions and matmul accumulate in f32 on the GPU, in f64 on the CPU) */
  readonly atol?: number
}

const DIMS = [1, 2, 3, 5, 7, 17, 0]
const shapeOf = (r: Rng, rank = r.int(0, 4), allowEmpty = true): number[] =>
  Array.from({ length: rank }, () => (allowEmpty && r.next() < 0.06 ? 0 : r.pick(DIMS.slice(0, 6))))

/** Operand shapes that broadcast to a common shape: drop leading dims, set some dims to 1. */
const broadcastable = (r: Rng, n: number): number[][] => {
  const out = shapeOf(r)
  return Array.from({ length: n }, () => {
    const s = out.slice(r.int(0, Math.min(out.length, 1) === 0 ? 0 : r.int(0, out.length)))
    return s.map((d) => (r.next() < 0.3 ? 1 : d))
  })
}

export const elementwise = (p: PrimitiveName, dtype: DType = "f32") => (r: Rng): Case => {
  const dom = primitives[p].domain
  const n = dom.kind === "unary" ? 1 : 2
  const shapes = broadcastable(r, n)
  return {
    inputs: shapes.map((shape, i) => ({ shape, dtype, range: dom.ranges?.[i] ?? [-2, 2], ...(dom.awayFromZero === undefined ? {} : { away: dom.awayFromZero }) })),
    params: {},
  }
}
const axesOf = (r: Rng, rank: number): number[] => {
  const axes = Array.from({ length: rank }, (_, i) => i).filter(() => r.next() < 0.5)
  return axes.length > 0 ? axes : [r.int(0, rank - 1)]
}
const reduction = (range: readonly [number, number], nonEmpty: boolean, dtype: DType = "f32") => (r: Rng): Case => {
  const shape = shapeOf(r, r.int(1, 4), !nonEmpty)
  return { inputs: [{ shape, dtype, range }], params: { axes: axesOf(r, shape.length) }, atol: 1e-4 * Math.sqrt(numel(shape) + 1) }
}
const window = (r: Rng) => {
  const kernel = [r.int(1, 3), r.int(1, 3)] as const, stride = [r.int(1, 2), r.int(1, 3)] as const, dilation = [r.int(1, 2), r.int(1, 2)] as const
  const padding = [r.int(0, 2), r.int(0, 1), r.int(0, 1), r.int(0, 2)] as const
  const H = r.int(dilation[0] * (kernel[0] - 1) + 1, 9), W = r.int(dilation[1] * (kernel[1] - 1) + 1, 9)
  return { x: [r.int(1, 2), r.int(1, 3), H, W], p: { kernel, stride, dilation, padding, value: r.pick([0, -Infinity, 1.5]) } }
}

/** Random cases for each primitive; `satisfies` makes forgetting one a compile error. */
export const cases = {
  neg: elementwise("neg"), exp: elementwise("exp"), log: elementwise("log"), log1p: elementwise("log1p"), sin: elementwise("sin"),
  cos: elementwise("cos"), sqrt: elementwise("sqrt"), tanh: elementwise("tanh"), sigmoid: elementwise("sigmoid"), abs: elementwise("abs"),
  sign: elementwise("sign"), stopGradient: elementwise("stopGradient"),
  add: elementwise("add"), sub: elementwise("sub"), mul: elementwise("mul"), div: elementwise("div"), pow: elementwise("pow"),
  max: elementwise("max"), min: elementwise("min"),
  compare: (r) => {
    const [a, b] = broadcastable(r, 2)
    return { inputs: [{ shape: a!, dtype: "f32", ints: true }, { shape: b!, dtype: "f32", ints: true }], params: { op: r.pick<CompareOp>(["lt", "le", "gt", "ge", "eq", "ne"]) } }
  },
  where: (r) => {
    const [c, a, b] = broadcastable(r, 3)
    return { inputs: [{ shape: c!, dtype: "bool" }, { shape: a!, dtype: "f32" }, { shape: b!, dtype: "f32" }], params: {} }
  },
  cast: (r) => {
    const [from, to] = r.pick<[DType, DType]>([["f32", "i32"], ["f32", "bool"], ["i32", "f32"], ["bool", "f32"], ["bool", "i32"], ["i32", "bool"], ["f32", "f32"]])
    return { inputs: [{ shape: shapeOf(r), dtype: from, range: [-5, 5] }], params: { dtype: to } }
  },
  reduceSum: reduction([-2, 2], false), reduceProd: reduction([0.5, 1.5], false),
  reduceMax: reduction([-2, 2], true), reduceMin: reduction([-2, 2], true),
  argReduce: (r) => {
    const shape = shapeOf(r, r.int(1, 4), false)
    return { inputs: [{ shape, dtype: "f32" }], params: { axis: r.int(0, shape.length - 1), op: r.pick(["max", "min"]) } }
  },
  reshape: (r) => {
    const shape = shapeOf(r, r.int(1, 4))
    const n = numel(shape)
    const target = n === 0 ? [0, r.int(1, 3)] : r.pick([[n], [1, n, 1], shape.slice().reverse()])
    return { inputs: [{ shape, dtype: "f32" }], params: { shape: numel(target) === n ? target : [n] } }
  },
  broadcastTo: (r) => {
    const [x] = broadcastable(r, 1)
    const out = [...Array.from({ length: r.int(0, 2) }, () => r.pick([1, 3, 4])), ...x!.map((d) => (d === 1 ? r.pick([1, 2, 5]) : d))]
    return { inputs: [{ shape: x!, dtype: "f32" }], params: { shape: out } }
  },
  transpose: (r) => {
    const shape = shapeOf(r, r.int(1, 5))
    const perm = shape.map((_, i) => i).sort(() => r.next() - 0.5)
    return { inputs: [{ shape, dtype: r.pick<DType>(["f32", "i32"]) }], params: { perm } }
  },
  slice: (r) => {
    const shape = shapeOf(r, r.int(1, 4))
    const starts: number[] = [], steps: number[] = [], sizes: number[] = []
    for (const n of shape) {
      const step = r.int(1, 3), start = n === 0 ? 0 : r.int(0, n - 1)
      starts.push(start), steps.push(step), sizes.push(n === 0 ? 0 : r.int(0, Math.floor((n - 1 - start) / step) + 1))
    }
    return { inputs: [{ shape, dtype: "f32" }], params: { starts, steps, sizes } }
  },
  pad: (r) => {
    const shape = shapeOf(r, r.int(0, 3))
    const interior = shape.map(() => r.int(0, 2))
    const lo = shape.map((n) => r.int(-Math.min(n, 1), 2)), hi = shape.map((n) => r.int(-Math.min(n, 1), 2))
    return { inputs: [{ shape, dtype: "f32" }], params: { lo, hi, interior, value: r.pick([0, -1.5, -Infinity]) } }
  },
  concat: (r) => {
    const base = shapeOf(r, r.int(1, 3))
    const axis = r.int(0, base.length - 1)
    const k = r.int(1, 4)
    return { inputs: Array.from({ length: k }, () => ({ shape: base.map((d, i) => (i === axis ? r.pick([0, 1, 2, 5]) : d)), dtype: "f32" as DType })), params: { axis } }
  },
  matmul: (r) => {
    const batch = Array.from({ length: r.int(0, 2) }, () => r.pick([1, 2, 3]))
    const big = r.next() < 0.05
    const [m, k, n] = big ? [r.pick([520, 600]), r.pick([36, 64, 7]), r.pick([516, 530])] : [r.pick([1, 3, 4, 8, 17, 33, 64, 70]), r.pick([0, 1, 4, 8, 13, 32, 100]), r.pick([1, 4, 5, 8, 16, 64, 66])]
    return { inputs: [{ shape: [...(big ? [] : batch), m!, k!], dtype: "f32" }, { shape: [...(big ? [] : batch), k!, n!], dtype: "f32" }], params: {}, atol: 1e-4 * Math.sqrt(k! + 1) }
  },
  unfold: (r) => {
    const { x, p } = window(r)
    return { inputs: [{ shape: x, dtype: "f32" }], params: p }
  },
  fold: (r) => {
    const { x, p } = window(r)
    const oh = Math.floor((x[2]! + p.padding[0] + p.padding[1] - p.dilation[0] * (p.kernel[0] - 1) - 1) / p.stride[0]) + 1
    const ow = Math.floor((x[3]! + p.padding[2] + p.padding[3] - p.dilation[1] * (p.kernel[1] - 1) - 1) / p.stride[1]) + 1
    return { inputs: [{ shape: [x[0]!, x[1]!, p.kernel[0], p.kernel[1], oh, ow], dtype: "f32" }], params: { ...p, value: 0, size: [x[2]!, x[3]!] }, atol: 1e-5 * p.kernel[0] * p.kernel[1] }
  },
} satisfies { readonly [P in PrimitiveName]: (r: Rng) => Case }

export const data = (r: Rng, inp: Input): number[] =>
  Array.from({ length: numel(inp.shape) }, () => {
    if (inp.dtype === "bool") return r.next() < 0.5 ? 1 : 0
    const [lo, hi] = inp.range ?? [-2, 2]
    if (inp.ints || inp.dtype === "i32") return r.int(Math.ceil(lo), Math.floor(hi))
    let v = r.uniform(lo, hi)
    if (inp.away !== undefined && Math.abs(v) < inp.away) v = v < 0 ? -inp.away - Math.abs(v) : inp.away + v
    return v
  })

export const runOn = (dev: Device, p: PrimitiveName, c: Case, values: number[][]) =>
  bind1(primitives[p] as never, c.inputs.map((inp, i) => tensorOn(dev, values[i]!, inp.shape, inp.dtype)), c.params as ParamsOf<PrimitiveName> as never)

