// GPU tensors print their shape, dtype and device without a (synchronous, impossible) readback.
import { describe, expect, it } from "vitest"
import { gpu, gpuSuite, tensorOn } from "./gpu.js"

gpuSuite()

describe.skipIf(gpu === null)("printing a WebGPU tensor", () => {
  it("shows the header and says the values are on the device", () => {
    const t = tensorOn(gpu!, [1, 2, 3, 4, 5, 6], [2, 3])
    expect(String(t)).toBe(`Tensor<[2, 3], f32, ${gpu!.name}> (values on the device: read them with toArray() or data(), Effects)`)
  })
})
