import { describe, expect, it } from "vitest"
import { cpu } from "./device/cpu/index.js"
import { setDefaultDevice } from "./ops/core/defaults.js"
import * as lax from "./ops/core/lax.js"
import "./ops/prims/index.js"
import { Tensor } from "./ops/core/tensor.js"
import type { CpuStorage } from "./device/cpu/index.js"

setDefaultDevice(cpu)
const t = (data: number[], shape: number[]) =>
  new Tensor({ shape, dtype: "f32" }, cpu, cpu.backend.upload(new Float32Array(data), { shape, dtype: "f32" }))
const arr = (x: Tensor) => Array.from((x._impl as CpuStorage).data)

describe("lax on cpu", () => {
  it("broadcast add, matmul, slice, pad, reduce", () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3])
    const b = t([10, 20, 30], [3])
    expect(arr(lax.add(a, b))).toEqual([11, 22, 33, 14, 25, 36])
    const m = lax.matmul(a, t([1, 0, 0, 1, 1, 1], [3, 2]))
    expect(arr(m)).toEqual([4, 5, 10, 11])
    expect(arr(lax.slice(a, [0, 1], [1, 1], [2, 2]))).toEqual([2, 3, 5, 6])
    expect(arr(lax.pad(t([1, 2], [2]), [1], [2], [1], 9))).toEqual([9, 1, 9, 2, 9, 9])
    expect(arr(lax.reduceSum(a, [0]))).toEqual([5, 7, 9])
    expect(arr(lax.reduceMax(a, [1]))).toEqual([3, 6])
    expect(arr(lax.transpose(a, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6])
  })
})
