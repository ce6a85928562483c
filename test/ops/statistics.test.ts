// Statistics and the boolean reductions against plain-JS references with NumPy's semantics:
// average, quantile/median (linear interpolation), cov/corrcoef, nansum/nanmean, std with ddof,
// all/any/countNonzero, the mean of integer tensors, softmax over several axes; gradients through
// checkGrads.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, randData, t64 } from "./ref.js"

/** NumPy's linear quantile of a plain array: sorted, virtual index q·(n − 1). */
const refQuantile = (xs: ReadonlyArray<number>, q: number): number => {
  if (xs.length === 0 || xs.some(Number.isNaN)) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const h = q * (s.length - 1),
    lo = Math.floor(h),
    hi = Math.min(lo + 1, s.length - 1)
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!)
}
const col = (m: ReadonlyArray<ReadonlyArray<number>>, j: number) => m.map((r) => r[j]!)
const meanOf = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length

describe("quantile and median", () => {
  test("hand-worked values: interpolation, even counts, NaN, empty, several quantiles", () => {
    expect(tg.quantile(t64([1, 2, 3, 4], [4]), 0.25).item()).toBeCloseTo(1.75, 12)
    expect(tg.median(t64([3, 1, 4, 1, 5], [5])).item()).toBe(3)
    expect(tg.median(t64([4, 1, 2, 3], [4])).item()).toBe(2.5)
    expect(
      tg
        .median(
          tg.tensor([
            [4, 1],
            [2, 3],
          ]),
          { axis: 0 },
        )
        .toArraySync(),
    ).toEqual([3, 2])
    expect(
      tg
        .median(
          tg.tensor([
            [4, 1],
            [2, 3],
          ]),
          { axis: 1, keepdims: true },
        )
        .toArraySync(),
    ).toEqual([[2.5], [2.5]])
    expect(tg.median(tg.tensor([1, Number.NaN, 3])).item()).toBeNaN()
    expect(tg.quantile(tg.zeros([0]), 0.5).item()).toBeNaN()
    const qs = tg.quantile(
      tg.tensor([
        [1, 5, 3],
        [2, 4, 6],
      ]),
      [0, 0.5, 1],
      { axis: 1 },
    )
    expect(qs.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    const mi = tg.median(tg.tensor([1, 2], { dtype: "i32" }))
    expect([mi.dtype, mi.item()]).toEqual(["f32", 1.5])
    expect(() => tg.quantile(tg.zeros([3]), 1.5)).toThrow(ShapeError)
  })

  test("against sorted-array interpolation over random shapes, axes and q", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (r, c, q, seed) => {
          const data = randData([r, c], seed)
          const m = Array.from({ length: r }, (_, i) => data.slice(i * c, (i + 1) * c))
          expectClose(
            tg.quantile(t64(data, [r, c]), q, { axis: 1 }).dataSync(),
            m.map((row) => refQuantile(row, q)),
            { rtol: 1e-12, atol: 1e-12 },
          )
          expectClose(
            tg.quantile(t64(data, [r, c]), q, { axis: 0 }).dataSync(),
            Array.from({ length: c }, (_, j) => refQuantile(col(m, j), q)),
            { rtol: 1e-12, atol: 1e-12 },
          )
          expectClose(tg.quantile(t64(data, [r, c]), q).item(), refQuantile(data, q), { rtol: 1e-12, atol: 1e-12 })
        },
      ),
      { numRuns: 40 },
    )
  })

  test("gradient goes to the order statistics used", () => {
    checkGrads((x: tg.AnyTensor) => tg.quantile(x, 0.3, { axis: 1 }).sum(), [t64(randData([3, 5], 2), [3, 5])])
    checkGrads((x: tg.AnyTensor) => tg.median(x), [t64([0.4, -1.1, 2.2, 0.9], [4])])
    // the median of 4 distinct values is the mean of the middle two: gradient ½ on each
    expect(
      Array.from(
        tg
          .grad((x: tg.AnyTensor) => tg.median(x))(t64([0.4, -1.1, 2.2, 0.9], [4]))
          .dataSync(),
      ),
    ).toEqual([0.5, 0, 0, 0.5])
  })
})

describe("average", () => {
  test("weighted means against plain sums; weights along one axis; gradients in both", () => {
    expect(tg.average(t64([1, 2, 3, 4], [4]), { weights: t64([4, 3, 2, 1], [4]) }).item()).toBeCloseTo(2, 12)
    expect(
      tg
        .average(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          { axis: 1, weights: tg.tensor([1, 3]) },
        )
        .toArraySync(),
    ).toEqual([1.75, 3.75])
    expect(
      tg
        .average(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          { axis: 0 },
        )
        .toArraySync(),
    ).toEqual([2, 3])
    const d = randData([3, 4], 4),
      w = randData([3, 4], 5, 0.5, 2)
    let num = 0,
      den = 0
    for (let i = 0; i < 12; i++) {
      num += d[i]! * w[i]!
      den += w[i]!
    }
    expect(tg.average(t64(d, [3, 4]), { weights: t64(w, [3, 4]) }).item()).toBeCloseTo(num / den, 12)
    expect(() => tg.average(tg.zeros([2, 3]), { weights: tg.ones([2]) })).toThrow(ShapeError)
    checkGrads(
      (x: tg.AnyTensor, ws: tg.AnyTensor) => tg.average(x, { axis: 0, weights: ws }).sum(),
      [t64(d, [3, 4]), t64([1, 2, 0.5], [3])],
    )
  })
})

describe("cov and corrcoef", () => {
  test("against the definition on random data; rowvar, ddof, bias, y; one variable", () => {
    const k = 3,
      n = 6
    const data = randData([k, n], 7)
    const rowsOf = Array.from({ length: k }, (_, i) => data.slice(i * n, (i + 1) * n))
    const refCov = (ddof: number) =>
      rowsOf.flatMap((a) =>
        rowsOf.map((b) => {
          const ma = meanOf(a),
            mb = meanOf(b)
          return a.reduce((s, v, t) => s + (v - ma) * (b[t]! - mb), 0) / (n - ddof)
        }),
      )
    expectClose(tg.cov(t64(data, [k, n])).dataSync(), refCov(1), { rtol: 1e-12, atol: 1e-12 })
    expectClose(tg.cov(t64(data, [k, n]), { bias: true }).dataSync(), refCov(0), { rtol: 1e-12, atol: 1e-12 })
    expectClose(tg.cov(t64(data, [k, n]), { ddof: 2 }).dataSync(), refCov(2), { rtol: 1e-12, atol: 1e-12 })
    expectClose(tg.cov(tg.transpose(t64(data, [k, n])), { rowvar: false }).dataSync(), refCov(1), { rtol: 1e-12, atol: 1e-12 })
    const c = refCov(1)
    const refCorr = c.map((v, p) => v / Math.sqrt(c[Math.floor(p / k) * (k + 1)]! * c[(p % k) * (k + 1)]!))
    expectClose(tg.corrcoef(t64(data, [k, n])).dataSync(), refCorr, { rtol: 1e-12, atol: 1e-12 })
    // y stacks under x
    const x2 = t64(data.slice(0, n), [n]),
      y2 = t64(data.slice(n, 2 * n), [n])
    expectClose(tg.cov(x2, { y: y2 }).dataSync(), [c[0]!, c[1]!, c[k]!, c[k + 1]!], { rtol: 1e-12, atol: 1e-12 })
    expect(tg.cov(tg.tensor([1, 2, 3, 4])).item()).toBeCloseTo(5 / 3, 6)
    expect(tg.cov(tg.tensor([1, 2, 3, 4])).shape).toEqual([])
    expect(
      tg
        .corrcoef(
          tg.tensor([
            [1, 2, 3],
            [3, 1, -1],
          ]),
        )
        .toArraySync(),
    ).toEqual([
      [1, -1],
      [-1, 1],
    ])
    expect(() => tg.cov(tg.zeros([2, 2, 2]))).toThrow(ShapeError)
    checkGrads((m: tg.AnyTensor) => tg.corrcoef(m).sum(), [t64(data, [k, n])])
  })
})

describe("NaN-skipping and boolean reductions, std, integer means", () => {
  test("nansum and nanmean skip NaN; an all-NaN slice has a NaN mean", () => {
    const x = tg.tensor([
      [1, Number.NaN],
      [2, 4],
      [Number.NaN, Number.NaN],
    ])
    expect(tg.nansum(x, { axis: 1 }).toArraySync()).toEqual([1, 6, 0])
    expect(tg.nanmean(x, { axis: 1 }).toArraySync()).toEqual([1, 3, Number.NaN])
    expect(tg.nanmean(x).item()).toBeCloseTo(7 / 3, 6)
    expect(tg.nansum(tg.tensor([1, 2], { dtype: "i32" })).item()).toBe(3)
    checkGrads((t: tg.AnyTensor) => tg.nanmean(t, { axis: 0 }).sum(), [t64([0.5, 1.5, -2, 0.25], [2, 2])])
  })

  test("all, any and countNonzero as NumPy's (NaN counts as true, empty axes)", () => {
    const x = tg.tensor([
      [0, 1, 7],
      [0, 0, -2],
    ])
    expect(tg.countNonzero(x, { axis: 1 }).toArraySync()).toEqual([2, 1])
    expect(tg.countNonzero(x).dtype).toBe("i32")
    expect(tg.all(x, { axis: 0 }).toArraySync()).toEqual([false, false, true])
    expect(tg.any(x, { axis: 0, keepdims: true }).toArraySync()).toEqual([[false, true, true]])
    expect(tg.any(tg.tensor([Number.NaN, 0])).item()).toBe(true)
    expect(tg.all(tg.zeros([0])).item()).toBe(true)
    expect(tg.any(tg.zeros([0])).item()).toBe(false)
    expect(
      tg
        .tensor([
          [true, false],
          [true, true],
        ])
        .all({ axis: 1 })
        .toArraySync(),
    ).toEqual([false, true])
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 1 }), { maxLength: 12 }), (xs) => {
        const t = tg.tensor(Int32Array.from(xs), [xs.length])
        expect([tg.all(t).item(), tg.any(t).item(), tg.countNonzero(t).item()]).toEqual([
          xs.every((v) => v !== 0),
          xs.some((v) => v !== 0),
          xs.filter((v) => v !== 0).length,
        ])
      }),
    )
  })

  test("std with ddof (NumPy's name) and correction; means of integers promote to f32", () => {
    const d = randData([4, 5], 3)
    const m = meanOf(d)
    const ss = d.reduce((s, v) => s + (v - m) ** 2, 0)
    expect(tg.std(t64(d, [4, 5])).item()).toBeCloseTo(Math.sqrt(ss / 20), 12)
    expect(tg.std(t64(d, [4, 5]), { ddof: 1 }).item()).toBeCloseTo(Math.sqrt(ss / 19), 12)
    expect(tg.variance(t64(d, [4, 5]), { ddof: 1 }).item()).toBeCloseTo(ss / 19, 12)
    expect(t64(d, [4, 5]).std({ axis: 0, correction: 1 }).shape).toEqual([5])
    const i = tg.tensor(
      [
        [1, 2],
        [4, 4],
      ],
      { dtype: "i32" },
    )
    expect([tg.mean(i).dtype, tg.mean(i).item(), i.mean({ axis: 1 }).toArraySync()]).toEqual(["f32", 2.75, [1.5, 4]])
    expect(tg.mean(tg.tensor([true, false, true, true])).item()).toBe(0.75)
    expect(tg.std(tg.tensor([2, 4, 4, 6], { dtype: "i32" }), { ddof: 1 }).item()).toBeCloseTo(Math.sqrt(8 / 3), 6)
    checkGrads((t: tg.AnyTensor) => tg.std(t, { axis: 1, ddof: 1 }).sum(), [t64(d, [4, 5])])
  })

  test("softmax and logSoftmax over several axes normalise jointly", () => {
    const d = randData([2, 3, 4], 8)
    const y = tg.softmax(t64(d, [2, 3, 4]), { axis: [0, 2] }).dataSync()
    for (let j = 0; j < 3; j++) {
      const idx = [0, 1].flatMap((a) => [0, 1, 2, 3].map((c) => a * 12 + j * 4 + c))
      const z = idx.reduce((s, p) => s + Math.exp(d[p]!), 0)
      expectClose(
        idx.map((p) => y[p]!),
        idx.map((p) => Math.exp(d[p]!) / z),
        { rtol: 1e-12, atol: 1e-15 },
      )
    }
    expectClose(tg.logSoftmax(t64(d, [2, 3, 4]), { axis: [0, -1] }).dataSync(), Array.from(y).map(Math.log), { rtol: 1e-12, atol: 1e-12 })
    checkGrads(
      (t: tg.AnyTensor) => tg.mul(tg.softmax(t, { axis: [1, 2] }), t64(randData([2, 3, 4], 9), [2, 3, 4])).sum(),
      [t64(d, [2, 3, 4])],
    )
  })
})
