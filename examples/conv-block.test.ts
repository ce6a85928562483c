import { describe, expect, it } from "vitest"
import * as tg from "../src/index.js"
import { main, makeBlock, trainStep } from "./conv-block.js"

describe("examples/conv-block", () => {
  it("prints PyTorch's names, differs between train and eval, updates running stats, and one SGD step lowers the loss", async () => {
    const lines: string[] = []
    const r = await main({ log: (l) => lines.push(l) })
    expect(lines[0]).toMatch(/^device: /)
    expect(r.names).toEqual(["conv.weight [16, 3, 3, 3]", "conv.bias [16]", "bn.weight [16]", "bn.bias [16]"])
    expect(r.buffers).toEqual(["bn.running_mean [16]", "bn.running_var [16]", "bn.num_batches_tracked []"])
    expect(lines).toContain("parameters: 480") // 16·27 + 16 + 16 + 16
    expect(r.trainEvalDiff).toBeGreaterThan(0.1)
    expect(r.runningMeanBefore.every((v) => v === 0)).toBe(true)
    expect(r.runningMeanAfter.some((v) => Math.abs(v) > 1e-4)).toBe(true)
    expect(r.lossAfter).toBeLessThan(r.lossBefore)
  })
  it("the training step runs unchanged under jit and agrees with eager", () => {
    const block = makeBlock(tg.key(0))
    const x = tg.normal(tg.key(1), [8, 3, 32, 32])
    const labels = tg.tensor([0, 1, 2, 3, 4, 5, 6, 7], { dtype: "i32" })
    const [l, next] = trainStep(block, x, labels)
    const [lj, nextJ] = tg.jit(trainStep)(block, x, labels)
    const item = (t: tg.AnyTensor) => (t as tg.Tensor<[], "f32", "cpu">).item()
    expect(item(lj)).toBeCloseTo(item(l), 5)
    const a = tg.nn.stateDict(next),
      b = tg.nn.stateDict(nextJ)
    for (const k of Object.keys(a)) {
      const d = tg.cast(a[k]!, "f32").sub(tg.cast(b[k]!, "f32")).abs().max()
      expect(item(d), k).toBeLessThan(1e-5)
    }
  })
})
