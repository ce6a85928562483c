/**
 * Binary arithmetic primitives with NumPy broadcasting (equal dtypes at this level; the typed
 * public ops promote first) and their typed public ops.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { DTypeError, TransformError } from "../../errors.js"
import { isFloat } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import {
  LinearIn,
  Zero,
  type CompareOp,
  type Domain,
  type ElementwiseDecl,
  type LinearElementwiseDecl,
  type ParamsOf,
  type Primitive,
  type Tangent,
} from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { BinCheck, BinOut, Operand } from "../api/typing.js"
import { batchElementwise, binaryOp, ctFor, elementwiseShape, inst, toOut } from "./elementwise.js"

declare module "../core/primitive.js" {
  interface Primitives {
    add: LinearElementwiseDecl
    sub: LinearElementwiseDecl
    mul: LinearElementwiseDecl
    div: LinearElementwiseDecl
    pow: ElementwiseDecl
    max: ElementwiseDecl
    min: ElementwiseDecl
  }
}

type BinaryName = "add" | "sub" | "mul" | "div" | "pow" | "max" | "min"

const binary = <P extends BinaryName>(
  name: P,
  o: {
    readonly floatOnly?: boolean
    readonly jvp: (a: AnyTensor, b: AnyTensor, y: AnyTensor, ta: Tangent, tb: Tangent) => Tangent
    readonly domain?: Omit<Domain, "kind">
  },
  transpose: Primitive<P>["transpose"],
): Primitive<P> => {
  const p: Primitive<P> = {
    name,
    kind: "elementwise" as Primitive<P>["kind"],
    abstractEval: (avals) => {
      const shape = elementwiseShape(name, avals)
      if (o.floatOnly && !isFloat(avals[0]!.dtype))
        throw new DTypeError({ op: name, dtypes: [avals[0]!.dtype], message: `${name}: expected float tensors, got ${avals[0]!.dtype}` })
      if (avals[0]!.dtype === "bool" && name !== "max" && name !== "min")
        throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: not defined on bool tensors; cast to i32 or f32 first` })
      return [{ shape, dtype: avals[0]!.dtype }]
    },
    jvp: ([a, b], [ta, tb]) => {
      const y = bind1(p, [a!, b!], {} as ParamsOf<P>)
      return [[y], [o.jvp(a!, b!, y, ta!, tb!)]]
    },
    transpose,
    batch: (args, dims, params) => batchElementwise(p)(args, dims, params),
    domain: { kind: "binary", ...o.domain },
  }
  return p
}

// d(a + b) = da + db
const addP: Primitive<"add"> = binary(
  "add",
  {
    jvp: (_a, _b, y, ta, tb) =>
      ta instanceof Zero
        ? tb instanceof Zero
          ? new Zero(y.aval)
          : toOut(tb, y.shape)
        : tb instanceof Zero
          ? toOut(ta, y.shape)
          : lax.add(ta, tb),
  },
  ([ct], [a, b]) => [ctFor(ct!, a!, (c) => c), ctFor(ct!, b!, (c) => c)],
)
// d(a - b) = da - db
const subP: Primitive<"sub"> = binary(
  "sub",
  {
    jvp: (_a, _b, y, ta, tb) =>
      ta instanceof Zero
        ? tb instanceof Zero
          ? new Zero(y.aval)
          : toOut(lax.neg(tb), y.shape)
        : tb instanceof Zero
          ? toOut(ta, y.shape)
          : lax.sub(ta, tb),
  },
  ([ct], [a, b]) => [ctFor(ct!, a!, (c) => c), ctFor(ct!, b!, lax.neg)],
)
// d(a·b) = da·b + a·db
const mulP: Primitive<"mul"> = binary(
  "mul",
  {
    jvp: (a, b, y, ta, tb) => {
      const l = ta instanceof Zero ? null : lax.mul(ta, b)
      const r = tb instanceof Zero ? null : lax.mul(a, tb)
      return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
    },
  },
  ([ct], [a, b]) => {
    if (a instanceof LinearIn && b instanceof LinearIn)
      throw new TransformError({ transform: "transpose", message: "mul: transpose of a product of two linear values (not linear)" })
    return [ctFor(ct!, a!, (c) => lax.mul(c, b as AnyTensor)), ctFor(ct!, b!, (c) => lax.mul(a as AnyTensor, c))]
  },
)
// d(a / b) = da / b - db·(a/b) / b
const divP: Primitive<"div"> = binary(
  "div",
  {
    jvp: (_a, b, y, ta, tb) => {
      const l = ta instanceof Zero ? null : lax.div(ta, b)
      const r = tb instanceof Zero ? null : lax.neg(lax.div(lax.mul(tb, y), b))
      return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
    },
    domain: { awayFromZero: 0.3 },
  },
  ([ct], [a, b]) => {
    if (b instanceof LinearIn)
      throw new TransformError({ transform: "transpose", message: "div: transpose with respect to the divisor (not linear)" })
    return [ctFor(ct!, a!, (c) => lax.div(c, b as AnyTensor)), null]
  },
)
// d(a^b) = b·a^(b-1)·da + log(a)·a^b·db   NOTE: the db term is taken as 0 where a = 0, and the da
// term as 0 where b = 0 (a^0 = 1 is constant; 0·0^-1 would be NaN at a = 0), as JAX does
const powP: Primitive<"pow"> = binary(
  "pow",
  {
    floatOnly: true,
    jvp: (a, b, y, ta, tb) => {
      const l = ta instanceof Zero ? null : lax.mul(ta, lax.where(lax.compare(b, 0, "eq"), 0, lax.mul(b, lax.pow(a, lax.sub(b, 1)))))
      const r = tb instanceof Zero ? null : lax.mul(tb, lax.where(lax.compare(a, 0, "eq"), 0, lax.mul(y, lax.log(a))))
      return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
    },
    domain: {
      ranges: [
        [0.5, 2],
        [-2, 2],
      ],
    },
  },
  null,
)
const minMaxJvp =
  (gt: CompareOp) =>
  (a: AnyTensor, b: AnyTensor, y: AnyTensor, ta: Tangent, tb: Tangent): Tangent => {
    if (ta instanceof Zero && tb instanceof Zero) return new Zero(y.aval)
    // ties split the tangent evenly (as JAX does)
    const A = inst(ta, y.shape, y),
      Bt = inst(tb, y.shape, y)
    return lax.where(lax.compare(a, b, gt), A, lax.where(lax.compare(a, b, "eq"), lax.mul(lax.add(A, Bt), 0.5), Bt))
  }
// d max(a, b) = da where a > b, db where a < b, (da + db)/2 at ties
const maxP: Primitive<"max"> = binary("max", { jvp: minMaxJvp("gt") }, null)
// d min(a, b) = da where a < b, db where a > b, (da + db)/2 at ties
const minP: Primitive<"min"> = binary("min", { jvp: minMaxJvp("lt") }, null)

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { add: addP, sub: subP, mul: mulP, div: divP, pow: powP, max: maxP, min: minP }

// ------------------------------------------------------------------ typed public ops

/** The typed signature shared by the broadcasting binary ops. */
type BinaryFn<Op extends string> = <A extends Shape, D extends DType, V extends DeviceKind, T extends Operand>(
  a: Tensor<A, D, V>,
  b: T & NoInfer<BinCheck<A, V, T, Op>>,
) => BinOut<A, D, V, T>
const binaryFn = <Op extends string>(op: Op, f: (a: AnyTensor, b: lax.TensorLike) => AnyTensor): BinaryFn<Op> =>
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
export const add: BinaryFn<"add"> = binaryFn("add", lax.add)
/** `a - b` with broadcasting. @example tg.sub(tg.tensor([3, 4]), 1) // [2, 3] @since 0.1.0 @category arithmetic */
export const sub: BinaryFn<"sub"> = binaryFn("sub", lax.sub)
/** `a · b` elementwise with broadcasting. @example tg.mul(tg.tensor([1, 2]), 3) // [3, 6] @since 0.1.0 @category arithmetic */
export const mul: BinaryFn<"mul"> = binaryFn("mul", lax.mul)
/** `a / b` elementwise with broadcasting (integer tensors truncate). @example tg.div(tg.tensor([1, 2]), 4) // [0.25, 0.5] @since 0.1.0 @category arithmetic */
export const div: BinaryFn<"div"> = binaryFn("div", lax.div)
/** `a ** b` elementwise with broadcasting (float tensors). @example tg.pow(tg.tensor([2, 3]), 2) // [4, 9] @since 0.1.0 @category arithmetic */
export const pow: BinaryFn<"pow"> = binaryFn("pow", lax.pow)
/** Elementwise maximum with broadcasting. @example tg.maximum(tg.tensor([1, 5]), 3) // [3, 5] @since 0.1.0 @category arithmetic */
export const maximum: BinaryFn<"maximum"> = binaryFn("maximum", lax.max)
/** Elementwise minimum with broadcasting. @example tg.minimum(tg.tensor([1, 5]), 3) // [1, 3] @since 0.1.0 @category arithmetic */
export const minimum: BinaryFn<"minimum"> = binaryFn("minimum", lax.min)
