// Type tests of einsum, arraySplit, the stacks, take/takeAlongAxis, topk, oneHot and meshgrid.
// Checked under TypeScript 5.9 and 7 (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

const a = tg.ones([8, 2, 3])
const b = tg.ones([8, 3, 4])
declare const q: tg.Tensor<["B", "T", 64]>
declare const k: tg.Tensor<["B", "S", 64]>
declare const loose: tg.Tensor<number[]>
const e1 = tg.einsum("bij,bjk->bik", a, b)
const e2 = tg.einsum("ii->", tg.eye(3))
const e3 = tg.einsum("ij->ji", tg.ones([2, 5]))
const e4 = tg.einsum("btd,bsd->bts", q, k)
const e5 = tg.einsum("i,j->ij", tg.ones([3]), tg.ones([4]))
const e6 = tg.einsum("ij,jk", tg.ones([2, 3]), tg.ones([3, 4]))
const e7 = tg.einsum("ij,jk->ik", loose, tg.ones([3, 4]))
export type Einsums = [
  Expect<Equal<typeof e1, tg.Tensor<[8, 2, 4], "f32", "cpu">>>,
  Expect<Equal<typeof e2, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof e3, tg.Tensor<[5, 2], "f32", "cpu">>>,
  Expect<Equal<typeof e4, tg.Tensor<["B", "T", "S"]>>>,
  Expect<Equal<typeof e5, tg.Tensor<[3, 4], "f32", "cpu">>>,
  // implicit output (alphabetical letters seen once) and unknown ranks: the rank is not known
  Expect<Equal<typeof e6, tg.Tensor<tg.Dim[], "f32", "cpu">>>,
  Expect<Equal<typeof e7, tg.Tensor<tg.Dim[]>>>,
]
// @ts-expect-error letter j is 3 in one operand and 4 in the other
tg.einsum("bij,bjk->bik", a, tg.ones([8, 4, 4]))
// @ts-expect-error two letters for a rank-3 operand
tg.einsum("ij,bjk->bik", a, b)
// @ts-expect-error output letter z appears in no operand
tg.einsum("bij,bjk->biz", a, b)

// arraySplit: a typed tuple for a literal count
const [s1, s2, s3] = tg.arraySplit(tg.arange(7), 3)
const halves = tg.arraySplit(tg.zeros([4, 6]), 2, 1)
const points: ReadonlyArray<tg.AnyTensor> = tg.arraySplit(tg.zeros([6]), [1, 4])
export const pair: [tg.Tensor<[4, 3]>, tg.Tensor<[4, 3]>] = halves
// @ts-expect-error the halves are [4, 3], not [4, 2]
export const wrongPair: [tg.Tensor<[4, 2]>, tg.Tensor<[4, 4]>] = halves
export type Splits = [
  Expect<Equal<typeof s1, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof s2, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof s3, tg.Tensor<[2], "f32", "cpu">>>,
]

// take / takeAlongAxis / topk / oneHot / meshgrid
const idx = tg.zeros([2, 4], { dtype: "i32" })
const t1 = tg.take(tg.zeros([5, 7, 3]), idx, 1)
const t2 = tg.take(tg.zeros([5, 7, 3]), idx, -1)
const t3 = tg.takeAlongAxis(tg.zeros([2, 9]), idx, 1)
const [v, i] = tg.topk(tg.zeros([2, 10]), 3)
const h = tg.oneHot(tg.zeros([4], { dtype: "i32" }), 10)
const [gx, gy] = tg.meshgrid([tg.zeros([3]), tg.zeros([5])])
const [ix, iy] = tg.meshgrid([tg.zeros([3]), tg.zeros([5])], { indexing: "ij" })
export type Indexing = [
  Expect<Equal<typeof t1, tg.Tensor<[5, 2, 4, 3], "f32", "cpu">>>,
  Expect<Equal<typeof t2, tg.Tensor<[5, 7, 2, 4], "f32", "cpu">>>,
  Expect<Equal<typeof t3, tg.Tensor<[2, 4], "f32", "cpu">>>,
  Expect<Equal<typeof v, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof i, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof h, tg.Tensor<[4, 10], "f32", "cpu">>>,
  Expect<Equal<typeof gx, tg.Tensor<[5, 3], "f32", "cpu">>>,
  Expect<Equal<typeof gy, tg.Tensor<[5, 3], "f32", "cpu">>>,
  Expect<Equal<typeof ix, tg.Tensor<[3, 5], "f32", "cpu">>>,
  Expect<Equal<typeof iy, tg.Tensor<[3, 5], "f32", "cpu">>>,
]
// @ts-expect-error take: axis 3 out of range for rank 3
tg.take(tg.zeros([5, 7, 3]), idx, 3)
// @ts-expect-error the index must be i32
tg.takeAlongAxis(tg.zeros([2, 9]), tg.zeros([2, 4]), 1)
