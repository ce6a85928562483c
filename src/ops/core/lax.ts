/**
 * The erased primitive layer (like `jax.lax`): one small function per primitive plus the helpers
 * rules are written with. No type-level shapes here; the typed public ops wrap these. Each function
 * reaches its primitive by name through the installed registry, so rule files never import each other.
 *
 * @since 0.1.0
 */
import { sameShape, type DType } from "../../shape/index.js"
import { hostConvert, type Aval } from "./aval.js"
import { checkTensor } from "./check.js"
import { bind1 } from "./interpreter.js"
import { primitive, type CompareOp, type ParamsOf, type Primitive, type UnfoldParams, type Pair } from "./primitive.js"
import { Tensor, type AnyTensor } from "./tensor.js"

export type TensorLike = AnyTensor | number

/** A constant scalar (rank 0) of `dtype` on `like`'s device. */
export const scalar = (v: number, like: AnyTensor, dtype: DType = like.dtype): AnyTensor =>
  new Tensor({ shape: [], dtype }, like.device, like.device.backend.upload(hostConvert([v], dtype), { shape: [], dtype }))

/** `value` broadcast to `shape` (dtype and device of `like`). */
export const full = (shape: ReadonlyArray<number>, value: number, like: AnyTensor, dtype: DType = like.dtype): AnyTensor =>
  broadcastTo(scalar(value, like, dtype), shape)

export const zerosLike = (x: AnyTensor | Aval, like?: AnyTensor): AnyTensor =>
  x instanceof Tensor ? full(x.shape, 0, x) : full(x.shape, 0, like!, x.dtype)

const lift = (x: TensorLike, like: AnyTensor): AnyTensor => (typeof x === "number" ? scalar(x, like) : x)
const bin = <P extends "add" | "sub" | "mul" | "div" | "pow" | "max" | "min">(p: Primitive<P>, a: TensorLike, b: TensorLike): AnyTensor => {
  const like = typeof a === "number" ? (b as AnyTensor) : a
  // a composite op (relu = max(x, 0)) given a non-tensor: say so before a number is lifted against it
  if (!(like instanceof Tensor)) checkTensor(like, p.name, "the input")
  return bind1(p, [lift(a, like), lift(b, like)], {} as ParamsOf<P>)
}

export const neg = (x: AnyTensor): AnyTensor => bind1(primitive("neg"), [x], {})
export const exp = (x: AnyTensor): AnyTensor => bind1(primitive("exp"), [x], {})
export const log = (x: AnyTensor): AnyTensor => bind1(primitive("log"), [x], {})
export const log1p = (x: AnyTensor): AnyTensor => bind1(primitive("log1p"), [x], {})
export const sin = (x: AnyTensor): AnyTensor => bind1(primitive("sin"), [x], {})
export const cos = (x: AnyTensor): AnyTensor => bind1(primitive("cos"), [x], {})
export const sqrt = (x: AnyTensor): AnyTensor => bind1(primitive("sqrt"), [x], {})
export const tanh = (x: AnyTensor): AnyTensor => bind1(primitive("tanh"), [x], {})
export const sigmoid = (x: AnyTensor): AnyTensor => bind1(primitive("sigmoid"), [x], {})
export const abs = (x: AnyTensor): AnyTensor => bind1(primitive("abs"), [x], {})
export const sign = (x: AnyTensor): AnyTensor => bind1(primitive("sign"), [x], {})

export const add = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("add"), a, b)
export const sub = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("sub"), a, b)
export const mul = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("mul"), a, b)
export const div = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("div"), a, b)
export const pow = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("pow"), a, b)
export const max = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("max"), a, b)
export const min = (a: TensorLike, b: TensorLike): AnyTensor => bin(primitive("min"), a, b)

export const compare = (a: TensorLike, b: TensorLike, op: CompareOp): AnyTensor => {
  const like = typeof a === "number" ? (b as AnyTensor) : a
  if (!(like instanceof Tensor)) checkTensor(like, op, "the input")
  return bind1(primitive("compare"), [lift(a, like), lift(b, like)], { op })
}
export const where = (c: AnyTensor, a: TensorLike, b: TensorLike): AnyTensor => {
  const like = typeof a === "number" ? (typeof b === "number" ? c : b) : a
  const dt = typeof a === "number" ? (typeof b === "number" ? "f32" : b.dtype) : a.dtype
  return bind1(
    primitive("where"),
    [c, typeof a === "number" ? scalar(a, like, dt) : a, typeof b === "number" ? scalar(b, like, dt) : b],
    {},
  )
}
export const cast = (x: AnyTensor, dtype: DType): AnyTensor => (x.dtype === dtype ? x : bind1(primitive("cast"), [x], { dtype }))
export const stopGradient = (x: AnyTensor): AnyTensor => bind1(primitive("stopGradient"), [x], {})

export const reduceSum = (x: AnyTensor, axes: ReadonlyArray<number>): AnyTensor =>
  axes.length === 0 ? x : bind1(primitive("reduceSum"), [x], { axes })
export const reduceMax = (x: AnyTensor, axes: ReadonlyArray<number>): AnyTensor =>
  axes.length === 0 ? x : bind1(primitive("reduceMax"), [x], { axes })
export const reduceMin = (x: AnyTensor, axes: ReadonlyArray<number>): AnyTensor =>
  axes.length === 0 ? x : bind1(primitive("reduceMin"), [x], { axes })
export const reduceProd = (x: AnyTensor, axes: ReadonlyArray<number>): AnyTensor =>
  axes.length === 0 ? x : bind1(primitive("reduceProd"), [x], { axes })
export const argReduce = (x: AnyTensor, axis: number, op: "max" | "min"): AnyTensor => bind1(primitive("argReduce"), [x], { axis, op })
export const argsort = (x: AnyTensor, axis: number, descending: boolean): AnyTensor =>
  bind1(primitive("argsort"), [x], { axis, descending })

export const reshape = (x: AnyTensor, shape: ReadonlyArray<number>): AnyTensor =>
  sameShape(x.shape, shape) ? x : bind1(primitive("reshape"), [x], { shape })
export const broadcastTo = (x: AnyTensor, shape: ReadonlyArray<number>): AnyTensor =>
  sameShape(x.shape, shape) ? x : bind1(primitive("broadcastTo"), [x], { shape })
export const transpose = (x: AnyTensor, perm: ReadonlyArray<number>): AnyTensor =>
  perm.every((p, i) => p === i) ? x : bind1(primitive("transpose"), [x], { perm })
export const slice = (
  x: AnyTensor,
  starts: ReadonlyArray<number>,
  steps: ReadonlyArray<number>,
  sizes: ReadonlyArray<number>,
): AnyTensor => (sameShape(sizes, x.shape) ? x : bind1(primitive("slice"), [x], { starts, steps, sizes }))
export const pad = (
  x: AnyTensor,
  lo: ReadonlyArray<number>,
  hi: ReadonlyArray<number>,
  interior: ReadonlyArray<number>,
  value = 0,
): AnyTensor =>
  lo.every((v) => v === 0) && hi.every((v) => v === 0) && interior.every((v) => v === 0)
    ? x
    : bind1(primitive("pad"), [x], { lo, hi, interior, value })
export const concat = (xs: ReadonlyArray<AnyTensor>, axis: number): AnyTensor =>
  xs.length === 1 ? xs[0]! : bind1(primitive("concat"), xs, { axis })
export const matmul = (a: AnyTensor, b: AnyTensor): AnyTensor => bind1(primitive("matmul"), [a, b], {})
export const unfold = (x: AnyTensor, p: UnfoldParams): AnyTensor => bind1(primitive("unfold"), [x], p)
export const fold = (x: AnyTensor, p: UnfoldParams & { readonly size: Pair }): AnyTensor => bind1(primitive("fold"), [x], p)

// ------------------------------------------------------------------ helpers for rules

/** Sum `x` down to `shape` (the transpose of NumPy broadcasting). */
export const unbroadcast = (x: AnyTensor, shape: ReadonlyArray<number>): AnyTensor => {
  if (sameShape(x.shape, shape)) return x
  const lead = x.shape.length - shape.length
  const axes: number[] = []
  for (let i = 0; i < x.shape.length; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i)
  return reshape(reduceSum(x, axes), shape)
}

/** Broadcast a reduced value back over the reduced axes. */
export const expandReduced = (y: AnyTensor, inShape: ReadonlyArray<number>, axes: ReadonlyArray<number>): AnyTensor =>
  broadcastTo(reshape(y, keepDimsShape(inShape, axes)), inShape)

/** `x` reduced over `axes` with those axes kept as size 1. */
export const keepDimsShape = (shape: ReadonlyArray<number>, axes: ReadonlyArray<number>): number[] =>
  shape.map((d, i) => (axes.includes(i) ? 1 : d))

/** Move axis `from` to position `to`. */
export const moveAxis = (x: AnyTensor, from: number, to: number): AnyTensor => {
  if (from === to) return x
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from)
  perm.splice(to, 0, from)
  return transpose(x, perm)
}

/** Swap the last two axes. */
export const mT = (x: AnyTensor): AnyTensor => {
  const n = x.shape.length
  const perm = x.shape.map((_, i) => i)
  perm[n - 2] = n - 1
  perm[n - 1] = n - 2
  return transpose(x, perm)
}
