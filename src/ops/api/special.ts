/**
 * Elementwise functions composed from the primitives, in forms that keep their precision: base-2
 * and base-10 exponentials and logarithms, `logaddexp`, the hyperbolic and inverse trigonometric
 * functions (through `expm1`, `log1p` and `atan2`), `cbrt`, `hypot`, the NaN/∞ tests,
 * `floorDivide`/`mod` with NumPy's sign rules, `fmin`/`fmax`, `nanToNum` and `rsqrt`. No rules of their own.
 *
 * @since 0.1.0
 */
import { DTypeError } from "../../errors.js"
import type { DeviceKind, DType, FloatDType, Shape } from "../../shape/index.js"
import { isFloat } from "../core/aval.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { binaryOp } from "../prims/elementwise.js"
import { atan2 as atan2P, floor } from "../prims/rounding.js"
import { expm1 as expm1T } from "../prims/unary.js"
import type { BinCheck, BinOut, Operand } from "./typing.js"

type Unary<Dc extends DType = FloatDType> = <S extends Shape, D extends Dc, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
type Test = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, "bool", V>
type Binary = <A extends Shape, D extends DType, V extends DeviceKind, T extends Operand>(
  a: Tensor<A, D, V>,
  b: T & NoInfer<BinCheck<A, V, T, string>>,
) => BinOut<A, D, V, T>

const floatOnly =
  (op: string, f: (x: AnyTensor) => AnyTensor) =>
  (x: AnyTensor): AnyTensor => {
    if (!isFloat(x.dtype)) throw new DTypeError({ op, dtypes: [x.dtype], message: `${op}: expected a float tensor, got ${x.dtype}` })
    return f(x)
  }
const em1 = (x: AnyTensor): AnyTensor => expm1T(x)
const unary = (op: string, f: (x: AnyTensor) => AnyTensor): Unary => floatOnly(op, f) as Unary

/** `2^x`. @example tg.exp2(tg.tensor([3])) // [8] @since 0.1.0 @category math */
export const exp2: Unary = unary("exp2", (x) => lax.exp(lax.mul(x, Math.LN2)))
/** Base-2 logarithm. @example tg.log2(tg.tensor([8])) // [3] @since 0.1.0 @category math */
export const log2: Unary = unary("log2", (x) => lax.div(lax.log(x), Math.LN2))
/** Base-10 logarithm. @example tg.log10(tg.tensor([1000])) // [3] @since 0.1.0 @category math */
export const log10: Unary = unary("log10", (x) => lax.div(lax.log(x), Math.LN10))
/** `1 / √x`. @example tg.rsqrt(tg.tensor([4])) // [0.5] @since 0.1.0 @category math */
export const rsqrt: Unary = unary("rsqrt", (x) => lax.div(1, lax.sqrt(x)))
/** Real cube root (negative for negative x). @example tg.cbrt(tg.tensor([-8, 27])) // [-2, 3] @since 0.1.0 @category math */
export const cbrt: Unary = unary("cbrt", (x) => lax.mul(lax.sign(x), lax.pow(lax.abs(x), 1 / 3)))
// sinh = (expm1(x) - expm1(-x)) / 2 keeps the digits near 0
/** Hyperbolic sine. @example tg.sinh(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const sinh: Unary = unary("sinh", (x) => lax.mul(lax.sub(em1(x), em1(lax.neg(x))), 0.5))
/** Hyperbolic cosine. @example tg.cosh(tg.tensor([0])) // [1] @since 0.1.0 @category math */
export const cosh: Unary = unary("cosh", (x) => lax.mul(lax.add(lax.exp(x), lax.exp(lax.neg(x))), 0.5))
/** Tangent. @example tg.tan(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const tan: Unary = unary("tan", (x) => lax.div(lax.sin(x), lax.cos(x)))
// asinh |x| = log1p(|x| + x² / (1 + √(1 + x²))), odd in x
/** Inverse hyperbolic sine. @example tg.asinh(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const asinh: Unary = unary("asinh", (x) => {
  const a = lax.abs(x),
    x2 = lax.mul(x, x)
  return lax.mul(lax.sign(x), lax.log1p(lax.add(a, lax.div(x2, lax.add(1, lax.sqrt(lax.add(1, x2)))))))
})
// acosh x = log1p(t + √(2t + t²)) with t = x - 1 (exact near 1)
/** Inverse hyperbolic cosine (x ≥ 1). @example tg.acosh(tg.tensor([1])) // [0] @since 0.1.0 @category math */
export const acosh: Unary = unary("acosh", (x) => {
  const t = lax.sub(x, 1)
  return lax.log1p(lax.add(t, lax.sqrt(lax.add(lax.mul(t, 2), lax.mul(t, t)))))
})
// atanh x = ½·log1p(2x / (1 - x))
/** Inverse hyperbolic tangent (|x| < 1). @example tg.atanh(tg.tensor([0])) // [0] @since 0.1.0 @category math */
export const atanh: Unary = unary("atanh", (x) => lax.mul(lax.log1p(lax.div(lax.mul(x, 2), lax.sub(1, x))), 0.5))
const at2 = (y: AnyTensor, x: AnyTensor): AnyTensor => atan2P(y as never, x as never) as unknown as AnyTensor
/** Arctangent. @example tg.atan(tg.tensor([1])) // [π/4] @since 0.1.0 @category math */
export const atan: Unary = unary("atan", (x) => at2(x, lax.full(x.shape, 1, x)))
/** Arcsine (|x| ≤ 1), as `atan2(x, √(1 - x²))`. @example tg.asin(tg.tensor([1])) // [π/2] @since 0.1.0 @category math */
export const asin: Unary = unary("asin", (x) => at2(x, lax.sqrt(lax.sub(1, lax.mul(x, x)))))
/** Arccosine (|x| ≤ 1), as `atan2(√(1 - x²), x)`. @example tg.acos(tg.tensor([1])) // [0] @since 0.1.0 @category math */
export const acos: Unary = unary("acos", (x) => at2(lax.sqrt(lax.sub(1, lax.mul(x, x))), x))

/** `true` where x is NaN. @example tg.isnan(tg.tensor([NaN, 1])) // [true, false] @since 0.1.0 @category math */
export const isnan: Test = ((x: AnyTensor) => (isFloat(x.dtype) ? lax.compare(x, x, "ne") : lax.full(x.shape, 0, x, "bool"))) as Test
/** `true` where x is ±∞. @example tg.isinf(tg.tensor([Infinity, 1])) // [true, false] @since 0.1.0 @category math */
export const isinf: Test = ((x: AnyTensor) =>
  isFloat(x.dtype) ? lax.compare(lax.abs(x), Infinity, "eq") : lax.full(x.shape, 0, x, "bool")) as Test
/** `true` where x is neither NaN nor ±∞. @example tg.isfinite(tg.tensor([NaN, Infinity, 1])) // [false, false, true] @since 0.1.0 @category math */
export const isfinite: Test = ((x: AnyTensor) =>
  isFloat(x.dtype) ? lax.compare(lax.abs(x), Infinity, "lt") : lax.full(x.shape, 1, x, "bool")) as Test
/** `true` where the sign bit is set, −0 included (as NumPy). @example tg.signbit(tg.tensor([-0, 0, -2])) // [true, false, true] @since 0.1.0 @category math */
export const signbit: Test = ((x: AnyTensor) => {
  if (!isFloat(x.dtype)) return lax.compare(x, 0, "lt")
  // -0 is told from +0 by the sign of 1/x
  return lax.where(lax.compare(x, 0, "eq"), lax.compare(lax.div(1, x), 0, "lt"), lax.compare(x, 0, "lt"))
}) as Test

const binary = (op: string, f: (a: AnyTensor, b: AnyTensor) => AnyTensor): Binary =>
  ((a: AnyTensor, b: Operand) => binaryOp(op, (x, y) => f(x, typeof y === "number" ? lax.scalar(y, x) : y), a, b)) as Binary

/** `log(exp(a) + exp(b))` without overflow. @example tg.logaddexp(tg.tensor([0]), tg.tensor([0])) // [log 2] @since 0.1.0 @category math */
export const logaddexp: Binary = binary("logaddexp", (a, b) => {
  const m = lax.max(a, b)
  // both -∞: the formula would give NaN from -∞ - -∞; NumPy gives -∞
  const both = lax.compare(m, -Infinity, "eq")
  const d = lax.where(both, lax.scalar(0, a), lax.abs(lax.sub(a, b)))
  return lax.add(m, lax.log1p(lax.exp(lax.neg(d))))
})
/** `√(a² + b²)` without overflow for large inputs. @example tg.hypot(tg.tensor([3]), tg.tensor([4])) // [5] @since 0.1.0 @category math */
export const hypot: Binary = binary("hypot", (a, b) => {
  const m = lax.max(lax.abs(a), lax.abs(b))
  const safe = lax.where(lax.compare(m, 0, "eq"), lax.scalar(1, m), m)
  const [p, q] = [lax.div(a, safe), lax.div(b, safe)]
  return lax.mul(m, lax.sqrt(lax.add(lax.mul(p, p), lax.mul(q, q))))
})

/** Integer floor division of i32 tensors: truncated quotient, minus one where the remainder's sign differs from the divisor's. */
const intFloorDiv = (a: AnyTensor, b: AnyTensor): AnyTensor => {
  const q = lax.div(a, b)
  const r = lax.sub(a, lax.mul(q, b))
  const off = lax.where(
    lax.compare(r, 0, "ne"),
    lax.compare(lax.compare(r, 0, "lt"), lax.compare(b, 0, "lt"), "ne"),
    lax.full(r.shape, 0, r, "bool"),
  )
  return lax.sub(q, lax.cast(off, q.dtype))
}
/** `⌊a / b⌋` (NumPy's `floor_divide`, rounding toward −∞ for i32 too). @example tg.floorDivide(tg.tensor([7, -7]), 2) // [3, -4] @since 0.1.0 @category arithmetic */
export const floorDivide: Binary = binary("floorDivide", (a, b) =>
  isFloat(a.dtype) ? (floor(lax.div(a, b) as never) as AnyTensor) : intFloorDiv(a, b),
)
/** Remainder with the divisor's sign (NumPy's `mod`/`remainder`): `a - b·⌊a / b⌋`. @example tg.mod(tg.tensor([7, -7]), 3) // [1, 2] @since 0.1.0 @category arithmetic */
export const mod: Binary = binary("mod", (a, b) =>
  lax.sub(a, lax.mul(b, isFloat(a.dtype) ? (floor(lax.div(a, b) as never) as AnyTensor) : intFloorDiv(a, b))),
)

/**
 * Options of {@link nanToNum}: replacements (defaults: 0, the dtype's largest and most negative finite values).
 * @example
 * tg.nanToNum(tg.tensor([NaN, -Infinity]), { nan: -1, neginf: -9 }).toArraySync() // [-1, -9]
 * @since 0.1.0
 * @category arithmetic
 */
export interface NanToNumOptions {
  readonly nan?: number
  readonly posinf?: number
  readonly neginf?: number
}
const largest = (d: DType) => (d === "f64" ? Number.MAX_VALUE : d === "f16" ? 65504 : 3.4028234663852886e38)
/**
 * Replace NaN by 0 and ±∞ by the largest finite values (NumPy's `nan_to_num`), or by the given ones.
 * @example
 * import * as tg from "typegrad"
 * tg.nanToNum(tg.tensor([NaN, Infinity, 1]), { posinf: 9 }).toArraySync() // [0, 9, 1]
 * @since 0.1.0
 * @category math
 */
export const nanToNum = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options: NanToNumOptions = {},
): Tensor<S, D, V> => {
  if (!isFloat(x.dtype)) return x
  const big = largest(x.dtype)
  let y: AnyTensor = lax.where(lax.compare(x, x, "ne"), lax.scalar(options.nan ?? 0, x), x)
  y = lax.where(lax.compare(y, Infinity, "eq"), lax.scalar(options.posinf ?? big, x), y)
  return lax.where(lax.compare(y, -Infinity, "eq"), lax.scalar(options.neginf ?? -big, x), y) as never
}

/** The NaN-ignoring extreme: `b` only where it is strictly better than `a` or `a` is NaN. */
const nanIgnoring =
  (op: "gt" | "lt") =>
  (a: AnyTensor, b: AnyTensor): AnyTensor => {
    let takeB = lax.compare(b, a, op)
    if (isFloat(a.dtype)) takeB = lax.where(lax.compare(a, a, "ne"), lax.full(takeB.shape, 1, takeB, "bool"), takeB)
    return lax.where(takeB, b, a)
  }
/**
 * Elementwise maximum ignoring NaN (NumPy's `fmax`): where one side is NaN the other is returned,
 * NaN only where both are. On ties the gradient goes to `a`.
 * @example
 * import * as tg from "typegrad"
 * tg.fmax(tg.tensor([1, NaN, NaN]), tg.tensor([2, 3, NaN])).toArraySync() // [2, 3, NaN]
 * @since 0.1.0
 * @category arithmetic
 */
export const fmax: Binary = binary("fmax", nanIgnoring("gt"))
/**
 * Elementwise minimum ignoring NaN (NumPy's `fmin`): where one side is NaN the other is returned,
 * NaN only where both are. On ties the gradient goes to `a`.
 * @example
 * import * as tg from "typegrad"
 * tg.fmin(tg.tensor([1, NaN, 4]), tg.tensor([2, 3, NaN])).toArraySync() // [1, 3, 4]
 * @since 0.1.0
 * @category arithmetic
 */
export const fmin: Binary = binary("fmin", nanIgnoring("lt"))
