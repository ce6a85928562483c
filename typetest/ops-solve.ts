// Linear-algebra type tests: solve's right-hand sides (vector or matrix, broadcast batch axes),
// square-matrix guards of inv/det/slogdet/cholesky/lu, and the factor shapes of lu and qr.
// Checked under TypeScript 5.9 and 7 (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

declare const a: tg.Tensor<[3, 3], "f64", "cpu">
declare const batch: tg.Tensor<[8, 3, 3], "f64", "cpu">
declare const named: tg.Tensor<["B", "N", "N"]>
declare const namedB: tg.Tensor<["B", "N"]>

const s1 = tg.solve(a, tg.ones([3], { dtype: "f64" }))
const s2 = tg.solve(a, tg.ones([3, 2], { dtype: "f64" }))
const s3 = tg.solve(batch, tg.ones([8, 3], { dtype: "f64" }))
const s4 = tg.solve(tg.zeros([2, 1, 3, 3]), tg.zeros([1, 4, 3, 5]))
const s5 = tg.solve(named, namedB)
const t1 = tg.triangularSolve(a, tg.ones([3, 4], { dtype: "f64" }), { lower: true })
export type SolveShapes = [
  Expect<Equal<typeof s1, tg.Tensor<[3], "f64", "cpu">>>,
  Expect<Equal<typeof s2, tg.Tensor<[3, 2], "f64", "cpu">>>,
  Expect<Equal<typeof s3, tg.Tensor<[8, 3], "f64", "cpu">>>,
  Expect<Equal<typeof s4, tg.Tensor<[2, 4, 3, 5], "f32", "cpu">>>,
  Expect<Equal<typeof s5, tg.Tensor<["B", "N"], "f32", tg.Device["kind"]>>>,
  Expect<Equal<typeof t1, tg.Tensor<[3, 4], "f64", "cpu">>>,
]

const i1 = tg.inv(batch)
const d1 = tg.det(batch)
const d2 = tg.det(a)
const g1 = tg.slogdet(batch).logabsdet
const c1 = tg.cholesky(a)
const l1 = tg.lu(batch)
const q1 = tg.qr(tg.zeros([5, 4, 3]))
export type Factors = [
  Expect<Equal<typeof i1, tg.Tensor<[8, 3, 3], "f64", "cpu">>>,
  Expect<Equal<typeof d1, tg.Tensor<[8], "f64", "cpu">>>,
  Expect<Equal<typeof d2, tg.Tensor<[], "f64", "cpu">>>,
  Expect<Equal<typeof g1, tg.Tensor<[8], "f64", "cpu">>>,
  Expect<Equal<typeof c1, tg.Tensor<[3, 3], "f64", "cpu">>>,
  Expect<Equal<typeof l1.lu, tg.Tensor<[8, 3, 3], "f64", "cpu">>>,
  Expect<Equal<typeof l1.perm, tg.Tensor<[8, 3], "i32", "cpu">>>,
  Expect<Equal<typeof q1.q, tg.Tensor<[5, 4, 3], "f32", "cpu">>>,
  Expect<Equal<typeof q1.r, tg.Tensor<[5, 3, 3], "f32", "cpu">>>,
]

// @ts-expect-error solve: [3, 3] cannot solve a right-hand side [4] (3 vs 4)
tg.solve(tg.zeros([3, 3]), tg.zeros([4]))
// @ts-expect-error a matrix right-hand side with the wrong row count
tg.solve(tg.zeros([3, 3]), tg.zeros([2, 5]))
// @ts-expect-error batch axes do not broadcast
tg.solve(tg.zeros([2, 3, 3]), tg.zeros([4, 3, 1]))
// @ts-expect-error inv: needs square matrices [..., n, n], got [2, 3]
tg.inv(tg.zeros([2, 3]))
// @ts-expect-error det of a vector
tg.det(tg.zeros([3]))
// @ts-expect-error cholesky of a non-square matrix
tg.cholesky(tg.zeros([3, 4]))
// @ts-expect-error dtype mismatch between a and b
tg.solve(tg.zeros([3, 3]), tg.zeros([3], { dtype: "f64" }))
