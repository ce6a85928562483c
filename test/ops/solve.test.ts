// solve, inv, det/slogdet, lu, triangularSolve, cholesky and qr against plain f64 references
// (Gaussian elimination, substitution and matrix products written here), hand-worked
// determinants, and their gradients through checkGrads; vmap and jit against eager.
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError, SingularMatrix } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, randData, t64 } from "./ref.js"

type M = number[][]

/** Row-major [n, n] data as rows. */
const rows = (d: ArrayLike<number>, n: number, m = n, off = 0): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => d[off + i * m + j]!))
const mul = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)))
const tr = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!))
const eye = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))

/** Gaussian elimination with partial pivoting on an augmented copy: x with a·x = b (b: n × k). */
const gaussSolve = (a: M, b: M): M => {
  const n = a.length
  const w = a.map((r, i) => [...r, ...b[i]!])
  for (let k = 0; k < n; k++) {
    let p = k
    for (let i = k + 1; i < n; i++) if (Math.abs(w[i]![k]!) > Math.abs(w[p]![k]!)) p = i
    ;[w[k], w[p]] = [w[p]!, w[k]!]
    for (let i = k + 1; i < n; i++) {
      const f = w[i]![k]! / w[k]![k]!
      for (let j = k; j < w[i]!.length; j++) w[i]![j]! -= f * w[k]![j]!
    }
  }
  const k = b[0]!.length
  const x = Array.from({ length: n }, () => new Array<number>(k).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let c = 0; c < k; c++) {
      let s = w[i]![n + c]!
      for (let j = i + 1; j < n; j++) s -= w[i]![j]! * x[j]![c]!
      x[i]![c] = s / w[i]![i]!
    }
  return x
}

/** Determinant by cofactor expansion along the first row. */
const cofactorDet = (a: M): number =>
  a.length === 0
    ? 1
    : a[0]!.reduce((s, v, j) => s + (j % 2 === 0 ? 1 : -1) * v * cofactorDet(a.slice(1).map((r) => r.filter((_, c) => c !== j))), 0)

/** Random data with `shift` added to the diagonal of each [n, n] block (well conditioned). */
const wellConditioned = (batch: ReadonlyArray<number>, n: number, seed: number, shift = n): number[] =>
  randData([...batch, n, n], seed).map((v, i) => (Math.floor(i / n) % n === i % n ? v + shift : v))

describe("solve", () => {
  test("vector and matrix right-hand sides against Gaussian elimination", () => {
    const n = 5
    const a = randData([n, n], 1),
      b = randData([n], 2),
      bm = randData([n, 3], 3)
    const x = tg.solve(t64(a, [n, n]), t64(b, [n]))
    expect(x.shape).toEqual([n])
    expectClose(
      x.dataSync(),
      gaussSolve(
        rows(a, n),
        b.map((v) => [v]),
      ).flat(),
      { rtol: 1e-10, atol: 1e-10 },
    )
    const xm = tg.solve(t64(a, [n, n]), t64(bm, [n, 3]))
    expect(xm.shape).toEqual([n, 3])
    expectClose(xm.dataSync(), gaussSolve(rows(a, n), rows(bm, n, 3)).flat(), { rtol: 1e-10, atol: 1e-10 })
  })

  test("batch axes broadcast between a and b", () => {
    const a = randData([2, 1, 3, 3], 4),
      b = randData([1, 4, 3], 5) // [2, 1, 3, 3] with vectors [1, 4, 3] → [2, 4, 3]
    const x = tg.solve(t64(a, [2, 1, 3, 3]), t64(b, [1, 4, 3]))
    expect(x.shape).toEqual([2, 4, 3])
    const got = x.dataSync()
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) {
        const want = gaussSolve(
          rows(a, 3, 3, i * 9),
          b.slice(j * 3, j * 3 + 3).map((v) => [v]),
        ).flat()
        expectClose(got.slice((i * 4 + j) * 3, (i * 4 + j + 1) * 3), want, { rtol: 1e-10, atol: 1e-10 })
      }
  })

  test("residual ‖a·x − b‖ of a 60 × 60 system in f32 and f64", () => {
    const n = 60
    const a = randData([n, n], 6),
      b = randData([n], 7)
    for (const dtype of ["f32", "f64"] as const) {
      const x = tg.solve(tg.tensor(a, { dtype }).reshape([n, n]), tg.tensor(b, { dtype }))
      const xs = Array.from(x.dataSync())
      const res = Math.hypot(...rows(a, n).map((r, i) => r.reduce((s, v, j) => s + v * xs[j]!, 0) - b[i]!))
      expect(res / Math.hypot(...b)).toBeLessThan(dtype === "f32" ? 1e-3 : 1e-11)
    }
  })

  test("gradients in a and b (checkGrads, order 2) and the closed form dL/db = a⁻ᵀ·dL/dx", () => {
    const a = t64(wellConditioned([], 3, 8), [3, 3]),
      b = t64(randData([3, 2], 9), [3, 2])
    checkGrads((x: tg.AnyTensor, y: tg.AnyTensor) => tg.solve(x, y).square().sum(), [a, b], { order: 2 })
    const g = tg.grad((y: tg.AnyTensor) => tg.solve(a, y).sum())(b)
    const want = gaussSolve(tr(rows(a.dataSync(), 3)), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]).flat()
    expectClose(g.dataSync(), want, { rtol: 1e-10, atol: 1e-12 })
  })

  test("vmap over a batch of systems equals the loop; jit equals eager", () => {
    const ad = wellConditioned([4], 3, 10),
      bd = randData([4, 3], 11)
    const as = t64(ad, [4, 3, 3]),
      bs = t64(bd, [4, 3])
    const batched = tg.vmap((a: tg.AnyTensor, b: tg.AnyTensor) => tg.solve(a, b))(as, bs)
    const loop = [0, 1, 2, 3].map((i) =>
      Array.from(tg.solve(t64(ad.slice(i * 9, i * 9 + 9), [3, 3]), t64(bd.slice(i * 3, i * 3 + 3), [3])).dataSync()),
    )
    expectClose(batched.dataSync(), loop.flat(), { rtol: 1e-12, atol: 1e-12 })
    const jitted = tg.jit((a: tg.AnyTensor, b: tg.AnyTensor) => tg.solve(a, b))(as, bs)
    expectClose(jitted.dataSync(), tg.solve(as, bs).dataSync(), { rtol: 1e-12, atol: 1e-12 })
  })

  test("a singular matrix throws SingularMatrix on eager CPU values", () => {
    const s = tg.tensor([
      [1, 2],
      [2, 4],
    ])
    expect(() => tg.solve(s, tg.tensor([1, 1]))).toThrow(SingularMatrix)
    const caught = (() => {
      try {
        tg.inv(tg.stack([tg.eye(2), s]))
        return null
      } catch (e) {
        return e
      }
    })()
    expect(caught).toBeInstanceOf(SingularMatrix)
    expect((caught as SingularMatrix).batchIndex).toBe(1)
    expect((caught as SingularMatrix).column).toBe(1)
    expect((caught as SingularMatrix).message).toBe("inv: the matrix [2, 2, 2] is singular (zero pivot in column 1 of batch entry 1)")
    // under jit the values are not read: the zero pivot divides into Inf/NaN
    const x = tg.jit((a: tg.AnyTensor) => tg.solve(a, tg.tensor([1, 1])))(s)
    expect(Array.from(x.dataSync()).some((v) => !Number.isFinite(v))).toBe(true)
  })

  test("bad shapes and dtypes are typed errors", () => {
    expect(() => tg.solve(tg.ones([2, 3]) as tg.AnyTensor, tg.ones([2]))).toThrow(ShapeError)
    expect(() => tg.solve(tg.ones([3, 3]), tg.ones([4]) as tg.AnyTensor)).toThrow("solve: [3, 3] cannot solve a right-hand side [4]")
    expect(() => tg.inv(tg.ones([2, 2], { dtype: "i32" }) as tg.AnyTensor)).toThrow(DTypeError)
    expect(() => tg.qr(tg.ones([2, 3]))).toThrow("qr: needs m ≥ n (reduced QR), got 2 × 3 in [2, 3]")
  })
})

describe("inv, det, slogdet", () => {
  test("inv(a)·a = I for a batch", () => {
    const n = 4
    const a = randData([3, n, n], 12)
    const ia = tg.inv(t64(a, [3, n, n])).dataSync()
    for (let b = 0; b < 3; b++)
      expectClose(mul(rows(ia, n, n, b * n * n), rows(a, n, n, b * n * n)).flat(), eye(n).flat(), { atol: 1e-10, rtol: 0 })
  })

  test("hand-worked determinants: 2 × 2, 3 × 3, permutations, triangular", () => {
    expect(
      tg
        .det(
          tg.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: "f64" },
          ),
        )
        .item(),
    ).toBeCloseTo(-2, 12)
    expect(
      tg
        .det(
          tg.tensor(
            [
              [6, 1, 1],
              [4, -2, 5],
              [2, 8, 7],
            ],
            { dtype: "f64" },
          ),
        )
        .item(),
    ).toBeCloseTo(-306, 10)
    expect(
      tg
        .det(
          tg.tensor([
            [0, 1],
            [1, 0],
          ]),
        )
        .item(),
    ).toBe(-1)
    expect(
      tg
        .det(
          tg.tensor([
            [0, 1, 0],
            [0, 0, 1],
            [1, 0, 0],
          ]),
        )
        .item(),
    ).toBe(1)
    expect(
      tg
        .det(
          tg.tensor([
            [2, 0, 0],
            [5, 3, 0],
            [1, 7, -4],
          ]),
        )
        .item(),
    ).toBe(-24)
    expect(
      tg
        .det(
          tg.tensor([
            [1, 2],
            [2, 4],
          ]),
        )
        .item(),
    ).toBe(0)
  })

  test("det and slogdet of random batches against cofactor expansion", () => {
    const a = randData([4, 4, 4], 13)
    const d = tg.det(t64(a, [4, 4, 4]))
    const { sign, logabsdet } = tg.slogdet(t64(a, [4, 4, 4]))
    expect(d.shape).toEqual([4])
    const want = [0, 1, 2, 3].map((b) => cofactorDet(rows(a, 4, 4, b * 16)))
    expectClose(d.dataSync(), want, { rtol: 1e-10, atol: 1e-12 })
    expectClose(sign.dataSync(), want.map(Math.sign), { rtol: 0, atol: 0 })
    expectClose(
      logabsdet.dataSync(),
      want.map((v) => Math.log(Math.abs(v))),
      { rtol: 1e-10, atol: 1e-12 },
    )
    const s = tg.slogdet(
      tg.tensor([
        [1, 2],
        [2, 4],
      ]),
    )
    expect([s.sign.item(), s.logabsdet.item()]).toEqual([0, -Infinity])
  })

  test("gradients: d det/da = det·a⁻ᵀ, d logabsdet/da = a⁻ᵀ, checkGrads of det, slogdet and inv", () => {
    const n = 3
    const a = t64(wellConditioned([], n, 14), [n, n])
    const ainvT = tr(gaussSolve(rows(a.dataSync(), n), eye(n)))
    const d = cofactorDet(rows(a.dataSync(), n))
    expectClose(
      tg
        .grad((x: tg.AnyTensor) => tg.det(x))(a)
        .dataSync(),
      ainvT.flat().map((v) => d * v),
      { rtol: 1e-9, atol: 1e-12 },
    )
    expectClose(
      tg
        .grad((x: tg.AnyTensor) => tg.slogdet(x).logabsdet)(a)
        .dataSync(),
      ainvT.flat(),
      { rtol: 1e-9, atol: 1e-12 },
    )
    checkGrads((x: tg.AnyTensor) => tg.det(x), [a], { order: 2 })
    checkGrads((x: tg.AnyTensor) => tg.slogdet(x).logabsdet, [a], { order: 2 })
    checkGrads((x: tg.AnyTensor) => tg.inv(x).square().sum(), [t64(wellConditioned([2], n, 15), [2, n, n])])
  })
})

describe("factorisations", () => {
  test("lu: a[perm] = L·U with the row order of partial pivoting", () => {
    const n = 5
    const a = randData([n, n], 16)
    const { lu, perm } = tg.lu(t64(a, [n, n]))
    const p = Array.from(perm.dataSync()),
      f = rows(lu.dataSync(), n)
    const l = f.map((r, i) => r.map((v, j) => (j < i ? v : j === i ? 1 : 0)))
    const u = f.map((r, i) => r.map((v, j) => (j >= i ? v : 0)))
    expectClose(
      mul(l, u).flat(),
      p.flatMap((i) => rows(a, n)[i]!),
      { rtol: 1e-12, atol: 1e-12 },
    )
    // the pivots of the reference elimination: each |L| entry ≤ 1
    expect(l.flat().every((v) => Math.abs(v) <= 1)).toBe(true)
    expect([...p].sort()).toEqual([0, 1, 2, 3, 4])
  })

  test("triangularSolve: every triangle, diagonal and transpose option against substitution residuals", () => {
    const n = 4
    const a = wellConditioned([], n, 17, 3),
      b = randData([n, 2], 18)
    for (const lower of [true, false])
      for (const unitDiagonal of [true, false])
        for (const transpose of [true, false]) {
          const x = tg.triangularSolve(t64(a, [n, n]), t64(b, [n, 2]), { lower, unitDiagonal, transpose })
          let t = rows(a, n).map((r, i) => r.map((v, j) => (i === j ? (unitDiagonal ? 1 : v) : (lower ? j < i : j > i) ? v : 0)))
          if (transpose) t = tr(t)
          expectClose(mul(t, rows(x.dataSync(), n, 2)).flat(), b, { rtol: 1e-12, atol: 1e-12 })
        }
    checkGrads(
      (x: tg.AnyTensor, y: tg.AnyTensor) => tg.triangularSolve(x, y, { lower: true }).square().sum(),
      [t64(a, [n, n]), t64(b, [n, 2])],
      { order: 2 },
    )
  })

  test("cholesky: L lower with positive diagonal and L·Lᵀ = a; NaN when not positive definite", () => {
    const n = 4
    const m = rows(randData([n, n], 19), n)
    const a = mul(m, tr(m)).map((r, i) => r.map((v, j) => v + (i === j ? 1 : 0)))
    const l = rows(tg.cholesky(t64(a.flat(), [n, n])).dataSync(), n)
    expect(l.every((r, i) => r.every((v, j) => (j > i ? v === 0 : j < i || v > 0)))).toBe(true)
    expectClose(mul(l, tr(l)).flat(), a.flat(), { rtol: 1e-12, atol: 1e-12 })
    expect(
      Array.from(
        tg
          .cholesky(
            tg.tensor([
              [1, 2],
              [2, 1],
            ]),
          )
          .dataSync(),
      ).every(Number.isNaN),
    ).toBe(true)
    const spdOf = (x: tg.AnyTensor) => tg.matmul(x, tg.transpose(x)).add(tg.eye(n, n, { dtype: "f64" }))
    checkGrads((x: tg.AnyTensor) => tg.cholesky(spdOf(x)).square().sum(), [t64(m.flat(), [n, n])], { order: 2 })
  })

  test("qr: orthonormal columns, upper triangular r with non-negative diagonal, q·r = a", () => {
    const [mm, n] = [6, 4]
    const a = randData([2, mm, n], 20)
    const { q, r } = tg.qr(t64(a, [2, mm, n]))
    expect(q.shape).toEqual([2, mm, n])
    expect(r.shape).toEqual([2, n, n])
    for (let b = 0; b < 2; b++) {
      const qb = rows(q.dataSync(), mm, n, b * mm * n),
        rb = rows(r.dataSync(), n, n, b * n * n)
      expectClose(mul(tr(qb), qb).flat(), eye(n).flat(), { atol: 1e-12, rtol: 0 })
      expect(rb.every((row, i) => row.every((v, j) => (j < i ? v === 0 : j > i || v >= 0)))).toBe(true)
      expectClose(mul(qb, rb).flat(), rows(a, mm, n, b * mm * n).flat(), { rtol: 1e-12, atol: 1e-12 })
    }
    const w = t64(randData([mm, n], 21), [mm, n])
    checkGrads(
      (x: tg.AnyTensor) => {
        const f = tg.qr(x)
        return f.q.mul(w).sum().add(f.r.square().sum())
      },
      [t64(a.slice(0, mm * n), [mm, n])],
      { order: 2 },
    )
  })
})
