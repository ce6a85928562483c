// CPU ≡ WebGPU for the layers and losses: each module is moved with nn.to, run (outputs,
// parameter gradients, BatchNorm's new running statistics) on both devices in f32, and the GPU
// results read back agree with the CPU's. Skips without an adapter (fails with
// TYPEGRAD_REQUIRE_WEBGPU=1).
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { gpu, gpuSuite, read } from "../webgpu/gpu.js"

import nn = tg.nn
type T = tg.AnyTensor
gpuSuite()

const host = async (t: T): Promise<number[]> =>
  Array.from(t.device.kind === "cpu" ? tg.dataSync(t as tg.Tensor<number[], "f32", "cpu">) : await read(t), Number)
const agree = async (a: ReadonlyArray<T>, b: ReadonlyArray<T>, tol = 2e-4) => {
  expect(b.length).toBe(a.length)
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [await host(a[i]!), await host(b[i]!)]
    expect(y.length).toBe(x.length)
    x.forEach((v, j) =>
      expect(Math.abs(v - y[j]!), `tensor ${i} index ${j}: cpu ${v} vs webgpu ${y[j]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))),
    )
  }
}

const k = (i: number) => tg.key(200 + i)
const cases: Array<{ readonly name: string; readonly module: tg.Tree.TreeNode & { forward(x: T): T }; readonly input: number[] }> = [
  { name: "Linear", module: nn.linear(k(0), 6, 4), input: [3, 6] },
  {
    name: "Conv2d (stride, padding, dilation, groups)",
    module: nn.conv2d(k(1), 4, 6, 3, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }),
    input: [2, 4, 7, 8],
  },
  { name: "ConvTranspose2d", module: nn.convTranspose2d(k(2), 3, 2, 3, { stride: 2, padding: 1 }), input: [1, 3, 4, 4] },
  { name: "BatchNorm2d (train)", module: nn.batchNorm2d(3), input: [4, 3, 3, 3] },
  { name: "LayerNorm", module: nn.layerNorm([5]), input: [3, 5] },
  { name: "GroupNorm", module: nn.groupNorm(2, 4), input: [2, 4, 3, 3] },
  { name: "MaxPool2d → AvgPool2d → Flatten", module: nn.sequential(nn.maxPool2d(2), nn.avgPool2d(2), nn.flatten()), input: [1, 2, 8, 8] },
  { name: "activations", module: nn.sequential(nn.gelu(), nn.silu(), nn.leakyRelu(0.1), nn.tanh(), nn.softmax(-1)), input: [3, 5] },
]

describe.skipIf(gpu === null)("layers: CPU ≡ WebGPU (outputs, gradients, new state)", () => {
  for (const c of cases)
    it(c.name, async () => {
      const x = tg.normal(tg.key(1), c.input) as T
      const run = (m: typeof c.module, xi: T) => {
        const [params, rest] = nn.partition(m, nn.isTrainable)
        const ct = tg.to(tg.normal(tg.key(2), [...m.forward(xi).shape] as number[]), xi.device) as T
        const loss = (p: typeof m) => nn.forward(nn.combine(p, rest), (mm) => mm.forward(xi).mul(ct).sum())
        const [[value, state], grads] = tg.valueAndGrad(loss, { hasAux: true })(params)
        return [value, m.forward(xi), ...tg.Tree.leaves(grads), ...tg.Tree.leaves(state)]
      }
      const onCpu = run(c.module, x)
      const onGpu = run(nn.to(c.module, gpu!), tg.to(x, gpu!) as T)
      expect(onGpu.slice(1).every((t) => t.device === gpu)).toBe(true)
      await agree(onCpu, onGpu)
    })

  it("losses", async () => {
    const logits = tg.normal(tg.key(3), [4, 5]) as T,
      labels = tg.tensor([0, 4, 2, -100], { dtype: "i32" }) as T
    const a = tg.normal(tg.key(4), [4, 5]) as T,
      b = tg.normal(tg.key(5), [4, 5]) as T
    const all = (l: T, y: T, p: T, q: T) =>
      [
        nn.crossEntropy(l as never, y, { labelSmoothing: 0.1 }),
        nn.nllLoss(tg.logSoftmax(l as never) as never, y),
        nn.binaryCrossEntropyWithLogits(p as never, tg.sigmoid(q as never) as T),
        nn.mse(p as never, q),
        nn.l1(p as never, q),
        nn.smoothL1(p as never, q),
        nn.huber(p as never, q, { delta: 0.5 }),
      ] as T[]
    await agree(all(logits, labels, a, b), all(...([logits, labels, a, b].map((t) => tg.to(t, gpu!) as T) as [T, T, T, T])))
  })
})
