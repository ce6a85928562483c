// GPU memory: the eager heat loop under scope() holds live memory flat; pooling reuses buffers.
import { describe, expect, it } from "vitest"
import { iterate, memoryStats, scope } from "../../src/device/webgpu/index.js"
import { gpu, gpuSuite, read } from "./gpu.js"
import { heatStep, initGrid } from "./heat.js"

gpuSuite()

describe.skipIf(gpu === null)("memory", () => {
  it("the heat loop (64², 2000 steps, eager) holds live GPU memory flat under iterate()", async () => {
    let grid = scope(() => initGrid(64, gpu!))
    grid = iterate(grid, 2, heatStep)
    const base = memoryStats(gpu!)
    let peak = 0
    grid = iterate(grid, 2000, (g) => {
      const next = heatStep(g)
      peak = Math.max(peak, memoryStats(gpu!).liveBytes)
      return next
    })
    const end = memoryStats(gpu!)
    // iterate() keeps the caller's grid plus the current one; each step adds its intermediates only until the step's scope closes
    expect(end.liveBytes).toBeLessThanOrEqual(base.liveBytes + 64 * 64 * 4)
    expect(peak).toBeLessThanOrEqual(base.liveBytes + 16 * 64 * 64 * 4)
    expect(end.pooledBytes).toBeLessThan(1 << 20)
    const centre = (await read(grid))[32 * 64 + 32]!
    expect(centre).toBeGreaterThan(0)
  })

  it("tensors returned from a scope survive; the rest are released", async () => {
    const before = memoryStats(gpu!).liveBuffers
    const kept = scope(() => {
      const a = initGrid(8, gpu!)
      return { b: heatStep(a) }
    })
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 1)
    expect((await read(kept.b)).length).toBe(64)
  })
})
