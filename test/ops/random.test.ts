// The samplers of tg.random against their distributions' closed forms: with fixed keys every
// draw is deterministic, so each statistical check either always passes or always fails. Bounds
// are set from the sampling error of n = 1e5 draws: a mean is within 5 standard errors
// (σ/√n), a variance within 5 standard errors of the sample variance (√((μ₄ − σ⁴)/n)), and the
// Kolmogorov–Smirnov statistic below 1.95/√n (the 0.1 % critical value, 0.0062).
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing.js"

const N = 100_000
const KS = 1.95 / Math.sqrt(N)
const data = (x: tg.AnyTensor) => Array.from(x.dataSync() as ArrayLike<number>)
const meanOf = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
const varOf = (xs: ReadonlyArray<number>) => {
  const m = meanOf(xs)
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)
}
/** Mean and variance within 5 standard errors; `mu4` is the fourth central moment. */
const moments = (xs: ReadonlyArray<number>, mean: number, variance: number, mu4: number) => {
  const n = xs.length
  expect(Math.abs(meanOf(xs) - mean)).toBeLessThan(5 * Math.sqrt(variance / n))
  expect(Math.abs(varOf(xs) - variance)).toBeLessThan(5 * Math.sqrt((mu4 - variance ** 2) / n))
}
/** The Kolmogorov–Smirnov distance between the sample and a CDF. */
const ksStat = (xs: ReadonlyArray<number>, cdf: (x: number) => number) => {
  const s = [...xs].sort((a, b) => a - b)
  let d = 0
  s.forEach((x, i) => {
    const f = cdf(x)
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f))
  })
  return d
}
/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), independent of the library's. */
const erf = (x: number) => {
  const t = 1 / (1 + 0.3275911 * Math.abs(x))
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return x < 0 ? -y : y
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2))
/** ∫ f over [a, b] by composite Simpson with n (even) panels. */
const simpson = (f: (x: number) => number, a: number, b: number, n = 2000) => {
  const h = (b - a) / n
  let s = f(a) + f(b)
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h)
  return (s * h) / 3
}

describe("continuous families: moments and KS distance", () => {
  test("exponential(rate 2): mean 1/2, variance 1/4, μ₄ = 9/16; CDF 1 − e^(−2x)", () => {
    const xs = data(tg.exponential(tg.key(1), [N], { rate: 2, dtype: "f64" }))
    moments(xs, 0.5, 0.25, 9 / 16)
    expect(ksStat(xs, (x) => 1 - Math.exp(-2 * x))).toBeLessThan(KS)
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
  })
  test("laplace(loc 1, scale 2): variance 2·4 = 8, μ₄ = 24·16; CDF piecewise exponential", () => {
    const xs = data(tg.laplace(tg.key(2), [N], { loc: 1, scale: 2, dtype: "f64" }))
    moments(xs, 1, 8, 24 * 16)
    expect(ksStat(xs, (x) => (x < 1 ? 0.5 * Math.exp((x - 1) / 2) : 1 - 0.5 * Math.exp(-(x - 1) / 2)))).toBeLessThan(KS)
  })
  test("logistic(loc −1, scale 0.5): variance s²π²/3, μ₄ = 7π⁴s⁴/15; CDF the sigmoid", () => {
    const xs = data(tg.logistic(tg.key(3), [N], { loc: -1, scale: 0.5, dtype: "f64" }))
    moments(xs, -1, (0.25 * Math.PI ** 2) / 3, (7 * Math.PI ** 4 * 0.0625) / 15)
    expect(ksStat(xs, (x) => 1 / (1 + Math.exp(-(x + 1) / 0.5)))).toBeLessThan(KS)
  })
  test("truncatedNormal on [−1, 2]: CDF (Φ(x) − Φ(a)) / (Φ(b) − Φ(a)), all inside", () => {
    const xs = data(tg.truncatedNormal(tg.key(4), -1, 2, [N], { dtype: "f64" }))
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1)
    expect(Math.max(...xs)).toBeLessThanOrEqual(2)
    expect(ksStat(xs, (x) => (Phi(x) - Phi(-1)) / (Phi(2) - Phi(-1)))).toBeLessThan(KS)
  })
  test("truncatedNormal far in the upper tail [5, 6]: inside, mean by quadrature", () => {
    const xs = data(tg.truncatedNormal(tg.key(5), 5, 6, [N], { dtype: "f64" }))
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(5)
    expect(Math.max(...xs)).toBeLessThanOrEqual(6)
    const phi = (x: number) => Math.exp(-0.5 * x * x)
    const z = simpson(phi, 5, 6),
      mean = simpson((x) => x * phi(x), 5, 6) / z,
      m2 = simpson((x) => x * x * phi(x), 5, 6) / z
    const sd = Math.sqrt(m2 - mean * mean)
    expect(Math.abs(meanOf(xs) - mean)).toBeLessThan((5 * sd) / Math.sqrt(N))
    // the lower tail mirrors it
    const ys = data(tg.truncatedNormal(tg.key(5), -6, -5, [N], { dtype: "f64" }))
    expect(Math.abs(meanOf(ys) + mean)).toBeLessThan((5 * sd) / Math.sqrt(N))
  })
  test("gamma(3): CDF 1 − e^(−x)(1 + x + x²/2); gamma(0.5): mean ½, variance ½, μ₄ = 3α(α+2)", () => {
    const xs = data(tg.gamma(tg.key(6), 3, [N], { dtype: "f64" }))
    moments(xs, 3, 3, 3 * 3 * (3 + 2))
    expect(ksStat(xs, (x) => 1 - Math.exp(-x) * (1 + x + (x * x) / 2))).toBeLessThan(KS)
    const hs = data(tg.gamma(tg.key(7), 0.5, [N], { dtype: "f64" }))
    moments(hs, 0.5, 0.5, 3 * 0.5 * 2.5)
    expect(Math.min(...hs)).toBeGreaterThan(0)
  })
  test("beta(2, 2): CDF 3x² − 2x³; beta(0.5, 0.5): the arcsine law (2/π)·asin(√x)", () => {
    expect(ksStat(data(tg.beta(tg.key(8), 2, 2, [N], { dtype: "f64" })), (x) => 3 * x * x - 2 * x ** 3)).toBeLessThan(KS)
    expect(ksStat(data(tg.beta(tg.key(9), 0.5, 0.5, [N], { dtype: "f64" })), (x) => (2 / Math.PI) * Math.asin(Math.sqrt(x)))).toBeLessThan(
      KS,
    )
  })
  test("dirichlet([1, 2, 3]): rows on the simplex, means αᵢ/6, variances αᵢ(6 − αᵢ)/(36·7)", () => {
    const n = N / 2
    const x = tg.dirichlet(tg.key(10), [1, 2, 3], [n], { dtype: "f64" })
    expect(x.shape).toEqual([n, 3])
    const flat = data(x)
    for (let i = 0; i < 100; i++) expect(Math.abs(flat[3 * i]! + flat[3 * i + 1]! + flat[3 * i + 2]! - 1)).toBeLessThan(1e-12)
    ;[1, 2, 3].forEach((a, j) => {
      const col = flat.filter((_, i) => i % 3 === j)
      const v = (a * (6 - a)) / (36 * 7)
      expect(Math.abs(meanOf(col) - a / 6)).toBeLessThan(5 * Math.sqrt(v / n))
      expect(Math.abs(varOf(col) - v) / v).toBeLessThan(0.05)
    })
  })
})

describe("discrete families: frequencies against the pmf", () => {
  const pmfClose = (xs: ReadonlyArray<number>, pmf: (k: number) => number, ks: ReadonlyArray<number>) => {
    for (const k of ks) {
      const p = pmf(k),
        f = xs.filter((x) => x === k).length / xs.length
      expect(Math.abs(f - p), `P(${k})`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / xs.length) + 1e-9)
    }
  }
  const poissonPmf = (lam: number) => (k: number) => {
    let lp = -lam + k * Math.log(lam)
    for (let i = 2; i <= k; i++) lp -= Math.log(i)
    return Math.exp(lp)
  }
  test("poisson(4) (multiplication method) and poisson(30) (transformed rejection)", () => {
    const small = tg.poisson(tg.key(11), 4, [N])
    expect(small.dtype).toBe("i32")
    const xs = data(small)
    moments(xs, 4, 4, 4 + 3 * 16)
    pmfClose(xs, poissonPmf(4), [0, 1, 2, 3, 4, 5, 6, 8, 10])
    const ys = data(tg.poisson(tg.key(12), 30, [N]))
    moments(ys, 30, 30, 30 + 3 * 900)
    pmfClose(ys, poissonPmf(30), [20, 25, 28, 30, 32, 35, 40])
    expect(data(tg.poisson(tg.key(1), 0, [3]))).toEqual([0, 0, 0])
  })
  test("categorical: frequencies follow softmax(logits), per batch row", () => {
    const p = [
      [0.2, 0.5, 0.3],
      [0.7, 0.1, 0.2],
    ]
    const logits = tg.tensor(p).log()
    const draws = tg.categorical(tg.key(13), logits, [N / 2, 2])
    expect(draws.shape).toEqual([N / 2, 2])
    expect(draws.dtype).toBe("i32")
    const flat = data(draws)
    p.forEach((row, b) =>
      pmfClose(
        flat.filter((_, i) => i % 2 === b),
        (k) => row[k]!,
        [0, 1, 2],
      ),
    )
    expect(tg.categorical(tg.key(0), logits).shape).toEqual([2])
  })
  test("bernoulli with a tensor p: per-entry frequencies, shapes it broadcasts to", () => {
    const p = tg.tensor([0, 0.25, 0.9, 1])
    const draws = data(tg.bernoulli(tg.key(14), p, [N / 4, 4]))
    ;[0, 0.25, 0.9, 1].forEach((q, j) =>
      pmfClose(
        draws.filter((_, i) => i % 4 === j),
        (k) => (k === 1 ? q : 1 - q),
        [1],
      ),
    )
    expect(tg.bernoulli(tg.key(14), p).shape).toEqual([4])
  })
  test("choice: uniform with replacement, p-weighted, and without replacement", () => {
    const xs = data(tg.choice(tg.key(15), 5, [N]))
    pmfClose(xs, () => 0.2, [0, 1, 2, 3, 4])
    const w = [0.1, 0.6, 0.3]
    pmfClose(data(tg.choice(tg.key(16), 3, [N], { p: w })), (k) => w[k]!, [0, 1, 2])
    const once = data(tg.choice(tg.key(17), 10, [2, 5], { replace: false }))
    expect([...once].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Gumbel-top-k: the first of the k draws without replacement is one p-weighted draw
    const firsts = Array.from({ length: 4000 }, (_, i) =>
      data(tg.choice(tg.foldIn(tg.key(18), i), 3, [2], { replace: false, p: tg.tensor(w) })),
    ).map((d) => {
      expect(d[0]).not.toBe(d[1])
      return d[0]!
    })
    pmfClose(firsts, (k) => w[k]!, [0, 1, 2])
    // rows of a tensor
    const rows = tg.choice(
      tg.key(19),
      tg.tensor([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
      [4],
    )
    expect(rows.shape).toEqual([4, 2])
    for (const [a, b] of rows.toArraySync() as number[][]) expect(a).toBe(b)
  })
  test("permutation: each of the 3! orders of 0, 1, 2 about 1/6 of the time", () => {
    const counts = new Map<string, number>()
    const n = 6000
    for (let i = 0; i < n; i++) {
      const key = data(tg.permutation(tg.foldIn(tg.key(20), i), 3)).join("")
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual(["012", "021", "102", "120", "201", "210"])
    for (const c of counts.values()) expect(Math.abs(c / n - 1 / 6)).toBeLessThan(5 * Math.sqrt(((1 / 6) * (5 / 6)) / n))
  })
  test("shuffle / permutation of a tensor keep its rows (along an axis)", () => {
    const x = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    const s = tg.shuffle(tg.key(21), x, 1)
    const rows = s.toArraySync() as number[][]
    expect([...rows[0]!].sort()).toEqual([1, 2, 3])
    expect(rows[1]!.map((v, j) => v - rows[0]![j]!)).toEqual([3, 3, 3])
    expect(data(tg.permutation(tg.key(22), tg.arange(50))).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })
})

describe("multivariateNormal", () => {
  test("sample mean and covariance match (5 standard errors of each entry)", () => {
    const cov = [
        [2, 0.6, -0.4],
        [0.6, 1, 0.3],
        [-0.4, 0.3, 0.5],
      ],
      mean = [1, -2, 0.5]
    const x = tg.multivariateNormal(tg.key(23), tg.tensor(mean, { dtype: "f64" }), tg.tensor(cov, { dtype: "f64" }), [N])
    expect(x.shape).toEqual([N, 3])
    const flat = data(x)
    const cols = [0, 1, 2].map((j) => flat.filter((_, i) => i % 3 === j))
    cols.forEach((c, j) => expect(Math.abs(meanOf(c) - mean[j]!)).toBeLessThan(5 * Math.sqrt(cov[j]![j]! / N)))
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const mi = meanOf(cols[i]!),
          mj = meanOf(cols[j]!)
        const c = cols[i]!.reduce((a, v, k) => a + (v - mi) * (cols[j]![k]! - mj), 0) / (N - 1)
        // Var of a sample covariance of normals: (Σᵢⱼ² + ΣᵢᵢΣⱼⱼ)/n
        expect(Math.abs(c - cov[i]![j]!)).toBeLessThan(5 * Math.sqrt((cov[i]![j]! ** 2 + cov[i]![i]! * cov[j]![j]!) / N))
      }
  })
  test("differentiable in mean and covariance (fixed key: the reparameterised draw)", () => {
    const f = (m: tg.AnyTensor, c: tg.AnyTensor) =>
      tg.multivariateNormal(tg.key(24), m as tg.Tensor<[2], "f64">, c as tg.Tensor<[2, 2], "f64">, [4])
    checkGrads(f, [
      tg.tensor([0.5, -1], { dtype: "f64" }),
      tg.tensor(
        [
          [1.5, 0.4],
          [0.4, 0.8],
        ],
        { dtype: "f64" },
      ),
    ])
  })
})

describe("keys", () => {
  test("the same key gives the same draws; split keys give different ones", () => {
    const [a, b] = tg.split(tg.key(7))
    expect(data(tg.gamma(a!, 2, [5]))).toEqual(data(tg.gamma(a!, 2, [5])))
    expect(data(tg.gamma(a!, 2, [5]))).not.toEqual(data(tg.gamma(b!, 2, [5])))
    expect(data(tg.poisson(a!, 50, [5]))).toEqual(data(tg.poisson(a!, 50, [5])))
  })
})

describe("bad parameters are typed errors naming the op", () => {
  test("values", () => {
    expect(() => tg.exponential(tg.key(0), [2], { rate: 0 })).toThrow("exponential: rate must be a positive number, got 0")
    expect(() => tg.gamma(tg.key(0), -1, [2])).toThrow(ShapeError)
    expect(() => tg.truncatedNormal(tg.key(0), 1, 1, [2])).toThrow("truncatedNormal: lower 1 must be below upper 1")
    expect(() => tg.choice(tg.key(0), 3, [4], { replace: false })).toThrow("choice: cannot draw 4 entries without replacement from 3")
    expect(() => tg.choice(tg.key(0), 3, [2], { p: [0.5, 0.5] })).toThrow("choice: p must have shape [3], got [2]")
    expect(() => tg.categorical(tg.key(0), tg.zeros([2, 3]) as tg.AnyTensor as tg.Tensor<number[], "f32">, [4])).toThrow(
      "categorical: shape [4] must end with the batch shape [2] of logits",
    )
    expect(() => tg.dirichlet(tg.key(0), [1, 0], [2])).toThrow("dirichlet: alpha must be positive numbers, got 0")
  })
  test("dtypes", () => {
    expect(() => tg.gamma(tg.key(0), 1, [2], { dtype: "i32" as "f32" })).toThrow(DTypeError)
    expect(() => tg.bernoulli(tg.key(0), tg.tensor([1], { dtype: "i32" }))).toThrow("bernoulli: expected float probabilities, got i32")
  })
})

describe("key data: keys as i32 tensors, under vmap and jit", () => {
  const k = tg.key(31)
  test("uniform from key data equals uniform from the key (f32 and f64), split and foldIn agree", () => {
    expect(data(tg.uniform(tg.keyData(k), [7]))).toEqual(data(tg.uniform(k, [7])))
    expect(data(tg.uniform(tg.keyData(k), [2, 3], { dtype: "f64", low: -1, high: 3 }))).toEqual(
      data(tg.uniform(k, [2, 3], { dtype: "f64", low: -1, high: 3 })),
    )
    expect(data(tg.split(tg.keyData(k), 3))).toEqual(data(tg.keyData(tg.split(k, 3))))
    expect(data(tg.foldIn(tg.keyData(k), 12))).toEqual(data(tg.keyData(tg.foldIn(k, 12))))
    // a batch of keys [B, 2] gives one block per key
    const keys = tg.split(k, 4)
    const batch = tg.uniform(tg.keyData(keys), [5])
    expect(batch.shape).toEqual([4, 5])
    expect(data(batch)).toEqual(keys.flatMap((q) => data(tg.uniform(q, [5]))))
  })
  test("vmap over split keys equals a loop over the keys", () => {
    const keys = tg.keyData(tg.split(k, 6))
    const f = (q: tg.KeyData) => ({
      n: tg.normal(q, [3], { dtype: "f64" }),
      e: tg.exponential(q, [2], { dtype: "f64" }),
      l: tg.laplace(q, [2], { dtype: "f64", scale: 2 }),
      g: tg.logistic(q, [2], { dtype: "f64" }),
      b: tg.bernoulli(q, 0.3, [4]),
      c: tg.categorical(q, tg.tensor([0.1, 2, -1], { dtype: "f64" }), [5]),
      s: tg.split(q, 2),
    })
    const batched = tg.vmap(f)(keys)
    const loop = tg.split(k, 6).map((q) => f(tg.keyData(q)))
    for (const name of ["n", "e", "l", "g", "b", "c", "s"] as const)
      expect(data(batched[name] as tg.AnyTensor), name).toEqual(loop.flatMap((r) => data(r[name] as tg.AnyTensor)))
  })
  test("jit with key data: new keys need no retrace, results equal eager", () => {
    let traces = 0
    const f = tg.jit((q: tg.KeyData) => {
      traces++
      return tg.normal(q, [4], { dtype: "f64" }).add(tg.uniform(tg.foldIn(q, 1), [4], { dtype: "f64" }))
    })
    for (const q of tg.split(k, 3)) {
      const eager = data(
        tg.normal(tg.keyData(q), [4], { dtype: "f64" }).add(tg.uniform(tg.foldIn(tg.keyData(q), 1), [4], { dtype: "f64" })),
      )
      // the fused loop may round the transcendental functions differently in the last place
      data(f(tg.keyData(q))).forEach((v, i) => expect(Math.abs(v - eager[i]!)).toBeLessThan(1e-13))
    }
    expect(traces).toBe(1)
  })
  test("normal from key data is standard normal (moments, KS against Φ)", () => {
    const xs = data(tg.normal(tg.keyData(tg.key(32)), [N], { dtype: "f64" }))
    moments(xs, 0, 1, 3)
    expect(ksStat(xs, Phi)).toBeLessThan(KS)
    // an odd count keeps the host sampler's pairing
    expect(tg.normal(tg.keyData(tg.key(32)), [3]).shape).toEqual([3])
  })
  test("bad key data is a typed error", () => {
    expect(() => tg.uniform(tg.zeros([3], { dtype: "i32" }) as tg.AnyTensor as tg.KeyData, [2])).toThrow(
      "uniform: key is a tensor i32[3], expected a Key, or i32 key data [..., 2]",
    )
  })
})
