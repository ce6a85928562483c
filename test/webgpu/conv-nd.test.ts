// The N-d convolutions, the transposed convolution and reduceWindow on WebGPU agree with the CPU
// (f32, same inputs), values and gradients: they are compositions, so this checks that every
// primitive they lower to (pad with interior/cropping, strided slice, unfold, gather) agrees there.
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { cpu } from "../../src/device/cpu/index.js"
import type { Device } from "../../src/ops/core/backend.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { gpu, gpuSuite, mismatch, read, rng, tensorOn } from "./gpu.js"

gpuSuite()

const draw = (shape: number[], seed: number) => {
  const r = rng(seed)
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.uniform(-2, 2))
}
const agree = async (f: (dev: Device) => AnyTensor, what: string, atol = 1e-4) => {
  const [a, b] = [await read(f(gpu!)), await read(f(cpu))]
  const { worst, at } = mismatch(a, b, atol, 1e-4)
  expect(worst, `${what}: element ${at}: gpu ${a[at]} vs cpu ${b[at]}`).toBeLessThanOrEqual(1)
}

describe.skipIf(gpu === null)("convolutions and reduceWindow: WebGPU agrees with CPU", () => {
  const x1 = draw([2, 4, 9], 1),
    w1 = draw([6, 2, 3], 2)
  const x2 = draw([1, 4, 6, 5], 3),
    w2 = draw([4, 2, 3, 2], 4)
  const x3 = draw([1, 2, 4, 5, 4], 5),
    w3 = draw([3, 2, 2, 3, 2], 6)
  const t = (dev: Device, d: number[], s: number[]) => tensorOn(dev, d, s)
  it("conv1d with 'same', input dilation and groups", () =>
    agree((d) => tg.conv1d(t(d, x1, [2, 4, 9]), t(d, w1, [6, 2, 3]), { padding: "same", lhsDilation: 2, groups: 2, stride: 2 }), "conv1d"))
  it("conv2d with per-side padding and input dilation", () =>
    agree(
      (d) =>
        tg.conv2d(t(d, x2, [1, 4, 6, 5]), t(d, w2, [4, 2, 3, 2]), {
          padding: [
            [2, 0],
            [1, 2],
          ],
          lhsDilation: [2, 1],
          dilation: [1, 2],
          groups: 2,
        }),
      "conv2d",
    ))
  it("conv3d", () =>
    agree((d) => tg.conv3d(t(d, x3, [1, 2, 4, 5, 4]), t(d, w3, [3, 2, 2, 3, 2]), { padding: 1, stride: [1, 2, 1] }), "conv3d"))
  it("convTranspose2d", () =>
    agree(
      (d) =>
        tg.convTranspose2d(t(d, x2, [1, 4, 6, 5]), t(d, draw([4, 3, 3, 3], 7), [4, 3, 3, 3]), { stride: 2, padding: 1, outputPadding: 1 }),
      "convTranspose2d",
    ))
  it("reduceWindow max/min/sum with base and window dilation", async () => {
    for (const op of ["max", "min", "sum"] as const)
      await agree(
        (d) =>
          tg.reduceWindow(t(d, x2, [1, 4, 6, 5]), op, [1, 2, 2, 3], {
            strides: [1, 1, 2, 1],
            padding: "same",
            baseDilation: [1, 1, 2, 1],
            windowDilation: [1, 2, 1, 1],
          }),
        `reduceWindow ${op}`,
      )
  })
  it("gradients of convTranspose2d and reduceWindow", async () => {
    const w = draw([4, 3, 3, 3], 8)
    const g = (d: Device) =>
      tg.grad(
        (a: AnyTensor, b: AnyTensor) =>
          tg.reduceWindow(tg.convTranspose2d(a, b, { stride: 2 }), "max", [1, 1, 2, 2], { strides: [1, 1, 2, 2] }).sum(),
        { argnums: [0, 1] },
      )(t(d, x2, [1, 4, 6, 5]), t(d, w, [4, 3, 3, 3]))
    await agree((d) => g(d)[0] as AnyTensor, "d/dx", 1e-3)
    await agree((d) => g(d)[1] as AnyTensor, "d/dw", 1e-3)
  })
})
