// Early release without Effect: dispose() one tensor, release(tree) a whole tree; later use is UseAfterRelease.
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

describe("dispose and release on the CPU", () => {
  it("a disposed tensor fails every later use with UseAfterRelease naming dispose", () => {
    const x = tg.tensor([1, 2, 3])
    expect(x.sum().item()).toBe(6)
    x.dispose()
    x.dispose() // idempotent
    expect(() => x.add(1)).toThrow(tg.UseAfterRelease)
    expect(() => x.add(1)).toThrow(/it was disposed/)
    expect(() => x.toArraySync()).toThrow(tg.UseAfterRelease)
    expect(() => x.dataSync()).toThrow(tg.UseAfterRelease)
    expect(() => x.slice("1:")).toThrow(tg.UseAfterRelease)
  })
  it("a view of a disposed tensor made before keeps its data; the disposed view alone is unusable", () => {
    const base = tg.arange(8).reshape([2, 4])
    const v = base.slice(":, 1:") // a strided view sharing base's memory
    base.dispose()
    expect(v.toArraySync()).toEqual([
      [1, 2, 3],
      [5, 6, 7],
    ])
    v.dispose()
    expect(() => v.sum()).toThrow(tg.UseAfterRelease)
  })
  it("release(tree) disposes every leaf of arrays, records and modules", () => {
    const params = { w: tg.ones([3, 2]), b: [tg.zeros([2]), tg.scalar(1)] }
    const layer = tg.nn.linear(tg.key(0), 3, 2)
    tg.release([params, layer])
    for (const leaf of [params.w, ...params.b, ...tg.Tree.leaves(layer)]) expect(() => leaf.mul(2)).toThrow(tg.UseAfterRelease)
  })
  it("tensors computed before the release keep their values", () => {
    const w = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    const y = w.matmul(tg.tensor([1, 1]))
    tg.release({ w })
    expect(y.toArraySync()).toEqual([3, 7])
  })
  it("dispose on a traced value is a no-op: the transform still computes the right gradient", () => {
    // d/dx Σ x² = 2x
    const g = tg.grad((x: tg.Tensor<[2]>) => {
      const s = x.square().sum()
      x.dispose()
      return s
    })(tg.tensor([1, 3]))
    expect(g.toArraySync()).toEqual([2, 6])
  })
})
