// Op-level type tests: elementwise math, comparisons, where, cast, activations, reductions.
// Checked by `tsc -p tsconfig.json` under TypeScript 5.9 and 7 (never run). A wrong positive is a
// compile error; a negative that compiles makes its `@ts-expect-error` unused (also an error).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

const x = tg.zeros([2, 3])
const row = tg.ones([3])
const col = tg.ones([2, 1])
const i = tg.zeros([2, 3], { dtype: "i32" })
const d = tg.zeros([2, 3], { dtype: "f64" })
declare const gpu: tg.Tensor<[2, 3], "f32", "webgpu">
declare const dyn: tg.Tensor<number[]>
declare const batch: tg.Tensor<["B", 3]>

// arithmetic with broadcasting and scalars, free and method forms
const a1 = x.add(row)
const a2 = tg.mul(col, row)
const a3 = x.sub(1)
const a4 = tg.div(tg.scalar(2), x)
const a5 = x.pow(tg.ones([1, 1, 3]))
const a6 = tg.maximum(x, 0)
const a7 = batch.add(row)
const a8 = dyn.add(x)
const a9 = gpu.mul(gpu)
export type Arithmetic = [
  Expect<Equal<typeof a1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a2, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a3, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a4, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a5, tg.Tensor<[1, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a6, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof a7, tg.Tensor<["B", 3], "f32", tg.Device["kind"]>>>,
  Expect<Equal<typeof a9, tg.Tensor<[2, 3], "f32", "webgpu">>>,
]
void a8

// dtype promotion follows bool < i32 < f32 < f64; a number takes the tensor's dtype
const p1 = i.add(x)
const p2 = x.add(d)
const p3 = i.mul(2)
export type Promotion = [
  Expect<Equal<typeof p1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof p2, tg.Tensor<[2, 3], "f64", "cpu">>>,
  Expect<Equal<typeof p3, tg.Tensor<[2, 3], "i32", "cpu">>>,
]

// unary math keeps shape, dtype and device
const u1 = tg.exp(x)
const u2 = d.log1p()
const u3 = gpu.tanh()
const u4 = tg.gelu(x, { approximate: "tanh" })
const u5 = tg.relu(i)
const u6 = tg.abs(i)
export type Unary = [
  Expect<Equal<typeof u1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof u2, tg.Tensor<[2, 3], "f64", "cpu">>>,
  Expect<Equal<typeof u3, tg.Tensor<[2, 3], "f32", "webgpu">>>,
  Expect<Equal<typeof u4, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof u5, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof u6, tg.Tensor<[2, 3], "i32", "cpu">>>,
]
// @ts-expect-error exp needs a float dtype
tg.exp(i)
// @ts-expect-error sqrt needs a float dtype
tg.sqrt(tg.zeros([2], { dtype: "bool" }))

// comparisons, where, cast
const c1 = x.gt(row)
const c2 = tg.eq(col, 0)
const w1 = tg.where(c1, x, 0)
const w2 = tg.where(tg.lt(col, 0), row, col)
const w3 = tg.where(tg.lt(col, 0), 1, row)
const k1 = tg.cast(x, "i32")
const k2 = c1.cast("f64")
export type Compare = [
  Expect<Equal<typeof c1, tg.Tensor<[2, 3], "bool", "cpu">>>,
  Expect<Equal<typeof c2, tg.Tensor<[2, 1], "bool", "cpu">>>,
  Expect<Equal<typeof w1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof w2, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof w3, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof k1, tg.Tensor<[2, 3], "i32", "cpu">>>,
  Expect<Equal<typeof k2, tg.Tensor<[2, 3], "f64", "cpu">>>,
]
// @ts-expect-error where needs a bool condition
tg.where(x, x, 0)

// broadcast mismatches underline the second operand, in free and method forms
// @ts-expect-error add/sub: cannot broadcast [2, 3] with [4]
tg.add(x, tg.zeros([4]))
// @ts-expect-error add/sub: cannot broadcast [2, 3] with [4]
x.add(tg.zeros([4]))
// @ts-expect-error cannot broadcast [2, 3] with [2]
x.mul(tg.ones([2]))
// @ts-expect-error broadcast in comparisons too
x.lt(tg.ones([3, 3]))
// @ts-expect-error where branches must broadcast with the condition
tg.where(c1, tg.ones([4]), 0)

// device mismatch
// @ts-expect-error a cpu tensor plus a webgpu tensor
x.add(gpu)
// @ts-expect-error a webgpu tensor minus a cpu tensor
tg.sub(gpu, x)

// reductions: axes, negative axes, keepdims, all axes
const r1 = x.sum()
const r2 = tg.sum(x, { axis: 1 })
const r3 = x.mean({ axis: -1, keepdims: true })
const r4 = tg.max(x, { axis: [0, 1] })
const r5 = x.argmax({ axis: 0 })
const r6 = tg.variance(d, { axis: 0, correction: 1 })
const r7 = x.logsumexp({ axis: -2 })
const r8 = tg.norm(x, { ord: Infinity, axis: 1, keepdims: true })
const r9 = tg.softmax(x, { axis: 0 })
const r10 = x.logSoftmax()
const r11 = batch.sum({ axis: 1 })
const r12 = i.prod({ axis: 1 })
export type Reductions = [
  Expect<Equal<typeof r1, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof r2, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof r3, tg.Tensor<[2, 1], "f32", "cpu">>>,
  Expect<Equal<typeof r4, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof r5, tg.Tensor<[3], "i32", "cpu">>>,
  Expect<Equal<typeof r6, tg.Tensor<[3], "f64", "cpu">>>,
  Expect<Equal<typeof r7, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof r8, tg.Tensor<[2, 1], "f32", "cpu">>>,
  Expect<Equal<typeof r9, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof r10, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof r11, tg.Tensor<["B"], "f32", tg.Device["kind"]>>>,
  Expect<Equal<typeof r12, tg.Tensor<[2], "i32", "cpu">>>,
]
// a bare axis (or axes) in place of the options, as NumPy's x.sum(1)
const b1 = x.sum(1)
const b2 = tg.mean(x, -1)
const b3 = x.max([0, 1])
const b4 = tg.argmax(x, 0)
const b5 = tg.variance(d, 0)
const b6 = x.norm(1)
const b7 = x.softmax(0)
export type BareAxis = [
  Expect<Equal<typeof b1, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof b2, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof b3, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof b4, tg.Tensor<[3], "i32", "cpu">>>,
  Expect<Equal<typeof b5, tg.Tensor<[3], "f64", "cpu">>>,
  Expect<Equal<typeof b6, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof b7, tg.Tensor<[2, 3], "f32", "cpu">>>,
]
// @ts-expect-error bare axis out of range
x.sum(2)
// @ts-expect-error bare axis out of range in a list
tg.prod(x, [0, 5])
// @ts-expect-error argmax takes one axis
x.argmax([0, 1])
// @ts-expect-error axis out of range
tg.sum(x, { axis: 2 })
// @ts-expect-error axis out of range (method)
x.mean({ axis: -3 })
// @ts-expect-error axis out of range in a list
x.max({ axis: [0, 5] })
// the mean of an integer tensor is promoted to f32 (as JAX does)
const mi = tg.mean(i)
type _MeanOfInt = Expect<Equal<typeof mi, tg.Tensor<[], "f32", "cpu">>>

// float-only ops refuse integer and bool tensors in the method forms too
// @ts-expect-error exp of i32 (method)
i.exp()
// @ts-expect-error log of bool (method)
c1.log()
// …in the method form too
const mi0 = i.mean({ axis: 0 })
type _MeanOfIntMethod = Expect<Equal<typeof mi0, tg.Tensor<[3], "f32", "cpu">>>
// @ts-expect-error softmax of i32 (method)
i.softmax()
// @ts-expect-error gelu of i32 (method)
i.gelu()
// @ts-expect-error avgPool2d of i32 (method)
tg.zeros([1, 1, 2, 2], { dtype: "i32" }).avgPool2d(2)
const f1 = d.exp().mean({ axis: 0 })
const f2 = x.softmax({ axis: 0 }).norm({ ord: 1 })
export type FloatMethods = [
  Expect<Equal<typeof f1, tg.Tensor<[3], "f64", "cpu">>>,
  Expect<Equal<typeof f2, tg.Tensor<[], "f32", "cpu">>>,
]
