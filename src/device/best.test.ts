// bestDevice, Tensor#to and synchronize. Whether this machine has a WebGPU adapter, and whether
// it is a software one, is probed independently here; bestDevice must act on that as documented.
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"
import { contextOf } from "./webgpu/backend.js"

/** What this machine has: null (no adapter), or the adapter's description and whether it is software. */
const probe = await tg.acquireWebGpu().then(
  (g) => {
    const ctx = contextOf(g)
    const r = { description: ctx.description, software: ctx.isFallback || /llvmpipe|lavapipe|swiftshader|software/i.test(ctx.description) }
    tg.releaseWebGpu(g)
    return r
  },
  () => null,
)

describe("bestDevice", () => {
  it("TYPEGRAD_DEVICE=cpu skips the probe", async () => {
    const b = await tg.bestDevice({ env: { TYPEGRAD_DEVICE: "cpu" } })
    expect(b.device).toBe(tg.cpu)
    expect(b.fellBack).toBe(true)
    expect(b.reason).toBe("cpu: TYPEGRAD_DEVICE=cpu")
  })

  it("takes a hardware adapter, passes over a software one with the reason, falls back to the CPU without one", async () => {
    const b = await tg.bestDevice({ env: {} })
    try {
      if (probe === null) {
        expect(b.device).toBe(tg.cpu)
        expect(b.reason).toMatch(/^cpu: no WebGPU adapter/)
      } else if (probe.software) {
        expect(b.device).toBe(tg.cpu)
        expect(b.fellBack).toBe(true)
        expect(b.reason).toContain(`the only WebGPU adapter, ${probe.description}, is a software one, slower than the CPU backend`)
      } else {
        expect(b.device.kind).toBe("webgpu")
        expect(b.fellBack).toBe(false)
        expect(b.reason).toContain("hardware WebGPU adapter")
      }
    } finally {
      b.release()
    }
  })

  it.skipIf(probe === null)("allowSoftware takes whatever adapter there is", async () => {
    const b = await tg.bestDevice({ env: {}, allowSoftware: true })
    try {
      expect(b.device.kind).toBe("webgpu")
      expect(b.reason).toContain(probe!.software ? "software WebGPU adapter, taken on request" : "hardware WebGPU adapter")
    } finally {
      b.release()
    }
  })
})

describe("Tensor#to and synchronize", () => {
  it("x.to(cpu) is x itself; synchronize(cpu) resolves instead of throwing", async () => {
    const x = tg.tensor([1, 2, 3])
    expect(x.to(tg.cpu)).toBe(x)
    await expect(tg.synchronize(tg.cpu)).resolves.toBeUndefined()
  })

  it.skipIf(probe === null)("x.to(gpu) moves the data like to(x, gpu); a round trip keeps the values", async () => {
    const gpu = await tg.acquireWebGpu()
    try {
      const x = tg.tensor([
        [1.5, -2],
        [3, 4],
      ])
      const g = x.to(gpu)
      expect(g.device).toBe(gpu)
      expect(g.shape).toEqual([2, 2])
      await tg.synchronize(gpu)
      const back = await import("effect").then(({ Effect }) => Effect.runPromise(tg.transfer(g.mul(2), tg.cpu)))
      expect(back.toArraySync()).toEqual([
        [3, -4],
        [6, 8],
      ])
      expect(g.to(gpu)).toBe(g)
    } finally {
      tg.releaseWebGpu(gpu)
    }
  })
})
