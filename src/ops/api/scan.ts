/**
 * Cumulative sums, products, maxima and minima, and finite differences along an axis. `cumsum`/`cumprod` are a
 * Hillis–Steele scan: ⌈log₂ n⌉ rounds of "add (multiply) the tensor shifted by 2^k", each shift a
 * pad with the identity as fill, so they are O(n log n), fuse under `jit` and differentiate through
 * pad and add/mul with no rules of their own.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { DeviceKind, Dim, DType, Shape } from "../../shape/index.js"
import { normAxis } from "../../shape/index.js"
import { isFloat } from "../core/aval.js"
import { fromHost } from "../core/host.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { takeAlongAxis } from "../prims/gather.js"

const scanWith = (
  x: AnyTensor,
  axis: number | undefined,
  op: string,
  fill: number,
  f: (a: AnyTensor, b: AnyTensor) => AnyTensor,
): AnyTensor => {
  if (x.dtype === "bool") throw ShapeError.of(op, "cast bool tensors to i32 or a float first", x.shape)
  const src = axis === undefined ? lax.reshape(x, [x.shape.reduce((a: number, b: number) => a * b, 1)]) : x
  const a = axis === undefined ? 0 : normAxis(axis, x.shape.length, op)
  const n = src.shape[a] as number
  const zeros = src.shape.map(() => 0)
  let y = src
  for (let k = 1; k < n; k *= 2) {
    // y[i] ∘= y[i - k] (the identity where i < k): shift right by k, cropping the end
    const shifted = lax.pad(
      y,
      zeros.map((_, d) => (d === a ? k : 0)),
      zeros.map((_, d) => (d === a ? -k : 0)),
      zeros,
      fill,
    )
    y = f(y, shifted)
  }
  return y
}

/**
 * Cumulative sum along `axis` (NumPy's `cumsum`; without an axis, of the flattened tensor).
 * @example
 * import * as tg from "typegrad"
 * tg.cumsum(tg.tensor([[1, 2, 3], [4, 5, 6]]), 1).toArraySync() // [[1, 3, 6], [4, 9, 15]]
 * @since 0.1.0
 * @category reductions
 */
export function cumsum<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, axis: number): Tensor<S, D, V>
export function cumsum<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<[number], D, V>
export function cumsum(x: AnyTensor, axis?: number): AnyTensor {
  return scanWith(x, axis, "cumsum", 0, lax.add)
}

/**
 * Cumulative product along `axis` (NumPy's `cumprod`; without an axis, of the flattened tensor).
 * The gradient is exact also where entries are zero (it goes through the products, not a division).
 * @example
 * import * as tg from "typegrad"
 * tg.cumprod(tg.tensor([1, 2, 3, 4]), 0).toArraySync() // [1, 2, 6, 24]
 * @since 0.1.0
 * @category reductions
 */
export function cumprod<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, axis: number): Tensor<S, D, V>
export function cumprod<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<[number], D, V>
export function cumprod(x: AnyTensor, axis?: number): AnyTensor {
  return scanWith(x, axis, "cumprod", 1, lax.mul)
}

/**
 * The `n`-th discrete difference along `axis` (default the last): `out[i] = x[i+1] - x[i]`,
 * applied `n` times (NumPy's `diff`). The axis shrinks by `n` (to 0 at least).
 * @example
 * import * as tg from "typegrad"
 * tg.diff(tg.tensor([1, 4, 9, 16])).toArraySync() // [3, 5, 7]
 * tg.diff(tg.tensor([1, 4, 9, 16]), 2).toArraySync() // [2, 2]
 * @since 0.1.0
 * @category math
 */
export const diff = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, n = 1, axis = -1): Tensor<Dim[], D, V> => {
  if (!Number.isInteger(n) || n < 0) throw ShapeError.of("diff", `order must be a non-negative integer, got ${n}`, x.shape)
  if (x.shape.length === 0) throw ShapeError.of("diff", "needs a tensor of rank at least 1", x.shape)
  const a = normAxis(axis, x.shape.length, "diff")
  let y: AnyTensor = x
  for (let k = 0; k < n; k++) {
    const len = y.shape[a] as number
    if (len === 0) break
    const size = y.shape.map((s: number, d: number) => (d === a ? len - 1 : s))
    const ones = y.shape.map(() => 1)
    const hi = lax.slice(
      y,
      y.shape.map((_: number, d: number) => (d === a ? 1 : 0)),
      ones,
      size,
    )
    const lo = lax.slice(
      y,
      y.shape.map(() => 0),
      ones,
      size,
    )
    y = y.dtype === "bool" ? lax.compare(hi, lo, "ne") : lax.sub(hi, lo)
  }
  return y as never
}

/**
 * The running maximum (`op` "max") or minimum along an axis as a scan over (value, index) pairs:
 * each step keeps the earlier pair only where it is strictly better (NaN counts as better than
 * every number, so NaN propagates as in NumPy), else the later one. The values are then a gather
 * of `x` at the winning indices, so the gradient flows to exactly one entry per output.
 */
const cumExtreme = (x: AnyTensor, axis: number | undefined, op: "cummax" | "cummin"): AnyTensor => {
  if (x.dtype === "bool") throw ShapeError.of(op, "cast bool tensors to i32 or a float first", x.shape)
  const src = axis === undefined ? lax.reshape(x, [x.shape.reduce((a: number, b: number) => a * b, 1)]) : x
  const a = axis === undefined ? 0 : normAxis(axis, x.shape.length, op)
  const n = src.shape[a] as number
  if (n === 0) return src
  const float = isFloat(src.dtype)
  const iota = fromHost(
    Int32Array.from({ length: n }, (_, i) => i),
    [n],
    "i32",
    src.device,
  )
  let v = lax.stopGradient(src)
  let idx = lax.broadcastTo(
    lax.reshape(
      iota,
      src.shape.map((s: number, d: number) => (d === a ? s : 1)),
    ),
    src.shape,
  )
  const zeros = src.shape.map(() => 0)
  const bool = (b: 0 | 1) => lax.scalar(b, src, "bool")
  for (let k = 1; k < n; k *= 2) {
    const lo = zeros.map((_, d) => (d === a ? k : 0)),
      hi = zeros.map((_, d) => (d === a ? -k : 0))
    // the pair k places earlier (index −1 before the start: never kept, whatever its value)
    const ev = lax.pad(v, lo, hi, zeros, 0)
    const ei = lax.pad(idx, lo, hi, zeros, -1)
    let keep = lax.compare(ev, v, op === "cummax" ? "gt" : "lt")
    if (float) {
      const evNan = lax.compare(ev, ev, "ne"),
        vNan = lax.compare(v, v, "ne")
      keep = lax.where(evNan, lax.where(vNan, bool(0), bool(1)), keep)
    }
    keep = lax.where(lax.compare(ei, 0, "lt"), bool(0), keep)
    v = lax.where(keep, ev, v)
    idx = lax.where(keep, ei, idx)
  }
  return takeAlongAxis(src, idx as Tensor<number[], "i32", DeviceKind>, a)
}

/**
 * Running maximum along `axis` (NumPy's `maximum.accumulate`, JAX's `lax.cummax`; without an
 * axis, of the flattened tensor). NaN propagates. Differentiable: each output's gradient goes to
 * the entry that attains it (the latest one on ties).
 * @example
 * import * as tg from "typegrad"
 * tg.cummax(tg.tensor([1, 3, 2, 5, 4]), 0).toArraySync() // [1, 3, 3, 5, 5]
 * @since 0.1.0
 * @category reductions
 */
export function cummax<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, axis: number): Tensor<S, D, V>
export function cummax<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<[number], D, V>
export function cummax(x: AnyTensor, axis?: number): AnyTensor {
  return cumExtreme(x, axis, "cummax")
}

/**
 * Running minimum along `axis` (NumPy's `minimum.accumulate`, JAX's `lax.cummin`; without an
 * axis, of the flattened tensor). NaN propagates; differentiable like {@link cummax}.
 * @example
 * import * as tg from "typegrad"
 * tg.cummin(tg.tensor([[4, 2, 3], [1, 5, 0]]), 1).toArraySync() // [[4, 2, 2], [1, 1, 0]]
 * @since 0.1.0
 * @category reductions
 */
export function cummin<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, axis: number): Tensor<S, D, V>
export function cummin<S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<[number], D, V>
export function cummin(x: AnyTensor, axis?: number): AnyTensor {
  return cumExtreme(x, axis, "cummin")
}
