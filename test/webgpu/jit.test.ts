// jit on WebGPU: fused kernels agree with eager CPU, run in one batch, and free their intermediates.
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { memoryStats } from "../../src/device/webgpu/index.js"
import { jit } from "../../src/grad/jit.js"
import * as lax from "../../src/ops/lax.js"
import type { AnyTensor } from "../../src/ops/tensor.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"
import { heatStep, initGrid } from "./heat.js"

gpuSuite()

describe.skipIf(gpu === null)("jit on WebGPU", () => {
  it("the jitted heat step matches eager CPU (fused slices + arithmetic)", async () => {
    const step = jit(heatStep)
    let g = initGrid(40, gpu!), c = initGrid(40, cpu)
    for (let i = 0; i < 30; i++) ((g = step(g)), (c = heatStep(c)))
    const { worst } = mismatch(await read(g), await read(c), 1e-4, 1e-5)
    expect(worst).toBeLessThanOrEqual(1)
  })

  it("fuses elementwise chains into reductions, with several outputs and broadcasting", async () => {
    const r = rng(5)
    const f = (x: AnyTensor, y: AnyTensor, b: AnyTensor) => {
      const z = lax.add(lax.mul(lax.exp(x), y), b) // [7, 9] + [9]
      return [lax.reduceSum(lax.tanh(z), [1]), lax.reduceMax(lax.mul(z, z), [0, 1]), lax.sigmoid(z), lax.sqrt(lax.abs(x))]
    }
    const vals = [Array.from({ length: 63 }, () => r.uniform(-1, 1)), Array.from({ length: 63 }, () => r.uniform(-1, 1)), Array.from({ length: 9 }, () => r.uniform(-1, 1))]
    const args = (d: typeof cpu | NonNullable<typeof gpu>) => [tensorOn(d, vals[0]!, [7, 9]), tensorOn(d, vals[1]!, [7, 9]), tensorOn(d, vals[2]!, [9])] as const
    const got = jit(f)(...args(gpu!)), want = f(...args(cpu))
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
