/**
 * The facility problem with Adam(lr 0.1) from (1, 1), 100 steps, in f32: PyTorch ends at
 * (2.11228, 2.11228) with summed distance 19.31852. Eager and jitted steps on the CPU.
 */
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

const cities = tg.tensor([
  [0, 0],
  [10, 0],
  [0, 10],
])
const total = (c: tg.Tensor<[2]>) => cities.sub(c).norm({ axis: 1 }).sum()

describe("facility with Adam (f32, CPU)", () => {
  it("eager: (2.11228, 2.11228), 19.31852", () => {
    const opt = tg.optim.adam(0.1)
    let c: tg.Tensor<[2]> = tg.tensor([1, 1])
    let s = opt.init(c)
    for (let i = 0; i < 100; i++) {
      const [u, s2] = opt.update(tg.grad(total)(c), s)
      c = tg.optim.applyUpdates(c, u)
      s = s2
    }
    const [x, y] = (c as tg.Tensor<[2], "f32", "cpu">).toArraySync()
    expect(x).toBeCloseTo(2.11228, 5)
    expect(y).toBeCloseTo(2.11228, 5)
    expect(total(c).item()).toBeCloseTo(19.31852, 4)
  })

  it("jitted step: the same numbers", () => {
    const opt = tg.optim.adam(0.1)
    const step = tg.jit((c: tg.Tensor<[2]>, s: ReturnType<typeof opt.init<tg.Tensor<[2]>>>) => {
      const [u, s2] = opt.update(tg.grad(total)(c), s)
      return [tg.optim.applyUpdates(c, u), s2] as const
    })
    let c: tg.Tensor<[2]> = tg.tensor([1, 1])
    let s = opt.init(c)
    for (let i = 0; i < 100; i++) [c, s] = step(c, s)
    const [x, y] = (c as tg.Tensor<[2], "f32", "cpu">).toArraySync()
    expect(x).toBeCloseTo(2.11228, 5)
    expect(y).toBeCloseTo(2.11228, 5)
    expect(total(c).item()).toBeCloseTo(19.31852, 4)
  })
})
