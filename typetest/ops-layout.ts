// Op-level type tests: reshape, transpose/permute, squeeze/unsqueeze, expand, flatten, slice,
// at(...).set/add, concat/stack, pad. Checked under TypeScript 5.9 and 7 (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

const x = tg.zeros([2, 3])
const cube = tg.zeros([2, 3, 4])
declare const gpu: tg.Tensor<[2, 3], "f32", "webgpu">
declare const seq: tg.Tensor<["B", "T", 768]>

const l1 = x.reshape([3, 2])
const l2 = tg.reshape(x, [-1])
const l3 = seq.reshape([-1, 768])
const l4 = tg.reshape(cube, [6, -1])
const l5 = x.transpose()
const l6 = tg.transpose(cube, 0, -1)
const l7 = cube.permute([2, 0, 1])
const l8 = tg.squeeze(tg.zeros([1, 3, 1]))
const l9 = tg.zeros([1, 3, 1]).squeeze(-1)
const l10 = x.unsqueeze(0)
const l11 = tg.unsqueeze(x, -1)
const l12 = tg.zeros([3, 1]).expand([2, 3, 4])
const l13 = cube.flatten(1)
const l14 = tg.flatten(cube)
const l15 = gpu.transpose()
export type Layout = [
  Expect<Equal<typeof l1, tg.Tensor<[3, 2], "f32", "cpu">>>,
  Expect<Equal<typeof l2, tg.Tensor<[6], "f32", "cpu">>>,
  Expect<Equal<typeof l3, tg.Tensor<[number, 768], "f32", tg.Device["kind"]>>>, // B·T is not a literal
  Expect<Equal<typeof l4, tg.Tensor<[6, 4], "f32", "cpu">>>,
  Expect<Equal<typeof l5, tg.Tensor<[3, 2], "f32", "cpu">>>,
  Expect<Equal<typeof l6, tg.Tensor<[4, 3, 2], "f32", "cpu">>>,
  Expect<Equal<typeof l7, tg.Tensor<[4, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof l8, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof l9, tg.Tensor<[1, 3], "f32", "cpu">>>,
  Expect<Equal<typeof l10, tg.Tensor<[1, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof l11, tg.Tensor<[2, 3, 1], "f32", "cpu">>>,
  Expect<Equal<typeof l12, tg.Tensor<[2, 3, 4], "f32", "cpu">>>,
  Expect<Equal<typeof l13, tg.Tensor<[2, 12], "f32", "cpu">>>,
  Expect<Equal<typeof l14, tg.Tensor<[24], "f32", "cpu">>>,
  Expect<Equal<typeof l15, tg.Tensor<[3, 2], "f32", "webgpu">>>,
]

// @ts-expect-error reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)
tg.zeros([2, 3]).reshape([7])
// @ts-expect-error the free form too
tg.reshape(tg.zeros([2, 3]), [7])
// @ts-expect-error two -1s
x.reshape([-1, -1])
// @ts-expect-error permute needs every axis once
cube.permute([0, 0, 1])
// @ts-expect-error transpose axis out of range
x.transpose(0, 2)
// @ts-expect-error squeeze of a non-1 axis
tg.squeeze(x, 0)
// @ts-expect-error unsqueeze axis out of range
x.unsqueeze(4)
// @ts-expect-error expand cannot change a non-1 dim
tg.zeros([3, 2]).expand([3, 4])
// @ts-expect-error flatten start out of range
x.flatten(3)

// slicing: the result shape is computed from the string
const s1 = tg.zeros([100, 100]).slice("2:, 1:-1")
const s2 = tg.slice(tg.arange(10), "::3")
const s3 = cube.slice("0, ..., None")
const s4 = x.slice("-1")
const s5 = x.slice("None, :, 1")
const s6 = cube.slice("1:, :2, ::2")
const s7 = seq.slice(":, -1")
export type Slices = [
  Expect<Equal<typeof s1, tg.Tensor<[98, 98], "f32", "cpu">>>,
  Expect<Equal<typeof s2, tg.Tensor<[4], "f32", "cpu">>>,
  Expect<Equal<typeof s3, tg.Tensor<[3, 4, 1], "f32", "cpu">>>,
  Expect<Equal<typeof s4, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<typeof s5, tg.Tensor<[1, 2], "f32", "cpu">>>,
  Expect<Equal<typeof s6, tg.Tensor<[1, 2, 2], "f32", "cpu">>>,
  Expect<Equal<typeof s7, tg.Tensor<["B", 768], "f32", tg.Device["kind"]>>>,
]
// @ts-expect-error index 5 out of range for dim 0 of size 2
x.slice("5")
// @ts-expect-error too many indices
x.slice("0, 0, 0")
// @ts-expect-error two ellipses
tg.slice(x, "..., ...")
// @ts-expect-error negative steps are not supported
x.slice("::-1")

// functional update keeps the type
const u1 = x.at("0, :").set(1)
const u2 = tg.at(x, "1:, ::2").add(tg.ones([2]))
const u3 = x.at(":, 1").set(tg.ones([2]))
export type Updates = [
  Expect<Equal<typeof u1, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof u2, tg.Tensor<[2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof u3, tg.Tensor<[2, 3], "f32", "cpu">>>,
]
// @ts-expect-error bad slice in at
x.at("0, 0, 0")
// @ts-expect-error the value does not fit the region [2]
x.at(":, 1").set(tg.ones([3]))
// @ts-expect-error the value lives on another device
x.at(":, 1").set(tg.ones([2]) as unknown as tg.Tensor<[2], "f32", "webgpu">)

// concat / stack / pad
const j1 = tg.concat([x, tg.ones([5, 3])])
const j2 = tg.concat([x, tg.ones([2, 1])], 1)
const j3 = tg.stack([tg.zeros([3]), tg.ones([3])], 1)
const j4 = tg.stack([x, x, x])
const j5 = tg.pad(x, [[1, 1], [0, 2]])
const j6 = x.pad(1)
const j7 = tg.pad(x, [[2, 0]], { mode: "edge" })
const j8 = tg.pad(tg.zeros([1, 2, 3]), [[1, 2]])
export type Joins = [
  Expect<Equal<typeof j1, tg.Tensor<[7, 3], "f32", "cpu">>>,
  Expect<Equal<typeof j2, tg.Tensor<[2, 4], "f32", "cpu">>>,
  Expect<Equal<typeof j3, tg.Tensor<[3, 2], "f32", "cpu">>>,
  Expect<Equal<typeof j4, tg.Tensor<[3, 2, 3], "f32", "cpu">>>,
  Expect<Equal<typeof j5, tg.Tensor<[4, 5], "f32", "cpu">>>,
  Expect<Equal<typeof j6, tg.Tensor<[4, 5], "f32", "cpu">>>,
  Expect<Equal<typeof j7, tg.Tensor<[4, 5], "f32", "cpu">>>,
  Expect<Equal<typeof j8, tg.Tensor<[4, 5, 6], "f32", "cpu">>>,
]
// @ts-expect-error concat: other dims differ
tg.concat([x, tg.ones([2, 4])])
// @ts-expect-error stack needs equal shapes
tg.stack([tg.zeros([3]), tg.ones([4])])
// @ts-expect-error more pads than axes
tg.pad(x, [[1, 1], [1, 1], [1, 1]])
// @ts-expect-error two pairs for three axes (NumPy: one pair, or one per axis)
tg.pad(tg.zeros([1, 2, 3]), [[1, 1], [1, 1]])
// @ts-expect-error no pairs for a rank-3 tensor
tg.pad(tg.zeros([1, 2, 3]), [])
