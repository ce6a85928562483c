// Every layer and loss under the transforms: gradients pass checkGrads in f64 (JVP and VJP
// against finite differences), jit equals eager, vmap over examples equals a loop. BatchNorm's
// state under vmap (each lane is its own batch) and inside scan (the carry is the model).
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"

import nn = tg.nn
type T = tg.AnyTensor
const f64 = { dtype: "f64" } as const
const rnd = (seed: number, shape: number[]) => tg.normal(tg.key(seed), shape, f64) as T
const host = (t: T) => tg.dataSync(t as tg.Tensor<number[], "f64", "cpu">) as Float64Array
const maxDiff = (a: T, b: T) => (tg.cast(a, "f64").sub(tg.cast(b, "f64")).abs().max() as T).item() as number

interface Case {
  readonly name: string
  readonly module: tg.Tree.TreeNode & { forward(x: T): T }
  readonly input: number[]
  /** integer inputs (Embedding) */
  readonly ints?: number
}
const k = (i: number) => tg.key(100 + i)
const cases: Case[] = [
  { name: "Linear", module: nn.linear(k(0), 4, 3, f64), input: [2, 4] },
  { name: "Linear without bias", module: nn.linear(k(1), 4, 3, { ...f64, bias: false }), input: [2, 5, 4] },
  {
    name: "Conv2d stride/padding/dilation/groups",
    module: nn.conv2d(k(2), 4, 6, 3, { ...f64, stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }),
    input: [2, 4, 6, 7],
  },
  { name: 'Conv2d "same"', module: nn.conv2d(k(3), 2, 3, [2, 3], { ...f64, padding: "same" }), input: [1, 2, 5, 5] },
  { name: "Conv1d", module: nn.conv1d(k(4), 2, 3, 3, { ...f64, padding: 1, stride: 2 }), input: [2, 2, 7] },
  {
    name: "ConvTranspose2d",
    module: nn.convTranspose2d(k(5), 3, 2, 3, { ...f64, stride: 2, padding: 1, outputPadding: 1 }),
    input: [1, 3, 3, 4],
  },
  { name: "BatchNorm1d (train)", module: nn.batchNorm1d(3, f64), input: [4, 3] },
  { name: "BatchNorm1d [N, C, L] (eval)", module: nn.eval(nn.batchNorm1d(3, f64)), input: [2, 3, 4] },
  { name: "BatchNorm2d (train)", module: nn.batchNorm2d(3, f64), input: [2, 3, 3, 3] },
  { name: "LayerNorm", module: nn.layerNorm([4], f64), input: [3, 4] },
  { name: "GroupNorm", module: nn.groupNorm(2, 4, f64), input: [2, 4, 3] },
  { name: "MaxPool2d", module: nn.maxPool2d(2), input: [1, 2, 4, 4] },
  { name: "AvgPool2d", module: nn.avgPool2d(3, { stride: 2, padding: 1 }), input: [1, 2, 5, 5] },
  { name: "AdaptiveAvgPool2d (uneven bins)", module: nn.adaptiveAvgPool2d([2, 3]), input: [1, 2, 5, 7] },
  { name: "Flatten", module: nn.flatten(), input: [2, 3, 2] },
  { name: "Unflatten", module: nn.unflatten(1, [2, 3]), input: [2, 6] },
  { name: "ReLU", module: nn.relu(), input: [3, 4] },
  { name: "LeakyReLU", module: nn.leakyRelu(0.2), input: [3, 4] },
  { name: "GELU", module: nn.gelu(), input: [3, 4] },
  { name: "GELU tanh", module: nn.gelu("tanh"), input: [3, 4] },
  { name: "SiLU", module: nn.silu(), input: [3, 4] },
  { name: "Sigmoid", module: nn.sigmoid(), input: [3, 4] },
  { name: "Tanh", module: nn.tanh(), input: [3, 4] },
  { name: "Softmax", module: nn.softmax(1), input: [3, 4] },
  { name: "LogSoftmax", module: nn.logSoftmax(-1), input: [3, 4] },
  { name: "Identity", module: nn.identity(), input: [3] },
  { name: "Dropout (eval)", module: nn.eval(nn.dropout(0.5)), input: [3] },
  { name: "Sequential", module: nn.sequential(nn.linear(k(6), 3, 4, f64), nn.tanh(), nn.linear(k(7), 4, 2, f64)), input: [2, 3] },
  { name: "Embedding", module: nn.embedding(k(8), 5, 3, f64), input: [2, 3], ints: 5 },
]

const inputFor = (c: Case, seed: number, lead: number[] = []): T =>
  c.ints === undefined
    ? rnd(seed, [...lead, ...c.input])
    : (tg.cast(
        tg
          .uniform(tg.key(seed), [...lead, ...c.input], { low: 0, high: c.ints })
          .sub(0.5)
          .maximum(0),
        "i32",
      ) as T)

describe("layers: gradients (f64, checkGrads), jit ≡ eager, vmap ≡ loop", () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = inputFor(c, 1)
      const ct = rnd(2, [...c.module.forward(x).shape] as number[])
      // a scalar of the output: gradients w.r.t. every parameter and (for float inputs) the input
      const f = (m: typeof c.module, xi: T) => nn.forward(m, (mm) => mm.forward(xi).mul(ct).sum())[0]
      if (tg.Tree.leaves(c.module).length > 0) checkGrads((m: typeof c.module) => f(m, x), [c.module])
      if (c.ints === undefined) checkGrads((xi: T) => f(c.module, xi), [x])
      // jit ≡ eager
      const eager = c.module.forward(x)
      const jitted = tg.jit((m: typeof c.module, xi: T) => m.forward(xi))(c.module, x)
      expect(maxDiff(eager, jitted)).toBeLessThan(1e-12)
      // vmap over examples ≡ a loop over them (batch-statistics layers see each lane as its own batch)
      const xs = inputFor(c, 3, [3])
      const mapped = tg.vmap((xi: T) => c.module.forward(xi), { inAxes: 0 })(xs)
      const looped = tg.stack([0, 1, 2].map((i) => c.module.forward(xs.slice(`${i}`) as T)) as T[])
      expect(maxDiff(mapped, looped)).toBeLessThan(1e-12)
    })
  }
})

describe("MultiheadAttention", () => {
  const mha = nn.multiheadAttention(k(9), 4, 2, f64)
  const q = rnd(10, [2, 3, 4]),
    kv = rnd(11, [2, 5, 4])
  it("equals per-head scaled dot-product attention written out, with a padding mask", () => {
    const pad = tg.tensor([
      [false, false, false, true, true],
      [false, false, false, false, false],
    ])
    const [y, w] = mha.call(
      q as tg.Tensor<[2, 3, 4], "f64", "cpu">,
      kv as tg.Tensor<[2, 5, 4], "f64", "cpu">,
      kv as tg.Tensor<[2, 5, 4], "f64", "cpu">,
      { keyPaddingMask: pad },
    )
    // reference by loops over host data
    const W = host(mha.in_proj_weight) as Float64Array
    const B = host(mha.in_proj_bias!) as Float64Array
    const Q = host(q) as Float64Array,
      KV = host(kv) as Float64Array
    const proj = (X: Float64Array, n: number, t: number, which: number) =>
      [0, 1, 2, 3].map(
        (o) =>
          B[which * 4 + o]! + [0, 1, 2, 3].reduce((s, i) => s + X[(n * (X === Q ? 3 : 5) + t) * 4 + i]! * W[(which * 4 + o) * 4 + i]!, 0),
      )
    const P = [
      [false, false, false, true, true],
      [false, false, false, false, false],
    ]
    const wRef: number[] = []
    const ctx: number[][] = []
    for (let n = 0; n < 2; n++)
      for (let t = 0; t < 3; t++) {
        const qv = proj(Q, n, t, 0)
        const row = [0, 0, 0, 0]
        const avg = [0, 0, 0, 0, 0]
        for (let h = 0; h < 2; h++) {
          const sc = [0, 1, 2, 3, 4].map((s) =>
            P[n]![s] ? -Infinity : (proj(KV, n, s, 1)[2 * h]! * qv[2 * h]! + proj(KV, n, s, 1)[2 * h + 1]! * qv[2 * h + 1]!) / Math.SQRT2,
          )
          const mx = Math.max(...sc),
            e = sc.map((v) => Math.exp(v - mx)),
            z = e.reduce((a, b) => a + b, 0)
          e.forEach((v, s) => {
            avg[s]! += v / z / 2
            const vv = proj(KV, n, s, 2)
            row[2 * h]! += (v / z) * vv[2 * h]!
            row[2 * h + 1]! += (v / z) * vv[2 * h + 1]!
          })
        }
        wRef.push(...avg)
        ctx.push(row)
      }
    const ow = host(mha.out_proj.weight) as Float64Array
    const yRef = ctx.flatMap((r) => [0, 1, 2, 3].map((o) => [0, 1, 2, 3].reduce((s, i) => s + r[i]! * ow[o * 4 + i]!, 0)))
    const got = Array.from(host(y) as Float64Array)
    got.forEach((v, i) => expect(v).toBeCloseTo(yRef[i]!, 10))
    Array.from(host(w) as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(wRef[i]!, 10))
  })
  it("causal: position t ignores s > t; gradients pass checkGrads", () => {
    const [, w] = mha.call(
      q as tg.Tensor<[2, 3, 4], "f64", "cpu">,
      q as tg.Tensor<[2, 3, 4], "f64", "cpu">,
      q as tg.Tensor<[2, 3, 4], "f64", "cpu">,
      { isCausal: true },
    )
    const wv = w.toArraySync() as number[][][]
    expect(wv[0]![0]![1]).toBe(0)
    expect(wv[1]![1]![2]).toBe(0)
    checkGrads((m: typeof mha, x: T) => m.call(x as never, x as never, x as never, { isCausal: true })[0].sum(), [mha, q])
  })
  it("is named as PyTorch's state_dict", () => {
    expect(Object.keys(nn.stateDict(mha))).toEqual(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
  })
})

describe("losses: gradients (f64), jit ≡ eager, vmap ≡ loop", () => {
  const logits = rnd(20, [4, 3]),
    labels = tg.tensor([0, 2, 1, -100], { dtype: "i32" })
  const probs = tg.softmax(rnd(21, [4, 3]) as tg.Tensor<[4, 3], "f64">, { axis: 1 }) as T
  const a = rnd(22, [4, 3]),
    b = rnd(23, [4, 3])
  const bin = tg.cast(tg.gt(rnd(24, [4, 3]), 0), "f64") as T
  const losses: Array<[string, (x: T) => T]> = [
    ["crossEntropy labels + smoothing + ignore", (x) => nn.crossEntropy(x as never, labels, { labelSmoothing: 0.1 })],
    ["crossEntropy probabilities", (x) => nn.crossEntropy(x as never, probs)],
    ["nllLoss", (x) => nn.nllLoss(x as never, labels)],
    ["binaryCrossEntropyWithLogits", (x) => nn.binaryCrossEntropyWithLogits(x as never, bin, { posWeight: 2 })],
    ["mse", (x) => nn.mse(x as never, b)],
    ["l1", (x) => nn.l1(x as never, b)],
    ["smoothL1", (x) => nn.smoothL1(x as never, b, { beta: 0.7 })],
    ["huber", (x) => nn.huber(x as never, b, { delta: 0.6 })],
  ]
  for (const [name, f] of losses)
    it(name, () => {
      const x = name.startsWith("cross") || name === "nllLoss" ? logits : a
      checkGrads(f, [x])
      expect(maxDiff(tg.jit(f)(x), f(x))).toBeLessThan(1e-12)
      const xs = tg.stack([x, x.mul(2), x.add(1)])
      const mapped = tg.vmap(f)(xs)
      const looped = tg.stack([0, 1, 2].map((i) => f(xs.slice(`${i}`) as T)))
      expect(maxDiff(mapped, looped)).toBeLessThan(1e-12)
    })
})

describe("BatchNorm state under the transforms", () => {
  const bn = nn.batchNorm2d(2, f64)
  const step = (m: typeof bn, x: T) => nn.forward(m, (mm) => mm.forward(x).sum())
  it("under vmap each lane is its own batch: outputs and new running stats equal a loop", () => {
    const xs = rnd(30, [3, 4, 2, 2, 2])
    const [ys, states] = tg.vmap((x: T) => step(bn, x))(xs)
    for (let i = 0; i < 3; i++) {
      const [y, s] = step(bn, xs.slice(`${i}`) as T)
      expect(maxDiff(ys.slice(`${i}`) as T, y)).toBeLessThan(1e-12)
      expect(maxDiff((states.running_mean as T).slice(`${i}`) as T, s.running_mean!)).toBeLessThan(1e-12)
      expect(maxDiff((states.running_var as T).slice(`${i}`) as T, s.running_var!)).toBeLessThan(1e-12)
    }
  })
  it("inside scan the model is the carry: three steps equal three eager steps", () => {
    const xs = rnd(31, [3, 4, 2, 2, 2])
    const [final] = tg.scan(
      (m: typeof bn, x: T) => {
        const [y, s] = step(m, x)
        return [nn.combine(s, m), y] as const
      },
      bn,
      xs,
    )
    let m = bn
    for (let i = 0; i < 3; i++) m = nn.combine(step(m, xs.slice(`${i}`) as T)[1], m)
    expect(maxDiff(final.running_mean!, m.running_mean!)).toBeLessThan(1e-12)
    expect(maxDiff(final.running_var!, m.running_var!)).toBeLessThan(1e-12)
    expect(maxDiff(final.num_batches_tracked!, m.num_batches_tracked!)).toBe(0)
    expect(maxDiff(m.num_batches_tracked!, tg.scalar(3, { dtype: "i32" }))).toBe(0)
  })
  it("under jit the new state equals eager", () => {
    const x = rnd(32, [4, 2, 2, 2])
    const [, s1] = step(bn, x)
    const [, s2] = tg.jit(step)(bn, x)
    expect(maxDiff(s1.running_var!, s2.running_var!)).toBeLessThan(1e-12)
  })
})
