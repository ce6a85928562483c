/**
 * Elementwise math: arithmetic with NumPy broadcasting and scalars, powers, transcendental
 * functions, comparisons, `where` and `cast`. Binary ops promote dtypes (bool < i32 < f16 < f32 <
 * f64); a plain number takes the tensor's dtype.
 *
 * @since 0.1.0
 */
import { broadcastShapes, type Broadcast, type DeviceKind, type Dim, type DType, type FloatDType, type Guard, type Promote, type SameDevice, type Shape } from "../../shape/index.js"
import { promote, requireFloat } from "../core/aval.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { CompareOp } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { BinCheck, BinOut, CmpOut, DeviceOf, DTypeOf, Operand, Out, ShapeOf } from "./typing.js"

/** @internal run a broadcasting binary op with promotion and the public op's name in errors */
export const binaryOp = (op: string, f: (a: AnyTensor, b: lax.TensorLike) => AnyTensor, a: AnyTensor, b: Operand): AnyTensor => {
  if (typeof b === "number") return f(a, b)
  commonDevice([a, b], op)
  broadcastShapes(a.shape, b.shape, op)
  const dt = promote(a.dtype, b.dtype)
  return f(lax.cast(a, dt), lax.cast(b, dt))
}

/** The typed signature shared by the broadcasting binary ops. */
type BinaryFn<Op extends string> = <A extends Shape, D extends DType, V extends DeviceKind, T extends Operand>(
  a: Tensor<A, D, V>, b: T & NoInfer<BinCheck<A, V, T, Op>>,
) => BinOut<A, D, V, T>
const binary = <Op extends string>(op: Op, f: (a: AnyTensor, b: lax.TensorLike) => AnyTensor): BinaryFn<Op> =>
  ((a: AnyTensor, b: Operand) => binaryOp(op, f, a, b)) as BinaryFn<Op>

/**
 * `a + b` with broadcasting (`b` may be a number).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.add(tg.tensor([[1, 2], [3, 4]]), tg.tensor([10, 20])).toArraySync() // [[11, 22], [13, 24]]
 * @since 0.1.0
 * @category arithmetic
 */
export const add: BinaryFn<"add"> = binary("add", lax.add)
/** `a - b` with broadcasting. @example tg.sub(tg.tensor([3, 4]), 1) // [2, 3] @since 0.1.0 @category arithmetic */
export const sub: BinaryFn<"sub"> = binary("sub", lax.sub)
/** `a · b` elementwise with broadcasting. @example tg.mul(tg.tensor([1, 2]), 3) // [3, 6] @since 0.1.0 @category arithmetic */
export const mul: BinaryFn<"mul"> = binary("mul", lax.mul)
/** `a / b` elementwise with broadcasting (integer tensors truncate). @example tg.div(tg.tensor([1, 2]), 4) // [0.25, 0.5] @since 0.1.0 @category arithmetic */
export const div: BinaryFn<"div"> = binary("div", lax.div)
/** `a ** b` elementwise with broadcasting (float tensors). @example tg.pow(tg.tensor([2, 3]), 2) // [4, 9] @since 0.1.0 @category arithmetic */
export const pow: BinaryFn<"pow"> = binary("pow", lax.pow)
/** Elementwise maximum with broadcasting. @example tg.maximum(tg.tensor([1, 5]), 3) // [3, 5] @since 0.1.0 @category arithmetic */
export const maximum: BinaryFn<"maximum"> = binary("maximum", lax.max)
/** Elementwise minimum with broadcasting. @example tg.minimum(tg.tensor([1, 5]), 3) // [1, 3] @since 0.1.0 @category arithmetic */
export const minimum: BinaryFn<"minimum"> = binary("minimum", lax.min)

type CompareFn<Op extends string> = <A extends Shape, D extends DType, V extends DeviceKind, T extends Operand>(
  a: Tensor<A, D, V>, b: T & NoInfer<BinCheck<A, V, T, Op>>,
) => CmpOut<A, V, T>
const compare = <Op extends CompareOp>(op: Op): CompareFn<Op> =>
  ((a: AnyTensor, b: Operand) => binaryOp(op, (x, y) => lax.compare(x, y, op), a, b)) as CompareFn<Op>
/** `a < b` elementwise (bool). @example tg.lt(tg.tensor([1, 5]), 3) // [true, false] @since 0.1.0 @category comparisons */
export const lt: CompareFn<"lt"> = compare("lt")
/** `a <= b` elementwise (bool). @example tg.le(x, 0) @since 0.1.0 @category comparisons */
export const le: CompareFn<"le"> = compare("le")
/** `a > b` elementwise (bool). @example tg.gt(x, 0) @since 0.1.0 @category comparisons */
export const gt: CompareFn<"gt"> = compare("gt")
/** `a >= b` elementwise (bool). @example tg.ge(x, 0) @since 0.1.0 @category comparisons */
export const ge: CompareFn<"ge"> = compare("ge")
/** `a == b` elementwise (bool). @example tg.eq(x, 0) @since 0.1.0 @category comparisons */
export const eq: CompareFn<"eq"> = compare("eq")
/** `a != b` elementwise (bool). @example tg.ne(x, 0) @since 0.1.0 @category comparisons */
export const ne: CompareFn<"ne"> = compare("ne")

type Unary<Dc extends DType = DType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const unary = <Dc extends DType>(f: (x: AnyTensor) => AnyTensor): Unary<Dc> => f as Unary<Dc>

/** `-x`. @example tg.neg(tg.tensor([1, -2])) // [-1, 2] @since 0.1.0 @category math */
export const neg: Unary = unary(lax.neg)
/** `|x|`. @example tg.abs(tg.tensor([-1, 2])) // [1, 2] @since 0.1.0 @category math */
export const abs: Unary = unary(lax.abs)
/** The sign of `x` (−1, 0 or 1). @example tg.sign(tg.tensor([-3, 0, 2])) // [-1, 0, 1] @since 0.1.0 @category math */
export const sign: Unary = unary(lax.sign)
/** `e^x`. @example tg.exp(tg.tensor([0])) // [1] @since 0.1.0 @category math */
export const exp: Unary<FloatDType> = unary(lax.exp)
/** Natural logarithm. @example tg.log(tg.tensor([1])) // [0] @since 0.1.0 @category math */
export const log: Unary<FloatDType> = unary(lax.log)
/** `log(1 + x)`, accurate near 0. @example tg.log1p(tg.tensor([1e-8])) @since 0.1.0 @category math */
export const log1p: Unary<FloatDType> = unary(lax.log1p)
/** Square root. @example tg.sqrt(tg.tensor([4])) // [2] @since 0.1.0 @category math */
export const sqrt: Unary<FloatDType> = unary(lax.sqrt)
/** Sine. @example tg.sin(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const sin: Unary<FloatDType> = unary(lax.sin)
/** Cosine. @example tg.cos(tg.tensor([0])) // [1] @since 0.1.0 @category math */
export const cos: Unary<FloatDType> = unary(lax.cos)
/** Hyperbolic tangent. @example tg.tanh(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const tanh: Unary<FloatDType> = unary(lax.tanh)
/** Logistic sigmoid `1 / (1 + e^-x)`, stable for large |x|. @example tg.sigmoid(tg.tensor([0])) // [0.5] @since 0.1.0 @category math */
export const sigmoid: Unary<FloatDType> = unary(lax.sigmoid)
/** `x²`. @example tg.square(tg.tensor([3])) // [9] @since 0.1.0 @category math */
export const square: Unary = unary((x) => lax.mul(x, x))
/** `1 / x`. @example tg.reciprocal(tg.tensor([4])) // [0.25] @since 0.1.0 @category math */
export const reciprocal: Unary<FloatDType> = unary((x) => {
  requireFloat("reciprocal", x.dtype)
  return lax.div(lax.scalar(1, x), x)
})

/**
 * Elementwise choice: `a` where `cond` is true, else `b` (all three broadcast).
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([-1, 2])
 * tg.where(tg.gt(x, 0), x, 0).toArraySync() // [0, 2]
 * @since 0.1.0
 * @category comparisons
 */
export const where = <C extends Shape, V extends DeviceKind, TA extends Operand, TB extends Operand>(
  cond: Tensor<C, "bool", V>,
  a: TA & (TA extends number ? unknown : Guard<SameDevice<V, DeviceOf<TA>, "where", Broadcast<C, ShapeOf<TA>, "where">>>),
  b: TB & (TB extends number ? unknown : Guard<SameDevice<V, DeviceOf<TB>, "where", Broadcast3<C, ShapeOf<TA>, ShapeOf<TB>, Dim[]>>>),
): Out<Broadcast3<C, ShapeOf<TA>, ShapeOf<TB>>, WhereDType<TA, TB>, V> => {
  const ts = [cond, a, b].filter((x): x is AnyTensor => typeof x !== "number")
  commonDevice(ts, "where")
  let shape: ReadonlyArray<unknown> = cond.shape
  for (const t of ts) shape = broadcastShapes(shape as number[], t.shape, "where")
  const dt = typeof a === "number" ? (typeof b === "number" ? "f32" : b.dtype) : typeof b === "number" ? a.dtype : promote(a.dtype, b.dtype)
  const la = typeof a === "number" ? lax.scalar(a, cond, dt) : lax.cast(a, dt)
  const lb = typeof b === "number" ? lax.scalar(b, cond, dt) : lax.cast(b, dt)
  return lax.where(cond, la, lb) as never
}
// NOTE: not `Broadcast<Broadcast<C, A> & Shape, B>`: a tuple intersected with an array type no longer
// matches the tuple patterns of Broadcast (`[2, 3] & Shape` came out as `(2 | 3)[]`)
/** Broadcast of three shapes; `OnError` stands in when the first two already clash (reported on `a`). */
type Broadcast3<C extends Shape, A extends Shape, B extends Shape, OnError = never> =
  Broadcast<C, A, "where"> extends infer R ? (R extends Shape ? Broadcast<R, B, "where"> : [OnError] extends [never] ? R : OnError) : never
type WhereDType<TA, TB> = TA extends number ? (TB extends number ? "f32" : DTypeOf<TB>) : TB extends number ? DTypeOf<TA> : Promote<DTypeOf<TA>, DTypeOf<TB>>

/**
 * Convert to another dtype (floats truncate toward zero into i32; non-zero becomes true).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.cast(tg.tensor([1.7, -1.7]), "i32").toArraySync() // [1, -1]
 * @since 0.1.0
 * @category dtypes
 */
export const cast = <S extends Shape, D extends DType, V extends DeviceKind, D2 extends DType>(x: Tensor<S, D, V>, dtype: D2): Tensor<S, D2, V> =>
  lax.cast(x, dtype) as Tensor<S, D2, V>

/**
 * The identity with a zero derivative: gradients do not flow through it.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.grad((x: tg.Tensor<[]>) => tg.stopGradient(x).mul(x))(tg.scalar(3)).item() // 3
 * @since 0.1.0
 * @category transforms
 */
export const stopGradient = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<S, D, V> =>
  lax.stopGradient(x) as Tensor<S, D, V>
