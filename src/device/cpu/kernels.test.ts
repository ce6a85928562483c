import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { hostAlloc, numel, type HostArray } from "../../ops/core/aval.js"
import type { PrimitiveName } from "../../ops/core/primitive.js"
import { primitives } from "../../ops/prims/index.js"
import type { DType } from "../../shape/index.js"
import { cpuBackend, CpuStorage } from "./index.js"
import { forceCodegen } from "./eval.js"
import { gemm } from "./matmul.js"
import { fold, unfold } from "./window.js"

type D = Exclude<DType, "f16">
const fill = (d: D, n: number, seed: number): HostArray => {
  const x = hostAlloc(d, n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const u = s / 2 ** 31
    x[i] = d === "bool" ? (u < 0.5 ? 0 : 1) : d === "i32" ? Math.floor(u * 10) - 5 : u * 4 - 2
  }
  return x
}
const run = (p: PrimitiveName, xs: HostArray[], shapes: number[][], d: D, params: object = {}) => {
  const avals = shapes.map((shape, k) => ({ shape, dtype: k === 0 && p === "where" ? ("bool" as const) : d }))
  const out = primitives[p].abstractEval(avals, params as never)[0]!
  const s = cpuBackend.run(
    p,
    xs.map((x) => new CpuStorage(x)),
    avals,
    params as never,
    [out],
  )[0] as CpuStorage
  return { y: s.data, shape: out.shape }
}
/** Reference: the row-major index of `idx` (an index of `out`) in a broadcast operand of `shape`. */
const at = (shape: ReadonlyArray<number>, out: ReadonlyArray<number>, flat: number): number => {
  const idx: number[] = []
  for (let d = out.length - 1; d >= 0; d--) (idx[d] = flat % out[d]!), (flat = Math.floor(flat / out[d]!))
  let o = 0
  const lead = out.length - shape.length
  for (let d = 0; d < shape.length; d++) o = o * shape[d]! + (shape[d] === 1 ? 0 : idx[d + lead]!)
  return o
}

// a broadcast-compatible pair: dims drawn 0..3, each side may be 1 or dropped from the front
const pair = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom("both", "a1", "b1")), { maxLength: 4 }).chain((dims) =>
  fc.tuple(fc.integer({ min: 0, max: dims.length }), fc.integer({ min: 0, max: dims.length })).map(([da, db]) => {
    const a = dims.map(([n, k]) => (k === "a1" ? 1 : n)),
      b = dims.map(([n, k]) => (k === "b1" ? 1 : n))
    return [a.slice(da), b.slice(db)] as const
  }),
)
const dtypes = fc.constantFrom<D>("f32", "f64", "i32")

// independent scalar references (plain JS, not the backend's table)
const ref2: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
}
const ref1: Record<string, (a: number) => number> = {
  neg: (a) => -a,
  exp: Math.exp,
  sin: Math.sin,
  tanh: Math.tanh,
  sigmoid: (a) => 1 / (1 + Math.exp(-a)),
  abs: Math.abs,
  sign: Math.sign,
}

describe("cpu elementwise kernels", () => {
  it("binary ops match a reference loop under broadcasting, for every dtype", () => {
    fc.assert(
      fc.property(pair, dtypes, fc.constantFrom<PrimitiveName>("add", "sub", "mul", "div", "max", "min"), ([sa, sb], d, p) => {
        const a = fill(d, numel(sa), 1),
          b = fill(d, numel(sb), 2)
        const { y, shape } = run(p, [a, b], [sa, sb], d)
        const ref = hostAlloc(d, numel(shape))
        // i32 x / 0 is -1 (XLA's definition, docs/numerics.md); the other quotients truncate on store
        const f = d === "i32" && p === "div" ? (x: number, z: number) => (z === 0 ? -1 : x / z) : ref2[p]!
        for (let i = 0; i < ref.length; i++) ref[i] = f(a[at(sa, shape, i)]!, b[at(sb, shape, i)]!)
        expect(Array.from(y)).toEqual(Array.from(ref))
      }),
    )
  })
  it("compare and where broadcast like the reference", () => {
    fc.assert(
      fc.property(pair, dtypes, ([sa, sb], d) => {
        const a = fill(d, numel(sa), 3),
          b = fill(d, numel(sb), 4)
        const c = run("compare", [a, b], [sa, sb], d, { op: "lt" })
        expect(Array.from(c.y)).toEqual(
          Array.from({ length: numel(c.shape) }, (_, i) => (a[at(sa, c.shape, i)]! < b[at(sb, c.shape, i)]! ? 1 : 0)),
        )
        const w = run("where", [fill("bool", numel(sa), 5), a, b], [sa, sa, sb], d)
        const cond = fill("bool", numel(sa), 5)
        expect(Array.from(w.y)).toEqual(
          Array.from(
            hostAlloc(d, numel(w.shape)).map((_, i) => (cond[at(sa, w.shape, i)] ? a[at(sa, w.shape, i)]! : b[at(sb, w.shape, i)]!)),
          ),
        )
      }),
    )
  })
  it("unary ops and casts match the scalar function", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.constantFrom<D>("f32", "f64"), (shape, d) => {
        const x = fill(d, numel(shape), 6)
        for (const p of ["neg", "exp", "sin", "tanh", "sigmoid", "abs", "sign"] as const) {
          const ref = hostAlloc(d, x.length).map((_, i) => ref1[p]!(x[i]!))
          // sigmoid: the kernel uses the overflow-safe branch form, equal up to rounding
          if (p === "sigmoid") Array.from(run(p, [x], [shape], d).y).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 6))
          else expect(Array.from(run(p, [x], [shape], d).y)).toEqual(Array.from(ref))
        }
        const i32 = run("cast", [x], [shape], d, { dtype: "i32" }).y
        expect(Array.from(i32)).toEqual(Array.from(Int32Array.from(x, (v) => Math.trunc(v))))
      }),
    )
  })
  it("slices are views that elementwise ops read in place, and materialise on demand", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        dtypes,
        (h, w, step, d) => {
          const x = fill(d, h * w, 7)
          const sizes = [Math.ceil(h / step), Math.ceil(w / step)]
          const sl = { starts: [0, 0], steps: [step, step], sizes }
          const ref = Array.from({ length: numel(sizes) }, (_, i) => x[Math.floor(i / sizes[1]!) * step * w + (i % sizes[1]!) * step]!)
          expect(Array.from(run("slice", [x], [[h, w]], d, sl).y)).toEqual(ref)
          const avals = [{ shape: [h, w], dtype: d }]
          const view = cpuBackend.run("slice", [new CpuStorage(x)], avals, sl, [{ shape: sizes, dtype: d }])[0]!
          const sum = cpuBackend.run(
            "add",
            [view, view],
            [
              { shape: sizes, dtype: d },
              { shape: sizes, dtype: d },
            ],
            {},
            [{ shape: sizes, dtype: d }],
          )[0] as CpuStorage
          expect(Array.from(sum.data)).toEqual(Array.from(hostAlloc(d, ref.length).map((_, i) => ref[i]! + ref[i]!)))
        },
      ),
    )
  })
  it("handles empty tensors", () => {
    expect(run("add", [new Float32Array(0), new Float32Array(3)], [[0, 3], [3]], "f32").shape).toEqual([0, 3])
    expect(run("slice", [new Float32Array(6)], [[2, 3]], "f32", { starts: [0, 0], steps: [1, 1], sizes: [0, 3] }).y.length).toBe(0)
  })
})

describe("cpu reductions", () => {
  // reference: each output element folds its inputs in row-major order, NaN-propagating for max/min
  const refFold: Record<string, [number, (a: number, v: number) => number]> = {
    reduceSum: [0, (a, v) => a + v],
    reduceProd: [1, (a, v) => a * v],
    reduceMax: [-Infinity, (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.max(a, v))],
    reduceMin: [Infinity, (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.min(a, v))],
  }
  const reference = (x: HostArray, shape: number[], axes: number[], p: string, d: D): number[] => {
    const outShape = shape.map((n, i) => (axes.includes(i) ? 1 : n))
    const [init, f] = refFold[p]!
    const acc = new Array<number>(numel(outShape)).fill(init)
    for (let flat = 0; flat < x.length; flat++) {
      let rest = flat,
        o = 0,
        scale = 1
      for (let i = shape.length - 1; i >= 0; i--) {
        const c = rest % shape[i]!
        rest = Math.floor(rest / shape[i]!)
        if (!axes.includes(i)) o += c * scale
        scale *= outShape[i]!
      }
      acc[o] = f(acc[o]!, x[flat]!)
    }
    const y = hostAlloc(d, acc.length)
    acc.forEach((v, i) => (y[i] = v))
    return Array.from(y)
  }
  const cases = fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })
    .chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.subarray(shape.map((_, i) => i)),
        fc.constantFrom("reduceSum", "reduceProd", "reduceMax", "reduceMin"),
        dtypes,
        fc.boolean(),
      ),
    )
  it("sum, prod, max and min over any axes match a reference fold, for every dtype (and NaN propagates)", () => {
    fc.assert(
      fc.property(cases, ([shape, axes, p, d, nan]) => {
        // max and min of an empty axis have no identity: a ShapeError before any kernel runs
        fc.pre(p === "reduceSum" || p === "reduceProd" || axes.every((a) => shape[a]! > 0))
        const x = fill(d, numel(shape), shape.length * 7 + axes.length)
        if (nan && d !== "i32" && x.length > 0) x[x.length >> 1] = NaN
        const { y } = run(p as PrimitiveName, [x], [shape], d, { axes })
        expect(Array.from(y)).toEqual(reference(x, shape, axes, p, d))
      }),
      { numRuns: 300 },
    )
  })
  it("reduces a BatchNorm statistic ([N, C, H, W] over 0, 2, 3) as the reference, generated or not", () => {
    const shape = [4, 3, 5, 6],
      x = fill("f64", numel(shape), 3)
    for (const gen of [true, false]) {
      forceCodegen(gen)
      try {
        for (const p of ["reduceSum", "reduceMax"] as const)
          expect(Array.from(run(p, [x], [shape], "f64", { axes: [0, 2, 3] }).y)).toEqual(reference(x, shape, [0, 2, 3], p, "f64"))
      } finally {
        forceCodegen(undefined)
      }
    }
  })
})

describe("cpu gemm", () => {
  const naive = (a: HostArray, b: HostArray, m: number, k: number, n: number) => {
    const c = new Float64Array(m * n)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!
        c[i * n + j] = s
      }
    return c
  }
  it.each([1, 3, 7, 65, 129])("matches a triple loop in f64 at n=%i (and odd m, k, batch)", (n) => {
    for (const [m, k, batch] of [
      [n, n, 1],
      [n + 2, 5, 2],
      [3, n + 1, 1],
    ] as const) {
      const a = fill("f64", batch * m * k, n),
        b = fill("f64", batch * k * n, n + 1)
      const c = new Float64Array(batch * m * n)
      gemm(a, b, c, batch, m, k, n)
      for (let p = 0; p < batch; p++) {
        const ref = naive(a.subarray(p * m * k), b.subarray(p * k * n), m, k, n)
        ref.forEach((v, i) => expect(c[p * m * n + i]).toBeCloseTo(v, 10))
      }
    }
  })
  it("spans several K and N panels (k=600, n=1100)", () => {
    const m = 5,
      k = 600,
      n = 1100
    const a = fill("f64", m * k, 9),
      b = fill("f64", k * n, 10)
    const c = new Float64Array(m * n)
    gemm(a, b, c, 1, m, k, n)
    naive(a, b, m, k, n).forEach((v, i) => expect(c[i]).toBeCloseTo(v, 9))
  })
})

describe("cpu unfold/fold", () => {
  it("fold is the adjoint of unfold: <unfold(x), y> = <x, fold(y)>", () => {
    const cfg = fc.record({
      N: fc.integer({ min: 1, max: 2 }),
      C: fc.integer({ min: 1, max: 2 }),
      H: fc.integer({ min: 1, max: 7 }),
      W: fc.integer({ min: 1, max: 7 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 2 }),
      dl: fc.integer({ min: 1, max: 2 }),
      pad: fc.integer({ min: 0, max: 2 }),
    })
    fc.assert(
      fc.property(cfg, ({ N, C, H, W, kh, kw, s, dl, pad }) => {
        const OH = Math.floor((H + 2 * pad - dl * (kh - 1) - 1) / s) + 1,
          OW = Math.floor((W + 2 * pad - dl * (kw - 1) - 1) / s) + 1
        fc.pre(OH > 0 && OW > 0)
        const p = {
          kernel: [kh, kw] as const,
          stride: [s, s] as const,
          dilation: [dl, dl] as const,
          padding: [pad, pad, pad, pad] as const,
          value: 0,
        }
        const xs = [N, C, H, W],
          os = [N, C, kh, kw, OH, OW]
        const x = fill("f64", numel(xs), 11),
          y = fill("f64", numel(os), 12)
        const ux = new Float64Array(numel(os)),
          fy = new Float64Array(numel(xs))
        unfold(x, xs, p, ux, os)
        fold(y, os, p, fy, xs)
        const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => Array.from(u).reduce((acc, ui, i) => acc + ui * v[i]!, 0)
        expect(dot(ux, y)).toBeCloseTo(dot(x, fy), 9)
        // spot-check unfold against its definition
        for (let i = 0; i < ux.length; i += 7) {
          let r = i
          const ow = r % OW
          r = Math.floor(r / OW)
          const oh = r % OH
          r = Math.floor(r / OH)
          const j = r % kw
          r = Math.floor(r / kw)
          const ii = r % kh
          const nc = Math.floor(r / kh)
          const h = oh * s - pad + ii * dl,
            w = ow * s - pad + j * dl
          expect(ux[i]).toBe(h >= 0 && h < H && w >= 0 && w < W ? x[nc * H * W + h * W + w] : 0)
        }
      }),
    )
  })
})
