// Device acquisition and typed failures: layers and scopes, DeviceUnavailable, DeviceLost (and
// re-acquisition), KernelCompileError, OutOfMemory, readback and transfers.
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { contextOf } from "../../src/device/webgpu/backend.js"
import { acquireWebGpu, memoryStats, own, releaseWebGpu, WebGpu, type GpuFeatureName } from "../../src/device/webgpu/index.js"
import { data as toArray } from "../../src/ops/api/host.js"
import { to, transfer } from "../../src/device/transfer.js"
import { DeviceLost, DeviceMismatch, DeviceUnavailable, KernelCompileError, OutOfMemory } from "../../src/errors.js"
import { jit } from "../../src/grad/jit.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import * as lax from "../../src/ops/core/lax.js"
import { gpu, gpuSuite, tensorOn } from "./gpu.js"

gpuSuite()

describe.skipIf(gpu === null)("WebGpu service", () => {
  it("a layer acquires the device and destroys it when its scope closes", async () => {
    let device: typeof gpu = null
    const name = await Effect.runPromise(
      Effect.gen(function* () {
        const w = yield* WebGpu
        device = w.device
        const x = to(tensorOn(cpu, [1, 2, 3], [3]), w.device)
        const y = yield* toArray(lax.mul(x, x))
        expect(Array.from(y)).toEqual([1, 4, 9])
        return w.device.name
      }).pipe(Effect.provide(WebGpu.layer())),
    )
    expect(name).toMatch(/^webgpu:/)
    expect(() => lax.neg(to(tensorOn(cpu, [1], [1]), device!))).toThrow(DeviceLost)
  })

  it("a lost device surfaces DeviceLost; a fresh one can be acquired", async () => {
    const d = await acquireWebGpu()
    const x = to(tensorOn(cpu, [1, 2], [2]), d)
    contextOf(d).device.destroy() // what a driver reset looks like to us
    await new Promise((r) => setTimeout(r, 50))
    expect(() => lax.exp(x)).toThrow(DeviceLost)
    const exit = await Effect.runPromiseExit(toArray(x))
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("DeviceLost")
    const again = await acquireWebGpu()
    expect(Array.from(await again.backend.read(to(tensorOn(cpu, [5], [1]), again)._impl as never, { shape: [1], dtype: "f32" }))).toEqual([
      5,
    ])
    releaseWebGpu(again)
  })

  it("bad WGSL fails with KernelCompileError carrying the shader and message", async () => {
    const bad = "@compute @workgroup_size(1) fn main() { let x: f32 = nope; }"
    const err = await contextOf(gpu!)
      .compile(bad)
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(KernelCompileError)
    expect((err as KernelCompileError).shader).toBe(bad)
    expect((err as KernelCompileError).message).toContain("nope")
  })

  it("an allocation beyond the device limits fails with OutOfMemory naming the size", () => {
    const n = 2 ** 30
    try {
      contextOf(gpu!).pool.alloc(n * 4, false)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(OutOfMemory)
      expect((e as OutOfMemory).bytes).toBeGreaterThanOrEqual(n * 4)
    }
  })

  it("no adapter → DeviceUnavailable naming what was tried", async () => {
    const exit = await Effect.runPromiseExit(Effect.scoped(WebGpu.acquire({ requiredFeatures: ["no-such-feature" as GpuFeatureName] })))
    expect(Exit.isFailure(exit)).toBe(true)
    const err = Exit.isFailure(exit) ? (exit.cause as unknown as { reasons?: unknown[] }) : null
    expect(String(exit)).toContain("DeviceUnavailable")
    void err
    await expect(acquireWebGpu({ requiredFeatures: ["no-such-feature" as GpuFeatureName] })).rejects.toBeInstanceOf(DeviceUnavailable)
  })

  it("to/transfer move trees between CPU and WebGPU; own() frees on scope close", async () => {
    const tree = { w: tensorOn(cpu, [1, 2, 3, 4], [2, 2]), layers: [tensorOn(cpu, [5], [1])] }
    const onGpu = to(tree, gpu!)
    expect(onGpu.w.device).toBe(gpu)
    const back = await Effect.runPromise(transfer(onGpu, cpu))
    expect(Array.from(back.w._impl ? cpu.backend.readSync!(back.w._impl as never, back.w.aval) : [])).toEqual([1, 2, 3, 4])
    expect(() => to(onGpu, cpu)).toThrow(/transfer/)
    const before = memoryStats(gpu!).liveBuffers
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const x = yield* own(to(tensorOn(cpu, [1, 2], [2]), gpu!))
          expect(memoryStats(gpu!).liveBuffers).toBe(before + 1)
          return yield* toArray(x)
        }),
      ),
    )
    expect(memoryStats(gpu!).liveBuffers).toBe(before)
  })

  it("two devices of one adapter have distinct names: DeviceMismatch tells them apart, jit does not mix their programs", async () => {
    const second = await acquireWebGpu()
    try {
      expect(second.name).not.toBe(gpu!.name)
      expect(second.name).toMatch(/^webgpu:/)
      const a = to(tensorOn(cpu, [1, 2], [2]), gpu!),
        b = to(tensorOn(cpu, [3, 4], [2]), second)
      let err: unknown
      try {
        lax.add(a, b)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(DeviceMismatch)
      expect((err as DeviceMismatch).devices).toEqual([gpu!.name, second.name])
      expect((err as DeviceMismatch).message).toBe(
        `add: inputs live on different devices (${gpu!.name} vs ${second.name}); move them with to(x, device) first`,
      )
      // the same signature on each device: each call runs on its own device ([1, 2]² + 1 and [3, 4]² + 1)
      const f = jit((x: AnyTensor) => lax.add(lax.mul(x, x), 1))
      const ya = f(a),
        yb = f(b)
      expect(yb.device).toBe(second)
      expect(Array.from(await Effect.runPromise(toArray(ya)))).toEqual([2, 5])
      expect(Array.from(await Effect.runPromise(toArray(yb)))).toEqual([10, 17])
    } finally {
      releaseWebGpu(second)
    }
  })

  it("a tensor of a released device: to() reports DeviceLost, not that its memory is not host-visible", async () => {
    const d = await acquireWebGpu()
    const x = to(tensorOn(cpu, [1, 2], [2]), d)
    releaseWebGpu(d)
    expect(() => to(x, cpu)).toThrow(DeviceLost)
    expect(() => to(x, gpu!)).toThrow(DeviceLost)
    expect(() => to(tensorOn(cpu, [1], [1]), d)).toThrow(DeviceLost)
    const exit = await Effect.runPromiseExit(transfer(x, cpu))
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("DeviceLost")
  })
})
