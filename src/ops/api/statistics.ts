/**
 * Statistics as NumPy defines them: weighted `average`, `quantile`/`median` (linear interpolation
 * between order statistics, NumPy's default method), `cov`/`corrcoef`, and the NaN-skipping
 * `nansum`/`nanmean`. Compositions of sort, gathers, reductions and matmul, so all of them are
 * differentiable and run on every backend.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import { normAxes, type DeviceKind, type Dim, type DType, type FloatDType, type Guard, type Shape } from "../../shape/index.js"
import { isFloat, numel } from "../core/aval.js"
import { fromHost } from "../core/host.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { takeAlongAxis } from "../prims/gather.js"
import type { ReduceOptions, Reduced } from "./reductions.js"
import { sort } from "./sort.js"
import type { Out } from "./typing.js"

type FloatOf<D extends DType> = D extends FloatDType ? D : "f32"
const toFloat = (x: AnyTensor): AnyTensor => (isFloat(x.dtype) ? x : lax.cast(x, "f32"))
const reduced = (x: AnyTensor, axes: ReadonlyArray<number>, keepdims: boolean | undefined, y: AnyTensor) =>
  keepdims ? lax.reshape(y, lax.keepDimsShape(x.shape, axes)) : y

/**
 * Options of {@link average}: reduction axes and `keepdims`, and `weights` of `x`'s shape or, with
 * one axis, of that axis' length.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.AverageOptions = { weights: tg.tensor([3, 1]) }
 * tg.average(tg.tensor([1, 5]), options) // 2
 * @since 0.1.0
 * @category statistics
 */
export interface AverageOptions extends ReduceOptions {
  readonly weights?: AnyTensor
}

/**
 * Weighted mean over `axis` (NumPy's `average`): `Σ w·x / Σ w`, the plain mean without weights.
 * Differentiable in `x` and the weights.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.average(tg.tensor([1, 2, 3, 4]), { weights: tg.tensor([4, 3, 2, 1]) }).item() // 2
 * tg.average(tg.tensor([[1, 2], [3, 4]]), { axis: 1, weights: tg.tensor([1, 3]) }).toArraySync() // [1.75, 3.75]
 * @since 0.1.0
 * @category statistics
 */
export const average = <S extends Shape, D extends DType, V extends DeviceKind, const O extends AverageOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "average">>>,
  options?: O,
): Out<Reduced<S, O, "average">, FloatOf<D>, V> => {
  const xf = toFloat(x)
  const axes = normAxes(options?.axis, x.shape.length, "average")
  const w0 = options?.weights
  if (w0 === undefined)
    return reduced(xf, axes, options?.keepdims, lax.div(lax.reduceSum(xf, axes), numel(axes.map((a) => x.shape[a]!)))) as never
  commonDevice([x, w0], "average")
  let w = lax.cast(w0, xf.dtype)
  if (w.shape.length !== x.shape.length || w.shape.some((n, d) => n !== x.shape[d])) {
    if (axes.length !== 1 || w.shape.length !== 1 || w.shape[0] !== x.shape[axes[0]!])
      throw ShapeError.of(
        "average",
        `weights [${w0.shape.join(", ")}] must have the shape of x [${x.shape.join(", ")}] or, with one axis, its length`,
        x.shape,
        w0.shape,
      )
    w = lax.broadcastTo(
      lax.reshape(
        w,
        x.shape.map((n: number, d: number) => (d === axes[0] ? n : 1)),
      ),
      x.shape,
    )
  }
  return reduced(xf, axes, options?.keepdims, lax.div(lax.reduceSum(lax.mul(xf, w), axes), lax.reduceSum(w, axes))) as never
}

/** `x` with `axes` moved to the end and merged into one (the axis the order statistics run along). */
const gatherAxes = (x: AnyTensor, axes: ReadonlyArray<number>): AnyTensor => {
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const moved = lax.transpose(x, [...rest, ...axes])
  return lax.reshape(moved, [...rest.map((i) => x.shape[i]!), numel(axes.map((a) => x.shape[a]!))])
}

/**
 * Options of {@link quantile} and {@link median}: the axes (all by default) and `keepdims`.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.QuantileOptions = { axis: 1, keepdims: true }
 * tg.median(tg.tensor([[1, 3, 2]]), options) // [[2]]
 * @since 0.1.0
 * @category statistics
 */
export interface QuantileOptions extends ReduceOptions {}

const quantileE = (x: AnyTensor, qs: ReadonlyArray<number>, op: string, o?: QuantileOptions): AnyTensor => {
  if (x.dtype === "bool") throw new DTypeError({ op, dtypes: [x.dtype], message: `${op}: cannot take quantiles of a bool tensor` })
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw ShapeError.of(op, `quantiles must lie in [0, 1], got ${q}`, x.shape)
  const xf = toFloat(x)
  const axes = normAxes(o?.axis, x.shape.length, op)
  const flat = gatherAxes(xf, axes)
  const r = flat.shape.length
  const n = flat.shape[r - 1]!
  const lead = flat.shape.slice(0, r - 1)
  const outOne = (y: AnyTensor) => reduced(xf, axes, o?.keepdims, lax.reshape(y, lead))
  if (n === 0) return lax.full([...(qs.length === 1 ? [] : [qs.length]), ...outOne(lax.full(lead, 0, xf)).shape], Number.NaN, xf)
  const s = sort(flat as Tensor<number[], DType, DeviceKind>) as AnyTensor
  // NaN sorts last: a slice holding one has NaN as its last order statistic and its every quantile
  const last = lax.slice(
    s,
    flat.shape.map((d: number, i) => (i === r - 1 ? d - 1 : 0)),
    flat.shape.map(() => 1),
    [...lead, 1],
  )
  const hasNan = lax.compare(last, last, "ne")
  const at = (k: number) => takeAlongAxis(s, lax.full([...lead, 1], k, s, "i32") as Tensor<number[], "i32", DeviceKind>, r - 1) as AnyTensor
  const outs = qs.map((q) => {
    // NumPy's "linear" method: the virtual index q·(n − 1) between two order statistics
    const h = q * (n - 1)
    const lo = Math.floor(h),
      frac = h - lo
    const a = at(lo)
    const y = frac === 0 ? a : lax.add(a, lax.mul(lax.sub(at(Math.min(lo + 1, n - 1)), a), frac))
    return outOne(lax.where(hasNan, lax.scalar(Number.NaN, y), y))
  })
  return outs.length === 1
    ? outs[0]!
    : lax.concat(
        outs.map((t) => lax.reshape(t, [1, ...t.shape])),
        0,
      )
}

/**
 * The `q`-th quantile(s) over `axis` (all axes by default), interpolating linearly between order
 * statistics (NumPy's default `method="linear"`). A list of quantiles adds a leading axis. NaN in a
 * slice makes its quantiles NaN; an empty slice gives NaN. Integer tensors are promoted to f32.
 * Differentiable: the gradient flows to the (one or two) order statistics used.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.quantile(tg.tensor([1, 2, 3, 4]), 0.25).item() // 1.75
 * tg.quantile(tg.tensor([[1, 5, 3], [2, 4, 6]]), [0, 0.5], { axis: 1 }).toArraySync() // [[1, 2], [3, 4]]
 * @since 0.1.0
 * @category statistics
 */
export function quantile<S extends Shape, D extends DType, V extends DeviceKind, const O extends QuantileOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "quantile">>>,
  q: number,
  options?: O,
): Out<Reduced<S, O, "quantile">, FloatOf<D>, V>
export function quantile<S extends Shape, D extends DType, V extends DeviceKind, const O extends QuantileOptions = {}>(
  x: Tensor<S, D, V>,
  q: ReadonlyArray<number>,
  options?: O,
): Tensor<Dim[], FloatOf<D>, V>
export function quantile(x: AnyTensor, q: number | ReadonlyArray<number>, options?: QuantileOptions): AnyTensor {
  return quantileE(x, typeof q === "number" ? [q] : q, "quantile", options)
}

/**
 * The median over `axis` (all axes by default): the 0.5 quantile, the mean of the two middle
 * values for an even count (NumPy's `median`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.median(tg.tensor([3, 1, 4, 1, 5])).item() // 3
 * tg.median(tg.tensor([[4, 1], [2, 3]]), { axis: 0 }).toArraySync() // [3, 2]
 * @since 0.1.0
 * @category statistics
 */
export const median = <S extends Shape, D extends DType, V extends DeviceKind, const O extends QuantileOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "median">>>,
  options?: O,
): Out<Reduced<S, O, "median">, FloatOf<D>, V> => quantileE(x, [0.5], "median", options) as never

/**
 * Options of {@link cov} and {@link corrcoef}: `rowvar` (default true: each row is a variable,
 * each column an observation), `ddof` (default 1; 0 with `bias: true`) and a second set of
 * variables `y` stacked under `x`.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.CovOptions = { rowvar: false, ddof: 0 }
 * tg.cov(tg.tensor([[0, 1], [2, 3]]), options) // [[1, 1], [1, 1]]
 * @since 0.1.0
 * @category statistics
 */
export interface CovOptions {
  readonly rowvar?: boolean
  readonly bias?: boolean
  readonly ddof?: number
  readonly y?: AnyTensor
}

/** The variables as rows of a 2-D float tensor. */
const variables = (m: AnyTensor, o: CovOptions | undefined, op: string): AnyTensor => {
  const as2d = (t: AnyTensor): AnyTensor => {
    if (t.shape.length > 2) throw ShapeError.of(op, `expects a 1-D or 2-D tensor, got [${t.shape.join(", ")}]`, t.shape)
    const t2 = t.shape.length < 2 ? lax.reshape(t, [1, numel(t.shape)]) : t
    return (o?.rowvar ?? true) || t.shape.length < 2 ? t2 : lax.mT(t2)
  }
  let x = as2d(toFloat(m))
  if (o?.y !== undefined) {
    commonDevice([m, o.y], op)
    const y = as2d(lax.cast(toFloat(o.y), x.dtype))
    if (y.shape[1] !== x.shape[1]) throw ShapeError.of(op, `x has ${x.shape[1]} observations but y has ${y.shape[1]}`, m.shape, o.y.shape)
    x = lax.concat([x, y], 0)
  }
  return x
}
const covE = (m: AnyTensor, o: CovOptions | undefined, op: string): AnyTensor => {
  const x = variables(m, o, op)
  const n = x.shape[1]!
  const ddof = o?.ddof ?? (o?.bias === true ? 0 : 1)
  const d = lax.sub(x, lax.reshape(lax.div(lax.reduceSum(x, [1]), n), [x.shape[0]!, 1]))
  const c = lax.div(lax.matmul(d, lax.mT(d)), Math.max(n - ddof, 0))
  // NumPy returns a 0-d array for a single variable
  return x.shape[0] === 1 ? lax.reshape(c, []) : c
}

/**
 * The covariance matrix of the variables in `m` (NumPy's `cov`): `[k, k]` for `k` variables, a
 * scalar for one. Differentiable.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.cov(tg.tensor([[0, 1, 2], [2, 1, 0]])).toArraySync() // [[1, -1], [-1, 1]]
 * tg.cov(tg.tensor([1, 2, 3, 4])).item() // 1.6666…
 * @since 0.1.0
 * @category statistics
 */
export const cov = <S extends Shape, D extends DType, V extends DeviceKind>(
  m: Tensor<S, D, V>,
  options?: CovOptions,
): Tensor<Dim[], FloatOf<D>, V> => covE(m, options, "cov") as never

/**
 * Pearson correlation coefficients of the variables in `m` (NumPy's `corrcoef`): the covariance
 * normalised by the standard deviations, clipped to [−1, 1]. Differentiable.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.corrcoef(tg.tensor([[1, 2, 3], [3, 1, -1]])).toArraySync() // [[1, -1], [-1, 1]]
 * @since 0.1.0
 * @category statistics
 */
export const corrcoef = <S extends Shape, D extends DType, V extends DeviceKind>(
  m: Tensor<S, D, V>,
  options?: Omit<CovOptions, "ddof" | "bias">,
): Tensor<Dim[], FloatOf<D>, V> => {
  const c = covE(m, options, "corrcoef")
  if (c.shape.length === 0) return lax.div(c, c) as never
  const k = c.shape[0]!
  const eye = fromHost(
    Uint8Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)),
    [k, k],
    "bool",
    c.device,
  )
  const sd = lax.sqrt(lax.reduceSum(lax.where(eye, c, lax.scalar(0, c)), [1]))
  const r = lax.div(lax.div(c, lax.reshape(sd, [k, 1])), lax.reshape(sd, [1, k]))
  return lax.max(lax.min(r, 1), -1) as never
}
/**
 * Sum over `axis` treating NaN as zero (NumPy's `nansum`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nansum(tg.tensor([1, NaN, 3])).item() // 4
 * @since 0.1.0
 * @category statistics
 */
export const nansum = <S extends Shape, D extends DType, V extends DeviceKind, const O extends ReduceOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "nansum">>>,
  options?: O,
): Out<Reduced<S, O, "nansum">, D, V> => {
  const axes = normAxes(options?.axis, x.shape.length, "nansum")
  return reduced(x, axes, options?.keepdims, lax.reduceSum(dropNan(x), axes)) as never
}
const dropNan = (x: AnyTensor): AnyTensor => (isFloat(x.dtype) ? lax.where(lax.compare(x, x, "ne"), lax.scalar(0, x), x) : x)

/**
 * Mean over `axis` of the entries that are not NaN (NumPy's `nanmean`; NaN where every entry is
 * NaN). Integer tensors are promoted to f32.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nanmean(tg.tensor([[1, NaN], [2, 4]]), { axis: 1 }).toArraySync() // [1, 3]
 * @since 0.1.0
 * @category statistics
 */
export const nanmean = <S extends Shape, D extends DType, V extends DeviceKind, const O extends ReduceOptions = {}>(
  x: Tensor<S, D, V> & NoInfer<Guard<Reduced<S, O, "nanmean">>>,
  options?: O,
): Out<Reduced<S, O, "nanmean">, FloatOf<D>, V> => {
  const xf = toFloat(x)
  const axes = normAxes(options?.axis, x.shape.length, "nanmean")
  const count = lax.reduceSum(lax.cast(lax.compare(xf, xf, "eq"), xf.dtype), axes)
  return reduced(xf, axes, options?.keepdims, lax.div(lax.reduceSum(dropNan(xf), axes), count)) as never
}
