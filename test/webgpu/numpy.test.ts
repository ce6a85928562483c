// NumPy semantics the WebGPU kernels must keep where WGSL's built-ins differ: sign of NaN; and the
// composed NumPy-style ops (sorting, statistics, nn, constructors) on WebGPU against the CPU.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { cpu } from "../../src/device/cpu/index.js"
import type { HostArray } from "../../src/ops/core/aval.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { bitonicArgsort } from "../../src/ops/api/sort-network.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"

gpuSuite()

describe.skipIf(gpu === null)("sign on WebGPU", () => {
  it("passes NaN through and maps ±x to ±1 (f32 and i32)", async () => {
    const x = tensorOn(gpu!, [Number.NaN, -2, 0, 3, -Infinity, Infinity], [6], "f32")
    expect(Array.from(await read(bind1(primitives.sign, [x], {})))).toEqual([Number.NaN, -1, 0, 1, -1, 1])
    const i = tensorOn(gpu!, [-7, 0, 9], [3], "i32")
    expect(Array.from(await read(bind1(primitives.sign, [i], {})))).toEqual([-1, 0, 1])
  })
})

describe.skipIf(gpu === null)("comparisons and bool casts of NaN on WebGPU", () => {
  it("NaN is unequal to everything (itself included) and unordered; it casts to true", async () => {
    const a = tensorOn(gpu!, [Number.NaN, Number.NaN, 1, 2], [4])
    const b = tensorOn(gpu!, [Number.NaN, 1, Number.NaN, 2], [4])
    const cmp = async (op: "lt" | "le" | "gt" | "ge" | "eq" | "ne", x: AnyTensor, y: AnyTensor) =>
      Array.from(await read(bind1(primitives.compare, [x, y], { op })))
    expect(await cmp("ne", a, a)).toEqual([1, 1, 0, 0])
    expect(await cmp("ne", a, b)).toEqual([1, 1, 1, 0])
    expect(await cmp("eq", a, b)).toEqual([0, 0, 0, 1])
    for (const op of ["lt", "le", "gt", "ge"] as const)
      expect(await cmp(op, a, b), op).toEqual([0, 0, 0, op === "le" || op === "ge" ? 1 : 0])
    expect(Array.from(await read(bind1(primitives.cast, [a], { dtype: "bool" })))).toEqual([1, 1, 1, 1])
    expect(Array.from(await read(tg.isnan(a)))).toEqual([1, 1, 0, 0])
  })
})

describe.skipIf(gpu === null)("max, min and their arg-reductions of NaN on WebGPU", () => {
  it("NaN propagates through maximum/minimum and max/min reductions (short and long rows, under jit); argmax/argmin return the first NaN", async () => {
    const rows = [
      [1, Number.NaN, 3],
      [Number.NaN, 5, 2],
      [1, 3, Number.NaN],
      [Number.NaN, Number.NaN, 1],
      [4, 2, 9],
    ]
    const x = tensorOn(gpu!, rows.flat(), [5, 3])
    const firstNan = (r: number[]) => r.findIndex(Number.isNaN)
    const argOf = (r: number[], f: (a: number, b: number) => boolean) =>
      firstNan(r) >= 0 ? firstNan(r) : r.reduce((b, v, i) => (f(v, r[b]!) ? i : b), 0)
    expect(Array.from(await read(tg.argmax(x, { axis: 1 })))).toEqual(rows.map((r) => argOf(r, (a, b) => a > b)))
    expect(Array.from(await read(tg.argmin(x, { axis: 1 })))).toEqual(rows.map((r) => argOf(r, (a, b) => a < b)))
    expect(Array.from(await read(tg.max(x, { axis: 1 })))).toEqual(rows.map((r) => Math.max(...r)))
    expect(Array.from(await read(tg.min(x, { axis: 0 })))).toEqual([0, 1, 2].map((j) => Math.min(...rows.map((r) => r[j]!))))
    const y = tensorOn(
      gpu!,
      rows.map((r) => r[0]!),
      [5],
    )
    expect(Array.from(await read(tg.maximum(y, 2)))).toEqual(rows.map((r) => Math.max(r[0]!, 2)))
    expect(Array.from(await read(tg.minimum(y, tensorOn(gpu!, [0, 0, Number.NaN, 0, 0], [5]))))).toEqual([
      0,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      0,
    ])
    // a long row takes the workgroup-tree path; jit fuses the elementwise producer into the reduction
    const long = Array.from({ length: 1000 }, (_, i) => (i === 617 ? Number.NaN : Math.sin(i)))
    const l = tensorOn(gpu!, long, [1000])
    expect(Array.from(await read(tg.max(l)))).toEqual([Number.NaN])
    expect(Array.from(await read(tg.argmax(l)))).toEqual([617])
    expect(Array.from(await read(tg.jit((t: AnyTensor) => tg.min(tg.mul(t, 2)))(l)))).toEqual([Number.NaN])
  })
})

// ------------------------------------------------------------------ composed ops (sorting, statistics, nn, constructors)
// Each runs on WebGPU and is compared with the same op on the CPU (both f32) and, where the case
// is small, with NumPy's values written out by hand: NaN handling (sort NaN last, fmax ignoring
// NaN, quantiles of NaN), stable ties, i32 extremes and masks are where WGSL could differ.

type Args = ReadonlyArray<{
  readonly data: ReadonlyArray<number>
  readonly shape: ReadonlyArray<number>
  readonly dtype?: "f32" | "i32" | "bool"
}>
/** `f` on the CPU and on WebGPU over the same inputs: shapes and dtypes equal, values within `atol + rtol·|cpu|` (NaN matches NaN). */
const sameOnBoth = async (
  name: string,
  f: (...xs: AnyTensor[]) => AnyTensor | ReadonlyArray<AnyTensor>,
  args: Args,
  atol = 1e-5,
  rtol = 1e-5,
): Promise<HostArray[]> => {
  const on = (dev: typeof cpu | NonNullable<typeof gpu>) => {
    const out = f(...args.map((a) => tensorOn(dev, a.data, a.shape, a.dtype ?? "f32")))
    return Array.isArray(out) ? (out as AnyTensor[]) : [out as AnyTensor]
  }
  const want = on(cpu),
    got = on(gpu!)
  const outs: HostArray[] = []
  for (const [i, g] of got.entries()) {
    expect([g.shape, g.dtype], `${name} output ${i}`).toEqual([want[i]!.shape, want[i]!.dtype])
    const [a, b] = [await read(g), await read(want[i]!)]
    if (atol === 0 && rtol === 0) expect(Array.from(a), `${name} output ${i}`).toEqual(Array.from(b))
    const { worst, at } = mismatch(a, b, atol || 1e-300, rtol)
    expect(worst, `${name} output ${i} element ${at}: gpu ${a[at]} vs cpu ${b[at]}`).toBeLessThanOrEqual(1)
    outs.push(a)
  }
  return outs
}
const nan = Number.NaN
const rand = (n: number, seed: number, lo = -2, hi = 2) => {
  const r = rng(seed)
  return Array.from({ length: n }, () => Math.fround(r.uniform(lo, hi)))
}
const withTiesAndNaN = (n: number, seed: number) => rand(n, seed).map((v, i) => (i % 9 === 4 ? nan : Math.round(v * 2) + 0))

describe.skipIf(gpu === null)("sorting on WebGPU", () => {
  it("sort/argsort: NaN last, stable ties, descending, i32 extremes, long rows; agree with the CPU", async () => {
    const [s] = await sameOnBoth("sort", (x) => tg.sort(x), [{ data: [3, nan, 1, 2, -Infinity, Infinity], shape: [6] }])
    expect(Array.from(s!)).toEqual([-Infinity, 1, 2, 3, Infinity, nan])
    const [a, d] = await sameOnBoth(
      "argsort",
      (x) => [tg.argsort(x), tg.argsort(x, { descending: true })],
      [{ data: [2, 1, 2, 1, 0], shape: [5] }],
      0,
      0,
    )
    expect([Array.from(a!), Array.from(d!)]).toEqual([
      [4, 1, 3, 0, 2],
      [0, 2, 1, 3, 4],
    ])
    const [e] = await sameOnBoth(
      "sort i32",
      (x) => tg.sort(x, { descending: true }),
      [{ data: [2147483647, -2147483648, 0], shape: [3], dtype: "i32" }],
      0,
      0,
    )
    expect(Array.from(e!)).toEqual([2147483647, 0, -2147483648])
    // the sorting network that long rows take on a GPU, on short ones: the same permutation as the argsort kernel
    for (const [shape, descending] of [
      [[3, 50], false],
      [[2, 37], true],
    ] as const) {
      const n = shape[0] * shape[1]
      await sameOnBoth(
        `network ${shape}`,
        (x) => [bitonicArgsort(x, descending), tg.argsort(x, { descending })],
        [{ data: withTiesAndNaN(n, n + 1), shape }],
        0,
        0,
      )
      const [net, prim] = [
        await read(bitonicArgsort(tensorOn(gpu!, withTiesAndNaN(n, n + 1), shape), descending)),
        await read(tg.argsort(tensorOn(gpu!, withTiesAndNaN(n, n + 1), shape), { descending })),
      ]
      expect(Array.from(net)).toEqual(Array.from(prim))
    }
    for (const [shape, axis] of [
      [[5, 13], 1],
      [[7, 4], 0],
      [[2, 3, 9], -1],
      [[300], 0],
    ] as const) {
      const n = shape.reduce((p, q) => p * q, 1)
      await sameOnBoth(
        `sort/argsort ${shape} axis ${axis}`,
        (x) => [tg.sort(x, { axis }), tg.argsort(x, { axis }), tg.argsort(x, { axis, descending: true })],
        [{ data: withTiesAndNaN(n, n), shape }],
        0,
        0,
      )
    }
  })

  it("searchsorted, unique, cummax/cummin", async () => {
    const [l, r] = await sameOnBoth(
      "searchsorted",
      (a, v) => [tg.searchsorted(a, v), tg.searchsorted(a, v, { side: "right" })],
      [
        { data: [1, 2, 2, 3, nan], shape: [5] },
        { data: [0, 1, 2, 2.5, 3, 9, nan], shape: [7] },
      ],
      0,
      0,
    )
    expect([Array.from(l!), Array.from(r!)]).toEqual([
      [0, 0, 1, 3, 3, 4, 4],
      [0, 1, 3, 3, 4, 4, 5],
    ])
    const u = await Effect.runPromise(tg.unique(tensorOn(gpu!, [3, nan, 1, 3, nan, 2], [6])))
    expect(u.values.device).toBe(gpu)
    expect([Array.from(await read(u.values)), Array.from(await read(u.counts)), Array.from(await read(u.inverse))]).toEqual([
      [1, 2, 3, nan],
      [1, 1, 2, 2],
      [2, 3, 0, 2, 3, 1],
    ])
    const [mx, mn] = await sameOnBoth(
      "cummax/cummin",
      (x) => [tg.cummax(x, 0), tg.cummin(x, 0)],
      [{ data: [1, 3, 2, nan, 0, -Infinity], shape: [6] }],
      0,
      0,
    )
    expect([Array.from(mx!), Array.from(mn!)]).toEqual([
      [1, 3, 3, nan, nan, nan],
      [1, 1, 1, nan, nan, nan],
    ])
    await sameOnBoth(
      "cummax i32",
      (x) => [tg.cummax(x, 1), tg.cummin(x, 1)],
      [{ data: [5, -2147483648, 7, 2147483647, -3, 0], shape: [2, 3], dtype: "i32" }],
      0,
      0,
    )
    await sameOnBoth("cummax 2-D", (x) => [tg.cummax(x, 0), tg.cummin(x, 1)], [{ data: withTiesAndNaN(60, 3), shape: [6, 10] }], 0, 0)
  })

  it("gradients of sort, cummax and quantile agree with the CPU", async () => {
    const w = rand(12, 8)
    await sameOnBoth("grad sort", (x, c) => tg.grad((t: tg.AnyTensor) => tg.mul(tg.sort(t, { axis: 0 }), c!).sum())(x!), [
      { data: rand(12, 5), shape: [4, 3] },
      { data: w, shape: [4, 3] },
    ])
    await sameOnBoth("grad cummax", (x, c) => tg.grad((t: tg.AnyTensor) => tg.mul(tg.cummax(t, 1), c!).sum())(x!), [
      { data: rand(12, 6), shape: [4, 3] },
      { data: w, shape: [4, 3] },
    ])
    await sameOnBoth(
      "jit/vmap sort",
      (x) => [
        tg.jit((t: AnyTensor) => tg.sort(t, { descending: true }))(x!) as AnyTensor,
        tg.vmap((t: AnyTensor) => tg.argsort(t))(x!) as AnyTensor,
      ],
      [{ data: withTiesAndNaN(24, 9), shape: [4, 6] }],
      0,
      0,
    )
    await sameOnBoth("grad quantile", (x) => tg.grad((t: tg.AnyTensor) => tg.quantile(t, 0.3, { axis: 1 }).sum())(x!), [
      { data: rand(12, 7), shape: [3, 4] },
    ])
  })
})

describe.skipIf(gpu === null)("layout, elementwise and reductions on WebGPU", () => {
  it("roll, rot90, splits, append, broadcastArrays, triangles, indices", async () => {
    const m = { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] }
    const [r, q] = await sameOnBoth("roll/rot90", (x) => [tg.roll(x, -1, 1), tg.rot90(x)], [m], 0, 0)
    expect([Array.from(r!), Array.from(q!)]).toEqual([
      [2, 3, 1, 5, 6, 4],
      [3, 6, 2, 5, 1, 4],
    ])
    await sameOnBoth(
      "splits",
      (x) => [...tg.hsplit(x, [1]), tg.append(x, x, 0), ...tg.broadcastArrays([x, tg.reshape(x, [2, 1, 3])])],
      [m],
      0,
      0,
    )
    const [lo, up] = await sameOnBoth("tril/triu", (x) => [tg.tril(x), tg.triu(x, 1)], [m], 0, 0)
    expect([Array.from(lo!), Array.from(up!)]).toEqual([
      [1, 0, 0, 4, 5, 0],
      [0, 2, 3, 0, 0, 6],
    ])
    const g = tg.indices([2, 3], { device: gpu! })
    expect(Array.from(await read(g))).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 2, 0, 1, 2])
    const f = tg.fromFunction((i, j) => i.mul(10).add(j), [2, 2], { device: gpu! })
    expect(Array.from(await read(f))).toEqual([0, 1, 10, 11])
    expect(Array.from(await read(tg.tri(2, 3, 0, { device: gpu! })))).toEqual([1, 0, 0, 1, 1, 0])
  })

  it("fmin/fmax ignore NaN; all/any/countNonzero; nansum/nanmean; mean of i32", async () => {
    const [mx, mn] = await sameOnBoth(
      "fmax/fmin",
      (a, b) => [tg.fmax(a, b), tg.fmin(a, b)],
      [
        { data: [1, nan, nan, -2, 3], shape: [5] },
        { data: [2, 3, nan, nan, 3], shape: [5] },
      ],
      0,
      0,
    )
    expect([Array.from(mx!), Array.from(mn!)]).toEqual([
      [2, 3, nan, -2, 3],
      [1, 3, nan, -2, 3],
    ])
    const x = { data: [0, 1, 7, 0, 0, nan], shape: [2, 3] }
    const [al, an, cn] = await sameOnBoth(
      "all/any/countNonzero",
      (t) => [tg.all(t, { axis: 1 }), tg.any(t, { axis: 0 }), tg.countNonzero(t)],
      [x],
      0,
      0,
    )
    expect([Array.from(al!), Array.from(an!), Array.from(cn!)]).toEqual([[0, 0], [0, 1, 1], [3]])
    const [ns, nm] = await sameOnBoth("nansum/nanmean", (t) => [tg.nansum(t, { axis: 1 }), tg.nanmean(t, { axis: 1 })], [
      { data: [1, nan, 2, 4, nan, nan], shape: [3, 2] },
    ])
    expect([Array.from(ns!), Array.from(nm!)]).toEqual([
      [1, 6, 0],
      [1, 3, nan],
    ])
    const [mi] = await sameOnBoth("mean i32", (t) => tg.mean(t, { axis: 1 }), [{ data: [1, 2, 4, 4], shape: [2, 2], dtype: "i32" }], 0, 0)
    expect(Array.from(mi!)).toEqual([1.5, 4])
  })

  it("statistics: std, average, quantile/median, cov/corrcoef, softmax over several axes", async () => {
    const d = rand(24, 11)
    await sameOnBoth(
      "std/average",
      (t, w) => [tg.std(t, { axis: 1, ddof: 1 }), tg.average(t, { axis: 1, weights: w! })],
      [
        { data: d, shape: [4, 6] },
        { data: rand(6, 12, 0.5, 2), shape: [6] },
      ],
      1e-5,
      1e-4,
    )
    const [q] = await sameOnBoth("quantile", (t) => tg.quantile(t, [0, 0.25, 0.5, 1], { axis: 1 }), [{ data: d, shape: [4, 6] }])
    const row0 = d.slice(0, 6).sort((a, b) => a - b)
    // q = 0.25 of row 0 (6 values): virtual index 1.25 between the 2nd and 3rd order statistics
    expect(q![4]).toBeCloseTo(row0[1]! + 0.25 * (row0[2]! - row0[1]!), 5)
    const [md] = await sameOnBoth("median NaN", (t) => tg.median(t, { axis: 0 }), [{ data: [1, nan, 3, 2], shape: [2, 2] }])
    expect(Array.from(md!)).toEqual([2, nan])
    await sameOnBoth("cov/corrcoef", (t) => [tg.cov(t), tg.corrcoef(t)], [{ data: d, shape: [4, 6] }], 1e-5, 1e-4)
    await sameOnBoth("softmax axes", (t) => [tg.softmax(t, { axis: [0, 2] }), tg.logSoftmax(t, { axis: [1, 2] })], [
      { data: d, shape: [2, 3, 4] },
    ])
  })
})

describe.skipIf(gpu === null)("nn and constructors on WebGPU", () => {
  it("activations, standardize, dotProductAttention (masks, causal, fully masked rows)", async () => {
    const x = { data: [-6, -2.5, -1, -0.3, 0.2, 0.9, 2, 3.5, 7, 1000], shape: [10] }
    await sameOnBoth(
      "activations",
      (t) => [tg.softSign(t), tg.elu(t), tg.celu(t, 2), tg.selu(t), tg.mish(t), tg.relu6(t), tg.hardSigmoid(t), tg.hardSwish(t)],
      [x],
    )
    await sameOnBoth("log1mexp", (t) => tg.log1mexp(t), [{ data: [1e-6, 0.01, 0.5, Math.LN2, 0.8, 3, 20], shape: [7] }], 1e-5, 1e-4)
    await sameOnBoth("glu/standardize", (t) => [tg.glu(t), tg.standardize(t)], [{ data: rand(24, 4), shape: [4, 6] }], 1e-5, 1e-4)
    const q = { data: rand(2 * 3 * 4, 1), shape: [2, 3, 4] },
      k = { data: rand(2 * 5 * 4, 2), shape: [2, 5, 4] },
      v = { data: rand(2 * 5 * 3, 3), shape: [2, 5, 3] }
    const mask = { data: [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], shape: [3, 5], dtype: "bool" as const }
    const [, , masked] = await sameOnBoth(
      "attention",
      (a, b, c, m) => [
        tg.dotProductAttention(a, b, c),
        tg.dotProductAttention(a, b, c, { isCausal: true }),
        tg.dotProductAttention(a, b, c, { mask: m! }),
      ],
      [q, k, v, mask],
      1e-5,
      1e-4,
    )
    // the second query has no key to attend to: zeros
    expect(Array.from(masked!.slice(3, 6))).toEqual([0, 0, 0])
  })

  it("logspace/geomspace on the device", async () => {
    expect(Array.from(await read(tg.logspace(0, 3, 4, { device: gpu! })))).toEqual([1, 10, 100, 1000])
    expect(Array.from(await read(tg.geomspace(-1, -16, 5, { device: gpu! })))).toEqual([-1, -2, -4, -8, -16])
  })
})
