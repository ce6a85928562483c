// arraySplit, the stacks, repeat, tile, cumsum/cumprod and diff against plain loops with NumPy's
// semantics, and their gradients through checkGrads.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, fromFn, randData, ravel, t64 } from "./ref.js"

const arr = (n: number) => Array.from({ length: n }, (_, i) => i)

describe("arraySplit", () => {
  test("NumPy's array_split: the first len mod n parts hold one more; split points clip", () => {
    const parts = tg.arraySplit(t64(arr(7), [7]), 3).map((t) => t.toArraySync())
    expect(parts).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(tg.arraySplit(t64(arr(6), [6]), [1, 4]).map((t) => t.toArraySync())).toEqual([[0], [1, 2, 3], [4, 5]])
    expect(tg.arraySplit(t64(arr(4), [4]), [3, 1, 9]).map((t) => t.shape[0])).toEqual([3, 0, 3, 0])
    expect(tg.arraySplit(t64(arr(2), [2]), 4).map((t) => t.shape[0])).toEqual([1, 1, 0, 0])
    const cols = tg.arraySplit(t64(arr(12), [3, 4]), 2, -1)
    expect(cols[1]!.toArraySync()).toEqual([
      [2, 3],
      [6, 7],
      [10, 11],
    ])
    expect(() => tg.arraySplit(tg.zeros([3]), 0)).toThrow(ShapeError)
  })
  test("concatenating the parts gives the input back; gradient", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 5 }), (n, k) => {
        const x = t64(arr(n), [n])
        expect(tg.concat(tg.arraySplit(x, k)).toArraySync()).toEqual(arr(n))
      }),
    )
    checkGrads(
      (x: tg.AnyTensor) => {
        const [a, b] = tg.arraySplit(x, 2) as tg.AnyTensor[]
        return tg.mul(tg.sin(a!), 2).sum().add(b!.square().sum())
      },
      [t64([0.1, 0.5, -0.3, 0.8, 1.2], [5])],
    )
  })
})

describe("stacks", () => {
  test("vstack, hstack, dstack, columnStack follow NumPy's ranks", () => {
    const a = tg.tensor([1, 2]),
      b = tg.tensor([3, 4])
    expect(tg.vstack([a, b]).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tg.hstack([a, b]).toArraySync()).toEqual([1, 2, 3, 4])
    expect(tg.hstack([tg.tensor([[1], [2]]), tg.tensor([[3], [4]])]).toArraySync()).toEqual([
      [1, 3],
      [2, 4],
    ])
    expect(tg.dstack([a, b]).toArraySync()).toEqual([
      [
        [1, 3],
        [2, 4],
      ],
    ])
    expect(tg.dstack([tg.tensor([[1, 2]]), tg.tensor([[3, 4]])]).shape).toEqual([1, 2, 2])
    expect(tg.columnStack([a, b]).toArraySync()).toEqual([
      [1, 3],
      [2, 4],
    ])
    expect(tg.vstack([tg.tensor([[1, 2]]), a]).toArraySync()).toEqual([
      [1, 2],
      [1, 2],
    ])
    // an empty literal list is a compile error; an empty list known only at run time throws
    expect(() => tg.vstack([] as tg.AnyTensor[])).toThrow(ShapeError)
  })
})

describe("repeat and tile", () => {
  test("against plain loops", () => {
    const s = [2, 3],
      data = randData(s, 3)
    const r = tg.repeat(t64(data, s), 3, 1)
    expect(r.shape).toEqual([2, 9])
    expectClose(
      r.dataSync(),
      fromFn([2, 9], ([i, j]) => data[ravel([i!, Math.floor(j! / 3)], s)]!),
      { rtol: 0, atol: 0 },
    )
    expect(
      tg
        .repeat(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          2,
        )
        .toArraySync(),
    ).toEqual([1, 1, 2, 2, 3, 3, 4, 4])
    const t = tg.tile(t64(data, s), [2, 1, 2])
    expect(t.shape).toEqual([2, 2, 6])
    expectClose(
      t.dataSync(),
      fromFn([2, 2, 6], ([, i, j]) => data[ravel([i!, j! % 3], s)]!),
      { rtol: 0, atol: 0 },
    )
    expect(tg.tile(tg.tensor([1, 2]), 2).toArraySync()).toEqual([1, 2, 1, 2])
    // the gradient of repeat sums the copies
    expect(
      tg
        .grad((x: tg.AnyTensor) => tg.repeat(x, 3).sum())(t64([1, 2], [2]))
        .toArraySync(),
    ).toEqual([3, 3])
    checkGrads((x: tg.AnyTensor) => tg.tile(x, [2, 2]).square().sum(), [t64([0.5, -1], [2])])
  })
})

describe("cumsum, cumprod, diff", () => {
  test("against running sums and products over random shapes and axes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer(), (s, a, seed) => {
        const axis = a % s.length
        const data = randData(s, seed)
        const run = (f: (acc: number, v: number) => number) =>
          fromFn(s, (p) => {
            let acc =
              data[
                ravel(
                  p.map((v, d) => (d === axis ? 0 : v)),
                  s,
                )
              ]!
            for (let k = 1; k <= p[axis]!; k++)
              acc = f(
                acc,
                data[
                  ravel(
                    p.map((v, d) => (d === axis ? k : v)),
                    s,
                  )
                ]!,
              )
            return acc
          })
        expectClose(
          tg.cumsum(t64(data, s), axis).dataSync(),
          run((x, y) => x + y),
          { rtol: 1e-12, atol: 1e-12 },
        )
        expectClose(
          tg.cumprod(t64(data, s), axis).dataSync(),
          run((x, y) => x * y),
          { rtol: 1e-12, atol: 1e-12 },
        )
      }),
      { numRuns: 40 },
    )
    expect(
      tg
        .cumsum(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .toArraySync(),
    ).toEqual([1, 3, 6, 10])
  })
  test("gradients, including cumprod through a zero", () => {
    checkGrads((x: tg.AnyTensor) => tg.cumsum(x, 0).square().sum(), [t64([0.3, -1, 2, 0.5, 0.1], [5])], { order: 2 })
    checkGrads((x: tg.AnyTensor) => tg.cumprod(x, 1).sum(), [t64([0.3, 0, 2, 0.5, 1.5, -0.7], [2, 3])], { order: 2 })
    // d/dx_j Σ_i Π_{k≤i} x_k at x = [2, 0, 3]: [1, 2 + 2·3, 0]
    expect(
      tg
        .grad((x: tg.AnyTensor) => tg.cumprod(x, 0).sum())(t64([2, 0, 3], [3]))
        .toArraySync(),
    ).toEqual([1, 8, 0])
  })
  test("diff of order n along an axis", () => {
    expect(tg.diff(tg.tensor([1, 4, 9, 16])).toArraySync()).toEqual([3, 5, 7])
    expect(tg.diff(tg.tensor([1, 4, 9, 16]), 2).toArraySync()).toEqual([2, 2])
    expect(
      tg
        .diff(
          tg.tensor([
            [1, 2],
            [5, 3],
          ]),
          1,
          0,
        )
        .toArraySync(),
    ).toEqual([[4, 1]])
    expect(tg.diff(tg.tensor([1, 2]), 5).shape).toEqual([0])
    expect(tg.diff(tg.tensor([true, true, false])).toArraySync()).toEqual([false, true])
    checkGrads((x: tg.AnyTensor) => tg.diff(x, 2).square().sum(), [t64([0.3, -1, 2, 0.5], [4])])
  })
})
