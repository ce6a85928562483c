// GPU memory: the eager heat loop under scope() holds live memory flat; pooling reuses buffers.
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { iterate, memoryStats, scope } from "../../src/device/webgpu/index.js"
import { HostAccessError, OutOfMemory, UseAfterRelease } from "../../src/errors.js"
import { release } from "../../src/grad/release.js"
import * as Tree from "../../src/grad/tree.js"
import { key, nn, to } from "../../src/index.js"
import { array } from "../../src/ops/api/host.js"
import { dataSync } from "../../src/ops/api/host.js"
import { sizeClass } from "../../src/device/webgpu/memory.js"
import { contextOf } from "../../src/device/webgpu/backend.js"
import { jit } from "../../src/grad/jit.js"
import { gpu, gpuSuite, mismatch, read, tensorOn } from "./gpu.js"
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

  it("a jitted heat loop (16², 10,000 steps) holds live and pooled GPU memory flat, and matches the CPU", async () => {
    const N = 16,
      STEPS = 10_000,
      grid = sizeClass(N * N * 4)
    const step = jit(heatStep)
    let g = scope(() => initGrid(N, gpu!))
    g = iterate(g, 2, (x) => step(x))
    await read(g)
    const base = memoryStats(gpu!)
    let peak = 0,
      peakTotal = 0
    g = iterate(g, STEPS, (x, i) => {
      const next = step(x)
      if (i % 97 === 0) {
        const m = memoryStats(gpu!)
        ;(peak = Math.max(peak, m.liveBytes)), (peakTotal = Math.max(peakTotal, m.liveBytes + m.pooledBytes))
      }
      return next
    })
    const got = await read(g)
    const end = memoryStats(gpu!)
    // live at the end: what was live before, plus the loop's final grid (iterate leaves its initial grid to the caller);
    // during the loop at most one more (the next grid while a step returns): the step's own intermediate never escapes.
    // Bounds, not equalities: the collector may finalize earlier tests' tensors meanwhile (live → pooled), so the
    // pool is bounded together with the live memory
    expect(end.liveBytes).toBeLessThanOrEqual(base.liveBytes + grid)
    expect(end.liveBuffers).toBeLessThanOrEqual(base.liveBuffers + 1)
    expect(peak).toBeLessThanOrEqual(base.liveBytes + 2 * grid)
    expect(peakTotal).toBeLessThanOrEqual(base.liveBytes + base.pooledBytes + 4 * grid)
    let c = initGrid(N, cpu)
    const cstep = jit(heatStep)
    for (let i = 0; i < STEPS + 2; i++) c = cstep(c)
    const { worst, at } = mismatch(got, await read(c), 1e-3, 1e-4)
    expect(worst, `element ${at}`).toBeLessThanOrEqual(1)
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

  it("a tensor leaked out of its scope is a UseAfterRelease error when used", () => {
    let leaked: ReturnType<typeof initGrid> | undefined
    scope(() => {
      leaked = initGrid(4, gpu!)
      return {}
    })
    expect(() => heatStep(leaked!)).toThrow(UseAfterRelease)
  })

  it("synchronous reads of GPU tensors are a HostAccessError naming the op and device", () => {
    const x = initGrid(4, gpu!)
    expect(() => dataSync(x as never)).toThrow(HostAccessError)
    expect(() => dataSync(x as never)).toThrow(/dataSync: webgpu/)
  })

  it("iterate never releases a tensor the caller made, even when a step returns it as the state", async () => {
    const w = tensorOn(gpu!, [1, 2, 3], [3])
    const x = tensorOn(gpu!, [0, 0, 0], [3])
    // step 0 returns w itself (made outside the loop); steps 1 and 2 add 1: w + 2
    const out = iterate(x, 3, (s, i) => (i === 0 ? w : s.add(1)))
    expect(Array.from(await read(out))).toEqual([3, 4, 5])
    expect(Array.from(await read(w))).toEqual([1, 2, 3])
    expect(Array.from(await read(w.mul(2)))).toEqual([2, 4, 6])
    // a state that keeps a caller's tensor beside the loop's own: the loop's old states go, w stays
    const before = memoryStats(gpu!).liveBuffers
    const r = iterate({ w, acc: x }, 50, (s) => ({ w: s.w, acc: s.acc.add(s.w) }))
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 1) // only the final acc is new
    expect(r.w).toBe(w)
    expect(Array.from(await read(r.acc))).toEqual([50, 100, 150])
    expect(Array.from(await read(w))).toEqual([1, 2, 3])
  })

  it("scope and iterate keep the tensors of a returned module (a tree node), and release its old versions", async () => {
    const before = memoryStats(gpu!).liveBuffers
    const m = scope(() => to(nn.linear(key(0), 3, 2), gpu!))
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 2) // weight and bias
    const w0 = Array.from(await read(m.weight))
    // each step scales the parameters by 2: after 3 steps, 8× the initial weight
    const m3 = iterate(m, 3, (s) => Tree.map(s, (p) => p.mul(2)))
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 4) // m and m3: the old versions and the scalar constants went
    expect(Array.from(await read(m3.weight))).toEqual(w0.map((v) => v * 8))
    expect(Array.from(await read(m.weight))).toEqual(w0)
  })

  it("a tensor released by iterate names iterate, not a scope, when used again", () => {
    let first: ReturnType<typeof initGrid> | undefined
    iterate(initGrid(4, gpu!), 3, (g, i) => {
      const next = g.add(1)
      if (i === 0) first = next
      return next
    })
    expect(() => first!.add(1)).toThrow(/iterate\(\.\.\.\) replaced it/)
  })

  it("dispose() and release(tree) free GPU buffers now; later use is UseAfterRelease naming dispose", async () => {
    const before = memoryStats(gpu!).liveBuffers
    const a = tensorOn(gpu!, [1, 2, 3, 4], [4])
    const tree = { w: tensorOn(gpu!, [1, 2], [2]), bs: [tensorOn(gpu!, [3], [1]), tensorOn(gpu!, [4], [1])] }
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 4)
    const kept = scope(() => a.mul(10)) // the scalar 10 is released with the scope
    a.dispose()
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 4) // a went, kept came
    release(tree)
    expect(memoryStats(gpu!).liveBuffers).toBe(before + 1)
    expect(() => a.add(1)).toThrow(UseAfterRelease)
    expect(() => tree.bs[1]!.add(1)).toThrow(/it was disposed/)
    await expect(array(tree.w)).rejects.toBeInstanceOf(UseAfterRelease)
    expect(await array(kept)).toEqual([10, 20, 30, 40])
  })

  it("array() reads a GPU tensor back as a Promise of nested arrays", async () => {
    const x = tensorOn(gpu!, [1, 2, 3, 4, 5, 6], [2, 3])
    expect(await array(x.mul(2))).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ])
    expect(await x.sum().array()).toBe(21)
  })

  it("a tensor over the device's buffer limit is OutOfMemory with bytes and limit, before any buffer is made", () => {
    const { limits } = contextOf(gpu!).device
    const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize)
    const n = Math.floor(limit / 4) + 1
    const before = memoryStats(gpu!)
    const x = tensorOn(gpu!, [1], [1, 1])
    let err: unknown
    try {
      x.expand([n, 1]).add(1)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(OutOfMemory)
    expect((err as OutOfMemory).bytes).toBe(n * 4)
    expect((err as OutOfMemory).limit).toBe(limit)
    expect(memoryStats(gpu!).liveBuffers).toBe(before.liveBuffers + 1)
  })
})
