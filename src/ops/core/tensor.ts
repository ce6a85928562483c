/**
 * `Tensor<S, D, V>`: an n-dimensional array whose shape `S`, dtype `D` and device kind `V` live in
 * the type. At run time a tensor is either concrete (storage on a device) or a tracer of a
 * transform; user code cannot tell them apart, which is what lets `grad`, `vmap` and `jit` trace
 * ordinary functions.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { InvalidArgument } from "../../errors.js"
import type { Aval } from "./aval.js"
import { numel } from "./aval.js"
import type { Device, Storage } from "./backend.js"
import { formatTensor, type Contents } from "./format.js"
import type { Interpreter } from "./interpreter.js"

/** A value owned by a transform's interpreter (a dual number, a staged variable, a batched value). */
export abstract class Tracer {
  abstract readonly interpreter: Interpreter
}

/** Runtime sizes: literal where the type knows them. */
export type ShapeValue<S extends Shape> = number extends S["length"]
  ? ReadonlyArray<number>
  : { readonly [K in keyof S]: S[K] extends number ? S[K] : number }

/**
 * A tensor of shape `S`, dtype `D` (default `"f32"`) on a device of kind `V`.
 *
 * Shape and dtype are invariant: a `Tensor<[2, 3]>` is not a `Tensor<[2, number]>`; use
 * {@link assertShape} to re-type a tensor at a boundary. The device kind is covariant, so a
 * `Tensor<[2, 3], "f32", "cpu">` is also a `Tensor<[2, 3]>` (any device).
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[1, 2, 3], [4, 5, 6]]) // Tensor<[2, 3], "f32", "cpu">
 * x.sum({ axis: 1 }).toArraySync() // [6, 15]
 * @since 0.1.0
 * @category tensors
 */
export class Tensor<in out S extends Shape = Shape, in out D extends DType = "f32", out V extends DeviceKind = DeviceKind> {
  /** Sizes of each dimension. */
  readonly shape: ShapeValue<S>
  readonly dtype: D
  readonly device: Device<V>
  /** @internal concrete storage, or the tracer of the transform that owns this value */
  readonly _impl: Storage | Tracer
  /** @internal */
  readonly aval: Aval

  /** @internal use the factories (`tensor`, `zeros`, …) */
  constructor(aval: Aval, device: Device, impl: Storage | Tracer) {
    // tensors are immutable: a shape changed at run time would make kernels read past their buffers
    this.aval = Object.isFrozen(aval) && Object.isFrozen(aval.shape) ? aval : frozenAval(aval)
    this.shape = this.aval.shape as ShapeValue<S>
    this.dtype = aval.dtype as D
    this.device = device as Device<V>
    this._impl = impl
  }

  /** Number of dimensions. */
  get ndim(): S["length"] {
    return this.aval.shape.length
  }
  /** Number of elements. */
  get size(): number {
    return numel(this.aval.shape)
  }
  /** True while this value is traced by a transform (inside `grad`, `vmap`, `jit`, …). */
  get isTracer(): boolean {
    return this._impl instanceof Tracer
  }

  /**
   * Release this tensor's memory now instead of when it is garbage-collected (a GPU buffer goes
   * back to the pool; CPU data is dropped). Using the tensor afterwards throws `UseAfterRelease`.
   * Idempotent; a no-op on a value traced by a transform. `release(tree)` disposes every tensor
   * of a tree.
   *
   * @example
   * import * as tg from "typegrad"
   * const x = tg.ones([1000, 1000])
   * const total = x.sum().item() // 1000000
   * x.dispose() // x's memory is released; x.add(1) would now throw UseAfterRelease
   */
  dispose(): void {
    const impl = this._impl
    if (!(impl instanceof Tracer)) impl.release?.("it was disposed (dispose() or release(tree))")
  }

  /** Shape, dtype, device and the values (summarised past 1000 elements); GPU values are not read. */
  toString(): string {
    return formatTensor(this.aval.shape, this.aval.dtype, this.device.name, contentsOf(this))
  }
  /**
   * String coercion (`${x}`, `"loss " + x`) gives `toString()`; numeric coercion (`x > 0`,
   * `Number(x)`, `x * 2`) throws `InvalidArgument`: JavaScript's operators cannot read a tensor,
   * and would silently compare or compute with NaN. Read a value with `.item()`, or use the ops.
   */
  [Symbol.toPrimitive](hint: "number" | "string" | "default"): string {
    if (hint === "number")
      throw new InvalidArgument({
        op: "coercion",
        argument: "tensor",
        expected: "a number",
        message: `coercion: a tensor ${this.aval.dtype}[${this.aval.shape.join(", ")}] was used as a number (by <, >, Number(…), unary + or arithmetic operators), which JavaScript cannot do: read a one-element CPU tensor with .item() (or tg.data for any device), or compute with the ops (x.gt(0), x.mul(2))`,
      })
    return this.toString()
  }
  /** What `console.log` and `util.inspect` show: the same as `toString`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}

/**
 * `aval` frozen, with a frozen shape: an already frozen shape (an input's, passed through by a
 * shape rule) is shared; any other is copied, so a caller's array is never frozen in place.
 */
const frozenAval = (a: Aval): Aval =>
  Object.freeze({
    shape: a.shape.length === 0 ? noDims : Object.isFrozen(a.shape) ? a.shape : Object.freeze(a.shape.slice()),
    dtype: a.dtype,
  })
/** The shape of every scalar (the most common shape: constants), frozen once. */
const noDims: ReadonlyArray<number> = Object.freeze([])

/** A tensor's values for printing, or why they cannot be read synchronously. */
const contentsOf = (t: AnyTensor): Contents => {
  const impl = t._impl
  if (impl instanceof Tracer) return { kind: "traced", transform: impl.interpreter.transform }
  const read = t.device.backend.readSync
  if (read === undefined) return { kind: "on-device" }
  try {
    return { kind: "values", data: read(impl, t.aval) }
  } catch (e) {
    return { kind: "unreadable", reason: e instanceof Error ? e.message : String(e) }
  }
}

/**
 * Tensor methods that modules above `src/ops` declare on `Tensor` and install beside their
 * function (e.g. `to`, next to the transfer function), by name. The method table of `src/ops` is
 * total over every other declared method.
 * @internal
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface MethodsInstalledAbove {}

/**
 * The erased tensor type used inside the library and for "any tensor" positions in user code.
 *
 * @example
 * import * as tg from "typegrad"
 * const printAll = (xs: ReadonlyArray<tg.AnyTensor>) => xs.map((x) => `${x.dtype}[${x.shape.join(", ")}]`)
 * printAll([tg.zeros([2]), tg.ones([3, 4], { dtype: "i32" })]) // ["f32[2]", "i32[3, 4]"]
 * @since 0.1.0
 * @category tensors
 */
// biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
export type AnyTensor = Tensor<any, any, any>
