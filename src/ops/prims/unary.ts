/**
 * Unary elementwise primitives and their typed public ops. Each primitive sits on a few lines:
 * its declaration (params and kind), JVP formula, test domain and the public function; the
 * backends lower it from their own scalar-expression tables.
 *
 * @since 0.1.0
 */
import { DTypeError } from "../../errors.js"
import type { DeviceKind, DType, FloatDType, Shape } from "../../shape/index.js"
import { isFloat, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import {
  Zero,
  type Domain,
  type ElementwiseDecl,
  type LinearElementwiseDecl,
  type ParamsOf,
  type Primitive,
  type Tangent,
} from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"

declare module "../core/primitive.js" {
  interface Primitives {
    neg: LinearElementwiseDecl
    exp: ElementwiseDecl
    expm1: ElementwiseDecl
    log: ElementwiseDecl
    log1p: ElementwiseDecl
    sin: ElementwiseDecl
    cos: ElementwiseDecl
    sqrt: ElementwiseDecl
    tanh: ElementwiseDecl
    sigmoid: ElementwiseDecl
    abs: ElementwiseDecl
    sign: ElementwiseDecl
  }
}

type UnaryName = "neg" | "exp" | "expm1" | "log" | "log1p" | "sin" | "cos" | "sqrt" | "tanh" | "sigmoid" | "abs" | "sign"

const unary = <P extends UnaryName>(
  name: P,
  o: {
    readonly floatOnly: boolean
    /** tangent of the output from input x, output y and input tangent t (t is never Zero) */
    readonly jvp: (x: AnyTensor, y: AnyTensor, t: AnyTensor) => Tangent
    readonly domain?: Omit<Domain, "kind">
  },
  transpose: Primitive<P>["transpose"],
): Primitive<P> => {
  const p: Primitive<P> = {
    name,
    kind: "elementwise" as Primitive<P>["kind"],
    abstractEval: ([x]) => {
      if (o.floatOnly && !isFloat(x!.dtype))
        throw new DTypeError({ op: name, dtypes: [x!.dtype], message: `${name}: expected a float tensor, got ${x!.dtype}` })
      if (x!.dtype === "bool") throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: not defined on bool tensors` })
      return [x as Aval]
    },
    jvp: ([x], [t]) => {
      const y = bind1(p, [x!], {} as ParamsOf<P>)
      return [[y], [t instanceof Zero ? t : o.jvp(x!, y, t!)]]
    },
    transpose,
    batch: ([x], dims) => [[bind1(p, [x!], {} as ParamsOf<P>)], dims],
    domain: { kind: "unary", ...o.domain },
  }
  return p
}

// d(-x) = -dx
const negP: Primitive<"neg"> = unary("neg", { floatOnly: false, jvp: (_x, _y, t) => lax.neg(t) }, ([ct]) => [
  ct instanceof Zero ? ct : lax.neg(ct!),
])
// d exp(x) = exp(x)·dx
const expP: Primitive<"exp"> = unary("exp", { floatOnly: true, jvp: (_x, y, t) => lax.mul(t, y) }, null)
// d expm1(x) = exp(x)·dx = (expm1(x) + 1)·dx
const expm1P: Primitive<"expm1"> = unary("expm1", { floatOnly: true, jvp: (_x, y, t) => lax.mul(t, lax.add(y, 1)) }, null)
// d log(x) = dx / x
const logP: Primitive<"log"> = unary(
  "log",
  {
    floatOnly: true,
    jvp: (x, _y, t) => lax.div(t, x),
    domain: { ranges: [[0.1, 3]] },
  },
  null,
)
// d log1p(x) = dx / (1 + x)
const log1pP: Primitive<"log1p"> = unary(
  "log1p",
  {
    floatOnly: true,
    jvp: (x, _y, t) => lax.div(t, lax.add(x, 1)),
    domain: { ranges: [[-0.5, 2]] },
  },
  null,
)
// d sin(x) = cos(x)·dx
const sinP: Primitive<"sin"> = unary("sin", { floatOnly: true, jvp: (x, _y, t) => lax.mul(t, lax.cos(x)) }, null)
// d cos(x) = -sin(x)·dx
const cosP: Primitive<"cos"> = unary("cos", { floatOnly: true, jvp: (x, _y, t) => lax.neg(lax.mul(t, lax.sin(x))) }, null)
// d sqrt(x) = dx / (2·sqrt(x))   NOTE: infinite at 0
const sqrtP: Primitive<"sqrt"> = unary(
  "sqrt",
  {
    floatOnly: true,
    jvp: (_x, y, t) => lax.div(t, lax.mul(y, 2)),
    domain: { ranges: [[0.1, 3]] },
  },
  null,
)
// d tanh(x) = (1 - tanh²(x))·dx
const tanhP: Primitive<"tanh"> = unary(
  "tanh",
  {
    floatOnly: true,
    jvp: (_x, y, t) => lax.mul(t, lax.sub(1, lax.mul(y, y))),
  },
  null,
)
// d σ(x) = σ(x)(1 - σ(x))·dx
const sigmoidP: Primitive<"sigmoid"> = unary(
  "sigmoid",
  {
    floatOnly: true,
    jvp: (_x, y, t) => lax.mul(t, lax.mul(y, lax.sub(1, y))),
    domain: { ranges: [[-4, 4]] },
  },
  null,
)
// d |x| = sign(x)·dx   (kink at 0)
const absP: Primitive<"abs"> = unary(
  "abs",
  {
    floatOnly: false,
    jvp: (x, _y, t) => lax.mul(t, lax.sign(x)),
    domain: { awayFromZero: 0.1 },
  },
  null,
)
// d sign(x) = 0
const signP: Primitive<"sign"> = unary(
  "sign",
  {
    floatOnly: false,
    jvp: (x) => new Zero(x.aval),
    domain: { awayFromZero: 0.1, nonDiff: true },
  },
  null,
)

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default {
  neg: negP,
  exp: expP,
  expm1: expm1P,
  log: logP,
  log1p: log1pP,
  sin: sinP,
  cos: cosP,
  sqrt: sqrtP,
  tanh: tanhP,
  sigmoid: sigmoidP,
  abs: absP,
  sign: signP,
}

// ------------------------------------------------------------------ typed public ops

type Unary<Dc extends DType = DType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const unaryOp = <Dc extends DType, P extends UnaryName = UnaryName>(p: Primitive<P>): Unary<Dc> =>
  ((x: AnyTensor) => bind1(p, [x], {} as ParamsOf<P>)) as Unary<Dc>

/** `-x`. @example tg.neg(tg.tensor([1, -2])) // [-1, 2] @since 0.1.0 @category math */
export const neg: Unary = unaryOp(negP)
/** `|x|`. @example tg.abs(tg.tensor([-1, 2])) // [1, 2] @since 0.1.0 @category math */
export const abs: Unary = unaryOp(absP)
/** The sign of `x` (−1, 0 or 1; NaN stays NaN, as in NumPy). @example tg.sign(tg.tensor([-3, 0, 2])) // [-1, 0, 1] @since 0.1.0 @category math */
export const sign: Unary = unaryOp(signP)
/** `e^x`. @example tg.exp(tg.tensor([0])) // [1] @since 0.1.0 @category math */
export const exp: Unary<FloatDType> = unaryOp(expP)
/** `e^x - 1`, accurate near 0 (where `exp(x) - 1` loses every digit). @example tg.expm1(tg.tensor([1e-10])) // [1e-10] @since 0.1.0 @category math */
export const expm1: Unary<FloatDType> = unaryOp(expm1P)
/** Natural logarithm. @example tg.log(tg.tensor([1])) // [0] @since 0.1.0 @category math */
export const log: Unary<FloatDType> = unaryOp(logP)
/** `log(1 + x)`, accurate near 0. @example tg.log1p(tg.tensor([1e-8])) @since 0.1.0 @category math */
export const log1p: Unary<FloatDType> = unaryOp(log1pP)
/** Square root. @example tg.sqrt(tg.tensor([4])) // [2] @since 0.1.0 @category math */
export const sqrt: Unary<FloatDType> = unaryOp(sqrtP)
/** Sine. @example tg.sin(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const sin: Unary<FloatDType> = unaryOp(sinP)
/** Cosine. @example tg.cos(tg.tensor([0])) // [1] @since 0.1.0 @category math */
export const cos: Unary<FloatDType> = unaryOp(cosP)
/** Hyperbolic tangent. @example tg.tanh(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const tanh: Unary<FloatDType> = unaryOp(tanhP)
/** Logistic sigmoid `1 / (1 + e^-x)`, stable for large |x|. @example tg.sigmoid(tg.tensor([0])) // [0.5] @since 0.1.0 @category math */
export const sigmoid: Unary<FloatDType> = unaryOp(sigmoidP)
