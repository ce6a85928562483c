/**
 * Reductions along axes (with `keepdims`), and the composites built on them: mean, var,
 * logsumexp, softmax, logSoftmax, norm.
 *
 * @since 0.1.0
 */
import { normAxes, normAxis, type DeviceKind, type DType, type FloatDType, type Guard, type Reduce, type Shape } from "../../shape/index.js"
import { ShapeError } from "../../errors.js"
import { isFloat, numel, requireFloat } from "../core/aval.js"
import { checkNumber, checkOptions, checkTensor, invalidArgument } from "../core/check.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { Out } from "./typing.js"

/**
 * Which axes to reduce (all when absent) and whether to keep them as size 1.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.ReduceOptions = { axis: 0, keepdims: true }
 * tg.sum(tg.tensor([[1, 2], [3, 4]]), options) // [[4, 6]]
 * @since 0.1.0
 * @category reductions
 */
export interface ReduceOptions {
  readonly axis?: number | ReadonlyArray<number>
  readonly keepdims?: boolean
}
/**
 * The `axis` of reduction options at the type level (`undefined`: every axis).
 *
 * @example
 * import * as tg from "typegrad"
 * type A = tg.AxisOf<{ axis: [0, 2] }> // [0, 2]
 * @since 0.1.0
 * @category reductions
 */
export type AxisOf<O> = O extends number | ReadonlyArray<number>
  ? O
  : O extends { readonly axis: infer A extends number | ReadonlyArray<number> }
    ? A
    : undefined
/**
 * What a reduction takes after the tensor: its options, or the axis alone (NumPy's `x.sum(1)`).
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[1, 2], [3, 4]])
 * const byRow: tg.ReduceArg = 1
 * tg.sum(x, byRow).toArraySync() // [3, 7], as tg.sum(x, { axis: 1 })
 * @since 0.1.0
 * @category reductions
 */
export type ReduceArg<O extends object = ReduceOptions> = O | number | ReadonlyArray<number>
/**
 * The `keepdims` of reduction options at the type level (default `false`).
 *
 * @example
 * import * as tg from "typegrad"
 * type K = tg.KeepOf<{ keepdims: true }> // true
 * @since 0.1.0
 * @category reductions
 */
export type KeepOf<O> = O extends { readonly keepdims: infer K extends boolean } ? K : false
/**
 * Result shape of reducing `S` with options `O` (the type-level twin of the reduction's shape rule).
 *
 * @example
 * import * as tg from "typegrad"
 * type R = tg.Reduced<[2, 3, 4], { axis: 1; keepdims: true }, "sum"> // [2, 1, 4]
 * @since 0.1.0
 * @category reductions
 */
export type Reduced<S extends Shape, O, Op extends string> = Reduce<S, AxisOf<O>, KeepOf<O>, Op>

// other libraries' names for these options, for the hint of an unknown option
const renamed = { ddof: "correction", keepdim: "keepdims", keepDims: "keepdims", keep_dims: "keepdims", dim: "axis", axes: "axis" }

/** A reduction's options from what its caller passed: a bare axis (or axes) means `{ axis }`; unknown options are an error. */
const optionsOf = <O extends object>(
  o: O | number | ReadonlyArray<number> | undefined,
  op: string,
  allowed: ReadonlyArray<string>,
): O | undefined => {
  if (o === undefined) return undefined
  const r = (typeof o === "number" || Array.isArray(o) ? { axis: o } : o) as O & ReduceOptions
  if (r === o) checkOptions(o, op, allowed, renamed)
  const ax: unknown = r.axis
  if (ax !== undefined && !Number.isInteger(ax) && !(Array.isArray(ax) && ax.every((a) => Number.isInteger(a))))
    throw invalidArgument(op, r === o ? "options.axis" : "axis", ax, "an integer axis, or an array of them")
  if (r.keepdims !== undefined && typeof r.keepdims !== "boolean") throw invalidArgument(op, "options.keepdims", r.keepdims, "a boolean")
  return r
}
const reduceKeys = ["axis", "keepdims"]

/** Axes + keepdims for an erased tensor. */
const reduceWith = (
  op: string,
  f: (x: AnyTensor, axes: ReadonlyArray<number>) => AnyTensor,
  x: AnyTensor,
  o?: ReduceOptions,
): AnyTensor => {
  const axes = normAxes(o?.axis, x.shape.length, op)
  const y = f(x, axes)
  return o?.keepdims ? lax.reshape(y, lax.keepDimsShape(x.shape, axes)) : y
}
/** `reduceWith` behind the public boundary: the input and the options checked first. */
const reduceChecked = (
  op: string,
  f: (x: AnyTensor, axes: ReadonlyArray<number>) => AnyTensor,
  x: AnyTensor,
  arg?: ReduceArg,
): AnyTensor => {
  checkTensor(x, op)
  return reduceWith(op, f, x, optionsOf(arg, op, reduceKeys))
}
const countOf = (x: AnyTensor, o?: ReduceOptions) => numel(normAxes(o?.axis, x.shape.length, "mean").map((a) => x.shape[a]!))

type ReduceFn<Op extends string, Dc extends DType = DType> = <
  S extends Shape,
  D extends Dc,
  V extends DeviceKind,
  const O extends ReduceArg = {},
>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, Op>>>,
  options?: O,
) => Out<Reduced<S, O, Op>, D, V>

/**
 * Sum over `axis` (all axes by default).
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[1, 2, 3], [4, 5, 6]])
 * tg.sum(x).item()                           // 21
 * tg.sum(x, { axis: 1 }).toArraySync()       // [6, 15]
 * tg.sum(x, { axis: 0, keepdims: true })     // Tensor<[1, 3]>
 * @since 0.1.0
 * @category reductions
 */
export const sum: ReduceFn<"sum"> = (x, o) => reduceChecked("sum", lax.reduceSum, x, o) as never
/** Product over `axis`. @example tg.prod(tg.tensor([2, 3, 4])).item() // 24 @since 0.1.0 @category reductions */
export const prod: ReduceFn<"prod"> = (x, o) => reduceChecked("prod", lax.reduceProd, x, o) as never
/** Maximum over `axis` (ties share the gradient). @example tg.max(tg.tensor([1, 5, 2])).item() // 5 @since 0.1.0 @category reductions */
export const max: ReduceFn<"max"> = (x, o) => reduceChecked("max", lax.reduceMax, x, o) as never
/** Minimum over `axis`. @example tg.min(tg.tensor([1, 5, 2])).item() // 1 @since 0.1.0 @category reductions */
export const min: ReduceFn<"min"> = (x, o) => reduceChecked("min", lax.reduceMin, x, o) as never
/** The dtype a mean of `D` has: floats keep theirs, integers and bools promote to f32 (as JAX does). */
type MeanDType<D extends DType> = D extends FloatDType ? D : "f32"
/**
 * Mean over `axis`; integer and bool tensors are promoted to f32 first (as JAX does).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.mean(tg.tensor([1, 2, 3, 6])).item() // 3
 * tg.mean(tg.tensor([1, 2], { dtype: "i32" })).item() // 1.5 (f32)
 * @since 0.1.0
 * @category reductions
 */
export const mean = <S extends Shape, D extends DType, V extends DeviceKind, const O extends ReduceArg = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "mean">>>,
  options?: O,
): Out<Reduced<S, O, "mean">, MeanDType<D>, V> => {
  checkTensor(x, "mean")
  return meanE(toFloat(x), optionsOf(options, "mean", reduceKeys)) as never
}
/** Integer and bool tensors as f32 (the dtype their means and variances have). */
const toFloat = (x: AnyTensor): AnyTensor => (isFloat(x.dtype) ? x : lax.cast(x, "f32"))
const meanE = (x: AnyTensor, o?: ReduceOptions) => lax.div(reduceWith("mean", lax.reduceSum, x, o), countOf(x, o))

/**
 * Options of `variance`: `correction` is subtracted from the count (0: population, 1: sample).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.VarOptions = { correction: 1 }
 * tg.variance(tg.tensor([1, 2, 3, 4]), options) // 1.6667
 * @since 0.1.0
 * @category reductions
 */
export interface VarOptions extends ReduceOptions {
  readonly correction?: number
  /** NumPy's name for `correction` ("delta degrees of freedom"); wins when both are given. */
  readonly ddof?: number
}
/**
 * Variance over `axis`: mean of squared deviations, divided by `n − correction` (default 0).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.variance(tg.tensor([1, 2, 3, 4])).item()                   // 1.25
 * tg.variance(tg.tensor([1, 2, 3, 4]), { correction: 1 }).item() // 1.6666…
 * @since 0.1.0
 * @category reductions
 */
export const variance = <S extends Shape, D extends FloatDType, V extends DeviceKind, const O extends ReduceArg<VarOptions> = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "var">>>,
  arg?: O,
): Out<Reduced<S, O, "var">, D, V> => {
  checkTensor(x, "variance")
  requireFloat("variance", x.dtype)
  const options = optionsOf<VarOptions>(arg, "variance", ["axis", "keepdims", "correction", "ddof"])
  if (options?.correction !== undefined) checkNumber(options.correction, "variance", "options.correction", 0)
  if (options?.ddof !== undefined) checkNumber(options.ddof, "variance", "options.ddof", 0)
  return varianceE(x, options) as never
}
const varianceE = (x: AnyTensor, options?: VarOptions): AnyTensor => {
  const n = countOf(x, options)
  const d = lax.sub(x, meanE(x, { ...(options?.axis !== undefined ? { axis: options.axis } : {}), keepdims: true }))
  const ss = reduceWith("var", lax.reduceSum, lax.mul(d, d), options)
  return lax.div(ss, Math.max(n - (options?.ddof ?? options?.correction ?? 0), 0))
}

/**
 * Standard deviation over `axis`: the square root of {@link variance}, with NumPy's `ddof` (or
 * `correction`, default 0). Integer and bool tensors are promoted to f32.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.std(tg.tensor([1, 2, 3, 4])).item()              // 1.1180… (√1.25)
 * tg.std(tg.tensor([2, 4, 4, 6]), { ddof: 1 }).item() // 1.6329… (√(8/3))
 * @since 0.1.0
 * @category reductions
 */
export const std = <S extends Shape, D extends DType, V extends DeviceKind, const O extends VarOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "std">>>,
  options?: O,
): Out<Reduced<S, O, "std">, MeanDType<D>, V> => lax.sqrt(varianceE(toFloat(x), options)) as never

/** `x ≠ 0` as a bool tensor (NaN counts as non-zero, as in NumPy). */
const nonzero = (x: AnyTensor): AnyTensor => lax.compare(x, 0, "ne")
type BoolReduce<Op extends string, Dt extends DType> = <
  S extends Shape,
  D extends DType,
  V extends DeviceKind,
  const O extends ReduceOptions = {},
>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, Op>>>,
  options?: O,
) => Out<Reduced<S, O, Op>, Dt, V>
/**
 * The number of non-zero entries over `axis` (i32; NaN counts as non-zero).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.countNonzero(tg.tensor([[0, 1, 7], [0, 0, -2]]), { axis: 1 }).toArraySync() // [2, 1]
 * @since 0.1.0
 * @category reductions
 */
export const countNonzero: BoolReduce<"countNonzero", "i32"> = (x, o) =>
  reduceWith("countNonzero", lax.reduceSum, lax.cast(nonzero(x), "i32"), o) as never
/**
 * Whether every entry over `axis` is non-zero (true for an empty axis, as in NumPy).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.all(tg.tensor([[true, false], [true, true]]), { axis: 1 }).toArraySync() // [false, true]
 * @since 0.1.0
 * @category reductions
 */
export const all: BoolReduce<"all", "bool"> = (x, o) =>
  lax.compare(reduceWith("all", lax.reduceSum, lax.cast(lax.compare(x, 0, "eq"), "i32"), o), 0, "eq") as never
/**
 * Whether any entry over `axis` is non-zero (false for an empty axis, as in NumPy).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.any(tg.tensor([0, 0, 3])).item() // true
 * @since 0.1.0
 * @category reductions
 */
export const any: BoolReduce<"any", "bool"> = (x, o) =>
  lax.compare(reduceWith("any", lax.reduceSum, lax.cast(nonzero(x), "i32"), o), 0, "gt") as never

/**
 * Options of `argmax`/`argmin`: one axis (flattened index when absent).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.ArgOptions = { axis: 1 }
 * tg.argmax(tg.tensor([[1, 3], [4, 2]]), options) // [1, 0]
 * @since 0.1.0
 * @category reductions
 */
export interface ArgOptions {
  readonly axis?: number
  readonly keepdims?: boolean
}
type ArgFn<Op extends string> = <S extends Shape, D extends DType, V extends DeviceKind, const O extends ArgOptions | number = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, Op>>>,
  options?: O,
) => Out<Reduced<S, O, Op>, "i32", V>
const argWith =
  (op: "max" | "min") =>
  (x: AnyTensor, arg?: ArgOptions | number): AnyTensor => {
    checkTensor(x, `arg${op}`)
    if (Array.isArray(arg)) throw invalidArgument(`arg${op}`, "axis", arg, "one axis (a number)")
    const o = optionsOf<ArgOptions>(arg, `arg${op}`, reduceKeys)
    if (o?.axis === undefined) {
      if (x.size === 0) throw ShapeError.of(`arg${op}`, "empty tensor", x.shape)
      const y = lax.argReduce(lax.reshape(x, [x.size]), 0, op)
      return o?.keepdims
        ? lax.reshape(
            y,
            x.shape.map(() => 1),
          )
        : y
    }
    const axis = normAxis(o.axis, x.shape.length, `arg${op}`)
    const y = lax.argReduce(x, axis, op)
    return o.keepdims ? lax.reshape(y, lax.keepDimsShape(x.shape, [axis])) : y
  }
/** Index of the maximum along `axis` (i32). @example tg.argmax(tg.tensor([[1, 9], [8, 2]]), { axis: 1 }).toArraySync() // [1, 0] @since 0.1.0 @category reductions */
export const argmax: ArgFn<"argmax"> = (x, o) => argWith("max")(x, o) as never
/** Index of the minimum along `axis` (i32). @example tg.argmin(tg.tensor([3, 1, 2])).item() // 1 @since 0.1.0 @category reductions */
export const argmin: ArgFn<"argmin"> = (x, o) => argWith("min")(x, o) as never

/** log Σ exp x, stabilised by the (gradient-free) maximum. */
const logsumexpE = (x: AnyTensor, o?: ReduceOptions): AnyTensor => {
  const axes = normAxes(o?.axis, x.shape.length, "logsumexp")
  // NOTE: an empty axis has no max to shift by; its sum of exps is 0, so the result is log 0 = −∞
  if (axes.some((a) => x.shape[a] === 0)) {
    const out = o?.keepdims ? lax.keepDimsShape(x.shape, axes) : x.shape.filter((_: number, i: number) => !axes.includes(i))
    return lax.full(out, -Infinity, x)
  }
  // NOTE: shifting by max(x) keeps exp from overflowing; a -inf max (all -inf) shifts by 0 instead of NaN
  const m0 = lax.stopGradient(lax.reduceMax(x, axes))
  const m = lax.where(lax.compare(lax.abs(m0), Infinity, "eq"), 0, m0)
  const mk = lax.reshape(m, lax.keepDimsShape(x.shape, axes))
  const y = lax.add(lax.log(lax.reduceSum(lax.exp(lax.sub(x, mk)), axes)), m)
  return o?.keepdims ? lax.reshape(y, lax.keepDimsShape(x.shape, axes)) : y
}
/**
 * `log Σ exp(x)` over `axis`, computed without overflow.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.logsumexp(tg.tensor([1000, 1000])).item() // 1000.6931…
 * @since 0.1.0
 * @category reductions
 */
export const logsumexp: ReduceFn<"logsumexp", FloatDType> = (x, arg) => {
  checkTensor(x, "logsumexp")
  return logsumexpE(x, optionsOf(arg, "logsumexp", reduceKeys)) as never
}

/**
 * The axis (or axes, normalised over jointly) of softmax-like ops (default −1).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.AxisOption = { axis: 0 }
 * tg.softmax(tg.tensor([[0, 1], [0, 1]]), options) // [[0.5, 0.5], [0.5, 0.5]]
 * @since 0.1.0
 * @category reductions
 */
export interface AxisOption {
  readonly axis?: number | ReadonlyArray<number>
}
/**
 * Softmax along `axis` (default the last; a list of axes normalises over them jointly):
 * `exp(x) / Σ exp(x)`, shifted for stability.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.softmax(tg.tensor([0, Math.log(3)])).toArraySync() // [0.25, 0.75]
 * tg.softmax(tg.zeros([2, 2]), { axis: [0, 1] }).toArraySync() // [[0.25, 0.25], [0.25, 0.25]]
 * @since 0.1.0
 * @category activations
 */
export const softmax = <S extends Shape, D extends FloatDType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: AxisOption | number,
): Tensor<S, D, V> => {
  checkTensor(x, "softmax")
  const axes = normAxes(optionsOf<AxisOption>(options, "softmax", ["axis"])?.axis ?? -1, x.shape.length, "softmax")
  if (axes.some((a) => x.shape[a] === 0)) return x // nothing to normalise (and no max to shift by)
  const keep = lax.keepDimsShape(x.shape, axes)
  const e = lax.exp(lax.sub(x, lax.stopGradient(lax.reshape(lax.reduceMax(x, axes), keep))))
  return lax.div(e, lax.reshape(lax.reduceSum(e, axes), keep)) as Tensor<S, D, V>
}
/**
 * `log(softmax(x))` along `axis` (or several axes jointly), computed as `x − logsumexp(x)`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.logSoftmax(tg.tensor([0, 0])).toArraySync() // [-0.693…, -0.693…]
 * tg.logSoftmax(tg.zeros([2, 2]), { axis: [0, 1] }).toArraySync() // every entry −log 4
 * @since 0.1.0
 * @category activations
 */
export const logSoftmax = <S extends Shape, D extends FloatDType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  options?: AxisOption | number,
): Tensor<S, D, V> => {
  checkTensor(x, "logSoftmax")
  const axes = normAxes(optionsOf<AxisOption>(options, "logSoftmax", ["axis"])?.axis ?? -1, x.shape.length, "logSoftmax")
  return lax.sub(x, logsumexpE(x, { axis: axes, keepdims: true })) as Tensor<S, D, V>
}

/**
 * Options of `norm`: `ord` 1, 2 (default) or `Infinity`.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.NormOptions = { ord: 1 }
 * tg.norm(tg.tensor([3, -4]), options) // 7
 * @since 0.1.0
 * @category reductions
 */
export interface NormOptions extends ReduceOptions {
  readonly ord?: 1 | 2 | typeof Infinity
}
/**
 * Vector norm over `axis` (all axes by default): ord 1 (Σ|x|), 2 (√Σx², default) or ∞ (max|x|).
 * NOTE: the 2-norm's gradient is undefined (NaN) at exactly zero.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.norm(tg.tensor([3, 4])).item()                      // 5
 * tg.norm(tg.tensor([3, -4]), { ord: Infinity }).item()  // 4
 * @since 0.1.0
 * @category reductions
 */
export const norm = <S extends Shape, D extends FloatDType, V extends DeviceKind, const O extends ReduceArg<NormOptions> = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "norm">>>,
  arg?: O,
): Out<Reduced<S, O, "norm">, D, V> => {
  checkTensor(x, "norm")
  const options = optionsOf<NormOptions>(arg, "norm", ["axis", "keepdims", "ord"])
  const ord = options?.ord ?? 2
  if (ord === 1) return reduceWith("norm", lax.reduceSum, lax.abs(x), options) as never
  if (ord === Infinity) return reduceWith("norm", lax.reduceMax, lax.abs(x), options) as never
  if (ord !== 2) throw ShapeError.of("norm", `ord must be 1, 2 or Infinity, got ${String(ord)}`, x.shape)
  return lax.sqrt(reduceWith("norm", lax.reduceSum, lax.mul(x, x), options)) as never
}
