// The facility problem with Adam(lr 0.1) from (1, 1), 100 steps, on WebGPU (eager and jitted):
// the same (2.11228, 2.11228) and 19.31852 as PyTorch and the CPU, in f32.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { gpu, gpuSuite, read } from "./gpu.js"

gpuSuite()

describe.skipIf(gpu === null)("optimizers on WebGPU", () => {
  const dev = gpu!
  const cities = tg.tensor(
    [
      [0, 0],
      [10, 0],
      [0, 10],
    ],
    { device: dev },
  )
  const total = (c: tg.Tensor<[2], "f32", "webgpu">) => cities.sub(c).norm({ axis: 1 }).sum()
  const opt = tg.optim.adam(0.1)
  type S = ReturnType<typeof opt.init<tg.Tensor<[2], "f32", "webgpu">>>

  const check = async (c: tg.Tensor<[2], "f32", "webgpu">) => {
    const [x, y] = Array.from(await read(c))
    expect(x).toBeCloseTo(2.11228, 5)
    expect(y).toBeCloseTo(2.11228, 5)
    expect((await read(total(c)))[0]).toBeCloseTo(19.31852, 4)
  }

  it("eager Adam: (2.11228, 2.11228), 19.31852", async () => {
    let c = tg.tensor([1, 1], { device: dev })
    let s: S = opt.init(c)
    expect(s[1].count.device).toBe(dev)
    for (let i = 0; i < 100; i++) {
      const [u, s2] = opt.update(tg.grad(total)(c), s)
      c = tg.optim.applyUpdates(c, u)
      s = s2
    }
    await check(c)
  })

  it("jitted Adam step: the same", async () => {
    const step = tg.jit((c: tg.Tensor<[2], "f32", "webgpu">, s: S) => {
      const [u, s2] = opt.update(tg.grad(total)(c), s)
      return [tg.optim.applyUpdates(c, u), s2] as const
    })
    let c = tg.tensor([1, 1], { device: dev })
    let s: S = opt.init(c)
    for (let i = 0; i < 100; i++) [c, s] = step(c, s)
    await check(c)
  })

  it("fit (an Effect, async readback of the loss): the same numbers and a 100-step history", async () => {
    const r = await Effect.runPromise(
      tg.fit({ params: tg.tensor([1, 1], { device: dev }), optimizer: opt, loss: total, steps: 100, progress: false }),
    )
    expect(r.history.length).toBe(100)
    expect(r.history[0]).toBeCloseTo(Math.SQRT2 + 2 * Math.sqrt(82), 4)
    await check(r.params)
  })

  it("minimize wants CPU tensors: a DeviceMismatch that says so", () => {
    expect(() => tg.minimize((x: tg.Tensor<[2], "f32", "webgpu">) => x.square().sum(), tg.tensor([1, 2], { device: dev }))).toThrow(
      tg.DeviceMismatch,
    )
    expect(() => tg.minimize((x: tg.Tensor<[2], "f32", "webgpu">) => x.square().sum(), tg.tensor([1, 2], { device: dev }))).toThrow(
      /x0 has leaves on webgpu.*, expected CPU tensors/,
    )
  })
})
