// The activation functions, standardize and dotProductAttention against closed forms evaluated
// with JS's Math in f64 (and a plain-loop attention), NumPy/JAX edge cases by hand, gradients
// through checkGrads.
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, randData, t64 } from "./ref.js"

const xs = [-6, -2.5, -1, -0.3, 0.2, 0.9, 2, 3.5, 7]
const relu6 = (v: number) => Math.min(Math.max(v, 0), 6)
const SELU_A = 1.6732632423543772,
  SELU_L = 1.0507009873554805

describe("elementwise activations", () => {
  test("against closed forms in f64", () => {
    const x = t64(xs, [xs.length])
    const cases: Array<[string, tg.AnyTensor, (v: number) => number]> = [
      ["softSign", tg.softSign(x), (v) => v / (1 + Math.abs(v))],
      ["elu", tg.elu(x), (v) => (v > 0 ? v : Math.exp(v) - 1)],
      ["elu α=0.5", tg.elu(x, 0.5), (v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))],
      ["celu α=2", tg.celu(x, 2), (v) => Math.max(0, v) + Math.min(0, 2 * (Math.exp(v / 2) - 1))],
      ["selu", tg.selu(x), (v) => SELU_L * (v > 0 ? v : SELU_A * (Math.exp(v) - 1))],
      ["mish", tg.mish(x), (v) => v * Math.tanh(Math.log1p(Math.exp(v)))],
      ["relu6", tg.relu6(x), relu6],
      ["hardSigmoid", tg.hardSigmoid(x), (v) => relu6(v + 3) / 6],
      ["hardSwish", tg.hardSwish(x), (v) => (v * relu6(v + 3)) / 6],
    ]
    for (const [name, got, f] of cases)
      expect(() => expectClose(got.dataSync(), xs.map(f), { rtol: 1e-13, atol: 1e-15 }), name).not.toThrow()
    // no overflow in the exponential branch for large inputs
    expect(tg.elu(t64([1000], [1])).item()).toBe(1000)
    expect(tg.selu(t64([-1000], [1])).item()).toBeCloseTo(-SELU_L * SELU_A, 12)
    expect(() => tg.celu(x, 0)).toThrow(DTypeError)
  })

  test("log1mexp is accurate on both sides of ln 2 (against the series and the direct form)", () => {
    const pos = [1e-12, 1e-6, 0.01, 0.5, Math.LN2, 0.8, 3, 20, 50]
    // near 0: log(1 − e^(−x)) = log(x) − x/2 + x²/24 − …; far: log1p(−e^(−x)) is exact in f64
    const ref = (v: number) => (v < 1e-3 ? Math.log(v) - v / 2 + (v * v) / 24 : Math.log1p(-Math.exp(-v)))
    expectClose(tg.log1mexp(t64(pos, [pos.length])).dataSync(), pos.map(ref), { rtol: 1e-12, atol: 0 })
    expect(tg.log1mexp(t64([0], [1])).item()).toBe(-Infinity)
    expect(tg.log1mexp(t64([-1], [1])).item()).toBeNaN()
    expect(tg.log1mexp(t64([1000], [1])).item()).toBe(-0)
  })

  test("gradients (away from the kinks)", () => {
    const x = t64([-2.1, -0.7, 0.4, 1.3, 3.9], [5])
    for (const f of [tg.softSign, tg.elu, tg.selu, tg.mish, tg.hardSigmoid, tg.hardSwish, tg.relu6, (t: tg.AnyTensor) => tg.celu(t, 1.5)])
      checkGrads((t: tg.AnyTensor) => (f as (t: tg.AnyTensor) => tg.AnyTensor)(t).sum(), [x])
    checkGrads((t: tg.AnyTensor) => tg.log1mexp(t).sum(), [t64([0.05, 0.6, 0.7, 2.5], [4])])
  })

  test("glu splits the axis in halves: a·σ(b)", () => {
    const d = randData([2, 6], 3)
    const sig = (v: number) => 1 / (1 + Math.exp(-v))
    const want = [0, 1].flatMap((r) => [0, 1, 2].map((j) => d[r * 6 + j]! * sig(d[r * 6 + 3 + j]!)))
    expectClose(tg.glu(t64(d, [2, 6])).dataSync(), want, { rtol: 1e-13, atol: 1e-15 })
    expect(tg.glu(t64(d, [2, 6]), 0).shape).toEqual([1, 6])
    expect(() => tg.glu(tg.zeros([3]))).toThrow(ShapeError)
    checkGrads((t: tg.AnyTensor) => tg.glu(t).sum(), [t64(d, [2, 6])])
  })
})

describe("standardize", () => {
  test("zero mean and unit variance over the axes; given statistics; gradient", () => {
    const d = randData([3, 4], 5)
    const y = tg.standardize(t64(d, [3, 4]), { epsilon: 0 }).dataSync()
    for (let r = 0; r < 3; r++) {
      const row = d.slice(r * 4, r * 4 + 4)
      const m = row.reduce((a, b) => a + b, 0) / 4
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 4
      expectClose(
        Array.from(y.slice(r * 4, r * 4 + 4)),
        row.map((x) => (x - m) / Math.sqrt(v)),
        { rtol: 1e-12, atol: 1e-12 },
      )
    }
    const all = tg.standardize(t64(d, [3, 4]), { axis: [0, 1], epsilon: 1e-3 }).dataSync()
    const m = d.reduce((a, b) => a + b, 0) / 12,
      v = d.reduce((a, b) => a + (b - m) ** 2, 0) / 12
    expectClose(
      all,
      d.map((x) => (x - m) / Math.sqrt(v + 1e-3)),
      { rtol: 1e-12, atol: 1e-12 },
    )
    expect(tg.standardize(tg.tensor([1, 3]), { mean: tg.tensor([1]), variance: tg.tensor([4]), epsilon: 0 }).toArraySync()).toEqual([0, 1])
    checkGrads((t: tg.AnyTensor) => tg.mul(tg.standardize(t), t64(randData([3, 4], 6), [3, 4])).sum(), [t64(d, [3, 4])])
  })
})

describe("dotProductAttention", () => {
  /** Plain-loop attention of one head: q [T, d], k [S, d], v [S, dv]; `ok(t, s)` says whether t may attend to s. */
  const ref = (
    q: number[],
    k: number[],
    v: number[],
    T: number,
    S: number,
    d: number,
    dv: number,
    ok: (t: number, s: number) => boolean,
    scale = 1 / Math.sqrt(d),
  ) =>
    Array.from({ length: T }, (_, t) => {
      const sc = Array.from({ length: S }, (_, s) =>
        ok(t, s) ? scale * Array.from({ length: d }, (_, c) => q[t * d + c]! * k[s * d + c]!).reduce((a, b) => a + b, 0) : -Infinity,
      )
      const m = Math.max(...sc)
      if (m === -Infinity) return new Array<number>(dv).fill(0)
      const e = sc.map((x) => Math.exp(x - m)),
        z = e.reduce((a, b) => a + b, 0)
      return Array.from({ length: dv }, (_, c) => e.reduce((acc, w, s) => acc + (w / z) * v[s * dv + c]!, 0))
    }).flat()

  test("against a plain loop: unmasked, causal, boolean mask (a fully masked row gives zeros), scale, bias", () => {
    const T = 3,
      S = 4,
      d = 2,
      dv = 3
    const q = randData([T, d], 1),
      k = randData([S, d], 2),
      v = randData([S, dv], 3)
    const [Q, K, Vt] = [t64(q, [T, d]), t64(k, [S, d]), t64(v, [S, dv])]
    expectClose(
      tg.dotProductAttention(Q, K, Vt).dataSync(),
      ref(q, k, v, T, S, d, dv, () => true),
      { rtol: 1e-12, atol: 1e-12 },
    )
    expectClose(
      tg.dotProductAttention(Q, K, Vt, { isCausal: true }).dataSync(),
      ref(q, k, v, T, S, d, dv, (t, s) => s <= t),
      { rtol: 1e-12, atol: 1e-12 },
    )
    const mask = [
      [true, false, true, false],
      [false, false, false, false],
      [true, true, true, true],
    ]
    const M = tg.tensor(mask)
    expectClose(
      tg.dotProductAttention(Q, K, Vt, { mask: M, scale: 0.7 }).dataSync(),
      ref(q, k, v, T, S, d, dv, (t, s) => mask[t]![s]!, 0.7),
      { rtol: 1e-12, atol: 1e-12 },
    )
    expectClose(
      tg.dotProductAttention(Q, K, Vt, { mask: M, isCausal: true }).dataSync(),
      ref(q, k, v, T, S, d, dv, (t, s) => mask[t]![s]! && s <= t),
      { rtol: 1e-12, atol: 1e-12 },
    )
    // a bias of 0 / −∞ is the same as a mask
    const bias = t64(
      mask.flat().map((b) => (b ? 0 : -Infinity)),
      [T, S],
    )
    expectClose(
      tg.dotProductAttention(Q, K, Vt, { bias }).dataSync().slice(0, 3),
      ref(q, k, v, T, S, d, dv, (t, s) => mask[t]![s]!).slice(0, 3),
      { rtol: 1e-12, atol: 1e-12 },
    )
    expect(() => tg.dotProductAttention(Q, Q, Vt)).toThrow(ShapeError)
    expect(() => tg.dotProductAttention(Q, K, Vt, { mask: tg.ones([T, S]) })).toThrow(DTypeError)
  })

  test("batched heads with a key-padding mask [B, 1, 1, S]; agrees with tg.nn's PyTorch-convention attention; gradients", () => {
    const B = 2,
      H = 2,
      T = 3,
      S = 3,
      d = 4
    const q = t64(randData([B, H, T, d], 4), [B, H, T, d]),
      k = t64(randData([B, H, S, d], 5), [B, H, S, d]),
      v = t64(randData([B, H, S, d], 6), [B, H, S, d])
    const pad = tg
      .tensor([
        [true, true, false],
        [true, true, true],
      ])
      .reshape([B, 1, 1, S])
    const got = tg.dotProductAttention(q, k, v, { mask: pad, isCausal: true })
    const want = tg.nn.scaledDotProductAttention(q, k, v, {
      keyPaddingMask: tg.tensor([
        [false, false, true],
        [false, false, false],
      ]),
      isCausal: true,
    })
    expectClose(got.dataSync(), want.dataSync(), { rtol: 1e-12, atol: 1e-12 })
    checkGrads(
      (a: tg.AnyTensor, b: tg.AnyTensor, c: tg.AnyTensor) => tg.dotProductAttention(a, b, c, { mask: pad, isCausal: true }).square().sum(),
      [q, k, v],
    )
  })
})
