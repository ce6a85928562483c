// NumPy semantics the WebGPU kernels must keep where WGSL's built-ins differ: sign of NaN.
import { describe, expect, it } from "vitest"
import { bind1 } from "../../src/ops/core/interpreter.js"
import { primitives } from "../../src/ops/prims/index.js"
import { gpu, gpuSuite, read, tensorOn } from "./gpu.js"

gpuSuite()

describe.skipIf(gpu === null)("sign on WebGPU", () => {
  it("passes NaN through and maps ±x to ±1 (f32 and i32)", async () => {
    const x = tensorOn(gpu!, [Number.NaN, -2, 0, 3, -Infinity, Infinity], [6], "f32")
    expect(Array.from(await read(bind1(primitives.sign, [x], {})))).toEqual([Number.NaN, -1, 0, 1, -1, 1])
    const i = tensorOn(gpu!, [-7, 0, 9], [3], "i32")
    expect(Array.from(await read(bind1(primitives.sign, [i], {})))).toEqual([-1, 0, 1])
  })
})
