// roll, rot90, hsplit/vsplit/dsplit, append, broadcastArrays, several-axis unsqueeze and select against
// index arithmetic written out by hand (NumPy's semantics), with gradients through checkGrads.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { fromFn, randData, ravel, t64 } from "./ref.js"

const arr = (n: number) => Array.from({ length: n }, (_, i) => i)
const mod = (a: number, n: number) => ((a % n) + n) % n

describe("roll", () => {
  test("hand-worked values: flat, one axis, several axes, negative and large shifts", () => {
    expect(tg.roll(tg.tensor([1, 2, 3, 4, 5]), 2).toArraySync()).toEqual([4, 5, 1, 2, 3])
    expect(tg.roll(tg.tensor([1, 2, 3, 4, 5]), -7).toArraySync()).toEqual([3, 4, 5, 1, 2])
    expect(
      tg
        .roll(
          tg.tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          1,
        )
        .toArraySync(),
    ).toEqual([
      [6, 1, 2],
      [3, 4, 5],
    ])
    expect(
      tg
        .roll(
          tg.tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          -1,
          1,
        )
        .toArraySync(),
    ).toEqual([
      [2, 3, 1],
      [5, 6, 4],
    ])
    expect(
      tg
        .roll(
          tg.tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          [1, 1],
          [0, 1],
        )
        .toArraySync(),
    ).toEqual([
      [6, 4, 5],
      [3, 1, 2],
    ])
    // an axis listed twice rolls by the sum
    expect(tg.roll(tg.tensor([1, 2, 3]), [1, 1], [0, 0]).toArraySync()).toEqual([2, 3, 1])
    expect(tg.roll(tg.zeros([0, 2]), 3, 0).shape).toEqual([0, 2])
    expect(() => tg.roll(tg.zeros([3]), [1, 2])).toThrow(ShapeError)
    expect(() => tg.roll(tg.zeros([3]), 1, 2)).toThrow(ShapeError)
  })

  test("against out[i] = x[(i − shift) mod n] over random shapes; gradient rolls back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.integer({ min: -12, max: 12 }),
        (s, a, k) => {
          const axis = a % s.length
          const data = randData(s, a + k)
          const want = fromFn(
            s,
            (p) =>
              data[
                ravel(
                  p.map((v, d) => (d === axis ? mod(v - k, s[d]!) : v)),
                  s,
                )
              ]!,
          )
          expect(Array.from(tg.roll(t64(data, s), k, axis).dataSync())).toEqual(want)
        },
      ),
      { numRuns: 50 },
    )
    checkGrads((x: tg.AnyTensor) => tg.mul(tg.roll(x, 2, 1), t64(arr(6), [2, 3])).sum(), [t64(randData([2, 3], 1), [2, 3])])
  })
})

describe("rot90", () => {
  test("NumPy's rot90 by hand for k = 0…3 and negative k; other planes", () => {
    const m = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tg.rot90(m, 0).toArraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tg.rot90(m).toArraySync()).toEqual([
      [3, 6],
      [2, 5],
      [1, 4],
    ])
    expect(tg.rot90(m, 2).toArraySync()).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ])
    expect(tg.rot90(m, 3).toArraySync()).toEqual([
      [4, 1],
      [5, 2],
      [6, 3],
    ])
    expect(tg.rot90(m, -1).toArraySync()).toEqual(tg.rot90(m, 3).toArraySync())
    expect(tg.rot90(m, 1, [1, 0]).toArraySync()).toEqual(tg.rot90(m, 3).toArraySync())
    // in the plane of axes (1, 2) of a stack: out[b, i, j] = x[b, j, n − 1 − i]
    const s = [2, 2, 3],
      data = arr(12)
    expect(Array.from(tg.rot90(t64(data, s), 1, [1, 2]).dataSync())).toEqual(
      fromFn([2, 3, 2], ([b, i, j]) => data[ravel([b!, j!, 2 - i!], s)]!),
    )
    expect(() => tg.rot90(tg.zeros([3]))).toThrow(ShapeError)
    expect(() => tg.rot90(tg.zeros([2, 2]), 1, [0, 0])).toThrow(ShapeError)
    checkGrads((x: tg.AnyTensor) => tg.mul(tg.rot90(x), t64(arr(6), [3, 2])).sum(), [t64(randData([2, 3], 2), [2, 3])])
  })
})

describe("hsplit, vsplit, dsplit, append", () => {
  test("NumPy's axis choice by rank; unequal parts are an error; split points", () => {
    expect(tg.hsplit(tg.tensor([1, 2, 3, 4]), 2).map((t) => t.toArraySync())).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tg.hsplit(tg.tensor([[1, 2, 3, 4]]), 2).map((t) => t.toArraySync())).toEqual([[[1, 2]], [[3, 4]]])
    expect(
      tg
        .vsplit(
          tg.tensor([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
          [1],
        )
        .map((t) => t.toArraySync()),
    ).toEqual([
      [[1, 2]],
      [
        [3, 4],
        [5, 6],
      ],
    ])
    expect(tg.dsplit(t64(arr(8), [1, 2, 4]), 2).map((t) => t.toArraySync())).toEqual([
      [
        [
          [0, 1],
          [4, 5],
        ],
      ],
      [
        [
          [2, 3],
          [6, 7],
        ],
      ],
    ])
    expect(() => tg.hsplit(tg.zeros([2, 3]), 2)).toThrow(ShapeError)
    expect(() => tg.vsplit(tg.zeros([4]), 2)).toThrow(ShapeError)
    expect(() => tg.dsplit(tg.zeros([2, 2]), 1)).toThrow(ShapeError)
  })

  test("append flattens without an axis, joins along one with it, promotes dtypes", () => {
    expect(
      tg
        .append(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          tg.tensor([5, 6]),
        )
        .toArraySync(),
    ).toEqual([1, 2, 3, 4, 5, 6])
    expect(tg.append(tg.tensor([[1, 2]]), tg.tensor([[3, 4]]), 0).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tg.append(tg.tensor([[1], [2]]), tg.tensor([[3], [4]]), -1).toArraySync()).toEqual([
      [1, 3],
      [2, 4],
    ])
    expect(tg.append(tg.tensor([1], { dtype: "i32" }), tg.tensor([0.5])).toArraySync()).toEqual([1, 0.5])
    expect(() => tg.append(tg.zeros([2, 2]), tg.zeros([2]), 0)).toThrow(ShapeError)
    checkGrads((a: tg.AnyTensor, b: tg.AnyTensor) => tg.append(a, b, 0).square().sum(), [t64([1, 2], [1, 2]), t64([0.5, -1], [1, 2])])
  })
})

describe("broadcastArrays and unsqueeze with several axes", () => {
  test("broadcastArrays gives every input the common shape; the gradient sums back", () => {
    const [a, b, c] = tg.broadcastArrays([tg.tensor([[1], [2]]), tg.tensor([10, 20, 30]), tg.scalar(7)])
    expect([a!.shape, b!.shape, c!.shape]).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
    ])
    expect(a!.toArraySync()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ])
    expect(b!.toArraySync()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
    ])
    expect(tg.broadcastArrays([])).toEqual([])
    expect(() => tg.broadcastArrays([tg.zeros([2]), tg.zeros([3])])).toThrow(ShapeError)
    const g = tg.grad((x: tg.AnyTensor) => tg.broadcastArrays([x, tg.zeros([4, 3])])[0]!.sum())(t64([1, 2, 3], [3]))
    expect(Array.from(g.dataSync())).toEqual([4, 4, 4])
  })

  test("unsqueeze with a list places size-1 axes at the result's positions (NumPy's expand_dims)", () => {
    expect(tg.unsqueeze(tg.zeros([3, 4]), [0, -1]).shape).toEqual([1, 3, 4, 1])
    expect(tg.unsqueeze(tg.zeros([3, 4]), [1, 3]).shape).toEqual([3, 1, 4, 1])
    expect(tg.unsqueeze(tg.zeros([3]), [2, 0]).shape).toEqual([1, 3, 1])
    expect(tg.unsqueeze(tg.tensor([1, 2]), [0, 1]).toArraySync()).toEqual([[[1, 2]]])
    expect(() => tg.unsqueeze(tg.zeros([3]), [0, 0])).toThrow(ShapeError)
    expect(() => tg.unsqueeze(tg.zeros([3]), [0, 3])).toThrow(ShapeError)
  })
})

describe("select", () => {
  test("the first true condition wins, else the fallback; masks broadcast; gradient to the chosen branch", () => {
    const x = tg.tensor([-2, 0, 3, 5])
    expect(tg.select([x.lt(0), x.gt(0)], [x.neg(), x.mul(10)], -1).toArraySync()).toEqual([2, -1, 30, 50])
    // overlapping conditions: the earlier one wins
    expect(tg.select([x.gt(2), x.gt(0)], [tg.full([4], 1), tg.full([4], 2)]).toArraySync()).toEqual([0, 0, 1, 1])
    expect(tg.select([tg.tensor([[true], [false]])], [tg.tensor([1, 2])], tg.tensor([7, 8])).toArraySync()).toEqual([
      [1, 2],
      [7, 8],
    ])
    const d = randData([5], 4)
    const want = d.map((v) => (v < -0.5 ? v * v : v < 0.5 ? 2 * v : 0))
    expect(
      Array.from(tg.select([t64(d, [5]).lt(-0.5), t64(d, [5]).lt(0.5)], [t64(d, [5]).square(), t64(d, [5]).mul(2)]).dataSync()),
    ).toEqual(want)
    expect(() => tg.select([x.lt(0)], [])).toThrow(ShapeError)
    expect(() => tg.select([x], [x])).toThrow(tg.DTypeError)
    checkGrads((t: tg.AnyTensor) => tg.select([t.lt(0)], [t.square()], t.mul(3)).sum(), [t64([-1.5, 0.7, 2], [3])])
  })
})
