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
// biome-ignore lint/correctness/noUnusedVariables: the declaration is the type test
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

// more einsum: reductions to a vector, named batch dims, a diagonal
declare const nb: tg.Tensor<["B", 3]>
const e8 = tg.einsum("bi,bi->b", nb, nb)
const e9 = tg.einsum("ij->i", tg.ones([4, 4]))
const e10 = tg.einsum("ii->i", tg.eye(5))
const e11 = tg.einsum("bhqd,bhkd->bhqk", tg.ones([2, 4, 7, 16]), tg.ones([2, 4, 9, 16]))
export type Einsums2 = [
  Expect<Equal<typeof e8, tg.Tensor<["B"]>>>,
  Expect<Equal<typeof e9, tg.Tensor<[4], "f32", "cpu">>>,
  Expect<Equal<typeof e10, tg.Tensor<[5], "f32", "cpu">>>,
  Expect<Equal<typeof e11, tg.Tensor<[2, 4, 7, 9], "f32", "cpu">>>,
]
// @ts-expect-error einsum: three operands for a two-operand pattern
tg.einsum("ij,jk->ik", tg.ones([2, 3]), tg.ones([3, 4]), tg.ones([4]))

// more arraySplit: a negative axis, uneven sections, named dims kept
const q4 = tg.arraySplit(tg.zeros([4, 6]), 4, -1)
const nsplit = tg.arraySplit(nb, 2, 1)
export type Splits2 = [
  Expect<Equal<typeof q4, [tg.Tensor<[4, 2], "f32", "cpu">, tg.Tensor<[4, 2], "f32", "cpu">, tg.Tensor<[4, 1], "f32", "cpu">, tg.Tensor<[4, 1], "f32", "cpu">]>>,
  Expect<Equal<typeof nsplit, [tg.Tensor<["B", 2]>, tg.Tensor<["B", 1]>]>>,
]
// an axis out of range is left to the run time (a ShapeError): the type degrades to a list
const badAxis = tg.arraySplit(tg.zeros([4, 6]), 2, 2)
export type SplitsLoose = [Expect<Equal<typeof badAxis, Array<tg.Tensor<tg.Dim[], "f32", "cpu">>>>]

// the stacks: a new axis anywhere (stack), or NumPy's vstack / hstack / dstack / columnStack
const st1 = tg.stack([tg.zeros([2, 3]), tg.zeros([2, 3])], 1)
const st2 = tg.stack([nb, nb, nb], -1)
const st3 = tg.vstack([tg.zeros([3]), tg.zeros([3])])
const st4 = tg.vstack([tg.zeros([2, 3]), tg.zeros([4, 3])])
const st5 = tg.hstack([tg.zeros([2, 3]), tg.zeros([2, 5])])
const st6 = tg.hstack([tg.zeros([2]), tg.zeros([3])])
const st7 = tg.dstack([tg.zeros([2, 3]), tg.zeros([2, 3])])
const st8 = tg.columnStack([tg.zeros([3]), tg.zeros([3])])
export type Stacks = [
  Expect<Equal<typeof st1, tg.Tensor<[2, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof st2, tg.Tensor<["B", 3, 3]>>>,
  Expect<Equal<typeof st3, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof st4, tg.Tensor<[6, 3], "f32", "cpu">>>,
  Expect<Equal<typeof st5, tg.Tensor<[2, 8], "f32", "cpu">>>,
  Expect<Equal<typeof st6, tg.Tensor<[5], "f32", "cpu">>>,
  Expect<Equal<typeof st7, tg.Tensor<[2, 3, 2], "f32", "cpu">>>,
  Expect<Equal<typeof st8, tg.Tensor<[3, 2], "f32", "cpu">>>,
]
// @ts-expect-error stack: tensor 1 [3] differs from [2]
tg.stack([tg.zeros([2]), tg.zeros([3])])

// more take: a scalar index drops the axis, named dims pass through
const tk1 = tg.take(tg.zeros([5, 7]), tg.scalar(1, { dtype: "i32" }), 0)
const tk2 = tg.take(nb, tg.zeros([4], { dtype: "i32" }), 1)
const tk3 = tg.take(tg.zeros([5, 7]), tg.zeros([2, 2, 2], { dtype: "i32" }), 0)
export type Takes = [
  Expect<Equal<typeof tk1, tg.Tensor<[7], "f32", "cpu">>>,
  Expect<Equal<typeof tk2, tg.Tensor<["B", 4]>>>,
  Expect<Equal<typeof tk3, tg.Tensor<[2, 2, 2, 7], "f32", "cpu">>>,
]
