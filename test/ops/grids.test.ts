// meshgrid (both indexings, three inputs) and clip against plain loops, with gradients.
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { fromFn, t64 } from "./ref.js"

describe("meshgrid", () => {
  const a = [1, 2, 3],
    b = [10, 20],
    c = [-1, -2, -3, -4]
  test("xy: [len(b), len(a), len(c)]; ij: [len(a), len(b), len(c)]", () => {
    const [x, y, z] = tg.meshgrid([t64(a, [3]), t64(b, [2]), t64(c, [4])])
    expect(x.shape).toEqual([2, 3, 4])
    expect(Array.from(x.dataSync())).toEqual(fromFn([2, 3, 4], ([, i]) => a[i!]!))
    expect(Array.from(y.dataSync())).toEqual(fromFn([2, 3, 4], ([j]) => b[j!]!))
    expect(Array.from(z.dataSync())).toEqual(fromFn([2, 3, 4], ([, , k]) => c[k!]!))
    const [xi, yi] = tg.meshgrid([t64(a, [3]), t64(b, [2])], { indexing: "ij" })
    expect(xi.toArraySync()).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ])
    expect(yi.toArraySync()).toEqual([
      [10, 20],
      [10, 20],
      [10, 20],
    ])
  })

  test("typed shapes, one input, errors, gradient", () => {
    const [gx, gy] = tg.meshgrid([tg.tensor([1, 2, 3]), tg.tensor([10, 20])])
    const check: [tg.Tensor<[2, 3]>, tg.Tensor<[2, 3]>] = [gx, gy]
    expect(check[0].shape).toEqual([2, 3])
    expect(tg.meshgrid([tg.tensor([4, 5])])[0].toArraySync()).toEqual([4, 5])
    expect(() => tg.meshgrid([tg.zeros([2, 2])])).toThrow(ShapeError)
    checkGrads(
      (u: tg.AnyTensor, v: tg.AnyTensor) => {
        const [p, q] = tg.meshgrid([u, v])
        return tg.mul(p, tg.sin(q)).sum()
      },
      [t64([0.2, -0.5, 1.1], [3]), t64([0.3, 0.7], [2])],
    )
  })
})

describe("clip", () => {
  test("values, NaN, one-sided bounds and the gradient mask", () => {
    const v = [-2, -1, 0.5, 1, 3, Number.NaN]
    expect(Array.from(tg.clip(t64(v, [6]), -1, 1).dataSync())).toEqual([-1, -1, 0.5, 1, 1, Number.NaN])
    expect(tg.clip(tg.tensor([-5, 5]), 0).toArraySync()).toEqual([0, 5])
    expect(tg.clip(tg.tensor([-5, 5]), undefined, 0).toArraySync()).toEqual([-5, 0])
    const g = tg.grad((x: tg.AnyTensor) => tg.clip(x, -1, 1).sum())(t64([-2, -0.5, 0.7, 4], [4]))
    expect(g.toArraySync()).toEqual([0, 1, 1, 0])
    checkGrads((x: tg.AnyTensor) => tg.clip(x, -1, 1).square().sum(), [t64([-2, -0.5, 0.7, 4], [4])])
    expect(() => tg.clip(tg.tensor([1]), 2, 1)).toThrow(ShapeError)
  })
})

describe("tri, tril, triu, indices, fromFunction", () => {
  test("triangles against j − i ≤ k (lower) / ≥ k (upper), on stacks of matrices; gradients are masked", () => {
    for (const [n, m, k] of [
      [3, 3, 0],
      [2, 4, 1],
      [4, 2, -1],
      [3, 3, -5],
      [0, 2, 0],
    ] as const) {
      expect(Array.from(tg.tri(n, m, k).dataSync())).toEqual(fromFn([n, m], ([i, j]) => (j! - i! <= k ? 1 : 0)))
    }
    expect(tg.tri(2).toArraySync()).toEqual([
      [1, 0],
      [1, 1],
    ])
    expect(tg.tri(2, 2, 0, { dtype: "i32" }).dtype).toBe("i32")
    const s = [2, 3, 4]
    const data = Array.from({ length: 24 }, (_, i) => i + 1)
    for (const k of [-2, 0, 1]) {
      expect(Array.from(tg.tril(t64(data, s), k).dataSync())).toEqual(
        fromFn(s, ([b, i, j]) => (j! - i! <= k ? data[b! * 12 + i! * 4 + j!]! : 0)),
      )
      expect(Array.from(tg.triu(t64(data, s), k).dataSync())).toEqual(
        fromFn(s, ([b, i, j]) => (j! - i! >= k ? data[b! * 12 + i! * 4 + j!]! : 0)),
      )
    }
    expect(
      Array.from(
        tg
          .grad((x: tg.AnyTensor) => tg.triu(x).sum())(t64([1, 2, 3, 4], [2, 2]))
          .dataSync(),
      ),
    ).toEqual([1, 1, 0, 1])
    checkGrads((x: tg.AnyTensor) => tg.tril(x, 1).square().sum(), [t64([0.5, -1, 2, 0.3, 0.7, -0.2], [2, 3])])
    expect(() => tg.tril(tg.zeros([3]))).toThrow(ShapeError)
    expect(() => tg.tri(2, 2, 0.5)).toThrow(ShapeError)
  })

  test("indices and fromFunction give each entry its coordinates", () => {
    expect(tg.indices([2, 3]).toArraySync()).toEqual([
      [
        [0, 0, 0],
        [1, 1, 1],
      ],
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
    ])
    expect(tg.indices([2, 3]).dtype).toBe("i32")
    const g = tg.indices([2, 3, 4], { dtype: "f32" })
    expect(g.shape).toEqual([3, 2, 3, 4])
    expect(Array.from(g.dataSync())).toEqual(fromFn([3, 2, 3, 4], ([a, ...p]) => p[a!]!))
    expect(tg.indices([]).shape).toEqual([0])
    expect(tg.fromFunction((i, j) => i.mul(10).add(j), [2, 3]).toArraySync()).toEqual([
      [0, 1, 2],
      [10, 11, 12],
    ])
    expect(tg.fromFunction((i) => i.square(), [4], { dtype: "i32" }).toArraySync()).toEqual([0, 1, 4, 9])
    // a result that only broadcasts to the shape (NumPy would keep it as is; here it fills the shape)
    expect(tg.fromFunction(() => 7, [2]).toArraySync()).toEqual([7, 7])
    expect(() => tg.indices([2, -1])).toThrow(ShapeError)
  })
})
