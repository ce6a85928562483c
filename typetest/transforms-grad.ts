// Transform type tests: grad and valueAndGrad. Checked by `tsc -p tsconfig.json` under TypeScript
// 5.9 and 7 (never run). A wrong positive is a compile error; a negative that compiles makes its
// `@ts-expect-error` unused (also an error).
//
// The rule: `grad(loss)(params)` has exactly the type of the actual `params` (the returned function
// is generic over its arguments), so a loss declared on "any device" called with CPU tensors gives
// CPU gradients, and `argnums` picks a tuple of the actual argument types.
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">

const s = tg.scalar(3)
const v = tg.ones([3])
const w = tg.ones([2, 3])
declare const gpuW: tg.Tensor<[2, 3], "f32", "webgpu">
declare const gpuV: tg.Tensor<[3], "f32", "webgpu">

// a loss declared on "any device": the gradient takes the device of the actual argument
const square = (x: tg.Tensor<[]>) => x.mul(x)
const g1 = tg.grad(square)(s)
const g1Item = tg.grad(square)(s).item()
// the acceptance example: an unannotated loss takes its argument types from the call
const g2 = tg.grad((x) => x.mul(x))(tg.scalar(3))
const g2Item = tg.grad((x) => x.mul(x))(tg.scalar(3)).item()
// higher order by nesting
const g3 = tg.grad(tg.grad((x: tg.Tensor<[]>) => x.mul(x).mul(x)))(tg.scalar(2))
const g3Item = tg.grad(tg.grad(tg.grad((x: tg.Tensor<[]>) => x.mul(x).mul(x))))(tg.scalar(2)).item()
// f64 and a CPU-only declaration
const g4 = tg.grad((x: Cpu<[3], "f64">) => x.sin().sum())(tg.ones([3], { dtype: "f64" }))
export type Scalars = [
  Expect<Equal<typeof g1, Cpu<[]>>>,
  Expect<Equal<typeof g1Item, number>>,
  Expect<Equal<typeof g2, Cpu<[]>>>,
  Expect<Equal<typeof g2Item, number>>,
  Expect<Equal<typeof g3, Cpu<[]>>>,
  Expect<Equal<typeof g3Item, number>>,
  Expect<Equal<typeof g4, Cpu<[3], "f64">>>,
]

// trees of parameters: records, arrays and tuples keep their exact structure and leaf types
type Params = { w: tg.Tensor<[2, 3]>; b: tg.Tensor<[3]> }
const linear = (p: Params, x: tg.Tensor<[2]>) => x.matmul(p.w).add(p.b).square().sum()
const params = { w, b: v }
const x2 = tg.ones([2])
const gp = tg.grad(linear)(params, x2)
const gpGpu = tg.grad(linear)({ w: gpuW, b: gpuV }, null! as tg.Tensor<[2], "f32", "webgpu">)
const layers = [tg.ones([4, 4]), tg.ones([4, 4])]
const ga = tg.grad((ls: tg.Tensor<[4, 4]>[]) => ls[0]!.matmul(ls[1]!).sum())(layers)
const pair = [tg.ones([2]), tg.ones([3])] as [Cpu<[2]>, Cpu<[3]>]
const gt = tg.grad((p: readonly [tg.Tensor<[2]>, tg.Tensor<[3]>]) => p[0].sum().add(p[1].sum()))(pair)
const nested = { enc: { w: tg.ones([3, 3]) }, dec: [tg.ones([3])] as [Cpu<[3]>] }
const gn = tg.grad((p: typeof nested) => p.enc.w.sum().add(p.dec[0].sum()))(nested)
export type Trees = [
  Expect<Equal<typeof gp, { w: Cpu<[2, 3]>; b: Cpu<[3]> }>>,
  Expect<Equal<typeof gp, typeof params>>,
  Expect<Equal<typeof gpGpu, { w: tg.Tensor<[2, 3], "f32", "webgpu">; b: tg.Tensor<[3], "f32", "webgpu"> }>>,
  Expect<Equal<typeof ga, Cpu<[4, 4]>[]>>,
  Expect<Equal<typeof gt, [Cpu<[2]>, Cpu<[3]>]>>,
  Expect<Equal<typeof gn, typeof nested>>,
]

// argnums: one index gives that argument's type, an array gives a tuple of the picked types
const twoArgs = (a: tg.Tensor<[3]>, b: tg.Tensor<[2, 3]>) => a.mul(b).sum()
const gb = tg.grad(twoArgs, { argnums: 1 })(v, w)
const gab = tg.grad(twoArgs, { argnums: [0, 1] })(v, w)
const gba = tg.grad(twoArgs, { argnums: [1, 0] })(v, w)
const gpx = tg.grad(linear, { argnums: [0, 1] })(params, x2)
export type Argnums = [
  Expect<Equal<typeof gb, Cpu<[2, 3]>>>,
  Expect<Equal<typeof gab, [Cpu<[3]>, Cpu<[2, 3]>]>>,
  Expect<Equal<typeof gba, [Cpu<[2, 3]>, Cpu<[3]>]>>,
  Expect<Equal<typeof gpx, [{ w: Cpu<[2, 3]>; b: Cpu<[3]> }, Cpu<[2]>]>>,
]

// valueAndGrad: the value keeps the loss's shape and dtype, on the argument's device
const [value, grads] = tg.valueAndGrad(linear)(params, x2)
const [value2, grads2] = tg.valueAndGrad(twoArgs, { argnums: [0, 1] })(gpuV, gpuW)
const valueItem = tg.valueAndGrad(square)(s)[0].item()
export type ValueAndGrad = [
  Expect<Equal<typeof value, Cpu<[]>>>,
  Expect<Equal<typeof grads, { w: Cpu<[2, 3]>; b: Cpu<[3]> }>>,
  Expect<Equal<typeof value2, tg.Tensor<[], "f32", "webgpu">>>,
  Expect<Equal<typeof grads2, [tg.Tensor<[3], "f32", "webgpu">, tg.Tensor<[2, 3], "f32", "webgpu">]>>,
  Expect<Equal<typeof valueItem, number>>,
]

// the erased tensor type still works everywhere
const gAny = tg.grad((x: tg.AnyTensor) => x.mul(x).sum())(v)
const gAnyArg = tg.grad(square)(null! as tg.AnyTensor)
export type Erased = [
  Expect<Equal<typeof gAny, Cpu<[3]>>>,
  Expect<Equal<typeof gAnyArg, tg.AnyTensor>>,
]

// ------------------------------------------------------------------ negatives

// a loss must return a float scalar (shape [])
// @ts-expect-error grad: the function must return a float scalar (shape []), got f32[3]
tg.grad((x: tg.Tensor<[3]>) => x.mul(x))
// @ts-expect-error ... got f32[2, 3]
tg.valueAndGrad((p: Params) => p.w.mul(2))
// @ts-expect-error ... got i32[]: integer losses have no gradient
tg.grad((x: tg.Tensor<[], "i32">) => x.mul(x))
// grad of a gradient that is not a scalar
// @ts-expect-error ... got f32[3]
tg.grad(tg.grad((x: tg.Tensor<[3]>) => x.sum()))
// @ts-expect-error argnums out of range: grad: argnums 2 is out of range for 2 argument(s)
tg.grad(twoArgs, { argnums: 2 })
// @ts-expect-error ... and inside an array
tg.grad(twoArgs, { argnums: [0, 2] })
// the arguments must have the declared shapes, dtypes and devices
// @ts-expect-error [2] is not [3]
tg.grad((x: tg.Tensor<[3]>) => x.sum())(tg.ones([2]))
// @ts-expect-error f64 is not f32
tg.grad((x: tg.Tensor<[3]>) => x.sum())(tg.ones([3], { dtype: "f64" }))
// @ts-expect-error a GPU tensor for a CPU-only loss
tg.grad((x: Cpu<[3]>) => x.sum())(gpuV)
// @ts-expect-error a tree missing a leaf
tg.grad(linear)({ w }, x2)
// a gradient is not usable as another shape
// @ts-expect-error Tensor<[2, 3]> is not Tensor<[3, 2]>
export const wrongUse: Cpu<[3, 2]> = tg.grad(linear)(params, x2).w
// @ts-expect-error .item() needs a CPU tensor: the gradient of a GPU argument lives on the GPU
tg.grad(square)(null! as tg.Tensor<[], "f32", "webgpu">).item()
