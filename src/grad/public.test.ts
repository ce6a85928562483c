import { describe, expect, it } from "vitest"
import * as tg from "../index.js"
import * as T from "./index.js"

describe("acceptance through the public API", () => {
  it("grad(x*x)(3) is exactly 6; grad(grad(x³))(2) is 12", () => {
    expect(T.grad((x: tg.Tensor<[], "f32", "cpu">) => x.mul(x))(tg.scalar(3)).item()).toBe(6)
    expect(T.grad(T.grad((x: tg.Tensor<[], "f32", "cpu">) => x.mul(x).mul(x)))(tg.scalar(2)).item()).toBe(12)
  })
  it("grad keeps the type of a parameter tree", () => {
    const params = { w: tg.tensor([1, 2]), b: tg.tensor([3]) }
    const g: typeof params = T.grad((p: typeof params) => p.w.sum().add(p.b.sum()))(params)
    expect(g.w.toArraySync()).toEqual([1, 1])
  })
})
