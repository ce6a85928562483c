// Op-level type tests of the sorting, statistics, nn and constructor additions: result shapes,
// dtypes (integer means promote to f32, arg-ops give i32, boolean reductions give bool) and the
// reduction-axis checks they share with sum. Checked by `tsc` under TypeScript 5.9 and 7.
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

const x = tg.zeros([2, 3])
const i = tg.zeros([2, 3], { dtype: "i32" })
declare const gpu: tg.Tensor<[4], "f32", "webgpu">

const s1 = tg.sort(x)
const s2 = tg.argsort(x, { axis: 0, descending: true })
const s3 = x.sort()
const s4 = tg.searchsorted(tg.zeros([5]), x)
const s5 = tg.cummax(i, 1)
const s6 = tg.cummin(x)
const s7 = tg.uniqueSync(i).counts
const s8 = tg.unique(gpu)
export type Sorting = [
  Expect<Equal<typeof s1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof s2, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof s3, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof s4, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof s5, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof s6, tg.Tensor<[number], "f32", "cpu">>>,
  Expect<Equal<typeof s7, tg.Tensor<[number], "i32", "cpu">>>,
  Expect<Equal<tg.Tensor<[number], "f32", "webgpu">, (typeof s8 extends import("effect").Effect.Effect<infer U, infer _E> ? U : never)["values"]>>,
]
// @ts-expect-error uniqueSync reads synchronously: CPU tensors only
tg.uniqueSync(gpu)

const r1 = tg.mean(i, { axis: 1 })
const r2 = tg.std(i, { ddof: 1 })
const r3 = tg.all(x, { axis: 0, keepdims: true })
const r4 = tg.countNonzero(x)
const r5 = tg.median(i, { axis: -1 })
const r6 = tg.quantile(x, 0.9, { axis: 0 })
const r7 = tg.nanmean(x, { axis: [0, 1] })
const r8 = tg.average(x, { axis: 1, weights: tg.ones([3]) })
const r9 = x.any()
export type Reductions = [
  Expect<Equal<typeof r1, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof r2, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof r3, tg.Tensor<[1, 3], "bool", "cpu">>>,
  Expect<Equal<typeof r4, tg.Tensor<[], "i32", "cpu">>>,
  Expect<Equal<typeof r5, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof r6, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof r7, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof r8, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof r9, tg.Tensor<[], "bool", "cpu">>>,
]
// @ts-expect-error axis out of range
tg.all(x, { axis: 2 })
// @ts-expect-error axis out of range
tg.median(x, { axis: -3 })

const c1 = tg.tri(3, 4)
const c2 = tg.indices([2, 5])
const c3 = tg.fromFunction((a, b) => a.add(b), [2, 2], { dtype: "i32" })
const c4 = tg.logspace(0, 2, 3)
const c5 = tg.identity(4, { dtype: "f64" })
const c6 = tg.tril(x, -1)
const c7 = tg.emptyLike(i)
export type Constructors = [
  Expect<Equal<typeof c1, tg.Tensor<[3, 4], "f32", "cpu">>>,
  Expect<Equal<typeof c2, tg.Tensor<[2, 2, 5], "i32", "cpu">>>,
  Expect<Equal<typeof c3, tg.Tensor<[2, 2], "i32", "cpu">>>,
  Expect<Equal<typeof c4, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof c5, tg.Tensor<[4, 4], "f64", "cpu">>>,
  Expect<Equal<typeof c6, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof c7, tg.Tensor<[2, 3], "i32", "cpu">>>,
]

const n1 = tg.elu(x)
const n2 = tg.standardize(x, { axis: [0, 1] })
const n3 = tg.softmax(x, { axis: [0, 1] })
const n4 = tg.roll(x, 1, 0)
const n5 = tg.unsqueeze(x, 0)
const n6 = tg.unsqueeze(x, [0, -1])
export type Nn = [
  Expect<Equal<typeof n1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof n2, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof n3, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof n4, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof n5, tg.Tensor<[1, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof n6, tg.Tensor<tg.Dim[], "f32", "cpu">>>,
]
// @ts-expect-error elu of i32
tg.elu(i)
