// Every primitive of the registry on CPU and WebGPU, on the cases of the shared table
// (test/cases.ts: broadcasting, size-1 and empty dims, every parameter family), retyped f64 → f32
// and compared within stated tolerances; then larger shapes that take the kernels' other paths
// (vec4 loads, multi-pass reductions, register-blocked matmul tiles), integer and f16 dtypes; and
// every primitive again with NaN, ±Inf and -0 among its inputs (test/webgpu/special.test.ts covers
// the elementwise primitives over every pair of special values, and i32 over its whole range).
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { numel } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import type { ParamsOf, Primitive, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { DType } from "../../src/shape/index.js"
import { atolOf, drawValues, erase, f32, specFor, type Spec } from "../cases.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"

gpuSuite()

const RUNS = 24
const all = (Object.values(primitives) as ReadonlyArray<Primitive<PrimitiveName>>).map(erase)
const byName = (name: PrimitiveName): Primitive => primitives[name] as unknown as Primitive

/** `prim` applied on `dev` to inputs of `spec` holding `values`, every input of dtype `retype(dtype)`. */
const runOn = (dev: Device, prim: Primitive, spec: Spec, values: number[][], retype: (d: DType) => DType = f32) => {
  const params = (
    prim.name === "cast" ? { dtype: retype((spec.params as ParamsOf<"cast">).dtype) } : spec.params
  ) as ParamsOf<PrimitiveName>
  return bind1(
    prim,
    spec.inputs.map((x, i) => tensorOn(dev, values[i]!, x.shape, retype(x.dtype))),
    params,
  )
}

/** GPU and CPU agree on `prim` at `spec` with `values` (same shape and dtype; values within atol/rtol). */
const agree = async (prim: Primitive, spec: Spec, values: number[][], atol: number, rtol = 1e-4, retype: (d: DType) => DType = f32) => {
  const where = `${prim.name}(${spec.inputs.map((x) => `${retype(x.dtype)}[${x.shape.join(", ")}]`).join(", ")}) params ${JSON.stringify(spec.params)}`
  const want = runOn(cpu, prim, spec, values, retype)
  const got = runOn(gpu!, prim, spec, values, retype)
  expect(got.shape, where).toEqual(want.shape)
  expect(got.dtype, where).toBe(want.dtype)
  const [a, b] = [await read(got), await read(want)]
  if (atol === 0 && rtol === 0) return void expect(Array.from(a), where).toEqual(Array.from(b))
  const { worst, at } = mismatch(a, b, atol, rtol)
  expect(worst, `${where}: element ${at}: gpu ${a[at]} vs cpu ${b[at]}`).toBeLessThanOrEqual(1)
}

/** Specs of `prim` sampled reproducibly from the shared table. */
const specs = (prim: Primitive, n: number, seed: number): Spec[] => fc.sample(specFor(prim), { numRuns: n, seed })

describe.skipIf(gpu === null)("every primitive: WebGPU agrees with CPU", () => {
  for (const prim of all) {
    it(prim.name, async () => {
      const seed = 0x5eed + prim.name.length * 7919 + prim.name.charCodeAt(0)
      // every third run on integer-valued floats, so comparisons, max/min and arg-reductions meet ties
      for (const [run, spec] of specs(prim, RUNS, seed).entries())
        await agree(prim, spec, drawValues(prim, spec, seed + run, run % 3 === 2), atolOf(prim, spec))
    })
  }
})

/** `values` with about a quarter of each float input replaced by NaN, ±Inf or -0 (seeded). */
const withSpecials = (spec: Spec, values: number[][], seed: number): number[][] => {
  const r = rng(seed)
  return values.map((xs, i) =>
    spec.inputs[i]!.dtype === "f64" || spec.inputs[i]!.dtype === "f32"
      ? xs.map((v) => (r.next() < 0.25 ? r.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) : v))
      : xs,
  )
}

// The factorisations' WGSL kernels skip a Householder reflection or an elimination step whose
// pivot test is false, which a NaN makes false: with non-finite input they give unspecified
// values (docs/numerics.md), so they are held to agreement on finite inputs only.
const finiteOnly = new Set(["lu", "triangularSolve", "qr"])

describe.skipIf(gpu === null)("every primitive on special values: WebGPU agrees with CPU (NaN and ±Inf exactly)", () => {
  for (const prim of all.filter((p) => !finiteOnly.has(p.name))) {
    it(prim.name, async () => {
      const seed = 0x5eca1 + prim.name.length * 104729 + prim.name.charCodeAt(0)
      for (const [run, spec] of specs(prim, 8, seed).entries())
        await agree(prim, spec, withSpecials(spec, drawValues(prim, spec, seed + run, run % 2 === 1), seed + run), atolOf(prim, spec))
    })
  }
})

describe.skipIf(gpu === null)("larger shapes", () => {
  const shapes = [[4, 8], [17, 33], [3, 1000], [70_001]]
  it("every float elementwise primitive on contiguous shapes (vec4 path when a multiple of 4) and broadcast rows", async () => {
    for (const prim of all.filter((p) => p.domain.kind !== "custom")) {
      // parameters (a comparison's operator) as the table draws them
      const params = specs(prim, 1, 1)[0]!.params
      for (const shape of shapes) {
        const ins = prim.domain.kind === "unary" ? [shape] : [shape, shape.slice(-1)]
        const spec: Spec = { params, inputs: ins.map((s) => ({ shape: s, dtype: "f32" })), out: { shape, dtype: "f32" } }
        await agree(prim, spec, drawValues(prim, spec, shape[0]!), 1e-5)
      }
    }
  })
  it("reductions over long rows and columns (multi-pass trees)", async () => {
    for (const name of ["reduceSum", "reduceMax", "reduceMin", "reduceProd"] as const) {
      const prim = byName(name)
      for (const [shape, axes] of [
        [[70_001], [0]],
        [[3, 1000], [1]],
        [[1000, 3], [0]],
        [
          [17, 33, 5],
          [0, 2],
        ],
      ] as const) {
        const spec: Spec = {
          params: { axes },
          inputs: [{ shape, dtype: "f32" }],
          out: { shape: shape.filter((_, i) => !(axes as ReadonlyArray<number>).includes(i)), dtype: "f32" },
        }
        // products of many factors stay finite only near 1
        const values =
          name === "reduceProd"
            ? [Array.from({ length: numel(shape) }, (_, i) => 1 + 1e-4 * Math.sin(i))]
            : drawValues(prim, spec, numel(shape))
        await agree(prim, spec, values, 1e-5 * Math.sqrt(numel(shape)) * 4)
      }
    }
  })
  it("matmul: 128×128 register-blocked tiles, vec4 and scalar loads, ragged edges", async () => {
    const prim = byName("matmul")
    for (const [m, k, n] of [
      [520, 36, 516],
      [513, 7, 530],
    ] as const) {
      const spec: Spec = {
        params: {},
        inputs: [
          { shape: [m, k], dtype: "f32" },
          { shape: [k, n], dtype: "f32" },
        ],
        out: { shape: [m, n], dtype: "f32" },
      }
      await agree(prim, spec, drawValues(prim, spec, m + k), 1e-4 * Math.sqrt(k))
    }
  })
})

describe.skipIf(gpu === null)("factorisations past the case table's sizes", () => {
  /** `2m + 1` added to the (i, i) entries of each [m, n] block: far from singular. */
  const dominant = (v: number[], m: number, n: number) => v.map((x, j) => (Math.floor(j / n) % m === j % n ? x + 2 * m + 1 : x))
  /** Each [n, n] block M becomes M·Mᵀ + n·I. */
  const spd = (v: number[], n: number) =>
    v.map((_, j) => {
      const o = j - (j % (n * n)),
        r = Math.floor((j % (n * n)) / n),
        c = j % n
      let s = r === c ? n : 0
      for (let k = 0; k < n; k++) s += v[o + r * n + k]! * v[o + c * n + k]!
      return s
    })
  it("lu, luPivots, triangularSolve, cholesky and qr on 16 × 16 blocks (longer loops per GPU thread)", async () => {
    const cases: ReadonlyArray<
      readonly [PrimitiveName, ReadonlyArray<ReadonlyArray<number>>, ReadonlyArray<number>, object, (v: number[][]) => number[][]]
    > = [
      ["lu", [[8, 16, 16]], [8, 16, 16], {}, ([a]) => [dominant(a!, 16, 16)]],
      // rows of dominant blocks reversed: every pivot choice wins by a wide margin on both devices
      [
        "luPivots",
        [[8, 16, 16]],
        [8, 16],
        {},
        ([a]) => [dominant(a!, 16, 16).map((_, j, d) => d[j - (j % 256) + (15 - Math.floor((j % 256) / 16)) * 16 + (j % 16)]!)],
      ],
      [
        "triangularSolve",
        [
          [4, 16, 16],
          [4, 16, 5],
        ],
        [4, 16, 5],
        { lower: true, unitDiagonal: false, transposeA: true },
        ([a, b]) => [dominant(a!, 16, 16), b!],
      ],
      [
        "triangularSolve",
        [
          [4, 16, 16],
          [4, 16, 5],
        ],
        [4, 16, 5],
        { lower: false, unitDiagonal: true, transposeA: false },
        ([a, b]) => [dominant(a!, 16, 16), b!],
      ],
      ["cholesky", [[4, 16, 16]], [4, 16, 16], {}, ([a]) => [spd(a!, 16)]],
      ["qr", [[3, 20, 16]], [3, 20, 16], { output: "q" }, ([a]) => [dominant(a!, 20, 16)]],
      ["qr", [[3, 20, 16]], [3, 16, 16], { output: "r" }, ([a]) => [dominant(a!, 20, 16)]],
    ]
    for (const [name, inputs, out, params, prepare] of cases) {
      const prim = byName(name)
      const spec: Spec = {
        params: params as never,
        inputs: inputs.map((shape) => ({ shape, dtype: "f32" })),
        out: { shape: out, dtype: name === "luPivots" ? "i32" : "f32" },
        prepare,
      }
      await agree(prim, spec, drawValues(prim, spec, 17), name === "luPivots" ? 0 : 1e-4, name === "luPivots" ? 0 : 1e-4)
    }
  })
})

describe.skipIf(gpu === null)("precision near 0", () => {
  it("expm1 and log1p keep their digits where exp(x) - 1 and log(1 + x) lose them", async () => {
    const xs = [1e-7, -3e-6, 2e-5, 1e-3]
    for (const [name, ref] of [
      ["expm1", (v: number) => v + v ** 2 / 2 + v ** 3 / 6],
      ["log1p", (v: number) => v - v ** 2 / 2 + v ** 3 / 3],
    ] as const) {
      const got = await read(bind1(byName(name), [tensorOn(gpu!, xs, [xs.length])], {} as never))
      Array.from(got).forEach((v, i) => expect(Math.abs(v - ref(xs[i]!)) / Math.abs(ref(xs[i]!)), `${name}(${xs[i]})`).toBeLessThan(1e-5))
    }
  })
})

describe.skipIf(gpu === null)("dtypes", () => {
  it("i32 arithmetic, reductions, matmul and transposes are exact", async () => {
    const toI32 = (d: DType): DType => (d === "f64" || d === "f32" ? "i32" : d)
    for (const name of [
      "add",
      "sub",
      "mul",
      "max",
      "min",
      "neg",
      "abs",
      "sign",
      "reduceSum",
      "reduceMax",
      "matmul",
      "transpose",
    ] as const) {
      const prim = byName(name)
      for (const [run, spec] of specs(prim, 6, 7).entries()) {
        const values = drawValues(prim, { ...spec, inputs: spec.inputs.map((x) => ({ ...x, dtype: "i32" })) }, run)
        await agree(prim, spec, values, 0, 0, toI32)
      }
    }
  })

  it.skipIf(!gpu?.backend.supports("f16"))("f16 elementwise and matmul (within half precision)", async () => {
    for (const name of ["add", "mul", "exp", "tanh", "matmul", "reduceSum"] as const) {
      const prim = byName(name)
      for (const [run, spec] of specs(prim, 6, 11).entries()) {
        const values = drawValues(prim, spec, run)
        const want = await read(runOn(cpu, prim, spec, values))
        const got = await read(runOn(gpu!, prim, spec, values, (d) => (d === "f64" ? "f16" : d)))
        const { worst, at } = mismatch(got, want, 2e-2 * Math.sqrt(atolOf(prim, spec) * 1e5), 2e-2)
        expect(worst, `${name} element ${at}: ${got[at]} vs ${want[at]}`).toBeLessThanOrEqual(1)
      }
    }
  })

  it("rejects f64", () => {
    expect(gpu!.backend.supports("f64")).toBe(false)
  })
})

describe.skipIf(gpu === null)("the case table samples", () => {
  it("size-1 and empty dims for every primitive that allows them", () => {
    const sawEmpty = all.filter((p) => specs(p, 60, 3).some((s) => s.inputs.some((x) => x.shape.includes(0))))
    // every family but the windows, matmul (k ≥ 1) and the empty-intolerant reductions meets empty tensors
    expect(sawEmpty.length).toBeGreaterThan(all.length / 2)
  })
})
