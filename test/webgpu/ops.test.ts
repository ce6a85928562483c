// Every primitive of the registry on CPU and WebGPU, on seeded random inputs (broadcasting, odd
// sizes, size-1 and empty dims), compared within stated tolerances.
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import type { PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { DType } from "../../src/shape/index.js"
import { cases, data, elementwise, runOn, type Case } from "./cases.js"
import { gpu, gpuSuite, mismatch, read, rng } from "./gpu.js"

gpuSuite()

const RUNS = 24

describe.skipIf(gpu === null)("every primitive: WebGPU agrees with CPU", () => {
  for (const p of Object.keys(primitives) as PrimitiveName[]) {
    it(p, async () => {
      const r = rng(0x5eed + p.length * 7919 + p.charCodeAt(0))
      for (let run = 0; run < RUNS; run++) {
        const c: Case = cases[p](r)
        const values = c.inputs.map((inp) => data(r, inp))
        const want = runOn(cpu, p, c, values)
        const got = runOn(gpu!, p, c, values)
        const where = `${p} run ${run}: inputs ${JSON.stringify(c.inputs.map((i) => [i.shape, i.dtype]))} params ${JSON.stringify(c.params)}`
        expect(got.shape, where).toEqual(want.shape)
        expect(got.dtype, where).toBe(want.dtype)
        const [a, b] = [await read(got), await read(want)]
        const { worst, at } = mismatch(a, b, c.atol ?? 1e-5, 1e-4)
        expect(worst, `${where}: element ${at}: gpu ${a[at]} vs cpu ${b[at]}`).toBeLessThanOrEqual(1)
      }
    })
  }
})

describe.skipIf(gpu === null)("vec4 kernels", () => {
  // contiguous f32 with a multiple of 4 elements takes the vec4 path: every elementwise expression must type-check there
  it("every float elementwise primitive on [4, 8] (and [8] against [4, 8])", async () => {
    const r = rng(17)
    for (const p of Object.keys(primitives) as PrimitiveName[]) {
      const dom = primitives[p].domain
      if (dom.kind === "custom") continue
      for (const shapes of dom.kind === "unary" ? [[[4, 8]]] : [[[4, 8], [4, 8]], [[8], [4, 8]]]) {
        const c: Case = { inputs: shapes.map((shape, i) => ({ shape, dtype: "f32" as DType, range: dom.ranges?.[i] ?? [-2, 2], ...(dom.awayFromZero === undefined ? {} : { away: dom.awayFromZero }) })), params: p === "compare" ? { op: "le" } : {} }
        const values = c.inputs.map((inp) => data(r, inp))
        const { worst, at } = mismatch(await read(runOn(gpu!, p, c, values)), await read(runOn(cpu, p, c, values)), 1e-5, 1e-4)
        expect(worst, `${p} ${JSON.stringify(shapes)} element ${at}`).toBeLessThanOrEqual(1)
      }
    }
  })
})

describe.skipIf(gpu === null)("dtypes", () => {
  it("i32 arithmetic, reductions and matmul", async () => {
    const r = rng(7)
    for (const p of ["add", "sub", "mul", "max", "min", "neg", "abs", "sign", "reduceSum", "reduceMax", "matmul", "transpose"] as const) {
      for (let run = 0; run < 6; run++) {
        const c: Case = p === "matmul" || p === "reduceSum" || p === "reduceMax" || p === "transpose"
          ? cases[p](r) : elementwise(p, "i32")(r)
        const ci: Case = { ...c, inputs: c.inputs.map((i) => ({ ...i, dtype: "i32" as DType, range: [-9, 9] as const })) }
        const values = ci.inputs.map((inp) => data(r, inp))
        const [a, b] = [await read(runOn(gpu!, p, ci, values)), await read(runOn(cpu, p, ci, values))]
        expect(Array.from(a), `${p} ${JSON.stringify(ci.inputs.map((i) => i.shape))}`).toEqual(Array.from(b))
      }
    }
  })

  it.skipIf(!gpu?.backend.supports("f16"))("f16 elementwise and matmul (within half precision)", async () => {
    const r = rng(11)
    for (const p of ["add", "mul", "exp", "tanh", "matmul", "reduceSum"] as const) {
      const c = p === "matmul" || p === "reduceSum" ? cases[p](r) : elementwise(p)(r)
      const values = c.inputs.map((inp) => data(r, inp))
      const want = await read(runOn(cpu, p, c, values))
      const half: Case = { ...c, inputs: c.inputs.map((i) => ({ ...i, dtype: "f16" as DType })) }
      const got = await read(runOn(gpu!, p, half, values))
      const { worst, at } = mismatch(got, want, 2e-2 * Math.sqrt((c.atol ?? 1e-5) * 1e5), 2e-2)
      expect(worst, `${p} element ${at}: ${got[at]} vs ${want[at]}`).toBeLessThanOrEqual(1)
    }
  })

  it("rejects f64", () => {
    expect(gpu!.backend.supports("f64")).toBe(false)
  })
})

describe.skipIf(gpu === null)("matmul tiles", () => {
  it("128×128 register-blocked tiles, vec4 and scalar loads, ragged edges", async () => {
    const r = rng(3)
    for (const [m, k, n] of [[520, 36, 516], [513, 7, 530]] as const) {
      const c: Case = { inputs: [{ shape: [m, k], dtype: "f32" }, { shape: [k, n], dtype: "f32" }], params: {}, atol: 1e-4 * Math.sqrt(k) }
      const values = c.inputs.map((inp) => data(r, inp))
      const { worst, at } = mismatch(await read(runOn(gpu!, "matmul", c, values)), await read(runOn(cpu, "matmul", c, values)), c.atol!, 1e-4)
      expect(worst, `[${m}, ${k}] @ [${k}, ${n}] element ${at}`).toBeLessThanOrEqual(1)
    }
  })
})
