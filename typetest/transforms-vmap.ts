// Transform type tests: vmap. Checked by `tsc -p tsconfig.json` under TypeScript 5.9 and 7 (never
// run). `vmap(f, { inAxes, outAxes })` is written for one example; the vmapped function takes each
// mapped argument with one more axis (at its `inAxes` entry, any size; the other dims must fit the
// declaration) and returns `f`'s result with the batch axis inserted at `outAxes`. The batch size
// is the mapped size of the arguments where the type knows it (literal or named), else `number`.
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">
type Any<S extends tg.Shape> = tg.Tensor<S, "f32", tg.DeviceKind>

const v3 = tg.ones([3])
const b83 = tg.ones([8, 3])
const b35 = tg.ones([3, 5])
declare const gpu: tg.Tensor<[8, 3], "f32", "webgpu">
declare const named: tg.Tensor<["B", 3]>
declare const dynBatch: tg.Tensor<[number, 3]>
declare const unknownRank: tg.Tensor<number[]>

const total = (x: tg.Tensor<[3]>) => x.sum()
const double = (x: tg.Tensor<[3]>) => x.mul(2)
const dot = (a: tg.Tensor<[3]>, b: tg.Tensor<[3]>) => a.mul(b).sum()

// the mapped axis is removed from the argument and added to the result
const r1 = tg.vmap(total)(b83)
const r2 = tg.vmap(double)(b83)
const r3 = tg.vmap(double, { outAxes: 1 })(b83)
const r4 = tg.vmap(double, { inAxes: 1 })(b35)
const r5 = tg.vmap(double, { inAxes: 1, outAxes: 1 })(b35)
const r6 = tg.vmap(double, { inAxes: -1, outAxes: -1 })(b35)
const r7 = tg.vmap(dot, { inAxes: [0, null] })(b83, v3)
const r8 = tg.vmap(dot)(b83, b83)
const r9 = tg.vmap(dot, { inAxes: [null, 1] })(v3, b35)
export type Axes = [
  Expect<Equal<typeof r1, Cpu<[8]>>>,
  Expect<Equal<typeof r2, Cpu<[8, 3]>>>,
  Expect<Equal<typeof r3, Cpu<[3, 8]>>>,
  Expect<Equal<typeof r4, Cpu<[5, 3]>>>,
  Expect<Equal<typeof r5, Cpu<[3, 5]>>>,
  Expect<Equal<typeof r6, Cpu<[3, 5]>>>,
  Expect<Equal<typeof r7, Cpu<[8]>>>,
  Expect<Equal<typeof r8, Cpu<[8]>>>,
  Expect<Equal<typeof r9, Cpu<[5]>>>,
]

// the batch size: literal, named, or `number` where the type cannot know it (never `any`)
const n1 = tg.vmap(total)(named)
const n2 = tg.vmap(total)(dynBatch)
const n3 = tg.vmap(double)(unknownRank)
const n4 = tg.vmap(dot, { inAxes: [0, 0] })(dynBatch, b83)
const n5 = tg.vmap((x: tg.Tensor<["T", 4]>) => x.sum({ axis: 1 }))(null! as tg.Tensor<["B", "T", 4]>)
const n6 = tg.vmap((x: tg.Tensor<number[]>) => x.sum())(b83) // sum of unknown rank: Dim[]
const n7 = tg.vmap((x: tg.Tensor<[number]>) => x.sum())(b83)
// a spec that is not a literal checks nothing and gives `number` dims of the right rank
const opts: tg.VmapOptions = { inAxes: 0 }
const n8 = tg.vmap(double, opts)(b83)
const n9 = tg.vmap(double, { outAxes: 1 as number })(b83)
export type Sizes = [
  Expect<Equal<typeof n1, Any<["B"]>>>,
  Expect<Equal<typeof n2, Any<[number]>>>,
  Expect<Equal<typeof n3, Any<[number, 3]>>>,
  Expect<Equal<typeof n4, Any<[8]>>>,
  Expect<Equal<typeof n5, Any<["B", "T"]>>>,
  Expect<Equal<typeof n6, Cpu<tg.Dim[]>>>,
  Expect<Equal<typeof n7, Cpu<[8]>>>,
  Expect<Equal<typeof n8, Cpu<[number, number]>>>,
  Expect<Equal<typeof n9, Cpu<[number, number]>>>,
]

// devices: an "any device" declaration follows the actual arguments
const d1 = tg.vmap(total)(gpu)
const d2 = tg.vmap((x: tg.Tensor<[3], "f32", "webgpu">) => x.exp())(gpu)
export type Devices = [
  Expect<Equal<typeof d1, tg.Tensor<[8], "f32", "webgpu">>>,
  Expect<Equal<typeof d2, tg.Tensor<[8, 3], "f32", "webgpu">>>,
]

// trees: prefix specs over arguments, per-output specs over results
type Params = { w: tg.Tensor<[2, 3]>; b: tg.Tensor<[3]> }
const layer = (p: Params, x: tg.Tensor<[2]>) => x.matmul(p.w).add(p.b)
const params = { w: tg.ones([2, 3]), b: v3 }
const t1 = tg.vmap(layer, { inAxes: [null, 0] })(params, tg.ones([5, 2]))
const t2 = tg.vmap(layer, { inAxes: [{ w: null, b: null }, 0] })(params, tg.ones([5, 2]))
const t3 = tg.vmap(layer, { inAxes: [{ w: 0, b: null }, null] })({ w: tg.ones([4, 2, 3]), b: v3 }, tg.ones([2]))
const t4 = tg.vmap((x: tg.Tensor<[3]>) => [x.sum(), x.mul(2)] as const, { outAxes: [0, 1] })(b83)
const t5 = tg.vmap((x: tg.Tensor<[3]>) => ({ s: x.sum(), d: x.mul(2) }), { outAxes: { s: 0, d: -1 } })(b83)
const t6 = tg.vmap((xs: [tg.Tensor<[3]>, tg.Tensor<[2]>]) => xs[0].sum().add(xs[1].sum()))([b83, tg.ones([8, 2])])
export type Trees = [
  Expect<Equal<typeof t1, Cpu<[5, 3]>>>,
  Expect<Equal<typeof t2, Cpu<[5, 3]>>>,
  Expect<Equal<typeof t3, Cpu<[4, 3]>>>,
  Expect<Equal<typeof t4, readonly [Cpu<[8]>, Cpu<[3, 8]>]>>,
  Expect<Equal<typeof t5, { s: Cpu<[8]>; d: Cpu<[3, 8]> }>>,
  Expect<Equal<typeof t6, Cpu<[8]>>>,
]

// composition: per-example gradients, vmap of jvp, nested vmap, jit of vmap
const loss = (w: tg.Tensor<[3]>, x: tg.Tensor<[3]>) => w.mul(x).tanh().sum()
const c1 = tg.vmap(tg.grad(loss), { inAxes: [null, 0] })(v3, tg.ones([4, 3]))
const c2 = tg.vmap((x: tg.Tensor<[3]>, t: tg.Tensor<[3]>) => tg.jvp((y: tg.Tensor<[3]>) => y.exp(), [x], [t]))(b83, b83)
// nested: the outer vmap reads the inner declaration (the inner mapped axes become `number`
// dims), so the outer arguments are checked and the outer size is known; the inner size is `number`
const c3 = tg.vmap(tg.vmap((a: tg.Tensor<[]>, b: tg.Tensor<[]>) => a.mul(b), { inAxes: [null, 0] }), { inAxes: [0, null] })(tg.ones([2]), tg.ones([3]))
const pairwise = tg.vmap(tg.vmap(dot, { inAxes: [null, 0] }), { inAxes: [0, null] })
const c5 = pairwise(tg.ones([2, 3]), tg.ones([5, 3]))
const c6 = tg.vmap(tg.vmap(total), { inAxes: 1, outAxes: 1 })(tg.ones([4, 6, 3]))
const c4 = tg.jit(tg.vmap(total))(b83)
export type Composition = [
  Expect<Equal<typeof c1, Cpu<[4, 3]>>>,
  Expect<Equal<typeof c2, [Cpu<[8, 3]>, Cpu<[8, 3]>]>>,
  Expect<Equal<typeof c3, Cpu<[2, number]>>>,
  Expect<Equal<typeof c4, Cpu<[8]>>>,
  Expect<Equal<typeof c5, Cpu<[2, number]>>>,
  Expect<Equal<typeof c6, Cpu<[number, 6]>>>,
]

// the erased tensor type and unannotated functions (an op on `AnyTensor` gives unknown rank)
const e1 = tg.vmap((x: tg.AnyTensor) => x.mul(2))(b83)
const e2 = tg.vmap((x) => x.mul(2))(b83)
export type Erased = [
  Expect<Equal<typeof e1, tg.Tensor<tg.Dim[], tg.DType, "cpu">>>,
  Expect<Equal<typeof e2, tg.Tensor<tg.Dim[], tg.DType, "cpu">>>,
]

// ------------------------------------------------------------------ negatives

// @ts-expect-error vmap: the argument [8, 4] does not fit the function's [3] mapped at axis 0 (4 vs 3)
tg.vmap(total)(tg.ones([8, 4]))
// @ts-expect-error ... mapped at axis 1: the trailing dims are checked around the mapped axis
tg.vmap(total, { inAxes: 1 })(b83)
// @ts-expect-error vmap: the argument [3] does not fit the function's [3] with one mapped axis
tg.vmap(total)(v3)
// @ts-expect-error ... nor two extra axes
tg.vmap(total)(tg.ones([2, 8, 3]))
// @ts-expect-error vmap: mapped axes have different sizes (8 and 4)
tg.vmap(dot)(b83, tg.ones([4, 3]))
// @ts-expect-error vmap: inAxes axis 2 is out of range for rank 2
tg.vmap(total, { inAxes: 2 })(b83)
// @ts-expect-error vmap: the unmapped argument [8, 3] differs from the function's [3]
tg.vmap(dot, { inAxes: [0, null] })(b83, b83)
// @ts-expect-error a named dim of the declaration must match
tg.vmap((x: tg.Tensor<["T", 4]>) => x.sum())(tg.ones([2, 5, 4]))
// @ts-expect-error a tree leaf that does not fit
tg.vmap(layer, { inAxes: [null, 0] })(params, tg.ones([5, 3]))
// @ts-expect-error the dtype must be the declared one
tg.vmap(total)(tg.ones([8, 3], { dtype: "f64" }))
// @ts-expect-error a GPU batch for a CPU-only function
tg.vmap((x: Cpu<[3]>) => x.sum())(gpu)
// @ts-expect-error nested: the shared [5, 4] does not fit the inner declaration [number, 3]
pairwise(tg.ones([2, 3]), tg.ones([5, 4]))
// @ts-expect-error nested: the outer mapped [2, 4] does not fit [3]
pairwise(tg.ones([2, 4]), tg.ones([5, 3]))
// @ts-expect-error vmap: an inAxes spec has 1 entries for an array of 2
tg.vmap(dot, { inAxes: [0] })(b83, b83)
// @ts-expect-error the result is [8], not [3]
export const wrongOut: Cpu<[3]> = tg.vmap(total)(b83)
