// jit on WebGPU: fused kernels agree with eager CPU, run in one batch, and free their intermediates.
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { contextOf } from "../../src/device/webgpu/backend.js"
import { memoryStats } from "../../src/device/webgpu/index.js"
import { jit } from "../../src/grad/jit.js"
import * as lax from "../../src/ops/core/lax.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import type { Device } from "../../src/ops/core/backend.js"
import { paddedLen } from "../../src/ops/prims/structural.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"
import { heatStep, initGrid } from "./heat.js"

gpuSuite()

/** Kernels dispatched by `f()` on the test device. */
const kernels = <A>(f: () => A): [A, number] => {
  const ctx = contextOf(gpu!)
  const before = ctx.dispatched
  const y = f()
  return [y, ctx.dispatched - before]
}

/** `f` jitted on the GPU vs eager on the CPU, on the same values. */
const jitAgrees = async (
  f: (...xs: AnyTensor[]) => AnyTensor,
  inputs: ReadonlyArray<{ shape: ReadonlyArray<number>; dtype?: "f32" | "i32" }>,
  seed: number,
  where: string,
) => {
  const r = rng(seed)
  const vals = inputs.map((x) =>
    Array.from({ length: x.shape.reduce((a, b) => a * b, 1) }, () => (x.dtype === "i32" ? r.int(-9, 9) : r.uniform(-2, 2))),
  )
  const args = (d: Device) => inputs.map((x, i) => tensorOn(d, vals[i]!, x.shape, x.dtype ?? "f32"))
  const jf = jit(f)
  jf(...args(gpu!))
  const [got, n] = kernels(() => jf(...args(gpu!)))
  const want = f(...args(cpu))
  expect(got.shape, where).toEqual(want.shape)
  const { worst, at } = mismatch(await read(got), await read(want), 1e-5, 1e-5)
  expect(worst, `${where}: element ${at}`).toBeLessThanOrEqual(1)
  return n
}

describe.skipIf(gpu === null)("jit on WebGPU", () => {
  it("the jitted heat step is 2 kernels (slices and the padded update fused) and matches eager CPU", async () => {
    const step = jit(heatStep)
    let g = initGrid(40, gpu!),
      c = initGrid(40, cpu)
    g = step(g)
    c = heatStep(c)
    for (let i = 1; i < 30; i++) {
      const [next, n] = kernels(() => step(g))
      expect(n, "kernels per jitted heat step").toBe(2)
      ;(g = next), (c = heatStep(c))
    }
    const { worst } = mismatch(await read(g), await read(c), 1e-4, 1e-5)
    expect(worst).toBeLessThanOrEqual(1)
  })

  it("slice updates fuse: at().set (pad + where with a constant mask), at().add with steps, a scalar set", async () => {
    const sh = [{ shape: [9, 11] }]
    expect(await jitAgrees((x) => x.at("1:-1, 2:9:2").set(x.slice("1:-1, 1:5").mul(2)), sh, 1, "set strided")).toBeLessThanOrEqual(2)
    expect(await jitAgrees((x) => x.at("::2, 3").add(x.slice("::2, 0").exp()), sh, 2, "add column")).toBeLessThanOrEqual(2)
    expect(await jitAgrees((x) => x.at("2:5").set(7).sin(), sh, 3, "set scalar")).toBeLessThanOrEqual(1)
  })

  it("pad as an index transform: any lo/hi (negative too), interior, fill value and dtype, over a view, or materialized", () =>
    fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
          .chain((s) =>
            fc.tuple(
              fc.constant(s),
              fc.tuple(
                ...s.map((n) =>
                  fc
                    .tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 }))
                    .filter(([lo, hi, i]) => paddedLen(n, lo, hi, i) >= 1),
                ),
              ),
              fc.constantFrom(0, -1.5, -Infinity),
              fc.constantFrom<"f32" | "i32">("f32", "f32", "i32"),
              fc.constantFrom("add", "view", "broadcast", "matmul"),
              fc.integer(),
            ),
          ),
        async ([s, p, value, dtype, mode, seed]) => {
          const lo = p.map((a) => a[0]),
            hi = p.map((a) => a[1]),
            interior = p.map((a) => a[2])
          const out = s.map((n, i) => paddedLen(n, lo[i]!, hi[i]!, interior[i]!))
          const v = dtype === "i32" ? Math.trunc(Number.isFinite(value) ? value : -7) : value
          const where = `pad [${s}] lo ${lo} hi ${hi} interior ${interior} value ${v} ${dtype} ${mode}`
          if (mode === "add")
            await jitAgrees(
              (x, y) => lax.add(lax.pad(x, lo, hi, interior, v), y),
              [
                { shape: s, dtype },
                { shape: out, dtype },
              ],
              seed,
              where,
            )
          else if (mode === "view")
            // a pad of a transposed view, under a broadcast consumer
            await jitAgrees(
              (x, y) =>
                lax.mul(
                  lax.pad(
                    lax.transpose(
                      x,
                      s.map((_, i) => s.length - 1 - i),
                    ),
                    lo,
                    hi,
                    interior,
                    v,
                  ),
                  y,
                ),
              [
                { shape: [...s].reverse(), dtype },
                { shape: out.map((d, i) => (i === 0 ? 1 : d)), dtype },
              ],
              seed,
              where,
            )
          else if (mode === "broadcast")
            // the pad broadcasts against the other operand: materialized, then read strided
            await jitAgrees(
              (x, y) => lax.sub(y, lax.pad(x, lo, hi, interior, v)),
              [
                { shape: s, dtype },
                { shape: [2, ...out], dtype },
              ],
              seed,
              where,
            )
          else if (dtype === "f32" && Number.isFinite(v))
            // consumed by a matmul: runs as its own kernel
            await jitAgrees(
              (x, y) => lax.matmul(lax.reshape(lax.exp(lax.pad(x, lo, hi, interior, v)), [1, out.reduce((a, b) => a * b, 1)]), y),
              [{ shape: s }, { shape: [out.reduce((a, b) => a * b, 1), 2] }],
              seed,
              where,
            )
        },
      ),
      { numRuns: 60, seed: 7 },
    ))

  it("fuses elementwise chains into reductions, with several outputs and broadcasting", async () => {
    const r = rng(5)
    const f = (x: AnyTensor, y: AnyTensor, b: AnyTensor) => {
      const z = lax.add(lax.mul(lax.exp(x), y), b) // [7, 9] + [9]
      return [lax.reduceSum(lax.tanh(z), [1]), lax.reduceMax(lax.mul(z, z), [0, 1]), lax.sigmoid(z), lax.sqrt(lax.abs(x))]
    }
    const vals = [
      Array.from({ length: 63 }, () => r.uniform(-1, 1)),
      Array.from({ length: 63 }, () => r.uniform(-1, 1)),
      Array.from({ length: 9 }, () => r.uniform(-1, 1)),
    ]
    const args = (d: typeof cpu | NonNullable<typeof gpu>) =>
      [tensorOn(d, vals[0]!, [7, 9]), tensorOn(d, vals[1]!, [7, 9]), tensorOn(d, vals[2]!, [9])] as const
    const got = jit(f)(...args(gpu!)),
      want = f(...args(cpu))
    for (let i = 0; i < want.length; i++) {
      expect(got[i]!.shape).toEqual(want[i]!.shape)
      const { worst, at } = mismatch(await read(got[i]!), await read(want[i]!), 1e-5, 1e-4)
      expect(worst, `output ${i} element ${at}`).toBeLessThanOrEqual(1)
    }
  })

  it("a jitted loop holds live memory flat: intermediates never escape", async () => {
    const step = jit(heatStep)
    let g = initGrid(32, gpu!)
    g = step(g)
    await read(g)
    const before = memoryStats(gpu!).liveBytes
    for (let i = 0; i < 200; i++) {
      const next = step(g)
      ;(g._impl as unknown as { release(): void }).release()
      g = next
    }
    await read(g)
    expect(memoryStats(gpu!).liveBytes).toBeLessThanOrEqual(before)
  })
})
