// sort/argsort, searchsorted, unique and cummax/cummin against plain-JS references with NumPy's
// semantics (stable order, NaN last, equal NaNs in unique), on random shapes and axes, plus their
// gradients through checkGrads.
import fc from "fast-check"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { bitonicArgsort } from "../../src/ops/api/sort-network.js"
import { numel, randData, ravel, t64 } from "./ref.js"

/** JS's stable sort with NumPy's order: numbers ascending, NaN after them. */
const refArgsort = (row: ReadonlyArray<number>, descending = false): number[] =>
  row
    .map((_, i) => i)
    .sort((i, j) => {
      const a = row[i]!,
        b = row[j]!
      const na = Number.isNaN(a),
        nb = Number.isNaN(b)
      if (na || nb) return na === nb ? 0 : (na ? 1 : -1) * (descending ? -1 : 1)
      return a === b ? 0 : (a < b ? -1 : 1) * (descending ? -1 : 1)
    })

/** The rows of `data: s` along `axis`: [row, positions] for every combination of the other axes. */
const rows = (data: ReadonlyArray<number>, s: ReadonlyArray<number>, axis: number): Array<{ at: number[]; values: number[] }> => {
  const outer = s.map((n, d) => (d === axis ? 1 : n))
  return Array.from({ length: numel(outer) }, (_, r) => {
    const p0: number[] = []
    let rem = r
    for (let d = outer.length - 1; d >= 0; d--) {
      p0[d] = rem % outer[d]!
      rem = Math.floor(rem / outer[d]!)
    }
    const at = Array.from({ length: s[axis]! }, (_, k) =>
      ravel(
        p0.map((v, d) => (d === axis ? k : v)),
        s,
      ),
    )
    return { at, values: at.map((i) => data[i]!) }
  })
}

/** Data with ties (small integers) and the odd NaN. */
const tiedData = (s: ReadonlyArray<number>, seed: number) =>
  randData(s, seed).map((v, i) => (i % 7 === 3 ? Number.NaN : Math.round(v * 2) + 0))

describe("sort and argsort", () => {
  test("hand-worked values: NaN last, stable ties, descending keeps ties in order with NaN first", () => {
    expect(tg.sort(tg.tensor([3, Number.NaN, 1, 2, -Infinity, Infinity])).toArraySync()).toEqual([-Infinity, 1, 2, 3, Infinity, Number.NaN])
    expect(tg.argsort(tg.tensor([2, 1, 2, 1, 0])).toArraySync()).toEqual([4, 1, 3, 0, 2])
    expect(tg.argsort(tg.tensor([2, 1, 2, 1, 0]), { descending: true }).toArraySync()).toEqual([0, 2, 1, 3, 4])
    expect(tg.sort(tg.tensor([1, Number.NaN, 3]), { descending: true }).toArraySync()).toEqual([Number.NaN, 3, 1])
    expect(
      tg
        .sort(
          tg.tensor([
            [3, 1],
            [0, 5],
          ]),
          { axis: 0 },
        )
        .toArraySync(),
    ).toEqual([
      [0, 1],
      [3, 5],
    ])
    expect(tg.sort(tg.tensor([5, -3, 7], { dtype: "i32" })).toArraySync()).toEqual([-3, 5, 7])
    expect(tg.sort(tg.tensor([2147483647, -2147483648, 0], { dtype: "i32" }), { descending: true }).toArraySync()).toEqual([
      2147483647, 0, -2147483648,
    ])
    expect(tg.argsort(tg.tensor([true, false, true])).toArraySync()).toEqual([1, 0, 2])
    // empty and single-entry axes
    expect(tg.sort(tg.zeros([2, 0])).shape).toEqual([2, 0])
    expect(tg.argsort(tg.zeros([0])).dtype).toBe("i32")
    expect(tg.sort(tg.tensor([[4]])).toArraySync()).toEqual([[4]])
    expect(() => tg.sort(tg.scalar(1))).toThrow(ShapeError)
    expect(() => tg.sort(tg.zeros([2]), { axis: 1 })).toThrow(ShapeError)
  })

  test("against a stable JS sort over random shapes, axes, directions, with ties and NaN", () => {
    const arb = fc.tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.boolean(), fc.integer())
    fc.assert(
      fc.property(arb, ([s, a, descending, seed]) => {
        const axis = a % s.length
        const data = tiedData(s, seed)
        const got = Array.from(tg.argsort(t64(data, s), { axis: axis - s.length, descending }).dataSync())
        const vals = Array.from(tg.sort(t64(data, s), { axis, descending }).dataSync())
        for (const { at, values } of rows(data, s, axis)) {
          const want = refArgsort(values, descending)
          expect(at.map((i) => got[i])).toEqual(want)
          expect(at.map((i) => vals[i])).toEqual(want.map((k) => values[k]))
        }
      }),
      { numRuns: 60 },
    )
  })

  test("long rows (not a power of two) sort exactly", () => {
    const n = 1000
    const data = randData([3, n], 11)
    const got = tg.sort(t64(data, [3, n])).dataSync()
    for (let r = 0; r < 3; r++) {
      const want = data.slice(r * n, (r + 1) * n).sort((x, y) => x - y)
      expect(Array.from(got.slice(r * n, (r + 1) * n))).toEqual(want)
    }
  })

  test("gradient: each sorted entry's cotangent returns to where it came from; jit and vmap agree", () => {
    const x = t64([0.3, -1.2, 2.5, 0.7, -0.1], [5])
    checkGrads((t: tg.AnyTensor) => tg.mul(tg.sort(t), t64([1, 2, 3, 4, 5], [5])).sum(), [x])
    checkGrads(
      (t: tg.AnyTensor) => tg.sort(t, { axis: 0, descending: true }).square().sum({ axis: 0 }).sum(),
      [t64(randData([4, 3], 5), [4, 3])],
    )
    // d/dx Σ w_k·sort(x)_k = w at each entry's rank
    const g = tg.grad((t: tg.AnyTensor) => tg.mul(tg.sort(t), t64([1, 2, 3, 4, 5], [5])).sum())(x)
    expect(Array.from(g.dataSync())).toEqual([3, 1, 5, 4, 2])
    const m = t64(tiedData([4, 6], 3), [4, 6])
    expect(
      Array.from(
        tg
          .jit((t: tg.AnyTensor) => tg.sort(t))(m)
          .dataSync(),
      ),
    ).toEqual(Array.from(tg.sort(m).dataSync()))
    expect(
      Array.from(
        tg
          .vmap((t: tg.AnyTensor) => tg.argsort(t))(m)
          .dataSync(),
      ),
    ).toEqual(Array.from(tg.argsort(m).dataSync()))
  })
})

describe("the sorting network (long rows on a GPU)", () => {
  test("gives the stable NaN-last permutation of the last axis, both directions, any length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (r, n, descending, int, seed) => {
          const s = [r, n]
          const data = tiedData(s, seed).map((v) => (int ? (Number.isNaN(v) ? 2147483647 : v * 1e8) : v))
          const x: tg.AnyTensor = int ? tg.tensor(Int32Array.from(data), s) : t64(data, s)
          const got = Array.from(bitonicArgsort(x, descending).dataSync() as Int32Array)
          for (const { at, values } of rows(data, s, 1)) expect(at.map((i) => got[i])).toEqual(refArgsort(values, descending))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe("searchsorted", () => {
  test("hand-worked values, both sides, NaN and the ends", () => {
    const a = tg.tensor([1, 2, 2, 3, Number.NaN])
    expect(tg.searchsorted(a, tg.tensor([0, 1, 2, 2.5, 3, 9, Number.NaN])).toArraySync()).toEqual([0, 0, 1, 3, 3, 4, 4])
    expect(tg.searchsorted(a, tg.tensor([0, 1, 2, 2.5, 3, 9, Number.NaN]), { side: "right" }).toArraySync()).toEqual([0, 1, 3, 3, 4, 4, 5])
    expect(tg.searchsorted(tg.zeros([0]), tg.tensor([[1, 2]])).toArraySync()).toEqual([[0, 0]])
    expect(() => tg.searchsorted(tg.zeros([2, 2]), tg.zeros([1]))).toThrow(ShapeError)
    expect(() => tg.searchsorted(tg.zeros([2]), tg.zeros([1], { dtype: "i32" }) as never)).toThrow(DTypeError)
  })

  test("against counting, over random sorted arrays with repeats", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: -7, max: 7 }), { minLength: 1, maxLength: 8 }),
        (raw, vs) => {
          const a = [...raw].sort((x, y) => x - y)
          const at = tg.tensor(Int32Array.from(a), [a.length]),
            vt = tg.tensor(Int32Array.from(vs), [vs.length])
          expect(Array.from(tg.searchsorted(at, vt).dataSync())).toEqual(vs.map((v) => a.filter((x) => x < v).length))
          expect(Array.from(tg.searchsorted(at, vt, { side: "right" }).dataSync())).toEqual(vs.map((v) => a.filter((x) => x <= v).length))
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe("unique", () => {
  test("values, first indices, inverse and counts as NumPy's unique; NaNs collapse into one", async () => {
    const u = tg.uniqueSync(
      tg.tensor([
        [3, Number.NaN, 1],
        [3, Number.NaN, 2],
      ]),
    )
    expect(u.values.toArraySync()).toEqual([1, 2, 3, Number.NaN])
    expect(u.indices.toArraySync()).toEqual([2, 5, 0, 1])
    expect(u.inverse.toArraySync()).toEqual([2, 3, 0, 2, 3, 1])
    expect(u.counts.toArraySync()).toEqual([1, 1, 2, 2])
    const e = tg.uniqueSync(tg.zeros([0], { dtype: "i32" }))
    expect([e.values.shape, e.values.dtype, e.counts.shape]).toEqual([[0], "i32", [0]])
    const viaEffect = await Effect.runPromise(tg.unique(tg.tensor([true, false, true])))
    expect(viaEffect.values.toArraySync()).toEqual([false, true])
    expect(viaEffect.counts.toArraySync()).toEqual([1, 2])
    // its size depends on the data: eager only
    expect(() => tg.jit((x: tg.AnyTensor) => tg.uniqueSync(x as tg.Tensor<number[], "f32", "cpu">).values)(tg.tensor([1, 1]))).toThrow(
      tg.TracerLeak,
    )
  })

  test("rebuilds its input: values[inverse] is the flattened input, counts sum to its size", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 30 }), (xs) => {
        const u = tg.uniqueSync(tg.tensor(Int32Array.from(xs), [xs.length]))
        const vals = Array.from(u.values.dataSync())
        expect(vals).toEqual([...new Set(xs)].sort((a, b) => a - b))
        expect(Array.from(u.inverse.dataSync()).map((k) => vals[k])).toEqual(xs)
        expect(Array.from(u.counts.dataSync())).toEqual(vals.map((v) => xs.filter((x) => x === v).length))
        expect(Array.from(u.indices.dataSync())).toEqual(vals.map((v) => xs.indexOf(v)))
      }),
      { numRuns: 50 },
    )
  })
})

describe("cummax and cummin", () => {
  test("against running extremes over random shapes and axes; NaN propagates", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer(), (s, a, seed) => {
        const axis = a % s.length
        const data = tiedData(s, seed)
        for (const [op, f] of [
          [tg.cummax, Math.max],
          [tg.cummin, Math.min],
        ] as const) {
          const got = Array.from(op(t64(data, s), axis).dataSync())
          for (const { at, values } of rows(data, s, axis)) {
            let acc = values[0]!
            // Math.max/min propagate NaN, as NumPy's maximum/minimum.accumulate do
            expect(at.map((i) => got[i])).toEqual(values.map((v, k) => (acc = k === 0 ? v : f(acc, v))))
          }
        }
      }),
      { numRuns: 40 },
    )
    expect(
      tg
        .cummax(
          tg.tensor([
            [1, 3],
            [2, 0],
          ]),
        )
        .toArraySync(),
    ).toEqual([1, 3, 3, 3])
    expect(tg.cummin(tg.tensor([5, -2147483648, 7], { dtype: "i32" }), 0).toArraySync()).toEqual([5, -2147483648, -2147483648])
    expect(tg.cummax(tg.tensor([-Infinity, -Infinity]), 0).toArraySync()).toEqual([-Infinity, -Infinity])
    expect(tg.cummax(tg.zeros([0, 3]), 0).shape).toEqual([0, 3])
    expect(() => tg.cummax(tg.tensor([true]), 0)).toThrow(ShapeError)
  })

  test("gradient flows to the entry attaining each running extreme", () => {
    const x = t64([0.5, -0.3, 1.7, 0.2, 2.4, 1.1], [6])
    checkGrads((t: tg.AnyTensor) => tg.mul(tg.cummax(t, 0), t64([1, 2, 3, 4, 5, 6], [6])).sum(), [x])
    checkGrads((t: tg.AnyTensor) => tg.cummin(t, 1).square().sum(), [t64(randData([3, 4], 9), [3, 4])])
    // running max = [0.5, 0.5, 1.7, 1.7, 2.4, 2.4]: entry 0 gets 1 + 2, entry 2 gets 3 + 4, entry 4 gets 5 + 6
    expect(
      Array.from(
        tg
          .grad((t: tg.AnyTensor) => tg.mul(tg.cummax(t, 0), t64([1, 2, 3, 4, 5, 6], [6])).sum())(x)
          .dataSync(),
      ),
    ).toEqual([3, 0, 7, 0, 11, 0])
  })
})
