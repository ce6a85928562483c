/**
 * Comparisons and `where`, with their typed public ops. Comparisons give bool tensors and have a
 * zero derivative; `where` is linear in its two branches.
 *
 * @since 0.1.0
 */
import { checkOperand, checkTensor } from "../core/check.js"
import {
  broadcastShapes,
  type Broadcast,
  type DeviceKind,
  type Dim,
  type DType,
  type Guard,
  type Promote,
  type SameDevice,
  type Shape,
} from "../../shape/index.js"
import { DTypeError, TransformError } from "../../errors.js"
import { promote, type Aval } from "../core/aval.js"
import { bind1, commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type CompareOp, type ElementwiseDecl, type LinearElementwiseDecl, type Primitive } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { BinCheck, CmpOut, DeviceOf, DTypeOf, Operand, Out, ShapeOf } from "../api/typing.js"
import { batchElementwise, binaryOp, ctFor, elementwiseShape, inst } from "./elementwise.js"

declare module "../core/primitive.js" {
  interface Primitives {
    compare: ElementwiseDecl<{ readonly op: CompareOp }>
    where: LinearElementwiseDecl
  }
}

// comparisons are piecewise constant: zero derivative
const compareP: Primitive<"compare"> = {
  name: "compare",
  kind: "elementwise",
  abstractEval: (avals, { op }) => [{ shape: elementwiseShape(op, avals), dtype: "bool" }],
  jvp: (args, _t, params) => {
    const y = bind1(compareP, args, params)
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  batch: (args, dims, params) => batchElementwise(compareP)(args, dims, params),
  domain: { kind: "binary", nonDiff: true },
}

// d where(c, a, b) = where(c, da, db)
const whereP: Primitive<"where"> = {
  name: "where",
  kind: "elementwise",
  abstractEval: ([c, a, b]) => {
    if (c!.dtype !== "bool")
      throw new DTypeError({ op: "where", dtypes: [c!.dtype], message: `where: the condition must be bool, got ${c!.dtype}` })
    return [{ shape: elementwiseShape("where", [c!, a!, b!], false), dtype: elementwiseDType("where", a!, b!) }]
  },
  jvp: ([c, a, b], [, ta, tb]) => {
    const y = bind1(whereP, [c!, a!, b!], {})
    if (ta instanceof Zero && tb instanceof Zero) return [[y], [new Zero(y.aval)]]
    return [[y], [lax.where(c!, inst(ta!, y.shape, y), inst(tb!, y.shape, y))]]
  },
  transpose: ([ct], [c, a, b]) => {
    if (c instanceof LinearIn)
      throw new TransformError({ transform: "transpose", message: "where: transpose with respect to the condition (not linear)" })
    const cond = c as AnyTensor
    return [null, ctFor(ct!, a!, (g) => lax.where(cond, g, 0)), ctFor(ct!, b!, (g) => lax.where(cond, 0, g))]
  },
  batch: (args, dims, params) => batchElementwise(whereP)(args, dims, params),
  domain: { kind: "custom", dtypes: ["bool", "float", "float"], diffArgs: [1, 2] },
}
const elementwiseDType = (op: string, a: Aval, b: Aval) => {
  if (a.dtype !== b.dtype)
    throw new DTypeError({ op, dtypes: [a.dtype, b.dtype], message: `${op}: branches differ in dtype (${a.dtype} vs ${b.dtype})` })
  return a.dtype
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { compare: compareP, where: whereP }

// ------------------------------------------------------------------ typed public ops

type CompareFn<Op extends string> = <A extends Shape, D extends DType, V extends DeviceKind, T extends Operand>(
  a: Tensor<A, D, V>,
  b: T & NoInfer<BinCheck<A, V, T, Op>>,
) => CmpOut<A, V, T>
const compare = <Op extends CompareOp>(op: Op): CompareFn<Op> =>
  ((a: AnyTensor, b: Operand) => binaryOp(op, (x, y) => lax.compare(x, y, op), a, b)) as CompareFn<Op>
/** `a < b` elementwise (bool). @example tg.lt(tg.tensor([1, 5]), 3) // [true, false] @since 0.1.0 @category comparisons */
export const lt: CompareFn<"lt"> = compare("lt")
/** `a <= b` elementwise (bool). @example tg.le(tg.tensor([-1, 0, 1]), 0) // [true, true, false] @since 0.1.0 @category comparisons */
export const le: CompareFn<"le"> = compare("le")
/** `a > b` elementwise (bool). @example tg.gt(tg.tensor([-1, 0, 1]), 0) // [false, false, true] @since 0.1.0 @category comparisons */
export const gt: CompareFn<"gt"> = compare("gt")
/** `a >= b` elementwise (bool). @example tg.ge(tg.tensor([-1, 0, 1]), 0) // [false, true, true] @since 0.1.0 @category comparisons */
export const ge: CompareFn<"ge"> = compare("ge")
/** `a == b` elementwise (bool). @example tg.eq(tg.tensor([-1, 0, 1]), 0) // [false, true, false] @since 0.1.0 @category comparisons */
export const eq: CompareFn<"eq"> = compare("eq")
/** `a != b` elementwise (bool). @example tg.ne(tg.tensor([-1, 0, 1]), 0) // [true, false, true] @since 0.1.0 @category comparisons */
export const ne: CompareFn<"ne"> = compare("ne")

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
  checkTensor(cond, "where", "cond")
  checkOperand(a, "where", "a")
  checkOperand(b, "where", "b")
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
type WhereDType<TA, TB> = TA extends number
  ? TB extends number
    ? "f32"
    : DTypeOf<TB>
  : TB extends number
    ? DTypeOf<TA>
    : Promote<DTypeOf<TA>, DTypeOf<TB>>
