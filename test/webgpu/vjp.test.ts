// VJPs on both backends: for every differentiable primitive of the registry (shapes and
// parameters from the property cases in properties/cases.ts, retyped f64 → f32) and a few
// composites, the cotangents of all float inputs for a random output cotangent, computed on
// WebGPU, agree with the CPU's within the tolerances below (f32 on both; the CPU accumulates in
// f64, the GPU in f32, so reductions, matmuls and windows get an atol growing with √(terms)).
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { cpu } from "../../src/device/cpu/index.js"
import { numel } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import { bind } from "../../src/ops/core/interpreter.js"
import type { ParamsOf, Primitive, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { atolOf, diffArgsOf, drawValues, f32, specFor, type Spec } from "../cases.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"
import { heatStep } from "./heat.js"

gpuSuite()

const RUNS = Number(process.env.WEBGPU_VJP_RUNS ?? 12)
/** relative tolerance of every comparison; atol from the case table */
const RTOL = 1e-4

type Vals = number[][]

/** Inputs of a spec on `dev` (f64 → f32); the cast target retyped the same way. */
const inputsOn = (dev: Device, spec: Spec, vals: Vals): AnyTensor[] =>
  spec.inputs.map((x, i) => tensorOn(dev, vals[i]!, x.shape, f32(x.dtype)))
const paramsOf = (p: PrimitiveName, spec: Spec): ParamsOf<PrimitiveName> =>
  (p === "cast" ? { dtype: f32((spec.params as ParamsOf<"cast">).dtype) } : spec.params) as ParamsOf<PrimitiveName>

/** Cotangents of the `diff` inputs of one primitive application on `dev`, for the output cotangent `ct`. */
const vjpOn = (
  dev: Device,
  prim: Primitive,
  spec: Spec,
  diff: ReadonlyArray<number>,
  vals: Vals,
  ct: ReadonlyArray<number>,
): AnyTensor[] => {
  const args = inputsOn(dev, spec, vals)
  const params = paramsOf(prim.name, spec)
  const f = (...xs: AnyTensor[]) => {
    const full = args.slice()
    diff.forEach((i, k) => (full[i] = xs[k]!))
    return bind(prim, full, params)[0]!
  }
  const [y, pull] = tg.vjp(f, ...diff.map((i) => args[i]!))
  return pull(tensorOn(dev, ct, y.shape, y.dtype) as never) as AnyTensor[]
}

/** Compare GPU vs CPU tensors elementwise; throws with `where` on the first failure. */
const agree = async (got: ReadonlyArray<AnyTensor>, want: ReadonlyArray<AnyTensor>, atol: number, where: string) => {
  expect(got.length, where).toBe(want.length)
  for (let k = 0; k < want.length; k++) {
    expect(got[k]!.device.kind, where).toBe("webgpu")
    expect(got[k]!.shape, `${where}: cotangent ${k}`).toEqual(want[k]!.shape)
    const [a, b] = [await read(got[k]!), await read(want[k]!)]
    const { worst, at } = mismatch(a, b, atol, RTOL)
    expect(worst, `${where}: cotangent ${k} element ${at}: gpu ${a[at]} vs cpu ${b[at]}`).toBeLessThanOrEqual(1)
  }
}

const differentiable = (Object.values(primitives) as Primitive[]).filter((p) => !p.domain.nonDiff)

describe.skipIf(gpu === null)("VJP of every differentiable primitive: WebGPU agrees with CPU", () => {
  it("covers every primitive that is not marked nonDiff", () => {
    expect(differentiable.length).toBeGreaterThan(25)
  })
  for (const prim of differentiable) {
    it(prim.name, async () => {
      await fc.assert(
        fc.asyncProperty(specFor(prim), fc.integer(), fc.integer(), async (spec, seed, ctSeed) => {
          const diff = diffArgsOf(prim, spec)
          if (diff.length === 0) return
          const vals = drawValues(prim, spec, seed)
          const ctR = rng(ctSeed)
          const ct = Array.from({ length: numel(spec.out.shape) }, () => ctR.uniform(-1, 1))
          const where = `${prim.name}(${spec.inputs.map((x) => `${f32(x.dtype)}[${x.shape.join(", ")}]`).join(", ")}) params ${JSON.stringify(spec.params)} wrt ${JSON.stringify(diff)}`
          await agree(vjpOn(gpu!, prim, spec, diff, vals, ct), vjpOn(cpu, prim, spec, diff, vals, ct), atolOf(prim, spec), where)
        }),
        { numRuns: RUNS, seed: 0x9e3779b1 ^ (prim.name.length * 131) ^ prim.name.charCodeAt(1), includeErrorInReport: true },
      )
    })
  }
})

/** One composite on both devices: VJP of `f` at `shapes` (values uniform in [-1, 1]). */
const compositeAgrees = async (
  f: (...xs: AnyTensor[]) => AnyTensor,
  shapes: ReadonlyArray<ReadonlyArray<number>>,
  seed: number,
  atol: number,
  where: string,
) => {
  const r = rng(seed)
  const vals = shapes.map((s) => Array.from({ length: numel(s) }, () => r.uniform(-1, 1)))
  const run = (dev: Device) => {
    const xs = vals.map((v, i) => tensorOn(dev, v, shapes[i]!))
    const [y, pull] = tg.vjp(f, ...xs)
    const cr = rng(seed + 1)
    return pull(
      tensorOn(
        dev,
        Array.from({ length: numel(y.shape) }, () => cr.uniform(-1, 1)),
        y.shape,
      ) as never,
    ) as AnyTensor[]
  }
  await agree(run(gpu!), run(cpu), atol, where)
}

const sizes = fc.constantFrom(1, 2, 3, 5, 7)

describe.skipIf(gpu === null)("VJP of composites: WebGPU agrees with CPU", () => {
  it("softmax (any axis, size-1 and odd dims)", () =>
    fc.assert(
      fc.asyncProperty(fc.array(sizes, { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer(), async (shape, a, seed) => {
        const axis = a % shape.length
        await compositeAgrees((x) => tg.softmax(x, { axis }), [shape], seed, 1e-5, `softmax [${shape}] axis ${axis}`)
      }),
      { numRuns: RUNS, seed: 1 },
    ))

  it("conv2d (stride, padding, dilation, groups)", () =>
    fc.assert(
      fc.asyncProperty(
        fc
          .record({
            n: fc.integer({ min: 1, max: 2 }),
            c: fc.integer({ min: 1, max: 2 }),
            h: fc.integer({ min: 3, max: 8 }),
            w: fc.integer({ min: 3, max: 8 }),
            out: fc.integer({ min: 1, max: 3 }),
            groups: fc.constantFrom(1, 2),
            k: fc.integer({ min: 1, max: 3 }),
            stride: fc.integer({ min: 1, max: 2 }),
            padding: fc.integer({ min: 0, max: 1 }),
            dilation: fc.integer({ min: 1, max: 2 }),
          })
          .filter((r) => r.dilation * (r.k - 1) + 1 <= Math.min(r.h, r.w) + 2 * r.padding),
        fc.integer(),
        async ({ n, c, h, w, out, groups, k, stride, padding, dilation }, seed) => {
          const x = [n, c * groups, h, w],
            wt = [out * groups, c, k, k]
          const terms = c * k * k * n * h * w
          await compositeAgrees(
            (x, w) => tg.conv2d(x, w, { stride, padding, dilation, groups }),
            [x, wt],
            seed,
            4e-5 * Math.sqrt(terms),
            `conv2d x [${x}] w [${wt}] stride ${stride} padding ${padding} dilation ${dilation} groups ${groups}`,
          )
        },
      ),
      { numRuns: RUNS, seed: 2 },
    ))

  it("maxPool2d", () =>
    fc.assert(
      fc.asyncProperty(
        fc
          .tuple(
            fc.integer({ min: 1, max: 2 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 2, max: 7 }),
            fc.integer({ min: 2, max: 7 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 2 }),
          )
          .chain(([n, c, h, w, k, s]) =>
            fc.tuple(fc.constant([n, c, h, w]), fc.constant(k), fc.constant(s), fc.integer({ min: 0, max: Math.floor(k / 2) })),
          )
          .filter(([x, k, , p]) => x[2]! + 2 * p >= k && x[3]! + 2 * p >= k),
        fc.integer(),
        async ([x, k, stride, padding], seed) => {
          await compositeAgrees(
            (x) => tg.maxPool2d(x, k, { stride, padding }),
            [x],
            seed,
            1e-5,
            `maxPool2d [${x}] k ${k} stride ${stride} padding ${padding}`,
          )
        },
      ),
      { numRuns: RUNS, seed: 3 },
    ))

  it("linear algebra: solve, inv, det/slogdet, cholesky, qr (well-conditioned by a shifted diagonal)", async () => {
    const shift = (a: AnyTensor) => a.add(tg.eye(a.shape.at(-1)!, a.shape.at(-1)!, { device: a.device }).mul(4)) as AnyTensor
    const cases: ReadonlyArray<readonly [string, (...xs: AnyTensor[]) => AnyTensor, ReadonlyArray<ReadonlyArray<number>>]> = [
      [
        "solve",
        (a, b) => tg.solve(shift(a!), b!),
        [
          [3, 4, 4],
          [3, 4, 2],
        ],
      ],
      ["solve (vector)", (a, b) => tg.solve(shift(a!), b!), [[5, 5], [5]]],
      ["inv", (a) => tg.inv(shift(a!)), [[2, 3, 3]]],
      ["det + slogdet", (a) => tg.det(shift(a!)).add(tg.slogdet(shift(a!)).logabsdet), [[3, 3, 3]]],
      ["cholesky", (a) => tg.cholesky(shift(tg.matmul(a!, tg.transpose(a!)) as AnyTensor)), [[2, 4, 4]]],
      [
        "qr",
        (a) => {
          const { q, r } = tg.qr(a!)
          return q.sum().add(r.square().sum())
        },
        [[5, 3]],
      ],
    ]
    for (const [name, f, shapes] of cases) await compositeAgrees(f, shapes, name.length, 1e-4, name)
  })

  it("the heat step (slices, functional update), two steps", () =>
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 3, max: 9 }), fc.integer(), async (h, w, seed) => {
        await compositeAgrees((u) => heatStep(heatStep(u)), [[h, w]], seed, 1e-5, `heat step [${h}, ${w}]`)
      }),
      { numRuns: RUNS, seed: 4 },
    ))
})
