// take/takeAlongAxis/scatterAdd, flip, oneHot and topk against plain-loop references with NumPy's
// semantics, and their gradients through checkGrads.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, fromFn, numel, randData, ravel, t64, unravel } from "./ref.js"

const i32 = (data: ReadonlyArray<number>, shape: ReadonlyArray<number>) => tg.tensor(Int32Array.from(data), [...shape] as number[])
/** NumPy's index rule here: negative from the end, then clamped (JAX's gather). */
const norm = (k: number, n: number) => Math.min(Math.max(k < 0 ? k + n : k, 0), n - 1)

describe("takeAlongAxis and scatterAdd", () => {
  test("hand-worked values, negative and repeated indices", () => {
    const x = tg.tensor([
      [10, 30, 20],
      [60, 40, 50],
    ])
    expect(tg.takeAlongAxis(x, i32([1, -1, 0, 0], [2, 2]), 1).toArraySync()).toEqual([
      [30, 20],
      [60, 60],
    ])
    expect(tg.takeAlongAxis(x, i32([1, 0, 1], [1, 3]), 0).toArraySync()).toEqual([[60, 30, 50]])
    expect(tg.scatterAdd(tg.tensor([1, 2, 3, 4]), i32([0, 2, 0, -1], [4]), 0, 3).toArraySync()).toEqual([4, 0, 6])
  })

  test("random shapes against a plain loop, and scatterAdd is the adjoint of takeAlongAxis", () => {
    const arb = fc.tuple(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.integer({ min: 0, max: 5 }),
      fc.integer(),
    )
    fc.assert(
      fc.property(arb, ([s, a, m, seed]) => {
        const axis = a % s.length
        const is = s.map((d, i) => (i === axis ? m : d))
        const data = randData(s, seed)
        const idx = randData(is, seed + 1).map((v) => Math.round(v * 3))
        const want = fromFn(
          is,
          (p) =>
            data[
              ravel(
                p.map((v, d) => (d === axis ? norm(idx[ravel(p, is)]!, s[axis]!) : v)),
                s,
              )
            ]!,
        )
        const got = tg.takeAlongAxis(t64(data, s), i32(idx, is), axis)
        expect(got.shape).toEqual(is)
        expectClose(got.dataSync(), want, { rtol: 0, atol: 0 })
        const u = randData(is, seed + 2)
        const sc = new Array<number>(numel(s)).fill(0)
        u.forEach((v, q) => {
          const p = unravel(q, is)
          p[axis] = norm(idx[q]!, s[axis]!)
          sc[ravel(p, s)] = sc[ravel(p, s)]! + v
        })
        expectClose(tg.scatterAdd(t64(u, is), i32(idx, is), axis, s[axis]!).dataSync(), sc, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 40 },
    )
  })

  test("gradients (checkGrads, both modes, second order) and jit = eager", () => {
    const idx = i32([2, 0, 0, 1, 1, 2], [2, 3])
    const x = t64([0.3, -1.2, 0.7, 2.1, -0.4, 0.9], [2, 3])
    checkGrads((a: tg.AnyTensor) => tg.sin(tg.takeAlongAxis(a, idx as never, 1)).sum(), [x], { order: 2 })
    checkGrads(
      (u: tg.AnyTensor) =>
        tg
          .scatterAdd(u, idx as never, 1, 4)
          .square()
          .sum(),
      [x],
      { order: 2 },
    )
    const f = (a: typeof x) => tg.takeAlongAxis(a, idx as never, 1)
    expect(tg.jit(f)(x).toArraySync()).toEqual(f(x).toArraySync())
  })

  test("vmap over a batch of index tensors equals a loop", () => {
    const x = t64([1, 2, 3, 4], [4])
    const idx = i32([3, 0, 1, 1, 2, 2], [2, 3])
    const got = tg.vmap((i: tg.AnyTensor) => tg.takeAlongAxis(x, i as never, 0))(idx)
    expect(got.toArraySync()).toEqual([
      [4, 1, 2],
      [2, 3, 3],
    ])
  })

  test("typed errors", () => {
    const x = tg.zeros([2, 3] as number[])
    expect(() => tg.takeAlongAxis(x, i32([0, 0, 0], [3, 1]), 1)).toThrow(ShapeError)
    expect(() => tg.takeAlongAxis(x, tg.zeros([2, 1]) as never, 1)).toThrow(DTypeError)
    expect(() => tg.takeAlongAxis(x, i32([0, 0], [2, 1]), 2)).toThrow("takeAlongAxis: axis 2 out of range for rank 2")
    expect(() => tg.takeAlongAxis(tg.zeros([2, 0] as number[]), i32([0, 0], [2, 1]), 1)).toThrow("cannot index the empty axis 1")
  })
})

describe("take", () => {
  test("NumPy's take with an axis: the axis becomes the index's shape", () => {
    const s = [3, 4, 2],
      data = randData(s, 7)
    const idx = [
      [3, -1, 0],
      [1, 1, 2],
    ]
    const got = tg.take(t64(data, s), i32(idx.flat(), [2, 3]), 1)
    expect(got.shape).toEqual([3, 2, 3, 2])
    const want = fromFn([3, 2, 3, 2], ([a, i, j, b]) => data[ravel([a!, norm(idx[i!]![j!]!, 4), b!], s)]!)
    expectClose(got.dataSync(), want, { rtol: 0, atol: 0 })
    expect(tg.take(tg.tensor([5, 6, 7]), i32([2], [1]), -1).toArraySync()).toEqual([7])
    checkGrads(
      (a: tg.AnyTensor) =>
        tg
          .take(a, i32([1, 1, 0], [3]) as never, 0)
          .square()
          .sum(),
      [t64([0.5, -1.5], [2])],
    )
  })
})

describe("flip", () => {
  test("reverses the chosen axes (all by default), gradient flips back", () => {
    const x = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tg.flip(x, 1).toArraySync()).toEqual([
      [3, 2, 1],
      [6, 5, 4],
    ])
    expect(tg.flip(x, -2).toArraySync()).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ])
    expect(tg.flip(x).toArraySync()).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ])
    expect(tg.flip(tg.zeros([0, 2])).shape).toEqual([0, 2])
    const w = t64([1, -2, 3], [3])
    const g = tg.grad((a: typeof w) => tg.mul(tg.flip(a), w).sum())(t64([0, 0, 0], [3]))
    expect(g.toArraySync()).toEqual([3, -2, 1])
    expect(() => tg.flip(x, [1, -1])).toThrow(ShapeError)
  })
})

describe("oneHot", () => {
  test("rows of the identity; out-of-range indices give zero rows", () => {
    expect(tg.oneHot(i32([2, 0, -1, 3], [4]), 3).toArraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ])
    const y = tg.oneHot(i32([1, 0], [1, 2]), 2, { dtype: "i32" })
    expect(y.dtype).toBe("i32")
    expect(y.toArraySync()).toEqual([
      [
        [0, 1],
        [1, 0],
      ],
    ])
  })
})

describe("topk", () => {
  /** Reference: a stable sort of the row by descending value, NaN first. */
  const refTop = (row: number[], k: number) => {
    const order = row
      .map((_v, i) => i)
      .sort((a, b) => {
        const [x, y] = [row[a]!, row[b]!]
        if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? -1 : 1
        return x === y || (Number.isNaN(x) && Number.isNaN(y)) ? a - b : y - x
      })
    return order.slice(0, k)
  }

  test("descending values and indices; ties keep the lower index; NaN and -inf", () => {
    const [v, i] = tg.topk(tg.tensor([1, 5, 3, 5]), 2)
    expect(v.toArraySync()).toEqual([5, 5])
    expect(i.toArraySync()).toEqual([1, 3])
    const row = [-Infinity, Number.NaN, 2, -Infinity, 2]
    const [v2, i2] = tg.topk(t64(row, [5]), 5)
    expect(Array.from(i2.dataSync())).toEqual(refTop(row, 5))
    expect(Array.from(v2.dataSync())).toEqual([Number.NaN, 2, 2, -Infinity, -Infinity])
  })

  test("random rows against a stable sort, with ties", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 7 }), fc.nat(), fc.integer(), (rows, n, kk, seed) => {
        const k = kk % (n + 1)
        const data = randData([rows, n], seed).map((v) => Math.round(v * 2))
        const [vals, idx] = tg.topk(t64(data, [rows, n]), k)
        expect(idx.shape).toEqual([rows, k])
        const want = Array.from({ length: rows }, (_, r) => refTop(data.slice(r * n, r * n + n), k)).flat()
        expect(Array.from(idx.dataSync())).toEqual(want)
        expect(Array.from(vals.dataSync())).toEqual(want.map((j, q) => data[Math.floor(q / Math.max(k, 1)) * n + j]!))
      }),
      { numRuns: 40 },
    )
  })

  test("gradient reaches the chosen entries; works under jit and vmap", () => {
    const x = t64([0.1, 0.9, -0.3, 0.5], [4])
    checkGrads((a: tg.AnyTensor) => tg.topk(a, 2)[0].square().sum(), [x])
    const g = tg.grad((a: typeof x) => tg.topk(a, 2)[0].sum())(x)
    expect(g.toArraySync()).toEqual([0, 1, 0, 1])
    expect(
      tg
        .jit((a: typeof x) => tg.topk(a, 3)[1])(x)
        .toArraySync(),
    ).toEqual([1, 3, 0])
    const b = t64([1, 3, 2, 9, 8, 7], [2, 3])
    expect(
      tg
        .vmap((r: tg.AnyTensor) => tg.topk(r, 1)[1])(b)
        .toArraySync(),
    ).toEqual([[1], [0]])
    expect(() => tg.topk(x, 5)).toThrow(ShapeError)
  })
})
