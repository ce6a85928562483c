// matmul / dot / outer vs a triple loop (with NumPy's batch broadcasting and 1-D rules written out by hand).
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError } from "../../src/index.js"
import { broadcastRef, expectClose, numel, randData, ravel, t32, t64, unravel } from "./ref.js"

/** NumPy matmul by brute force: promote 1-D, broadcast batch dims, triple loop per batch, squeeze. */
const matmulRef = (a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[]) => {
  const A = as.length === 1 ? [1, as[0]!] : as,
    B = bs.length === 1 ? [bs[0]!, 1] : bs
  const [m, k] = A.slice(-2) as [number, number],
    n = B.at(-1)!
  const batch = broadcastRef(A.slice(0, -2), B.slice(0, -2))!
  const out: number[] = []
  for (let bi = 0; bi < numel(batch); bi++) {
    const idx = unravel(bi, batch)
    const off = (s: number[]) => {
      const bsh = s.slice(0, -2),
        pad = idx.length - bsh.length
      return (
        ravel(
          bsh.map((d, j) => (d === 1 ? 0 : idx[j + pad]!)),
          bsh,
        ) * numel(s.slice(-2))
      )
    }
    const oa = off(A),
      ob = off(B)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let p = 0; p < k; p++) s += a[oa + i * k + p]! * b[ob + p * n + j]!
        out.push(s)
      }
  }
  const shape = [...batch, ...(as.length === 1 ? [] : [m]), ...(bs.length === 1 ? [] : [n])]
  return { shape, data: out }
}

describe("matmul", () => {
  test("2-D hand-worked", () => {
    const a = tg.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      b = tg.tensor([
        [7, 8],
        [9, 10],
        [11, 12],
      ])
    expect(tg.matmul(a, b).toArraySync()).toEqual([
      [58, 64],
      [139, 154],
    ])
    expect(a.matmul(b).toArraySync()).toEqual([
      [58, 64],
      [139, 154],
    ])
  })
  test("identity and zero sizes", () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(x.matmul(tg.eye(2)).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tg.matmul(tg.ones([2, 0]), tg.ones([0, 3])).toArraySync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(tg.matmul(tg.ones([0, 2]), tg.ones([2, 3])).shape).toEqual([0, 3])
  })
  test("odd sizes (blocking edges) vs a triple loop, f32 and f64", () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [7, 13, 5],
      [17, 33, 65],
      [65, 3, 129],
      [100, 70, 31],
      [3, 257, 2],
    ] as const) {
      const a = randData([m, k], m * 1000 + k),
        b = randData([k, n], n)
      const want = matmulRef(a, [m, k], b, [k, n])
      expectClose(
        t64(a, [m, k])
          .matmul(t64(b, [k, n]))
          .dataSync(),
        want.data,
        { rtol: 1e-12, atol: 1e-12 },
      )
      expectClose(
        t32(a, [m, k])
          .matmul(t32(b, [k, n]))
          .dataSync(),
        want.data,
        { rtol: 1e-5, atol: 2e-5 * Math.sqrt(k) },
      )
    }
  })
  test("batched with broadcast batch dims: [2, 1, 3, 4] @ [5, 4, 6] → [2, 5, 3, 6]", () => {
    const as = [2, 1, 3, 4],
      bs = [5, 4, 6]
    const a = randData(as, 1),
      b = randData(bs, 2)
    const got = t64(a, as).matmul(t64(b, bs))
    expect(got.shape).toEqual([2, 5, 3, 6])
    expectClose(got.dataSync(), matmulRef(a, as, b, bs).data, { rtol: 1e-12, atol: 1e-12 })
  })
  test("1-D operands: vector·vector → rank 0, matrix·vector, vector·batched matrix", () => {
    const v = tg.tensor([1, 2, 3])
    expect(tg.matmul(v, v).shape).toEqual([])
    expect(tg.matmul(v, v).item()).toBe(14)
    expect(
      tg
        .tensor([
          [1, 0, 0],
          [1, 1, 1],
        ])
        .matmul(v)
        .toArraySync(),
    ).toEqual([1, 6])
    const bs = [2, 3, 4],
      b = randData(bs, 3)
    const got = tg.matmul(t64([1, 2, 3], [3]), t64(b, bs))
    expect(got.shape).toEqual([2, 4])
    expectClose(got.dataSync(), matmulRef([1, 2, 3], [3], b, bs).data, { rtol: 1e-12 })
  })
  test("random shapes (rank 1–4, broadcasting batches) vs brute force", () => {
    const dim = fc.integer({ min: 1, max: 6 })
    const arb = fc.record({
      m: dim,
      k: dim,
      n: dim,
      batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      dropA: fc.nat(2),
      dropB: fc.nat(2),
      vecA: fc.boolean(),
      vecB: fc.boolean(),
      seed: fc.integer(),
    })
    fc.assert(
      fc.property(arb, (c) => {
        const ba = c.batch.slice(Math.min(c.dropA, c.batch.length)).map((d, i) => (c.onesA[i] ? 1 : d))
        const bb = c.batch.slice(Math.min(c.dropB, c.batch.length)).map((d, i) => (c.onesB[i] ? 1 : d))
        const as = c.vecA ? [c.k] : [...ba, c.m, c.k],
          bs = c.vecB ? [c.k] : [...bb, c.k, c.n]
        const a = randData(as, c.seed),
          b = randData(bs, c.seed + 1)
        const want = matmulRef(a, as, b, bs)
        const got = tg.matmul(t64(a, as), t64(b, bs))
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 60 },
    )
  })
  test("non-contiguous operands: transposed, strided slices, broadcast (stride-0) views", () => {
    const a = randData([9, 7], 11),
      b = randData([9, 5], 12)
    // aᵀ·b from the transposed view vs the reference on an explicitly transposed copy
    const aT = Array.from({ length: 63 }, (_, i) => a[(i % 9) * 7 + Math.floor(i / 9)]!)
    expectClose(
      t64(a, [9, 7])
        .transpose()
        .matmul(t64(b, [9, 5]))
        .dataSync(),
      matmulRef(aT, [7, 9], b, [9, 5]).data,
      { rtol: 1e-12 },
    )
    // every other row of a 10×4 matrix
    const c = randData([10, 4], 13),
      w = randData([4, 3], 14)
    const even = Array.from({ length: 20 }, (_, i) => c[Math.floor(i / 4) * 8 + (i % 4)]!)
    expectClose(
      t64(c, [10, 4])
        .slice("::2")
        .matmul(t64(w, [4, 3]))
        .dataSync(),
      matmulRef(even, [5, 4], w, [4, 3]).data,
      { rtol: 1e-12 },
    )
    // a row broadcast to 6 rows
    const r = randData([1, 4], 15)
    const rows = Array.from({ length: 24 }, (_, i) => r[i % 4]!)
    expectClose(
      tg
        .expand(t64(r, [1, 4]), [6, 4])
        .matmul(t64(w, [4, 3]))
        .dataSync(),
      matmulRef(rows, [6, 4], w, [4, 3]).data,
      { rtol: 1e-12 },
    )
  })
  test("larger than a cache block: 130×67 @ 67×129 (f64)", () => {
    const a = randData([130, 67], 21),
      b = randData([67, 129], 22)
    expectClose(
      t64(a, [130, 67])
        .matmul(t64(b, [67, 129]))
        .dataSync(),
      matmulRef(a, [130, 67], b, [67, 129]).data,
      { rtol: 1e-11, atol: 1e-11 },
    )
  })
  test("i32 matmul is exact", () => {
    const a = tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "i32" },
    )
    const y = a.matmul(a)
    expect(y.dtype).toBe("i32")
    expect(y.toArraySync()).toEqual([
      [7, 10],
      [15, 22],
    ])
  })
  test("mixed dtypes are refused with a DTypeError", () => {
    const a = tg.ones([2, 2]),
      b = tg.ones([2, 2], { dtype: "f64" }) as unknown as tg.Tensor<[2, 2], "f32", "cpu">
    expect(() => tg.matmul(a, b)).toThrow(
      new DTypeError({ op: "matmul", dtypes: ["f32", "f64"], message: "matmul: dtype mismatch (f32 vs f64)" }),
    )
  })
})

describe("dot and outer", () => {
  test("dot of vectors (closed form)", () => {
    expect(tg.dot(tg.tensor([1, 2, 3]), tg.tensor([4, 5, 6])).item()).toBe(32)
    expect(tg.tensor([1, 2]).dot(tg.tensor([3, 4])).shape).toEqual([])
    expect(tg.dot(tg.zeros([0]), tg.zeros([0])).item()).toBe(0)
  })
  test("outer product: out[i, j] = a[i]·b[j]", () => {
    const a = [1, 2],
      b = [3, 4, 5]
    expect(tg.outer(tg.tensor(a), tg.tensor(b)).toArraySync()).toEqual(a.map((x) => b.map((y) => x * y)))
    expect(tg.tensor(a).outer(tg.tensor(b)).shape).toEqual([2, 3])
  })
  test("dot/outer reject non-vectors at run time", () => {
    const m = tg.zeros([2, 2] as number[])
    expect(() => tg.dot(m, m)).toThrow(tg.ShapeError)
    expect(() => tg.outer(m, m)).toThrow(tg.ShapeError)
  })
})
