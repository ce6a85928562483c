// tensordot, inner, matvec/vecmat, kron, diagonal, diag and trace against plain loops with
// NumPy's semantics, and their gradients through checkGrads.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, fromFn, randData, ravel, t64 } from "./ref.js"

describe("products", () => {
  test("tensordot contracts the named axes (plain-loop reference)", () => {
    const sa = [2, 3, 4],
      sb = [4, 3, 2]
    const a = randData(sa, 1),
      b = randData(sb, 2)
    // contract a's axes 1, 2 with b's axes 1, 0
    const got = tg.tensordot(t64(a, sa), t64(b, sb), [
      [1, 2],
      [1, 0],
    ])
    const want = fromFn([2, 2], ([i, l]) => {
      let s = 0
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) s += a[ravel([i!, j, k], sa)]! * b[ravel([k, j, l!], sb)]!
      return s
    })
    expect(got.shape).toEqual([2, 2])
    expectClose(got.dataSync(), want, { rtol: 1e-12, atol: 1e-12 })
    expect(tg.tensordot(tg.ones([2, 3]), tg.ones([4]), 0).shape).toEqual([2, 3, 4])
    expect(() => tg.tensordot(tg.ones([2, 3]), tg.ones([4, 3]), 1)).toThrow(ShapeError)
    checkGrads(
      (x: tg.AnyTensor, y: tg.AnyTensor) => tg.tensordot(x, y, 1).square().sum(),
      [t64(randData([2, 3], 3), [2, 3]), t64(randData([3, 2], 4), [3, 2])],
    )
  })

  test("inner, matvec, vecmat", () => {
    const a = randData([2, 3], 5),
      b = randData([4, 3], 6),
      v = randData([3], 7)
    const inn = tg.inner(t64(a, [2, 3]), t64(b, [4, 3]))
    expect(inn.shape).toEqual([2, 4])
    expectClose(
      inn.dataSync(),
      fromFn([2, 4], ([i, j]) => [0, 1, 2].reduce((s, k) => s + a[i! * 3 + k]! * b[j! * 3 + k]!, 0)),
      { rtol: 1e-12 },
    )
    expectClose(
      tg.matvec(t64(a, [2, 3]), t64(v, [3])).dataSync(),
      [0, 1].map((i) => [0, 1, 2].reduce((s, k) => s + a[i * 3 + k]! * v[k]!, 0)),
      { rtol: 1e-12 },
    )
    const w = randData([2], 8)
    expectClose(
      tg.vecmat(t64(w, [2]), t64(a, [2, 3])).dataSync(),
      [0, 1, 2].map((j) => w[0]! * a[j]! + w[1]! * a[3 + j]!),
      { rtol: 1e-12 },
    )
    // batched: [2, 2, 3] × [2, 3] → [2, 2]
    expect(tg.matvec(tg.ones([2, 2, 3]), tg.ones([2, 3])).shape).toEqual([2, 2])
  })

  test("kron: blocks a[i, j]·b", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (m, n, p, q) => {
          const a = randData([m, n], m + n),
            b = randData([p, q], p * q)
          const got = tg.kron(t64(a, [m, n]), t64(b, [p, q]))
          expect(got.shape).toEqual([m * p, n * q])
          expectClose(
            got.dataSync(),
            fromFn([m * p, n * q], ([i, j]) => a[Math.floor(i! / p) * n + Math.floor(j! / q)]! * b[(i! % p) * q + (j! % q)]!),
            { rtol: 1e-12, atol: 0 },
          )
        },
      ),
      { numRuns: 20 },
    )
    expect(tg.kron(tg.tensor([1, 2]), tg.tensor([1, 10])).toArraySync()).toEqual([1, 10, 2, 20])
  })
})

describe("diagonals", () => {
  test("diagonal with offsets and axes, trace, diag", () => {
    const s = [3, 4],
      m = randData(s, 9)
    for (const k of [-3, -1, 0, 1, 2, 4]) {
      const want: number[] = []
      for (let i = 0; i < 3; i++) if (i + k >= 0 && i + k < 4) want.push(m[ravel([i, i + k], s)]!)
      expectClose(tg.diagonal(t64(m, s), k).dataSync(), want, { rtol: 0, atol: 0 })
      expect(tg.trace(t64(m, s), k).item()).toBeCloseTo(
        want.reduce((x, y) => x + y, 0),
        12,
      )
    }
    const c = randData([2, 3, 3], 10)
    const d = tg.diagonal(t64(c, [2, 3, 3]), 0, 1, 2)
    expect(d.shape).toEqual([2, 3])
    expectClose(
      d.dataSync(),
      fromFn([2, 3], ([b, i]) => c[ravel([b!, i!, i!], [2, 3, 3])]!),
      { rtol: 0, atol: 0 },
    )
    expect(tg.diag(tg.tensor([1, 2])).toArraySync()).toEqual([
      [1, 0],
      [0, 2],
    ])
    expect(tg.diag(tg.tensor([1, 2]), 1).toArraySync()).toEqual([
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ])
    expect(tg.diag(tg.tensor([1, 2]), -1).toArraySync()).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
    ])
    expect(
      tg
        .diag(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .toArraySync(),
    ).toEqual([1, 4])
    expect(() => tg.diagonal(tg.ones([3]))).toThrow(ShapeError)
    checkGrads((x: tg.AnyTensor) => tg.trace(tg.matmul(x, x)), [t64(randData([3, 3], 11), [3, 3])], { order: 2 })
    checkGrads((x: tg.AnyTensor) => tg.diag(x, 1).square().sum(), [t64([0.5, -1.5], [2])])
  })
})
