// Type tests of the N-d convolutions, the transposed convolution, reduceWindow and the random
// samplers (key data included). Checked under TypeScript 5.9 and 7 (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T
type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">

declare const named: tg.Tensor<["B", 4, "L"]>

// ------------------------------------------------------------------ convolutions
const c1 = tg.conv1d(tg.zeros([2, 4, 10]), tg.zeros([6, 2, 3]), { groups: 2, padding: [[2, 1]], stride: 2 })
const c2 = tg.conv1d(tg.zeros([2, 4, 10]), tg.zeros([6, 4, 3]), { padding: "same" })
const c3 = tg.conv1d(named, tg.zeros([6, 4, 3]))
const c4 = tg.conv3d(tg.zeros([1, 2, 8, 8, 8]), tg.zeros([4, 2, 3, 3, 3]), { padding: "same", stride: [1, 2, 2] })
const c5 = tg.conv3d(tg.zeros([1, 2, 8, 8, 8]), tg.zeros([4, 2, 3, 3, 3]), { dilation: [1, 2, 3] })
const c6 = tg.conv2d(tg.zeros([1, 2, 8, 8]), tg.zeros([4, 2, 3, 3]), { padding: "same", lhsDilation: 2 })
const c7 = tg.conv2d(tg.zeros([1, 2, 8, 8]), tg.zeros([4, 2, 3, 3]), { padding: [[1, 0], [2, 2]] })
const c8 = tg.conv2d(tg.zeros([8, 3, 32, 32]), tg.zeros([16, 3, 3, 3]), { padding: "same", stride: 2 })
const c9 = tg.conv2d(tg.zeros([1, 2, 8, 8]), tg.zeros([4, 2, 3, 3]), { padding: "valid" })
const t1 = tg.convTranspose2d(tg.zeros([1, 8, 7, 7]), tg.zeros([8, 4, 4, 4]), { stride: 2, padding: 1, outputPadding: 1, groups: 2 })
const t2 = tg.convTranspose2d(tg.zeros([2, 3, 5, 6]), tg.zeros([3, 2, 3, 2]), { dilation: [2, 1] })
export type Convs = [
  Expect<Equal<typeof c1, Cpu<[2, 6, 6]>>>,
  Expect<Equal<typeof c2, Cpu<[2, 6, 10]>>>,
  Expect<Equal<typeof c3, tg.Tensor<["B", 6, number]>>>,
  Expect<Equal<typeof c4, Cpu<[1, 4, 8, 4, 4]>>>,
  Expect<Equal<typeof c5, Cpu<[1, 4, 6, 4, 2]>>>,
  Expect<Equal<typeof c6, Cpu<[1, 4, 15, 15]>>>,
  Expect<Equal<typeof c7, Cpu<[1, 4, 7, 10]>>>,
  Expect<Equal<typeof c8, Cpu<[8, 16, 16, 16]>>>,
  Expect<Equal<typeof c9, Cpu<[1, 4, 6, 6]>>>,
  Expect<Equal<typeof t1, Cpu<[1, 8, 15, 15]>>>,
  Expect<Equal<typeof t2, Cpu<[2, 2, 9, 7]>>>,
]
// @ts-expect-error conv1d: input has 4 channels but the weight expects 3
tg.conv1d(tg.zeros([2, 4, 10]), tg.zeros([6, 3, 3]))
// @ts-expect-error conv3d: a 2-D weight
tg.conv3d(tg.zeros([1, 2, 8, 8, 8]), tg.zeros([4, 2, 3, 3]))
// @ts-expect-error convTranspose2d: input has 3 channels but the weight expects 2
tg.convTranspose2d(tg.zeros([1, 3, 4, 4]), tg.zeros([2, 4, 3, 3]))

// ------------------------------------------------------------------ reduceWindow
const w1 = tg.reduceWindow(tg.zeros([4, 10, 10]), "max", [1, 3, 3], { strides: [1, 2, 2], padding: "same" })
const w2 = tg.reduceWindow(tg.zeros([1, 2, 8, 8]), "sum", [1, 1, 2, 2], { strides: [1, 1, 2, 2] })
const w3 = tg.reduceWindow(tg.zeros([5]), "min", [2], { baseDilation: 2, padding: [[1, 0]] })
export type Windows = [
  Expect<Equal<typeof w1, Cpu<[4, 5, 5]>>>,
  Expect<Equal<typeof w2, Cpu<[1, 2, 4, 4]>>>,
  Expect<Equal<typeof w3, Cpu<[9]>>>,
]
// @ts-expect-error reduceWindow: one window size per axis
tg.reduceWindow(tg.zeros([3, 3]), "sum", [2])
// @ts-expect-error reduceWindow: the window is larger than the input
tg.reduceWindow(tg.zeros([3]), "max", [4])

// ------------------------------------------------------------------ random
const k = tg.key(0)
const kd = tg.keyData(k)
const kb = tg.split(kd, 4)
const r1 = tg.uniform(kb, [3])
const r2 = tg.vmap((q: tg.KeyData) => tg.normal(q, [3]))(kb)
const r3 = tg.dirichlet(k, [1, 2, 3], [10])
const r4 = tg.categorical(k, tg.zeros([4, 5]))
const r5 = tg.categorical(k, tg.zeros([5]), [7, 2])
const r6 = tg.choice(k, tg.zeros([5, 2]), [3])
const r7 = tg.choice(k, 5, [2, 2], { replace: false })
const r8 = tg.permutation(k, 5)
const r9 = tg.multivariateNormal(k, tg.zeros([2]), tg.eye(2), [4])
const r10 = tg.exponential(kb, [3], { dtype: "f64" })
const r11 = tg.bernoulli(k, tg.zeros([3]))
const r12 = tg.poisson(k, 3, [2])
const r13 = tg.gamma(k, 2, [2], { dtype: "f64" })
export type Random = [
  Expect<Equal<typeof kd, tg.KeyData<[], "cpu">>>,
  Expect<Equal<typeof kb, tg.Tensor<[4, 2], "i32", "cpu">>>,
  Expect<Equal<typeof r1, Cpu<[4, 3]>>>,
  Expect<Equal<typeof r2, Cpu<[4, 3]>>>,
  Expect<Equal<typeof r3, Cpu<[10, 3]>>>,
  Expect<Equal<typeof r4, Cpu<[4], "i32">>>,
  Expect<Equal<typeof r5, Cpu<[7, 2], "i32">>>,
  Expect<Equal<typeof r6, Cpu<[3, 2]>>>,
  Expect<Equal<typeof r7, Cpu<[2, 2], "i32">>>,
  Expect<Equal<typeof r8, Cpu<[5], "i32">>>,
  Expect<Equal<typeof r9, Cpu<[4, 2]>>>,
  Expect<Equal<typeof r10, Cpu<[4, 3], "f64">>>,
  Expect<Equal<typeof r11, Cpu<[3], "bool">>>,
  Expect<Equal<typeof r12, Cpu<[2], "i32">>>,
  Expect<Equal<typeof r13, Cpu<[2], "f64">>>,
]
// @ts-expect-error gamma draws floats only
tg.gamma(k, 2, [2], { dtype: "i32" })
// @ts-expect-error key data is i32
tg.uniform(tg.zeros([2]), [3])
