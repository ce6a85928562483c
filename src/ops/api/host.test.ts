// Host reads hand out copies (tensors are immutable); array() reads back as a Promise without Effect.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../index.js"

describe("dataSync returns a copy", () => {
  it("writing into the result of a jitted gradient does not change later calls", () => {
    // d/dx Σ 3x = 3 everywhere: the compiled program's output is a constant it keeps
    const g = tg.jit(tg.grad((x: tg.Tensor<[2]>) => x.mul(3).sum()))
    const x = tg.tensor([1, 2])
    const first = g(x).dataSync()
    expect(Array.from(first)).toEqual([3, 3])
    first[0] = 50
    expect(Array.from(g(x).dataSync())).toEqual([3, 3])
    expect(g(x).toArraySync()).toEqual([3, 3])
  })
  it("writing into a reshape's data does not change the tensor it shares memory with", () => {
    const a = tg.tensor([1, 2])
    const d = a.reshape([2, 1]).dataSync()
    d[0] = 50
    expect(a.toArraySync()).toEqual([1, 2])
    expect(a.reshape([2, 1]).toArraySync()).toEqual([[1], [2]])
  })
  it("each call returns a distinct array of the tensor's dtype", () => {
    const b = tg.tensor([true, false])
    expect(b.dataSync()).toBeInstanceOf(Uint8Array)
    expect(b.dataSync()).not.toBe(b.dataSync())
    expect(tg.tensor([1, 2], { dtype: "i32" }).dataSync()).toBeInstanceOf(Int32Array)
  })
  it("the Effect data() on the CPU is a copy too", async () => {
    const a = tg.tensor([4, 5])
    const d = await Effect.runPromise(a.data())
    d[1] = -1
    expect(a.toArraySync()).toEqual([4, 5])
  })
})

describe("array(): readback as a Promise", () => {
  it("resolves to the nested values, as toArray's Effect does", async () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(await x.mul(2).array()).toEqual([
      [2, 4],
      [6, 8],
    ])
    expect(await tg.array(tg.tensor([true, false]))).toEqual([true, false])
    expect(await tg.array(tg.scalar(7))).toBe(7)
    expect(await x.array()).toEqual(await Effect.runPromise(x.toArray()))
  })
  it("rejects with the typed error itself", async () => {
    const x = tg.tensor([1, 2])
    x.dispose()
    await expect(x.array()).rejects.toBeInstanceOf(tg.UseAfterRelease)
    let leaked: tg.Tensor<[2]> | undefined
    tg.grad((v: tg.Tensor<[2]>) => {
      leaked = v
      return v.sum()
    })(tg.tensor([1, 2]))
    await expect(tg.array(leaked!)).rejects.toBeInstanceOf(tg.TracerLeak)
  })
})
