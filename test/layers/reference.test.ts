// Layer numbers against PyTorch's definitions, computed here by plain loops over host arrays
// (never by the layer under test): Linear, Conv2d with stride/padding/dilation/groups,
// BatchNorm2d over three training steps then eval, LayerNorm, cross-entropy with smoothing.
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"

const nn = tg.nn
const host = (t: tg.AnyTensor): number[] => Array.from(tg.dataSync(t as tg.Tensor<number[], "f64", "cpu">) as Float64Array)
const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-9) => {
  expect(got.length).toBe(want.length)
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)))
}
const f64 = (key: number, shape: number[]) => tg.normal(tg.key(key), shape, { dtype: "f64" }) as tg.AnyTensor

describe("Linear", () => {
  it("y[n, o] = Σ_i x[n, i]·W[o, i] + b[o]", () => {
    const lin = nn.linear(tg.key(1), 5, 3, { dtype: "f64" })
    const x = f64(2, [4, 5])
    const [X, W, b] = [host(x), host(lin.weight), host(lin.bias!)]
    const want: number[] = []
    for (let n = 0; n < 4; n++)
      for (let o = 0; o < 3; o++) {
        let s = b[o]!
        for (let i = 0; i < 5; i++) s += X[n * 5 + i]! * W[o * 5 + i]!
        want.push(s)
      }
    close(host(lin.forward(x)), want)
  })
  it("default init is U(±1/√in) for weight and bias, and the same key gives the same layer", () => {
    const lin = nn.linear(tg.key(3), 100, 50)
    const w = host(lin.weight),
      b = host(lin.bias!)
    const bound = 1 / Math.sqrt(100)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound) // 5000 draws fill the interval
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound)
    // variance of U(±a) is a²/3
    const v = w.reduce((s, x) => s + x * x, 0) / w.length
    expect(Math.abs(v - bound ** 2 / 3)).toBeLessThan((0.1 * bound ** 2) / 3)
    expect(host(nn.linear(tg.key(3), 100, 50).weight)).toEqual(w)
  })
})

/** PyTorch's conv2d by definition: zero padding, stride, dilation, groups. */
const refConv = (
  X: number[],
  xs: number[],
  W: number[],
  ws: number[],
  b: number[] | undefined,
  s: number[],
  p: number[],
  d: number[],
  g: number,
) => {
  const [N, C, H, Wd] = xs as [number, number, number, number]
  const [O, Cg, KH, KW] = ws as [number, number, number, number]
  const OH = Math.floor((H + 2 * p[0]! - d[0]! * (KH - 1) - 1) / s[0]!) + 1
  const OW = Math.floor((Wd + 2 * p[1]! - d[1]! * (KW - 1) - 1) / s[1]!) + 1
  const out: number[] = []
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          const grp = Math.floor(o / (O / g))
          let acc = b ? b[o]! : 0
          for (let c = 0; c < Cg; c++)
            for (let u = 0; u < KH; u++)
              for (let v = 0; v < KW; v++) {
                const h = i * s[0]! - p[0]! + u * d[0]!,
                  w = j * s[1]! - p[1]! + v * d[1]!
                if (h < 0 || h >= H || w < 0 || w >= Wd) continue
                acc += X[((n * C + grp * Cg + c) * H + h) * Wd + w]! * W[((o * Cg + c) * KH + u) * KW + v]!
              }
          out.push(acc)
        }
  return { out, shape: [N, O, OH, OW] }
}

describe("Conv2d", () => {
  const cases = [
    { name: "3→16, 3×3, padding 1", I: 3, O: 16, k: [3, 3], o: { padding: 1 }, s: [1, 1], p: [1, 1], d: [1, 1], g: 1 },
    {
      name: "stride 2, padding [1, 0], 3×2 kernel",
      I: 2,
      O: 4,
      k: [3, 2],
      o: { stride: 2, padding: [1, 0] },
      s: [2, 2],
      p: [1, 0],
      d: [1, 1],
      g: 1,
    },
    { name: "dilation 2", I: 2, O: 3, k: [3, 3], o: { dilation: 2, padding: 2 }, s: [1, 1], p: [2, 2], d: [2, 2], g: 1 },
    {
      name: "groups 2, stride [1, 2], dilation [2, 1]",
      I: 4,
      O: 6,
      k: [3, 3],
      o: { groups: 2, stride: [1, 2], dilation: [2, 1] },
      s: [1, 2],
      p: [0, 0],
      d: [2, 1],
      g: 2,
    },
  ] as const
  for (const c of cases)
    it(c.name, () => {
      const conv = nn.conv2d(tg.key(5), c.I, c.O, c.k as unknown as [number, number], { ...c.o, dtype: "f64" } as tg.nn.ConvOptions)
      const x = f64(6, [2, c.I, 9, 8])
      const ref = refConv(
        host(x),
        [2, c.I, 9, 8],
        host(conv.weight),
        [...conv.weight.shape] as number[],
        host(conv.bias!),
        [...c.s],
        [...c.p],
        [...c.d],
        c.g,
      )
      const y = conv.forward(x)
      expect(y.shape).toEqual(ref.shape)
      close(host(y), ref.out)
    })
  it('padding "same" keeps H×W (odd pad on the high side for an even kernel)', () => {
    const conv = nn.conv2d(tg.key(7), 2, 3, [2, 4], { padding: "same", dtype: "f64" })
    const x = f64(8, [1, 2, 5, 6])
    // total pad (k−1): height 1 → [0, 1], width 3 → [1, 2]; reference on the explicitly padded input
    const X = host(x),
      P: number[] = []
    for (let c = 0; c < 2; c++)
      for (let h = 0; h < 6; h++)
        for (let w = 0; w < 9; w++) {
          const hh = h,
            ww = w - 1
          P.push(hh < 5 && ww >= 0 && ww < 6 ? X[(c * 5 + hh) * 6 + ww]! : 0)
        }
    const ref = refConv(P, [1, 2, 6, 9], host(conv.weight), [3, 2, 2, 4], host(conv.bias!), [1, 1], [0, 0], [1, 1], 1)
    expect(ref.shape).toEqual([1, 3, 5, 6])
    close(host(conv.forward(x)), ref.out)
  })
})

/** BatchNorm2d by definition over host arrays, with PyTorch's buffer updates. */
const refBn = (
  X: number[],
  [N, C, H, W]: number[],
  st: { rm: number[]; rv: number[]; nbt: number },
  w: number[],
  b: number[],
  training: boolean,
  eps = 1e-5,
  mom = 0.1,
) => {
  const y = new Array<number>(X.length)
  const m = N! * H! * W!
  for (let c = 0; c < C!; c++) {
    const idx: number[] = []
    for (let n = 0; n < N!; n++) for (let i = 0; i < H! * W!; i++) idx.push((n * C! + c) * H! * W! + i)
    let mean = st.rm[c]!,
      varB = st.rv[c]!
    if (training) {
      mean = idx.reduce((s, i) => s + X[i]!, 0) / m
      varB = idx.reduce((s, i) => s + (X[i]! - mean) ** 2, 0) / m
      st.rm[c] = (1 - mom) * st.rm[c]! + mom * mean
      st.rv[c] = (1 - mom) * st.rv[c]! + mom * varB * (m / (m - 1))
    }
    for (const i of idx) y[i] = ((X[i]! - mean) / Math.sqrt(varB + eps)) * w[c]! + b[c]!
  }
  if (training) st.nbt++
  return y
}

describe("BatchNorm2d", () => {
  it("three training steps then eval: outputs, gradients, running mean/var, num_batches_tracked", () => {
    const shape = [4, 3, 5, 5]
    let bn = nn.batchNorm2d(3, { dtype: "f64" })
    // non-trivial affine parameters
    bn = nn.loadStateDict(bn, {
      ...nn.stateDict(bn),
      weight: tg.tensor([0.5, 2, -1], { dtype: "f64" }),
      bias: tg.tensor([0.1, -0.2, 0.3], { dtype: "f64" }),
    })
    const st = { rm: [0, 0, 0], rv: [1, 1, 1], nbt: 0 }
    const w = [0.5, 2, -1],
      b = [0.1, -0.2, 0.3]
    for (let step = 0; step < 3; step++) {
      const x = f64(10 + step, shape)
        .mul(step + 1)
        .add(step)
      const ct = f64(20 + step, shape)
      const [params, rest] = nn.partition(bn, nn.isTrainable)
      const loss = (p: typeof params, xi: tg.AnyTensor) => nn.forward(nn.combine(p, rest), (m) => m.forward(xi).mul(ct).sum())
      const [[, state], grads] = tg.valueAndGrad(loss, { hasAux: true })(params, x)
      // reference: y and dL/dw = Σ ct·x̂, dL/db = Σ ct per channel
      const X = host(x),
        CT = host(ct)
      const y = refBn(X, shape, st, w, b, true)
      close(host(bn.forward(x)), y)
      const xhat = y.map((v, i) => (v - b[Math.floor(i / 25) % 3]!) / w[Math.floor(i / 25) % 3]!)
      const dw = [0, 0, 0],
        db = [0, 0, 0]
      CT.forEach((g, i) => ((dw[Math.floor(i / 25) % 3]! += g * xhat[i]!), (db[Math.floor(i / 25) % 3]! += g)))
      close(host(grads.weight!), dw, 1e-8)
      close(host(grads.bias!), db, 1e-8)
      bn = nn.combine(state, bn)
      close(host(bn.running_mean!), st.rm)
      close(host(bn.running_var!), st.rv)
      expect(host(tg.cast(bn.num_batches_tracked!, "f64"))).toEqual([st.nbt])
      expect(bn.num_batches_tracked!.dtype).toBe("i32")
    }
    const x = f64(30, shape)
    close(host(nn.eval(bn).forward(x)), refBn(host(x), shape, st, w, b, false))
    expect(st.nbt).toBe(3)
  })
  it("momentum null averages cumulatively", () => {
    let bn = nn.batchNorm2d(2, { momentum: null, dtype: "f64" })
    const means: number[][] = []
    for (let s = 0; s < 3; s++) {
      const x = f64(40 + s, [3, 2, 2, 2]).add(s * 2)
      const X = host(x)
      means.push(
        [0, 1].map((c) => {
          let t = 0
          for (let n = 0; n < 3; n++) for (let i = 0; i < 4; i++) t += X[(n * 2 + c) * 4 + i]!
          return t / 12
        }),
      )
      bn = nn.combine(nn.forward(bn, (m) => m.forward(x))[1], bn)
    }
    close(
      host(bn.running_mean!),
      [0, 1].map((c) => (means[0]![c]! + means[1]![c]! + means[2]![c]!) / 3),
    )
  })
})

describe("LayerNorm", () => {
  it("normalises the trailing dims with the biased variance, then the affine map", () => {
    let ln = nn.layerNorm([2, 3], { dtype: "f64" })
    ln = nn.loadStateDict(ln, { weight: f64(50, [2, 3]), bias: f64(51, [2, 3]) })
    const x = f64(52, [4, 2, 3])
    const X = host(x),
      w = host(ln.weight!),
      b = host(ln.bias!)
    const want: number[] = []
    for (let n = 0; n < 4; n++) {
      const row = X.slice(n * 6, n * 6 + 6)
      const mu = row.reduce((s, v) => s + v, 0) / 6
      const v = row.reduce((s, x2) => s + (x2 - mu) ** 2, 0) / 6
      row.forEach((r, i) => want.push(((r - mu) / Math.sqrt(v + 1e-5)) * w[i]! + b[i]!))
    }
    close(host(ln.forward(x)), want)
  })
})

describe("crossEntropy", () => {
  it("with label smoothing and an ignored row equals −Σ((1−ε)·onehot + ε/C)·log softmax, averaged over kept rows", () => {
    const logits = f64(60, [5, 4])
    const labels = tg.tensor([0, 3, -100, 1, 2], { dtype: "i32" })
    const L = host(logits),
      y = [0, 3, -100, 1, 2],
      eps = 0.2
    let total = 0,
      kept = 0
    const per: number[] = []
    for (let n = 0; n < 5; n++) {
      const row = L.slice(n * 4, n * 4 + 4)
      const mx = Math.max(...row)
      const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0))
      if (y[n] === -100) {
        per.push(0)
        continue
      }
      let l = 0
      for (let c = 0; c < 4; c++) l -= ((c === y[n] ? 1 - eps : 0) + eps / 4) * (row[c]! - lse)
      per.push(l)
      total += l
      kept++
    }
    close([nn.crossEntropy(logits as tg.Tensor<[5, 4], "f64", "cpu">, labels, { labelSmoothing: eps }).item()], [total / kept])
    close(host(nn.crossEntropy(logits as tg.Tensor<[5, 4], "f64", "cpu">, labels, { labelSmoothing: eps, reduction: "none" })), per)
    close([nn.crossEntropy(logits as tg.Tensor<[5, 4], "f64", "cpu">, labels, { labelSmoothing: eps, reduction: "sum" }).item()], [total])
  })
  it("with probability targets and class axis 1 of [N, C, L]", () => {
    const logits = f64(61, [2, 3, 4])
    const probs = tg.softmax(f64(62, [2, 3, 4]) as tg.Tensor<[2, 3, 4], "f64", "cpu">, { axis: 1 })
    const L = host(logits),
      P = host(probs)
    let total = 0
    for (let n = 0; n < 2; n++)
      for (let l = 0; l < 4; l++) {
        const z = [0, 1, 2].map((c) => L[(n * 3 + c) * 4 + l]!)
        const mx = Math.max(...z)
        const lse = mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0))
        for (let c = 0; c < 3; c++) total -= P[(n * 3 + c) * 4 + l]! * (z[c]! - lse)
      }
    close([nn.crossEntropy(logits as tg.Tensor<[2, 3, 4], "f64", "cpu">, probs).item()], [total / 8])
  })
})

describe("the other losses against their closed forms", () => {
  const a = [0.5, -2, 3, 0.1],
    t = [0, 1, 1, 0.3]
  const A = tg.tensor(a, { dtype: "f64" }),
    T = tg.tensor(t, { dtype: "f64" })
  const mean = (f: (x: number, y: number) => number) => a.reduce((s, x, i) => s + f(x, t[i]!), 0) / a.length
  it("mse, l1, smoothL1 (β 0.5), huber (δ 2), bce with logits (pos weight 3)", () => {
    close([nn.mse(A, T).item()], [mean((x, y) => (x - y) ** 2)])
    close([nn.l1(A, T).item()], [mean((x, y) => Math.abs(x - y))])
    close(
      [nn.smoothL1(A, T, { beta: 0.5 }).item()],
      [mean((x, y) => (Math.abs(x - y) < 0.5 ? (0.5 * (x - y) ** 2) / 0.5 : Math.abs(x - y) - 0.25))],
    )
    close([nn.huber(A, T, { delta: 2 }).item()], [mean((x, y) => (Math.abs(x - y) < 2 ? 0.5 * (x - y) ** 2 : 2 * (Math.abs(x - y) - 1)))])
    const sig = (x: number) => 1 / (1 + Math.exp(-x))
    close(
      [nn.binaryCrossEntropyWithLogits(A, T, { posWeight: 3 }).item()],
      [mean((x, y) => -(3 * y * Math.log(sig(x)) + (1 - y) * Math.log(1 - sig(x))))],
    )
    close(
      [
        nn
          .nllLoss(
            tg.tensor(
              [
                [-0.1, -2.3],
                [-1.2, -0.4],
              ],
              { dtype: "f64" },
            ),
            tg.tensor([0, 1], { dtype: "i32" }),
          )
          .item(),
      ],
      [0.25],
    )
  })
})

describe("ConvTranspose2d, Conv1d, GroupNorm, AdaptiveAvgPool2d, BatchNorm options", () => {
  it("ConvTranspose2d scatters x·w: y[n, o, i·s − p + u·d, j·s − p + v·d] += x[n, c, i, j]·w[c, o, u, v]", () => {
    const ct = nn.convTranspose2d(tg.key(70), 2, 3, [3, 2], { stride: 2, padding: 1, outputPadding: 1, dilation: [1, 2], dtype: "f64" })
    const x = f64(71, [2, 2, 3, 4])
    const X = host(x),
      Wt = host(ct.weight),
      b = host(ct.bias!)
    const [s, p, d, op] = [
      [2, 2],
      [1, 1],
      [1, 2],
      [1, 1],
    ]
    const OH = (3 - 1) * s[0]! - 2 * p[0]! + d[0]! * (3 - 1) + op[0]! + 1,
      OW = (4 - 1) * s[1]! - 2 * p[1]! + d[1]! * (2 - 1) + op[1]! + 1
    const y = new Array<number>(2 * 3 * OH * OW).fill(0)
    for (let n = 0; n < 2; n++) for (let o = 0; o < 3; o++) for (let i = 0; i < OH * OW; i++) y[(n * 3 + o) * OH * OW + i] = b[o]!
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 4; j++)
            for (let o = 0; o < 3; o++)
              for (let u = 0; u < 3; u++)
                for (let v = 0; v < 2; v++) {
                  const h = i * s[0]! - p[0]! + u * d[0]!,
                    w = j * s[1]! - p[1]! + v * d[1]!
                  if (h < 0 || h >= OH || w < 0 || w >= OW) continue
                  y[((n * 3 + o) * OH + h) * OW + w]! += X[((n * 2 + c) * 3 + i) * 4 + j]! * Wt[((c * 3 + o) * 3 + u) * 2 + v]!
                }
    const got = ct.forward(x)
    expect(got.shape).toEqual([2, 3, OH, OW])
    close(host(got), y)
  })
  it("Conv1d equals the 1-D definition with stride and padding", () => {
    const c1 = nn.conv1d(tg.key(72), 2, 3, 3, { stride: 2, padding: 1, dtype: "f64" })
    const x = f64(73, [1, 2, 7])
    const X = host(x),
      Wt = host(c1.weight),
      b = host(c1.bias!)
    const L = Math.floor((7 + 2 - 3) / 2) + 1
    const want: number[] = []
    for (let o = 0; o < 3; o++)
      for (let t = 0; t < L; t++) {
        let acc = b[o]!
        for (let c = 0; c < 2; c++)
          for (let u = 0; u < 3; u++) {
            const i = t * 2 - 1 + u
            if (i >= 0 && i < 7) acc += X[c * 7 + i]! * Wt[(o * 2 + c) * 3 + u]!
          }
        want.push(acc)
      }
    close(host(c1.forward(x)), want)
  })
  it("Conv1d 'same' pads d·(k − 1) with the odd entry after (PyTorch), and needs stride 1", () => {
    const c1 = nn.conv1d(tg.key(75), 1, 1, 4, { padding: "same", bias: false, dtype: "f64" })
    const x = f64(76, [1, 1, 6])
    const X = host(x),
      Wt = host(c1.weight)
    // total padding 3: one before, two after
    const want = Array.from({ length: 6 }, (_, t) =>
      [0, 1, 2, 3].reduce((acc, u) => (t - 1 + u >= 0 && t - 1 + u < 6 ? acc + X[t - 1 + u]! * Wt[u]! : acc), 0),
    )
    close(host(c1.forward(x)), want)
    expect(() => nn.conv1d(tg.key(0), 1, 1, 3, { padding: "same", stride: 2 })).toThrow(`Conv1d: padding "same" needs stride 1`)
  })
  it("GroupNorm normalises each group of channels over the group and the spatial dims", () => {
    const gn = nn.groupNorm(2, 4, { dtype: "f64" })
    const x = f64(74, [2, 4, 3])
    const X = host(x),
      want = new Array<number>(X.length)
    for (let n = 0; n < 2; n++)
      for (let g = 0; g < 2; g++) {
        const idx = Array.from({ length: 6 }, (_, i) => n * 12 + g * 6 + i)
        const mu = idx.reduce((s, i) => s + X[i]!, 0) / 6
        const v = idx.reduce((s, i) => s + (X[i]! - mu) ** 2, 0) / 6
        for (const i of idx) want[i] = (X[i]! - mu) / Math.sqrt(v + 1e-5)
      }
    close(host(gn.forward(x)), want)
  })
  it("AdaptiveAvgPool2d averages PyTorch's bins ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉", () => {
    const x = f64(75, [1, 1, 5, 3])
    const X = host(x)
    const bins = (n: number, o: number) =>
      Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const)
    const want: number[] = []
    for (const [r0, r1] of bins(5, 3))
      for (const [c0, c1] of bins(3, 2)) {
        let s = 0
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) s += X[r * 3 + c]!
        want.push(s / ((r1 - r0) * (c1 - c0)))
      }
    close(host(nn.adaptiveAvgPool2d([3, 2]).forward(x)), want)
  })
  it("BatchNorm without tracking uses batch statistics in eval too and has no buffers; without affine, no parameters", () => {
    const bn = nn.eval(nn.batchNorm2d(2, { trackRunningStats: false, affine: false, dtype: "f64" }))
    expect(nn.stateDict(bn)).toEqual({})
    const x = f64(76, [3, 2, 2, 2])
    const X = host(x)
    const y = refBn(X, [3, 2, 2, 2], { rm: [0, 0], rv: [1, 1], nbt: 0 }, [1, 1], [0, 0], true)
    close(host(bn.forward(x)), y)
  })
})
