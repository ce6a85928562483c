// The solvers on WebGPU: the heat stepper (jitted, fixed border) gives the CPU's plate, and the
// ODE integrators (RK4 scan; Dormand–Prince's fixed-trip engine, chosen automatically because
// GPU memory is not host-readable) agree with their closed forms in f32.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { gpu, gpuSuite } from "./gpu.js"

gpuSuite()

const toCpu = <T>(x: T) => Effect.runPromise(tg.transfer(x, tg.cpu))

describe.skipIf(gpu === null)("solvers on WebGPU", () => {
  it("heat2d: the seed plate's centre is 78.1025 and the grid equals the CPU's", async () => {
    const plate = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
    const onGpu = tg.heat2d(plate.to(gpu!), { alpha: 0.01, steps: 500 })
    expect(onGpu.device).toBe(gpu)
    const got = (await toCpu(onGpu)).dataSync()
    const want = tg.heat2d(plate, { alpha: 0.01, steps: 500 }).dataSync()
    expect(Math.abs(got[50 * 100 + 50]! - 78.1025)).toBeLessThan(1e-3)
    let worst = 0
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!))
    expect(worst).toBeLessThan(1e-3)
    expect(() => tg.heat2d(plate.to(gpu!), { alpha: 0.3, steps: 1 })).toThrow(expect.objectContaining({ _tag: "SolverError" }))
  })

  it("odeRk4 and odeDopri5 on y' = −y (f32)", async () => {
    const decay = (_t: unknown, y: tg.Tensor<[4], "f32", "webgpu">) => y.neg()
    const y0 = tg.tensor([1, 2, 3, 4]).to(gpu!)
    const rk = (await toCpu(tg.odeRk4(decay, y0, { t1: 1, steps: 20 }).y)).dataSync()
    const dp = tg.odeDopri5(decay, y0, { t1: 1, maxSteps: 40 })
    const dy = (await toCpu(dp.y)).dataSync()
    expect((await toCpu(dp.reached)).item()).toBe(true)
    ;[1, 2, 3, 4].forEach((v, i) => {
      expect(Math.abs(rk[i]! - v * Math.exp(-1))).toBeLessThan(1e-5)
      expect(Math.abs(dy[i]! - v * Math.exp(-1))).toBeLessThan(1e-5)
    })
  })
})
