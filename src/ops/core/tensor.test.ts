// Tensors are immutable: their shapes (and the strides of CPU views) cannot be changed at run time.
import { describe, expect, it } from "vitest"
import * as tg from "../../index.js"
import type { CpuStorage } from "../../device/cpu/index.js"

describe("Tensor shape is frozen", () => {
  it("writing into shape throws, and ops still read the tensor's real extent", () => {
    const t = tg.tensor([1, 2, 3])
    expect(Object.isFrozen(t.shape)).toBe(true)
    expect(Object.isFrozen(t.aval)).toBe(true)
    // ES modules run in strict mode: a write to a frozen array is a TypeError
    expect(() => {
      ;(t.shape as unknown as number[])[0] = 99
    }).toThrow(TypeError)
    expect(() => (t.shape as unknown as number[]).push(1)).toThrow(TypeError)
    expect(t.shape).toEqual([3])
    expect(t.add(1).toArraySync()).toEqual([2, 3, 4])
  })
  it("the caller's shape array is copied, never frozen in place", () => {
    const dims = [2, 3]
    const z = tg.zeros(dims)
    const r = tg.ones([6]).reshape(dims)
    expect(Object.isFrozen(dims)).toBe(false)
    dims[0] = 7
    expect(z.shape).toEqual([2, 3])
    expect(r.shape).toEqual([2, 3])
  })
  it("every op's output shape is frozen too (results of slices, broadcasts, transforms)", () => {
    const x = tg.arange(12).reshape([3, 4])
    const outs = [x.slice("1:, ::2"), x.transpose(), tg.scalar(1).expand([2, 2]), tg.grad((v: tg.Tensor<[3, 4]>) => v.square().sum())(x)]
    for (const o of outs) expect(Object.isFrozen(o.shape)).toBe(true)
  })
  it("the strides and sizes of a CPU view cannot be changed", () => {
    const v = tg.arange(12).reshape([3, 4]).slice("::2, 1:") // a strided view: no copy
    const view = (v._impl as CpuStorage).view!
    expect(view).toBeDefined()
    expect(() => {
      ;(view.strides as number[])[0] = 1000
    }).toThrow(TypeError)
    expect(() => {
      ;(view.shape as number[])[0] = 1000
    }).toThrow(TypeError)
    expect(v.toArraySync()).toEqual([
      [1, 2, 3],
      [9, 10, 11],
    ])
  })
})
