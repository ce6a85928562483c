/**
 * Creating tensors: from nested literals (shape inferred by the type), from typed arrays (the
 * "from-numpy" of TypeScript), constant fills, ranges, identity (random samples: sample.ts).
 *
 * @since 0.1.0
 */
import type { DeviceKind, Dim, DType, Shape } from "../../shape/index.js"
import { DTypeError, ShapeError } from "../../errors.js"
import { hostAlloc, hostDType, numel, roundF16, type HostArray } from "../core/aval.js"
import type { Device } from "../core/backend.js"
import * as lax from "../core/lax.js"
import { checkNumber, describeValue, invalidArgument } from "../core/check.js"
import { adoptHost, fromHost } from "../core/host.js"
import { checkNew, place } from "./placement.js"
import { checkShape } from "./random.js"
import { Tensor, type AnyTensor } from "../core/tensor.js"
import type { DTypeOfNested, NestedData, ShapeOfNested } from "./typing.js"

/**
 * Where and as what to create a tensor.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.CreateOptions<"i32", "cpu"> = { dtype: "i32", device: tg.cpu }
 * tg.zeros([2, 3], options) // Tensor<[2, 3], "i32", "cpu">
 * @since 0.1.0
 * @category constructors
 */
export interface CreateOptions<D extends DType = DType, V extends DeviceKind = DeviceKind> {
  readonly dtype?: D
  readonly device?: Device<V>
}

/**
 * The dtype of a host typed array.
 *
 * @example
 * import * as tg from "typegrad"
 * const d: tg.HostDType<Int32Array> = "i32"
 * @since 0.1.0
 * @category dtypes
 */
export type HostDType<A> = A extends Float64Array ? "f64" : A extends Int32Array ? "i32" : A extends Uint8Array ? "bool" : "f32"

const nestedShape = (data: NestedData): number[] => {
  const shape: number[] = []
  let x: NestedData = data
  while (Array.isArray(x)) {
    shape.push(x.length)
    x = (x as ReadonlyArray<NestedData>)[0] as NestedData
    if (x === undefined) break
  }
  return shape
}
/** Flat values of nested data into `out`; returns whether the leaves are booleans (undefined when there are none). */
const flatten = (data: NestedData, shape: ReadonlyArray<number>, out: number[]): boolean | undefined => {
  const at: number[] = []
  let bools: boolean | undefined
  const where = () => (at.length === 0 ? "the root" : `[${at.join("][")}]`)
  const go = (x: NestedData, depth: number): void => {
    if (depth === shape.length) {
      const isBool = typeof x === "boolean"
      if (!isBool && typeof x !== "number") {
        if (Array.isArray(x)) throw ShapeError.of("tensor", `ragged nested data: expected a number at depth ${depth}`, shape)
        throw invalidArgument(
          "tensor",
          `the element at ${where()}`,
          x,
          "a number or a boolean",
          x instanceof Tensor ? "join tensors with tg.stack([...]) or tg.concat([...])" : undefined,
        )
      }
      if (bools === undefined) bools = isBool
      else if (bools !== isBool)
        throw new DTypeError({
          op: "tensor",
          dtypes: ["bool", "f32"],
          message: `tensor: nested data mixes booleans and numbers (${describeValue(x)} at ${where()} after ${bools ? "booleans" : "numbers"}); use one kind, and cast the tensor afterwards`,
        })
      out.push(isBool ? (x ? 1 : 0) : (x as number))
      return
    }
    if (!Array.isArray(x) || x.length !== shape[depth])
      throw ShapeError.of("tensor", `ragged nested data: expected ${shape[depth]} elements at depth ${depth}`, shape)
    for (let i = 0; i < x.length; i++) {
      at[depth] = i
      go((x as ReadonlyArray<NestedData>)[i]!, depth + 1)
    }
    at.length = depth
  }
  go(data, 0)
  return bools
}

/**
 * A tensor from nested literal data (shape and dtype inferred by the type) or from a typed array
 * and a shape (no copy semantics leak: the data is copied onto the device).
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.tensor([[1, 2, 3], [4, 5, 6]])            // Tensor<[2, 3], "f32", "cpu">
 * const b = tg.tensor(new Float64Array([1, 2, 3, 4]), [2, 2]) // Tensor<[2, 2], "f64", "cpu">
 * const m = tg.tensor([true, false])                      // Tensor<[2], "bool", "cpu">
 * @since 0.1.0
 * @category constructors
 */
export function tensor<const T extends NestedData, D extends DType = DTypeOfNested<T>, V extends DeviceKind = "cpu">(
  data: T,
  options?: CreateOptions<D, V>,
): Tensor<ShapeOfNested<T>, NoInfer<D>, NoInfer<V>>
export function tensor<
  A extends HostArray,
  const S extends ReadonlyArray<number>,
  D extends DType = HostDType<A>,
  V extends DeviceKind = "cpu",
>(data: A, shape: S, options?: CreateOptions<D, V>): Tensor<[...S], NoInfer<D>, NoInfer<V>>
export function tensor(data: NestedData | HostArray, a?: ReadonlyArray<number> | CreateOptions, b?: CreateOptions): AnyTensor {
  if (ArrayBuffer.isView(data)) {
    const shape = a as ReadonlyArray<number> | undefined
    if (!Array.isArray(shape)) throw ShapeError.of("tensor", "a typed array needs an explicit shape", [])
    checkShape("tensor", shape)
    if (numel(shape) !== data.length)
      throw ShapeError.of("tensor", `${data.length} elements cannot fill shape [${shape.join(", ")}] (${numel(shape)} elements)`, shape)
    const [dt, device] = place("tensor", b)
    return fromHost(data, shape, dt ?? dtypeOfArray(data), device)
  }
  const [dt, device] = place("tensor", a as CreateOptions | undefined)
  const shape = nestedShape(data)
  const flat: number[] = []
  const bools = flatten(data, shape, flat)
  return fromHost(flat, shape, dt ?? (bools === true ? "bool" : "f32"), device)
}

const dtypeOfArray = (a: HostArray): DType => {
  const d = hostDType(a)
  if (d === undefined)
    throw new DTypeError({
      op: "tensor",
      dtypes: [],
      message: "tensor: unsupported typed array (use Float32Array, Float64Array, Int32Array or Uint8Array)",
    })
  return d
}

/**
 * A rank-0 tensor.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.scalar(3).item() // 3
 * @since 0.1.0
 * @category constructors
 */
export const scalar = <D extends DType = "f32", V extends DeviceKind = "cpu">(
  value: number,
  options?: CreateOptions<D, V>,
): Tensor<[], NoInfer<D>, NoInfer<V>> => {
  if (typeof value !== "number" && typeof value !== "boolean") throw invalidArgument("scalar", "value", value, "a number")
  return fromHostChecked("scalar", [value], [], options) as Tensor<[], D, V>
}

/** `fromHost` with the options checked under `op`'s name (f32 by default). */
const fromHostChecked = (op: string, data: ArrayLike<number>, shape: ReadonlyArray<number>, o: CreateOptions | undefined): AnyTensor => {
  const [dt, device] = place(op, o)
  return fromHost(data, shape, dt ?? "f32", device, op)
}

/** `n` values `f(i)` built directly in the dtype's host array (no wider staging copy), then handed to the device. */
const build = (op: string, n: number, shape: ReadonlyArray<number>, o: CreateOptions | undefined, f: (i: number) => number): AnyTensor => {
  const [d, device] = place(op, o)
  const aval = checkNew(op, shape, d ?? "f32", device)
  const out = hostAlloc(aval.dtype, n)
  // the same conversions as hostConvert: bool is 0/1, f16 is rounded; an Int32Array store truncates toward zero
  if (aval.dtype === "bool") for (let i = 0; i < n; i++) out[i] = f(i) !== 0 ? 1 : 0
  else if (aval.dtype === "f16") for (let i = 0; i < n; i++) out[i] = roundF16(f(i))
  else for (let i = 0; i < n; i++) out[i] = f(i)
  return adoptHost(out, aval, device)
}

/**
 * A tensor filled with `value`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.full([2, 2], 7).toArraySync() // [[7, 7], [7, 7]]
 * @since 0.1.0
 * @category constructors
 */
export const full = <const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  shape: S,
  value: number,
  options?: CreateOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => {
  return fill("full", shape, value, options) as Tensor<[...S], D, V>
}

const fill = (op: string, shape: ReadonlyArray<number>, value: number, options: CreateOptions | undefined): AnyTensor => {
  if (typeof value !== "number" && typeof value !== "boolean") throw invalidArgument(op, "value", value, "a number")
  const [d, device] = place(op, options)
  const dt = d ?? "f32"
  checkNew(op, shape, dt, device)
  return lax.broadcastTo(fromHost([value], [], dt, device, op), shape)
}

/**
 * A tensor of zeros.
 *
 * @example
 * import * as tg from "typegrad"
 * const g = tg.zeros([100, 100]) // Tensor<[100, 100], "f32", "cpu">
 * @since 0.1.0
 * @category constructors
 */
export const zeros = <const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  shape: S,
  options?: CreateOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => fill("zeros", shape, 0, options) as Tensor<[...S], D, V>

/**
 * A tensor of ones.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.ones([3]).toArraySync() // [1, 1, 1]
 * @since 0.1.0
 * @category constructors
 */
export const ones = <const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  shape: S,
  options?: CreateOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => fill("ones", shape, 1, options) as Tensor<[...S], D, V>

/**
 * Zeros (or ones, or `value`) with the shape, dtype and device of `x`.
 *
 * @example
 * import * as tg from "typegrad"
 * const z = tg.zerosLike(tg.ones([2, 3])) // Tensor<[2, 3], "f32", "cpu">
 * @since 0.1.0
 * @category constructors
 */
export const fullLike = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>, value: number): Tensor<S, D, V> =>
  lax.full(x.shape, value, x) as Tensor<S, D, V>
/** Zeros like `x`. @example tg.zerosLike(tg.ones([2, 3], { dtype: "i32" })) // i32 [2, 3] of zeros @since 0.1.0 @category constructors */
export const zerosLike = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<S, D, V> => fullLike(x, 0)
/** Ones like `x`. @example tg.onesLike(tg.zeros([2])) // [1, 1] @since 0.1.0 @category constructors */
export const onesLike = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<S, D, V> => fullLike(x, 1)

/**
 * Evenly spaced values `start, start + step, …` below `stop` (one argument: `0 … n-1`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.arange(4).toArraySync()        // [0, 1, 2, 3]   Tensor<[4]>
 * tg.arange(1, 2, 0.25).toArraySync() // [1, 1.25, 1.5, 1.75]
 * @since 0.1.0
 * @category constructors
 */
export function arange<const N extends number, D extends DType = "f32", V extends DeviceKind = "cpu">(
  n: N,
  options?: CreateOptions<D, V>,
): Tensor<[N], NoInfer<D>, NoInfer<V>>
export function arange<D extends DType = "f32", V extends DeviceKind = "cpu">(
  start: number,
  stop: number,
  step?: number,
  options?: CreateOptions<D, V>,
): Tensor<[number], NoInfer<D>, NoInfer<V>>
export function arange(a: number, b?: number | CreateOptions, c?: number, d?: CreateOptions): AnyTensor {
  const [start, stop, step, opts] = typeof b === "number" ? [a, b, c ?? 1, d] : [0, a, 1, b]
  if (step === 0 || !Number.isFinite(step)) throw ShapeError.of("arange", `step must be finite and non-zero, got ${step}`, [])
  // NOTE: a NaN or infinite bound would make a tensor of NaN or infinite length
  checkNumber(start, "arange", "start")
  checkNumber(stop, "arange", "stop")
  const n = Math.max(0, Math.ceil((stop - start) / step))
  return build("arange", n, [n], opts, (i) => start + i * step)
}

/**
 * `n` evenly spaced values from `start` to `stop` inclusive.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.linspace(0, 1, 5).toArraySync() // [0, 0.25, 0.5, 0.75, 1]
 * @since 0.1.0
 * @category constructors
 */
export const linspace = <const N extends number, D extends DType = "f32", V extends DeviceKind = "cpu">(
  start: number,
  stop: number,
  n: N,
  options?: CreateOptions<D, V>,
): Tensor<[N], NoInfer<D>, NoInfer<V>> => {
  checkNumber(start, "linspace", "start")
  checkNumber(stop, "linspace", "stop")
  const span = stop - start
  return build("linspace", n, [n], options, (i) => (n === 1 ? start : start + (span * i) / (n - 1))) as Tensor<[N], D, V>
}

/**
 * Options of {@link logspace}: the `base` (default 10) besides dtype and device.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.LogspaceOptions<"f64", "cpu"> = { base: 2, dtype: "f64" }
 * tg.logspace(0, 3, 4, options) // [1, 2, 4, 8]
 * @since 0.1.0
 * @category constructors
 */
export interface LogspaceOptions<D extends DType = DType, V extends DeviceKind = DeviceKind> extends CreateOptions<D, V> {
  readonly base?: number
}

/**
 * `n` values evenly spaced on a log scale: `base ** linspace(start, stop, n)` (NumPy's `logspace`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.logspace(0, 3, 4).toArraySync() // [1, 10, 100, 1000]
 * @since 0.1.0
 * @category constructors
 */
export const logspace = <const N extends number, D extends DType = "f32", V extends DeviceKind = "cpu">(
  start: number,
  stop: number,
  n: N,
  options?: LogspaceOptions<D, V>,
): Tensor<[N], NoInfer<D>, NoInfer<V>> => {
  checkShape("logspace", [n])
  const [dt, device] = place("logspace", options, ["dtype", "device", "base"])
  const base = options?.base ?? 10
  const data = new Float64Array(n)
  for (let i = 0; i < n; i++) data[i] = base ** (n === 1 ? start : start + ((stop - start) * i) / (n - 1))
  return fromHost(data, [n], dt ?? "f32", device) as Tensor<[N], D, V>
}

/**
 * `n` values from `start` to `stop` inclusive in geometric progression (NumPy's `geomspace`): each
 * is a constant multiple of the previous. The endpoints must be non-zero and of the same sign.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.geomspace(1, 1000, 4).toArraySync() // [1, 10, 100, 1000]
 * tg.geomspace(-1, -16, 5).toArraySync() // [-1, -2, -4, -8, -16]
 * @since 0.1.0
 * @category constructors
 */
export const geomspace = <const N extends number, D extends DType = "f32", V extends DeviceKind = "cpu">(
  start: number,
  stop: number,
  n: N,
  options?: CreateOptions<D, V>,
): Tensor<[N], NoInfer<D>, NoInfer<V>> => {
  checkShape("geomspace", [n])
  const [dt, device] = place("geomspace", options)
  if (start === 0 || stop === 0 || Math.sign(start) !== Math.sign(stop))
    throw ShapeError.of("geomspace", `the endpoints must be non-zero and of one sign, got ${start} and ${stop}`, [n])
  const sgn = Math.sign(start),
    a = Math.log(Math.abs(start)),
    b = Math.log(Math.abs(stop))
  const data = new Float64Array(n)
  for (let i = 0; i < n; i++) data[i] = sgn * Math.exp(n === 1 ? a : a + ((b - a) * i) / (n - 1))
  // the endpoints exactly, as NumPy gives them
  if (n > 0) data[0] = start
  if (n > 1) data[n - 1] = stop
  return fromHost(data, [n], dt ?? "f32", device) as Tensor<[N], D, V>
}

/**
 * The identity matrix (or an `n × m` matrix with ones on the diagonal).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.eye(2).toArraySync() // [[1, 0], [0, 1]]
 * @since 0.1.0
 * @category constructors
 */
export const eye = <const N extends number, const M extends number = N, D extends DType = "f32", V extends DeviceKind = "cpu">(
  n: N,
  m?: M,
  options?: CreateOptions<D, V>,
): Tensor<[N, M], NoInfer<D>, NoInfer<V>> => {
  const cols = m ?? n
  checkShape("eye", [n, cols])
  return build("eye", n * cols, [n, cols], options, (i) => (Math.floor(i / cols) === i % cols ? 1 : 0)) as Tensor<[N, M], D, V>
}

/**
 * The `n × n` identity matrix (NumPy's `identity`; {@link eye} also makes rectangular ones).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.identity(3, { dtype: "i32" }).toArraySync() // [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
 * @since 0.1.0
 * @category constructors
 */
export const identity = <const N extends number, D extends DType = "f32", V extends DeviceKind = "cpu">(
  n: N,
  options?: CreateOptions<D, V>,
): Tensor<[N, N], NoInfer<D>, NoInfer<V>> => eye(n, n, options)

/**
 * A tensor of `shape` for the caller to overwrite (NumPy's `empty`). Tensors are immutable and
 * memory is never handed out uninitialised, so this is {@link zeros}; it exists for code ported
 * from NumPy.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.empty([2, 2]).shape // [2, 2]
 * @since 0.1.0
 * @category constructors
 */
export const empty = <const S extends ReadonlyArray<number>, D extends DType = "f32", V extends DeviceKind = "cpu">(
  shape: S,
  options?: CreateOptions<D, V>,
): Tensor<[...S], NoInfer<D>, NoInfer<V>> => full(shape, 0, options)

/**
 * A tensor with the shape, dtype and device of `x` (NumPy's `empty_like`); zeros, as {@link empty}.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.emptyLike(tg.ones([2, 3], { dtype: "i32" })).shape // [2, 3]
 * @since 0.1.0
 * @category constructors
 */
export const emptyLike = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Tensor<S, D, V> => fullLike(x, 0)

/**
 * Re-type a tensor whose shape the compiler does not know, checked at run time; named dims
 * (`"B"`) bind to the first size seen and must agree thereafter.
 *
 * @example
 * import * as tg from "typegrad"
 * const sizes: number[] = JSON.parse("[32, 784]") // known only at run time
 * const x = tg.zeros(sizes) // Tensor<number[]>
 * const y = tg.assertShape(x, ["B", 784]) // Tensor<["B", 784]>, throws ShapeError otherwise
 * @since 0.1.0
 * @category shapes
 */
export const assertShape = <const S extends Shape, D extends DType, V extends DeviceKind, T extends Shape>(
  x: Tensor<T, D, V>,
  shape: S,
): Tensor<[...S], D, V> => {
  const bound = new Map<string, number>()
  const ok =
    x.shape.length === shape.length &&
    shape.every((d: Dim, i) => {
      const actual = x.shape[i]!
      if (typeof d === "number") return d === actual
      if (!bound.has(d)) bound.set(d, actual)
      return bound.get(d) === actual
    })
  if (!ok) throw ShapeError.of("assertShape", `expected [${shape.join(", ")}], got [${x.shape.join(", ")}]`, shape, x.shape)
  return x as unknown as Tensor<[...S], D, V>
}
