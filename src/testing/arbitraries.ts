/**
 * fast-check arbitraries for shapes, dtypes and CPU tensors: the inputs of property tests, for
 * typegrad's own laws (`properties/`) and for users testing their functions.
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import { InvalidHyperparameter } from "../errors.js"
import { cpu } from "../device/cpu/index.js"
import { hostConvert, numel } from "../ops/core/aval.js"
import { Tensor } from "../ops/core/tensor.js"
import type { DType } from "../shape/index.js"

/**
 * Options of {@link arbShape}: the range of ranks and of dims.
 *
 * @example
 * import * as fc from "fast-check"
 * import { arbShape, type ShapeOptions } from "typegrad/testing"
 * const matrices: ShapeOptions = { minRank: 2, maxRank: 2, minDim: 0 } // empty ones too
 * fc.assert(fc.property(arbShape(matrices), (s) => s.length === 2))
 * @since 0.1.0
 * @category arbitraries
 */
export interface ShapeOptions {
  /** smallest rank (default 0) */
  readonly minRank?: number
  /** largest rank (default 3) */
  readonly maxRank?: number
  /** smallest dim (default 1; 0 allows empty tensors) */
  readonly minDim?: number
  /** largest dim (default 4) */
  readonly maxDim?: number
}

/**
 * Shapes: arrays of dims with a rank in `[minRank, maxRank]`.
 *
 * @example
 * import * as fc from "fast-check"
 * import { arbShape } from "typegrad/testing"
 * fc.assert(fc.property(arbShape({ minRank: 1, maxDim: 5 }), (s) => s.length >= 1))
 * @since 0.1.0
 * @category arbitraries
 */
export const arbShape = (options: ShapeOptions = {}): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: options.minDim ?? 1, max: options.maxDim ?? 4 }), {
    minLength: options.minRank ?? 0,
    maxLength: options.maxRank ?? 3,
  })

/**
 * `n` shapes that broadcast together (NumPy rules): each is a suffix of a common shape with
 * some dims set to 1. The first element is the broadcast result.
 *
 * @example
 * import * as fc from "fast-check"
 * import { arbBroadcastShapes } from "typegrad/testing"
 * // e.g. [[2, 3], [3], [2, 1]]: the result shape, then two operands
 * const [out, a, b] = fc.sample(arbBroadcastShapes(2), 1)[0]!
 * @since 0.1.0
 * @category arbitraries
 */
export const arbBroadcastShapes = (n: number, options: ShapeOptions = {}): fc.Arbitrary<number[][]> =>
  arbShape(options).chain((out) => {
    const operand = fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)))
    return fc.tuple(...Array.from({ length: n }, () => operand)).map((ops) => {
      // the result is the broadcast of the operands (a dim may have become 1 in all of them)
      const rank = Math.max(0, ...ops.map((s) => s.length))
      const res = Array.from({ length: rank }, (_, i) => ops.map((s) => s[i - (rank - s.length)] ?? 1).find((d) => d !== 1) ?? 1)
      return [res, ...ops]
    })
  })

/**
 * Sorted, unique axes of a tensor of rank `rank` (possibly none).
 *
 * @example
 * import * as fc from "fast-check"
 * import { arbAxes } from "typegrad/testing"
 * fc.sample(arbAxes(3), 1) // e.g. [[0, 2]]
 * @since 0.1.0
 * @category arbitraries
 */
export const arbAxes = (rank: number, options: { readonly minLength?: number } = {}): fc.Arbitrary<number[]> =>
  fc.subarray(
    Array.from({ length: rank }, (_, i) => i),
    { minLength: Math.min(options.minLength ?? 0, rank) },
  )

/**
 * A dtype; by default the ones every CPU tensor supports (`f32`, `f64`, `i32`, `bool`).
 *
 * @example
 * import { arbDType } from "typegrad/testing"
 * arbDType(["f32", "f64"]) // float dtypes only
 * @since 0.1.0
 * @category arbitraries
 */
export const arbDType = <D extends DType = "f32" | "f64" | "i32" | "bool">(
  dtypes: ReadonlyArray<D> = ["f32", "f64", "i32", "bool"] as ReadonlyArray<DType> as ReadonlyArray<D>,
): fc.Arbitrary<D> => fc.constantFrom(...dtypes)

/**
 * Options of {@link arbTensor} and {@link arbValues}: dtype and range of the values.
 *
 * @example
 * import * as fc from "fast-check"
 * import { arbTensor, type TensorOptions } from "typegrad/testing"
 * const positive: TensorOptions<"f64"> = { min: 0.1, max: 3 } // inside log's domain
 * fc.assert(fc.property(arbTensor([3], positive), (x) => x.log().dataSync().every(Number.isFinite)))
 * @since 0.1.0
 * @category arbitraries
 */
export interface TensorOptions<D extends DType = DType> {
  /** element type (default `"f64"`, the dtype gradient checks want) */
  readonly dtype?: D
  /** smallest value (default -2) */
  readonly min?: number
  /** largest value (default 2) */
  readonly max?: number
  /** keep |x| ≥ this (stay clear of kinks and poles at 0: `abs`, `log|x|`, `1/x`) */
  readonly awayFromZero?: number
}

/** Resolution of the value grid: values are `min + (max - min)·k / GRID`. */
const GRID = 2 ** 30

/**
 * Values in `[min, max]` (≥ `awayFromZero` in magnitude), uniform over a fine grid rather than
 * over the bit patterns of doubles: no bias toward 0 or the bounds, so random tensors have no
 * ties and sit away from kinks — what finite differences need. Shrinks toward `min`.
 *
 * @example
 * import { arbValues } from "typegrad/testing"
 * arbValues(6, { min: 0.1, max: 3 }) // fc.Arbitrary<number[]> of length 6
 * @since 0.1.0
 * @category arbitraries
 */
export const arbValues = (n: number, options: TensorOptions = {}): fc.Arbitrary<number[]> => {
  const lo = options.min ?? -2,
    hi = options.max ?? 2,
    away = options.awayFromZero ?? 0
  const dtype = options.dtype ?? "f64"
  if (dtype === "bool") return fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n })
  if (dtype === "i32") return fc.array(fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }), { minLength: n, maxLength: n })
  // the allowed set: [lo, hi] without the band (-away, away), as up to two intervals laid end to end
  const pieces =
    away > 0
      ? [
          [lo, Math.min(hi, -away)],
          [Math.max(lo, away), hi],
        ].filter(([a, b]) => a! <= b!)
      : [[lo, hi]]
  if (pieces.length === 0)
    throw new InvalidHyperparameter({
      op: "arbTensor",
      name: "away",
      value: away,
      message: `arbTensor: [${lo}, ${hi}] has no values with |x| ≥ ${away}`,
    })
  const total = pieces.reduce((s, [a, b]) => s + b! - a!, 0)
  const value = fc.noBias(fc.integer({ min: 0, max: GRID })).map((k) => {
    let u = (total * k) / GRID
    for (const [a, b] of pieces) {
      if (u <= b! - a!) return a! + u
      u -= b! - a!
    }
    return hi
  })
  return fc.array(value, { minLength: n, maxLength: n })
}

/**
 * CPU tensors of a given shape (or of shapes drawn from an arbitrary), `f64` by default.
 *
 * @example
 * import * as fc from "fast-check"
 * import * as tg from "typegrad"
 * import { arbShape, arbTensor } from "typegrad/testing"
 * fc.assert(fc.property(arbTensor(arbShape(), { min: 0.1, max: 3 }), (x) => tg.log(x).shape.length === x.ndim))
 * arbTensor([2, 3], { dtype: "f32" }) // fc.Arbitrary<Tensor<[2, 3], "f32", "cpu">>
 * @since 0.1.0
 * @category arbitraries
 */
export function arbTensor<const S extends ReadonlyArray<number>, D extends DType = "f64">(
  shape: S,
  options?: TensorOptions<D>,
): fc.Arbitrary<Tensor<[...S], D, "cpu">>
export function arbTensor<D extends DType = "f64">(
  shape: fc.Arbitrary<ReadonlyArray<number>>,
  options?: TensorOptions<D>,
): fc.Arbitrary<Tensor<number[], D, "cpu">>
export function arbTensor(
  shape: ReadonlyArray<number> | fc.Arbitrary<ReadonlyArray<number>>,
  options: TensorOptions = {},
): fc.Arbitrary<Tensor<number[], DType, "cpu">> {
  const dtype = options.dtype ?? "f64"
  const of = (s: ReadonlyArray<number>) => arbValues(numel(s), options).map((v) => fromValues(v, s, dtype))
  return shape instanceof fc.Arbitrary ? shape.chain(of) : of(shape)
}

/** @internal seeded uniform values in [-1, 1) (mulberry32): the random directions of gradient checks */
export const uniformFrom = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return 2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1
  }
}

/**
 * A CPU tensor from flat values (the arbitraries' constructor; no dtype inference, no checks).
 *
 * @example
 * import { fromValues } from "typegrad/testing"
 * fromValues([1, 2, 3, 4], [2, 2]) // Tensor<number[], "f64", "cpu">
 * @since 0.1.0
 * @category arbitraries
 */
export const fromValues = (
  values: ArrayLike<number>,
  shape: ReadonlyArray<number>,
  dtype: DType = "f64",
): Tensor<number[], DType, "cpu"> => {
  const aval = { shape: [...shape], dtype }
  return new Tensor(aval, cpu, cpu.backend.upload(hostConvert(values, dtype), aval))
}
