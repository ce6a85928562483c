// Op-level type tests: matmul/dot/outer, conv2d and pooling, creation, host access and the
// heat-equation stencil. Checked under TypeScript 5.9 and 7 (never run).
import type { Effect } from "effect"
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

declare const gpu23: tg.Tensor<[2, 3], "f32", "webgpu">
declare const gpu3: tg.Tensor<[3], "f32", "webgpu">
declare const gpu2: tg.Tensor<[2], "f32", "webgpu">
declare const xs: tg.Tensor<["B", 784]>

// matmul: 2-D, batched with broadcast batch dims, 1-D operands, named and dynamic dims
const m1 = tg.matmul(tg.ones([2, 3]), tg.ones([3, 4]))
const m2 = tg.zeros([8, 1, 3, 4]).matmul(tg.zeros([5, 4, 6]))
const m3 = tg.matmul(tg.ones([3]), tg.ones([3]))
const m4 = tg.ones([2, 3]).matmul(tg.ones([3]))
const m5 = tg.matmul(tg.ones([4]), tg.ones([2, 4, 5]))
const m6 = xs.matmul(tg.zeros([784, 128]))
const m7 = gpu23.matmul(tg.zeros([3, 2]) as unknown as tg.Tensor<[3, 2], "f32", "webgpu">)
const m8 = tg.matmul(tg.ones([2, 3], { dtype: "f64" }), tg.ones([3, 1], { dtype: "f64" }))
export type Matmul = [
  Expect<Equal<typeof m1, tg.Tensor<[2, 4], "f32", "cpu">>>,
  Expect<Equal<typeof m2, tg.Tensor<[8, 5, 3, 6], "f32", "cpu">>>,
  Expect<Equal<typeof m3, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof m4, tg.Tensor<[2], "f32", "cpu">>>,
  Expect<Equal<typeof m5, tg.Tensor<[2, 5], "f32", "cpu">>>,
  Expect<Equal<typeof m6, tg.Tensor<["B", 128], "f32", tg.Device["kind"]>>>,
  Expect<Equal<typeof m7, tg.Tensor<[2, 2], "f32", "webgpu">>>,
  Expect<Equal<typeof m8, tg.Tensor<[2, 1], "f64", "cpu">>>,
]
// @ts-expect-error matmul: inner dimensions differ for [2, 3] @ [4, 5] (3 vs 4)
tg.matmul(tg.zeros([2, 3]), tg.zeros([4, 5]))
// @ts-expect-error the method form
tg.zeros([2, 3]).matmul(tg.zeros([4, 5]))
// @ts-expect-error batch dims do not broadcast
tg.matmul(tg.zeros([2, 3, 4]), tg.zeros([3, 4, 5]))
// @ts-expect-error dtype mismatch (f32 vs f64)
tg.matmul(tg.zeros([2, 3]), tg.zeros([3, 2], { dtype: "f64" }))
// @ts-expect-error dtype mismatch, method form
tg.zeros([2, 3], { dtype: "i32" }).matmul(tg.zeros([3, 2]))
// @ts-expect-error device mismatch (cpu vs webgpu)
tg.matmul(tg.zeros([3, 2]), gpu23)
// @ts-expect-error device mismatch, method form
gpu23.matmul(tg.zeros([3, 2]))
// @ts-expect-error named dims must match exactly: 784 vs 783
xs.matmul(tg.zeros([783, 10]))

const d1 = tg.dot(tg.ones([3]), tg.ones([3]))
const o1 = tg.outer(tg.ones([2]), tg.ones([3]))
const o2 = gpu2.outer(gpu3)
export type DotOuter = [
  Expect<Equal<typeof d1, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof o1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof o2, tg.Tensor<[2, 3], "f32", "webgpu">>>,
]
// @ts-expect-error dot of different lengths
tg.dot(tg.ones([3]), tg.ones([4]))
// @ts-expect-error dot of matrices
tg.dot(tg.ones([2, 2]), tg.ones([2, 2]))
// @ts-expect-error outer across devices
tg.outer(tg.ones([2]), gpu3)

// conv2d / pooling
const c1 = tg.conv2d(tg.zeros([8, 3, 32, 32]), tg.zeros([16, 3, 3, 3]), { padding: 1 })
const c2 = tg.zeros([1, 4, 28, 28]).conv2d(tg.zeros([8, 2, 5, 5]), { stride: 2, groups: 2 })
const c3 = tg.conv2d(tg.zeros([1, 1, 11, 11]), tg.zeros([1, 1, 3, 3]), { dilation: 2, stride: [1, 2] })
const p1 = tg.maxPool2d(tg.zeros([1, 3, 32, 32]), 2)
const p2 = tg.zeros([1, 3, 7, 7]).avgPool2d(3, { stride: 2, padding: 1 })
export type Conv = [
  Expect<Equal<typeof c1, tg.Tensor<[8, 16, 32, 32], "f32", "cpu">>>,
  Expect<Equal<typeof c2, tg.Tensor<[1, 8, 12, 12], "f32", "cpu">>>,
  Expect<Equal<typeof c3, tg.Tensor<[1, 1, 7, 4], "f32", "cpu">>>,
  Expect<Equal<typeof p1, tg.Tensor<[1, 3, 16, 16], "f32", "cpu">>>,
  Expect<Equal<typeof p2, tg.Tensor<[1, 3, 4, 4], "f32", "cpu">>>,
]
// @ts-expect-error conv2d: input has 3 channels but weight [2, 4, 3, 3] expects 4
tg.conv2d(tg.zeros([1, 3, 5, 5]), tg.zeros([2, 4, 3, 3]))
// @ts-expect-error channel mismatch, method form
tg.zeros([1, 3, 5, 5]).conv2d(tg.zeros([2, 4, 3, 3]))
// @ts-expect-error kernel larger than the input
tg.conv2d(tg.zeros([1, 1, 2, 2]), tg.zeros([1, 1, 3, 3]))
// @ts-expect-error conv2d dtype mismatch
tg.conv2d(tg.zeros([1, 1, 4, 4]), tg.zeros([1, 1, 3, 3], { dtype: "f64" }))
// @ts-expect-error pooling window larger than the input
tg.maxPool2d(tg.zeros([1, 1, 2, 2]), 3)

// creation infers shapes and dtypes
const t1 = tg.tensor([[1, 2, 3], [4, 5, 6]])
const t2 = tg.tensor([true, false])
const t3 = tg.tensor(new Float64Array(4), [2, 2])
const t4 = tg.tensor(new Int32Array(6), [3, 2])
const t5 = tg.tensor(3)
const t6 = tg.arange(4)
const t7 = tg.linspace(0, 1, 5, { dtype: "f64" })
const t8 = tg.eye(3)
const t9 = tg.eye(2, 3)
const t10 = tg.full([2], 7, { dtype: "i32" })
const t11 = tg.normal(tg.key(0), [3, 4])
const t12 = tg.bernoulli(tg.key(0), 0.5, [8])
const t13 = tg.scalar(1)
export type Creation = [
  Expect<Equal<typeof t1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof t2, tg.Tensor<[2], "bool", "cpu">>>,
  Expect<Equal<typeof t3, tg.Tensor<[2, 2], "f64", "cpu">>>,
  Expect<Equal<typeof t4, tg.Tensor<[3, 2], "i32", "cpu">>>,
  Expect<Equal<typeof t5, tg.Tensor<[], "f32", "cpu">>>,
  Expect<Equal<typeof t6, tg.Tensor<[4], "f32", "cpu">>>,
  Expect<Equal<typeof t7, tg.Tensor<[5], "f64", "cpu">>>,
  Expect<Equal<typeof t8, tg.Tensor<[3, 3], "f32", "cpu">>>,
  Expect<Equal<typeof t9, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof t10, tg.Tensor<[2], "i32", "cpu">>>,
  Expect<Equal<typeof t11, tg.Tensor<[3, 4], "f32", "cpu">>>,
  Expect<Equal<typeof t12, tg.Tensor<[8], "bool", "cpu">>>,
  Expect<Equal<typeof t13, tg.Tensor<[], "f32", "cpu">>>,
]

// host access: sync only on CPU tensors; Effects everywhere
const h1 = t1.toArraySync()
const h2 = t2.toArraySync()
const h3 = t13.item()
const h4 = t3.dataSync()
const h5 = tg.toArray(gpu23)
const h6 = gpu23.data()
export type Host = [
  Expect<Equal<typeof h1, number[][]>>,
  Expect<Equal<typeof h2, boolean[]>>,
  Expect<Equal<typeof h3, number>>,
  Expect<Equal<typeof h4, Float64Array>>,
  Expect<Equal<typeof h5, Effect.Effect<number[][], tg.ReadbackError>>>,
  Expect<Equal<typeof h6, Effect.Effect<Float32Array, tg.ReadbackError>>>,
]
// @ts-expect-error toArraySync on a webgpu tensor
gpu23.toArraySync()
// @ts-expect-error the free form too
tg.toArraySync(gpu23)
// @ts-expect-error item on a webgpu tensor
tg.item(gpu2.sum())
// @ts-expect-error dataSync on a webgpu tensor
gpu23.dataSync()

// the heat stencil: [100, 100] flows through every line
let grid = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
for (let i = 0; i < 500; i++) {
  const lap = grid.slice("2:, 1:-1").add(grid.slice(":-2, 1:-1")).add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2")).sub(grid.slice("1:-1, 1:-1").mul(4))
  grid = grid.at("1:-1, 1:-1").add(lap.mul(0.01))
  type _Lap = Expect<Equal<typeof lap, tg.Tensor<[98, 98], "f32", "cpu">>>
  type _Grid = Expect<Equal<typeof grid, tg.Tensor<[100, 100], "f32", "cpu">>>
}
const centre = grid.slice("50, 50").item()
export type Heat = [
  Expect<Equal<typeof grid, tg.Tensor<[100, 100], "f32", "cpu">>>,
  Expect<Equal<typeof centre, number>>,
]
// @ts-expect-error a stencil with a misaligned slice ([99, 98] vs [98, 98])
grid.slice("1:, 1:-1").add(grid.slice(":-2, 1:-1"))
// @ts-expect-error assigning a region of the wrong size
grid.at("1:-1, 1:-1").add(tg.zeros([99, 98]))
