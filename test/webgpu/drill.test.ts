// The device-loss drill: train on WebGPU with a checkpoint every few steps, destroy the device in
// the middle of a step (what a driver reset looks like to us), catch the typed DeviceLost, acquire
// a fresh device, load the last checkpoint onto it and finish. The final parameters must equal
// those of a run that was never interrupted (same kernels on the same adapter: within 1e-6,
// and in practice bit for bit).
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { contextOf } from "../../src/device/webgpu/backend.js"
import { acquireWebGpu, releaseWebGpu } from "../../src/device/webgpu/index.js"
import type { Device } from "../../src/ops/core/backend.js"
import { DeviceLost } from "../../src/errors.js"
import { gpu, gpuSuite } from "./gpu.js"

gpuSuite()

type P = { w: tg.Tensor<[3], "f32", tg.DeviceKind>; b: tg.Tensor<[], "f32", tg.DeviceKind> }
type State = { params: P; velocity: P; step: number }

const STEPS = 12
const EVERY = 3
/** the step during which the device is destroyed (after its gradient, before its update) */
const SABOTAGE = 7

// least squares y ≈ X·w + b on fixed data, SGD with momentum
const X = [
  [1, 2, 3],
  [0, 1, 0],
  [2, 0, 1],
  [1, 1, 1],
  [3, -1, 2],
]
const Y = [1, 0, 2, 1, 3]

/** Run an Effect; its typed failure is thrown as itself (a DeviceLost stays a DeviceLost). */
const run = async <A, E>(eff: Effect.Effect<A, E>): Promise<A> => {
  const r = await Effect.runPromise(Effect.result(eff))
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

const trainer = (dev: Device) => {
  const xs = tg.tensor(X, { device: dev }) as tg.Tensor<[5, 3], "f32", tg.DeviceKind>
  const ys = tg.tensor(Y, { device: dev }) as tg.Tensor<[5], "f32", tg.DeviceKind>
  const loss = (p: P) => xs.matmul(p.w).add(p.b).sub(ys).square().mean()
  const zero = (): P => ({ w: tg.zeros([3], { device: dev }) as P["w"], b: tg.zeros([], { device: dev }) as P["b"] })
  const skeleton: State = { params: zero(), velocity: zero(), step: 0 }
  /** Steps from `s` up to `STEPS`, saving to `path` every EVERY steps; `during(step)` runs between a step's gradient and its update. */
  const train = async (s: State, path: string | null, during: (step: number) => void = () => {}): Promise<State> => {
    while (s.step < STEPS) {
      const g = tg.grad(loss)(s.params)
      during(s.step)
      const velocity = tg.Tree.zipWith(s.velocity, g, (v, gi) => v.mul(0.9).add(gi))
      const params = tg.Tree.zipWith(s.params, velocity, (p, v) => p.sub(v.mul(0.05)))
      s = { params, velocity, step: s.step + 1 }
      // reading the loss back is where an asynchronous device loss surfaces
      await run(tg.toArray(loss(s.params)))
      if (path !== null && s.step % EVERY === 0) await run(tg.saveCheckpoint(path, s))
    }
    return s
  }
  return { skeleton, train }
}

const values = async (s: State): Promise<number[]> => [
  ...((await run(tg.toArray(s.params.w))) as number[]),
  (await run(tg.toArray(s.params.b))) as number,
]

describe.skipIf(gpu === null)("device-loss drill", () => {
  it("a run that loses its device mid-step resumes from the last checkpoint on a fresh device and ends where an uninterrupted run ends", async () => {
    const straight = trainer(gpu!)
    const want = await values(await straight.train(straight.skeleton, null))

    const path = join(mkdtempSync(join(tmpdir(), "tg-drill-")), "state.safetensors")
    const first = await acquireWebGpu()
    const a = trainer(first)
    let lost: unknown = null
    try {
      await a.train(a.skeleton, path, (step) => {
        if (step === SABOTAGE) contextOf(first).device.destroy()
      })
    } catch (e) {
      lost = e
    }
    expect(lost).toBeInstanceOf(DeviceLost)
    releaseWebGpu(first)

    const second = await acquireWebGpu()
    try {
      const b = trainer(second)
      const resumed = await run(tg.loadCheckpoint(path, b.skeleton))
      // the last checkpoint before the loss: steps 6 (saved after step 6), not 7
      expect(resumed.step).toBe(Math.floor(SABOTAGE / EVERY) * EVERY)
      expect(resumed.params.w.device).toBe(second)
      const got = await values(await b.train(resumed, path))
      for (let i = 0; i < want.length; i++)
        expect(Math.abs(got[i]! - want[i]!), `parameter ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(want[i]!)),
        )
    } finally {
      releaseWebGpu(second)
    }
  })
})
