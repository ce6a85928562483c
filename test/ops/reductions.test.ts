// Reductions and their composites vs brute-force loops over every axis subset.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { expectClose, fromFn, numel, randData, ravel, t64, unravel } from "./ref.js"

/** Reduce `data: shape` over `axes` with a fold over each output cell's group (brute force). */
const reduceRef = (data: ArrayLike<number>, shape: number[], axes: number[], f: (group: number[]) => number, keepdims = false) => {
  const out = shape.map((d, i) => (axes.includes(i) ? 1 : d))
  const groups: number[][] = Array.from({ length: numel(out) }, () => [])
  for (let i = 0; i < numel(shape); i++) {
    const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v))
    groups[ravel(idx, out)]!.push(data[i]!)
  }
  return { shape: keepdims ? out : shape.filter((_, i) => !axes.includes(i)), data: groups.map(f) }
}
const sumOf = (g: number[]) => g.reduce((a, b) => a + b, 0)
const meanOf = (g: number[]) => sumOf(g) / g.length
const varOf = (c: number) => (g: number[]) => {
  const m = meanOf(g)
  return sumOf(g.map((v) => (v - m) ** 2)) / Math.max(g.length - c, 0)
}
const folds = {
  sum: sumOf,
  prod: (g: number[]) => g.reduce((a, b) => a * b, 1),
  max: (g: number[]) => Math.max(...g),
  min: (g: number[]) => Math.min(...g),
  mean: meanOf,
  logsumexp: (g: number[]) => Math.log(sumOf(g.map(Math.exp))),
} as const

// a shape (rank 1–4, dims 1–4) and a subset of its axes (as negative or positive numbers)
const shapeAxes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.subarray(
      s.map((_, i) => i),
      { minLength: 1 },
    ),
    fc.boolean(),
    fc.boolean(),
    fc.integer(),
  ),
)

describe("reductions vs brute force over random axis subsets", () => {
  for (const [name, fold] of Object.entries(folds))
    test(`${name} (axes as given, negative, keepdims)`, () => {
      fc.assert(
        fc.property(shapeAxes, ([shape, axes, negate, keepdims, seed]) => {
          const data = randData(shape, seed, name === "prod" ? 0.5 : -2, name === "prod" ? 1.5 : 2)
          const ax = negate ? axes.map((a) => a - shape.length) : axes
          // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test looks ops up by name from its case table
          const got = (tg[name as keyof typeof folds] as (x: tg.AnyTensor, o: object) => tg.AnyTensor)(t64(data, shape), {
            axis: ax,
            keepdims,
          })
          const want = reduceRef(data, shape, axes, fold, keepdims)
          expect(got.shape).toEqual(want.shape)
          expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
        }),
        { numRuns: 30 },
      )
    })

  test("no axis reduces everything to rank 0", () => {
    const x = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tg.sum(x).shape).toEqual([])
    expect(x.sum().item()).toBe(21)
    expect(x.prod().item()).toBe(720)
    expect(x.max().item()).toBe(6)
    expect(x.min().item()).toBe(1)
    expect(x.mean().item()).toBe(3.5)
    expect(x.sum({ keepdims: true }).toArraySync()).toEqual([[21]])
    expect(x.sum({ axis: 1 }).toArraySync()).toEqual([6, 15])
    expect(x.sum({ axis: -2 }).toArraySync()).toEqual([5, 7, 9])
    expect(x.sum({ axis: [0, 1] }).item()).toBe(21)
  })

  test("f32 sums of many terms stay accurate (no naive f32 running sum)", () => {
    const n = 1_000_000,
      v = Math.fround(0.1)
    expect(Math.abs(tg.full([n], 0.1).sum().item() - n * v) / (n * v)).toBeLessThan(1e-6)
    expect(Math.abs(tg.full([1000, 1000], 0.1).mean().item() - v)).toBeLessThan(1e-7)
  })
  test("NaN propagates through max/min and maximum; argmax points at the NaN", () => {
    expect(tg.tensor([NaN, 1]).max().item()).toBeNaN()
    expect(tg.tensor([1, NaN]).min().item()).toBeNaN()
    expect(tg.tensor([1, NaN, 3]).argmax().item()).toBe(1)
    const m = tg.maximum(tg.tensor([1, NaN]), tg.tensor([NaN, 1])).toArraySync()
    expect(m.every(Number.isNaN)).toBe(true)
  })
  test("a rank-0 tensor reduces to itself", () => {
    expect(tg.sum(tg.scalar(4)).item()).toBe(4)
    expect(tg.max(tg.scalar(4)).item()).toBe(4)
  })

  test("i32 reductions stay i32", () => {
    const i = tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "i32" },
    )
    expect(i.sum({ axis: 0 }).dtype).toBe("i32")
    expect(i.sum({ axis: 0 }).toArraySync()).toEqual([4, 6])
    expect(i.max().item()).toBe(4)
    expect(i.prod().item()).toBe(24)
  })

  test("sum/prod over an empty axis give the identity; mean gives NaN", () => {
    expect(tg.zeros([0, 3]).sum({ axis: 0 }).toArraySync()).toEqual([0, 0, 0])
    expect(tg.zeros([0, 3]).prod({ axis: 0 }).toArraySync()).toEqual([1, 1, 1])
    expect(tg.zeros([0, 3]).sum({ axis: 1 }).shape).toEqual([0])
    expect(tg.zeros([0, 3]).sum().item()).toBe(0)
    expect(tg.zeros([0, 3]).mean({ axis: 0 }).toArraySync().every(Number.isNaN)).toBe(true)
  })
  test("max/min over an empty axis have no identity: ShapeError", () => {
    expect(() => tg.zeros([0, 3]).max({ axis: 0 })).toThrow(ShapeError)
    expect(() => tg.zeros([0, 3]).min()).toThrow(/cannot reduce the empty axis 0/)
    expect(tg.zeros([0, 3]).max({ axis: 1 }).shape).toEqual([0]) // reducing a non-empty axis of an empty tensor is fine
  })
})

describe("variance", () => {
  test("population and sample variance of 1..4 (closed form)", () => {
    const x = tg.tensor([1, 2, 3, 4])
    expect(x.variance().item()).toBeCloseTo(1.25, 6)
    expect(tg.variance(x, { correction: 1 }).item()).toBeCloseTo(5 / 3, 6)
  })
  test("along axes with keepdims vs brute force", () => {
    fc.assert(
      fc.property(shapeAxes, fc.constantFrom(0, 1), ([shape, axes, , keepdims, seed], c) => {
        const data = randData(shape, seed)
        const got = tg.variance(t64(data, shape), { axis: axes, keepdims, correction: c })
        const want = reduceRef(data, shape, axes, varOf(c), keepdims)
        expect(got.shape).toEqual(want.shape)
        expectClose(
          got.dataSync(),
          want.data.map((v) => (Number.isFinite(v) ? v : NaN)),
          { rtol: 1e-10, atol: 1e-12 },
        )
      }),
      { numRuns: 30 },
    )
  })
  test("is shift-invariant (a large offset does not destroy it)", () => {
    const v = t64([1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4], [4])
      .variance()
      .item()
    expect(v).toBeCloseTo(1.25, 6)
  })
})

describe("argmax / argmin", () => {
  test("along an axis, first index on ties, i32 result", () => {
    const x = tg.tensor([
      [1, 9, 9],
      [8, 2, 8],
      [-1, -1, -5],
    ])
    const am = tg.argmax(x, { axis: 1 })
    expect(am.dtype).toBe("i32")
    expect(am.toArraySync()).toEqual([1, 0, 0])
    expect(x.argmin({ axis: 1 }).toArraySync()).toEqual([0, 1, 2])
    expect(x.argmax({ axis: 0 }).toArraySync()).toEqual([1, 0, 0])
    expect(x.argmax({ axis: -1, keepdims: true }).toArraySync()).toEqual([[1], [0], [0]])
  })
  test("without an axis: the flat index", () => {
    const x = tg.tensor([
      [3, 1],
      [7, 0],
    ])
    expect(x.argmax().item()).toBe(2)
    expect(x.argmin().item()).toBe(3)
    expect(x.argmax().shape).toEqual([])
  })
  test("random tensors vs brute force", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer(), (shape, a, seed) => {
        const axis = a % shape.length
        const data = randData(shape, seed)
        const argOf = (better: (u: number, v: number) => boolean) => (g: number[]) =>
          g.reduce((bi, v, i) => (better(v, g[bi]!) ? i : bi), 0)
        const wantMax = reduceRef(
          data,
          shape,
          [axis],
          argOf((u, v) => u > v),
        )
        const wantMin = reduceRef(
          data,
          shape,
          [axis],
          argOf((u, v) => u < v),
        )
        expect(Array.from(tg.argmax(t64(data, shape), { axis }).dataSync())).toEqual(wantMax.data)
        expect(Array.from(tg.argmin(t64(data, shape), { axis }).dataSync())).toEqual(wantMin.data)
      }),
      { numRuns: 30 },
    )
  })
  test("empty tensor: ShapeError", () => {
    expect(() => tg.zeros([0]).argmax()).toThrow(ShapeError)
  })
})

describe("logsumexp, softmax, logSoftmax", () => {
  test("logsumexp of huge values does not overflow", () => {
    expect(tg.tensor([1000, 1000]).logsumexp().item()).toBeCloseTo(1000 + Math.LN2, 3)
    expect(t64([1e300, 1e300], [2]).logsumexp().item()).toBe(1e300)
    expect(tg.tensor([-1000, -1000]).logsumexp().item()).toBeCloseTo(-1000 + Math.LN2, 3)
    expect(
      tg
        .tensor([
          [1000, 0],
          [0, -1000],
        ])
        .logsumexp({ axis: 1 })
        .toArraySync(),
    ).toEqual([1000, 0])
  })
  test("logsumexp of all -inf is -inf, not NaN; +inf stays +inf", () => {
    expect(tg.tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity)
    expect(tg.tensor([Infinity, 0]).logsumexp().item()).toBe(Infinity)
  })
  test("over an empty axis: logsumexp is log 0 = −∞; softmax and logSoftmax return the empty tensor", () => {
    expect(tg.zeros([0, 3]).logsumexp({ axis: 0 }).toArraySync()).toEqual([-Infinity, -Infinity, -Infinity])
    expect(tg.logsumexp(tg.zeros([2, 0]), { axis: -1, keepdims: true }).toArraySync()).toEqual([[-Infinity], [-Infinity]])
    expect(tg.softmax(tg.zeros([0, 3]), { axis: 0 }).shape).toEqual([0, 3])
    expect(tg.logSoftmax(tg.zeros([2, 0])).shape).toEqual([2, 0])
    expect(tg.softmax(tg.zeros([0, 3])).shape).toEqual([0, 3])
  })
  test("softmax = exp(x)/Σexp(x) along each axis (brute force), rows sum to 1", () => {
    const shape = [3, 4, 5]
    const data = randData(shape, 9, -5, 5)
    for (const axis of [0, 1, 2, -1, -3]) {
      const a = (axis + 3) % 3
      const sums = reduceRef(data.map(Math.exp), shape, [a], sumOf, true)
      const want = fromFn(
        shape,
        (idx) =>
          Math.exp(data[ravel(idx, shape)]!) /
          sums.data[
            ravel(
              idx.map((v, d) => (d === a ? 0 : v)),
              sums.shape,
            )
          ]!,
      )
      expectClose(tg.softmax(t64(data, shape), { axis }).dataSync(), want, { rtol: 1e-12 })
      expectClose(tg.logSoftmax(t64(data, shape), { axis }).dataSync(), want.map(Math.log), { rtol: 1e-12 })
    }
  })
  test("softmax defaults to the last axis and is stable for huge logits", () => {
    expectClose(tg.softmax(tg.tensor([0, Math.log(3)])).toArraySync(), [0.25, 0.75])
    expect(
      tg
        .tensor([[1000, 1000]])
        .softmax()
        .toArraySync(),
    ).toEqual([[0.5, 0.5]])
    expectClose(tg.tensor([1000, 0]).logSoftmax().toArraySync(), [0, -1000])
    expectClose(
      tg
        .tensor([[0, 0]])
        .logSoftmax()
        .toArraySync(),
      [[-Math.LN2, -Math.LN2]],
    )
  })
})

describe("norm", () => {
  const x = [
    [3, -4, 0],
    [1, 2, -2],
  ]
  test("ord 2 (default), 1 and ∞ over everything", () => {
    const t = tg.tensor(x)
    expect(t.norm().item()).toBeCloseTo(Math.sqrt(9 + 16 + 1 + 4 + 4), 5)
    expect(tg.norm(t, { ord: 1 }).item()).toBe(12)
    expect(tg.norm(t, { ord: Infinity }).item()).toBe(4)
  })
  test("along axes, negative axes, keepdims", () => {
    const t = tg.tensor(x)
    expectClose(t.norm({ axis: 1 }).toArraySync(), [5, 3])
    expectClose(t.norm({ axis: -1, ord: 1 }).toArraySync(), [7, 5])
    expectClose(t.norm({ axis: 0, ord: Infinity, keepdims: true }).toArraySync(), [[3, 4, 2]])
    expectClose(t.norm({ axis: 0, keepdims: true }).toArraySync(), [[Math.sqrt(10), Math.sqrt(20), 2]])
  })
  test("random vs brute force", () => {
    fc.assert(
      fc.property(shapeAxes, fc.constantFrom<1 | 2 | typeof Infinity>(1, 2, Infinity), ([shape, axes, , keepdims, seed], ord) => {
        const data = randData(shape, seed)
        const fold =
          ord === 1
            ? (g: number[]) => sumOf(g.map(Math.abs))
            : ord === 2
              ? (g: number[]) => Math.sqrt(sumOf(g.map((v) => v * v)))
              : (g: number[]) => Math.max(...g.map(Math.abs))
        const want = reduceRef(data, shape, axes, fold, keepdims)
        const got = tg.norm(t64(data, shape), { axis: axes, keepdims, ord })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12 })
      }),
      { numRuns: 30 },
    )
  })
  test("an unsupported ord throws", () => {
    expect(() => tg.norm(tg.tensor([1]), { ord: 3 as 2 })).toThrow(/norm: ord must be 1, 2 or Infinity, got 3/)
  })
})
