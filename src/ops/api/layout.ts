/**
 * Layout ops: reshape, transpose/permute, squeeze/unsqueeze, expand, flatten, NumPy-style slicing
 * with strings, functional slice updates (`at(x, "1:-1").set(v)`), concat/stack and pad.
 *
 * @since 0.1.0
 */
import {
  concatShape,
  expandShape,
  flattenShape,
  normAxis,
  padShape,
  parseIndex,
  permuteShape,
  reshapeShape,
  squeezeShape,
  stackShape,
  transposeShape,
  unsqueezeShape,
  type Concat,
  type DeviceKind,
  type Dim,
  type DType,
  type Expand,
  type Flatten,
  type Guard,
  type Pad,
  type Permute,
  type Reshape,
  type SameDevice,
  type Shape,
  type Slice,
  type Squeeze,
  type Stack,
  type Transpose,
  type Unsqueeze,
} from "../../shape/index.js"
import { promote } from "../core/aval.js"
import { broadcastShapes } from "../../shape/index.js"
import { commonDevice } from "../core/interpreter.js"
import { checkChoice, checkOperand, checkOptions, checkTensor, invalidArgument } from "../core/check.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { DeviceOf, DTypeOf, Operand, Out, ShapeOf, ShapesOf } from "./typing.js"
import { ShapeError } from "../../errors.js"

const nums = (s: ReadonlyArray<unknown>) => s as number[]

/**
 * Same data, new shape (one dim may be −1: inferred). The element counts must agree.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.reshape(tg.zeros([2, 3]), [3, -1]) // Tensor<[3, 2]>
 * // tg.reshape(tg.zeros([2, 3]), [7]) // compile error: reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)
 * @since 0.1.0
 * @category layout
 */
export const reshape = <S extends Shape, D extends DType, V extends DeviceKind, const T extends ReadonlyArray<number>>(
  x: Tensor<S, D, V>,
  shape: T & NoInfer<Guard<Reshape<S, T>>>,
): Out<Reshape<S, T>, D, V> => {
  checkSizes(x, shape, "reshape")
  return lax.reshape(x, nums(reshapeShape(x.shape, shape))) as never
}

/** The tensor and target sizes of reshape/expand from an untyped caller. */
const checkSizes = (x: unknown, shape: unknown, op: string): void => {
  checkTensor(x, op)
  if (!Array.isArray(shape)) throw invalidArgument(op, "shape", shape, "an array of sizes (e.g. [2, -1])")
}

/**
 * Swap two axes (default the last two).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.transpose(tg.zeros([2, 3])) // Tensor<[3, 2]>
 * @since 0.1.0
 * @category layout
 */
export const transpose = <
  S extends Shape,
  D extends DType,
  V extends DeviceKind,
  const D0 extends number = -2,
  const D1 extends number = -1,
>(
  x: Tensor<S, D, V> & NoInfer<Guard<Transpose<S, D0, D1>>>,
  d0?: D0,
  d1?: D1,
): Out<Transpose<S, D0, D1>, D, V> => {
  transposeShape(x.shape, d0, d1)
  const r = x.shape.length
  const a = normAxis(d0 ?? -2, r, "transpose"),
    b = normAxis(d1 ?? -1, r, "transpose")
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i))
  return lax.transpose(x, perm) as never
}

/**
 * Reorder all axes: `perm[i]` is the input axis that becomes axis i.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.permute(tg.zeros([2, 3, 4]), [2, 0, 1]) // Tensor<[4, 2, 3]>
 * @since 0.1.0
 * @category layout
 */
export const permute = <S extends Shape, D extends DType, V extends DeviceKind, const P extends ReadonlyArray<number>>(
  x: Tensor<S, D, V>,
  perm: P & NoInfer<Guard<Permute<S, P>>>,
): Out<Permute<S, P>, D, V> => {
  permuteShape(x.shape, perm)
  return lax.transpose(
    x,
    perm.map((p) => normAxis(p, x.shape.length, "permute")),
  ) as never
}

/**
 * Drop size-1 axes (all of them, or those named).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.squeeze(tg.zeros([1, 3, 1])) // Tensor<[3]>
 * @since 0.1.0
 * @category layout
 */
export const squeeze = <
  S extends Shape,
  D extends DType,
  V extends DeviceKind,
  const A extends number | ReadonlyArray<number> | undefined = undefined,
>(
  x: Tensor<S, D, V> & NoInfer<Guard<Squeeze<S, A>>>,
  axis?: A,
): Out<Squeeze<S, A>, D, V> => lax.reshape(x, nums(squeezeShape(x.shape, axis))) as never

/**
 * Insert a size-1 axis at `axis`, or several at once (NumPy's `expand_dims` with a tuple: each
 * axis is a position in the result, negative ones counting from its end).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.unsqueeze(tg.zeros([3]), 0) // Tensor<[1, 3]>
 * tg.unsqueeze(tg.zeros([3, 4]), [0, -1]).shape // [1, 3, 4, 1]
 * @since 0.1.0
 * @category layout
 */
export const unsqueeze = <S extends Shape, D extends DType, V extends DeviceKind, const A extends number | ReadonlyArray<number>>(
  x: Tensor<S, D, V> & NoInfer<Guard<A extends number ? Unsqueeze<S, A> : Shape>>,
  axis: A,
): Out<A extends number ? Unsqueeze<S, A> : Dim[], D, V> => {
  if (typeof axis === "number") return lax.reshape(x, nums(unsqueezeShape(x.shape, axis))) as never
  const r = x.shape.length + axis.length
  const at = axis.map((a) => normAxis(a, r, "unsqueeze"))
  if (new Set(at).size !== at.length) throw ShapeError.of("unsqueeze", `axis repeated in [${axis.join(", ")}] for rank ${r}`, x.shape)
  const rest = [...x.shape] as number[]
  return lax.reshape(
    x,
    Array.from({ length: r }, (_, i) => (at.includes(i) ? 1 : rest.shift()!)),
  ) as never
}

/**
 * Broadcast to a larger shape (−1 keeps a dim), like `torch.expand` / `np.broadcast_to`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.expand(tg.zeros([3, 1]), [2, 3, 4]) // Tensor<[2, 3, 4]>
 * @since 0.1.0
 * @category layout
 */
export const expand = <S extends Shape, D extends DType, V extends DeviceKind, const T extends ReadonlyArray<number>>(
  x: Tensor<S, D, V>,
  shape: T & NoInfer<Guard<Expand<S, T>>>,
): Out<Expand<S, T>, D, V> => {
  checkSizes(x, shape, "expand")
  return lax.broadcastTo(x, nums(expandShape(x.shape, shape))) as never
}

/**
 * Merge axes `start..end` (inclusive, default all) into one.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.flatten(tg.zeros([2, 3, 4]), 1) // Tensor<[2, 12]>
 * @since 0.1.0
 * @category layout
 */
export const flatten = <S extends Shape, D extends DType, V extends DeviceKind, const St extends number = 0, const En extends number = -1>(
  x: Tensor<S, D, V> & NoInfer<Guard<Flatten<S, St, En>>>,
  start?: St,
  end?: En,
): Out<Flatten<S, St, En>, D, V> => lax.reshape(x, nums(flattenShape(x.shape, start, end))) as never

/** @internal the strided window of a slice spec, before dropping/inserting axes */
const window = (x: AnyTensor, spec: string) => {
  const plan = parseIndex(spec, x.shape as number[])
  return {
    plan,
    starts: plan.axes.map((a) => a.start),
    steps: plan.axes.map((a) => a.step),
    sizes: plan.axes.map((a) => a.size),
  }
}

/** A tensor and an index string from an untyped caller. */
const checkSpec = (x: unknown, spec: unknown, op: string): void => {
  checkTensor(x, op)
  if (typeof spec !== "string")
    throw invalidArgument(op, "spec", spec, `an index string (e.g. "1:3, ::2")`, typeof spec === "number" ? `write "${spec}"` : undefined)
}

/**
 * NumPy basic indexing from a string: `"2:, 1:-1"`, negative indices, steps (`::2`), integer
 * indices (drop the axis), `...` and `None` (insert an axis). The result shape is computed by the
 * type.
 *
 * @example
 * import * as tg from "typegrad"
 * const g = tg.zeros([100, 100])
 * g.slice("2:, 1:-1") // Tensor<[98, 98]>
 * tg.slice(tg.arange(10), "::3").toArraySync() // [0, 3, 6, 9]
 * @since 0.1.0
 * @category indexing
 */
export const slice = <S extends Shape, D extends DType, V extends DeviceKind, const Spec extends string>(
  x: Tensor<S, D, V>,
  spec: Spec & NoInfer<Guard<Slice<S, Spec>>>,
): Out<Slice<S, Spec>, D, V> => {
  checkSpec(x, spec, "slice")
  const w = window(x, spec)
  return lax.reshape(lax.slice(x, w.starts, w.steps, w.sizes), w.plan.outShape) as never
}

/**
 * A pending functional update of the region `spec` of a tensor (see {@link at}).
 *
 * @example
 * import * as tg from "typegrad"
 * const region: tg.At<[4, 4], "f32", "cpu", "1:3, 1:3"> = tg.zeros([4, 4]).at("1:3, 1:3")
 * region.set(1) // ones in the 2×2 centre
 * @since 0.1.0
 * @category indexing
 */
export interface At<S extends Shape, D extends DType, V extends DeviceKind, Spec extends string> {
  /** A new tensor equal to the original except the region, which becomes `v` (broadcast). */
  set<T extends Operand>(v: T & NoInfer<UpdateCheck<S, V, Spec, T>>): Tensor<S, D, V>
  /** A new tensor with `v` (broadcast) added to the region. */
  add<T extends Operand>(v: T & NoInfer<UpdateCheck<S, V, Spec, T>>): Tensor<S, D, V>
}
type UpdateCheck<S extends Shape, V extends DeviceKind, Spec extends string, T> = T extends number
  ? unknown
  : Guard<SameDevice<V, DeviceOf<T>, "at", Slice<S, Spec> extends infer R extends Shape ? Expand<ShapeOf<T>, R> : unknown>>
// NOTE: not `Expand<…, Slice<S, Spec> & Shape>`: a tuple intersected with an array type no longer
// matches Expand's tuple patterns, so every value shape passed

/** Functional update: pad the value back to the full shape, then select or add. */
const updateAt = (x: AnyTensor, spec: string, v: Operand, mode: "set" | "add"): AnyTensor => {
  checkOperand(v, `at(${JSON.stringify(spec)}).${mode}`, "value")
  const w = window(x, spec)
  const vt = typeof v === "number" ? lax.scalar(v, x) : lax.cast(v, x.dtype)
  if (typeof v !== "number") commonDevice([x, v], `at(${JSON.stringify(spec)}).${mode}`)
  const region = lax.reshape(lax.broadcastTo(vt, nums(expandShape(vt.shape, w.plan.outShape))), w.sizes)
  if (w.sizes.some((s) => s === 0)) return x
  const hi = x.shape.map((n: number, i: number) => n - w.starts[i]! - ((w.sizes[i]! - 1) * w.steps[i]! + 1))
  const interior = w.steps.map((s) => s - 1)
  const placed = lax.pad(region, w.starts, hi, interior, 0)
  if (mode === "add") return lax.add(x, placed)
  const mask = lax.pad(lax.full(w.sizes, 1, x, "bool"), w.starts, hi, interior, 0)
  return lax.where(mask, placed, x)
}

/**
 * Functional slice update: `at(x, spec).set(v)` / `.add(v)` return a new tensor (x is unchanged).
 * Differentiable in both `x` and `v`.
 *
 * @example
 * import * as tg from "typegrad"
 * const g = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
 * @since 0.1.0
 * @category indexing
 */
export const at = <S extends Shape, D extends DType, V extends DeviceKind, const Spec extends string>(
  x: Tensor<S, D, V>,
  spec: Spec & NoInfer<Guard<Slice<S, Spec>>>,
): At<S, D, V, Spec> => {
  checkSpec(x, spec, "at")
  window(x, spec)
  return {
    set: (v) => updateAt(x, spec, v, "set") as Tensor<S, D, V>,
    add: (v) => updateAt(x, spec, v, "add") as Tensor<S, D, V>,
  }
}

const joinDType = (ts: ReadonlyArray<AnyTensor>) => ts.reduce<DType>((d, t) => promote(d, t.dtype), ts[0]!.dtype)

/** A list of tensors from an untyped caller: an array, each element a tensor. */
const checkTensors = (ts: unknown, op: string): void => {
  if (!Array.isArray(ts)) throw invalidArgument(op, "tensors", ts, "an array of tensors")
  ts.forEach((t, i) => checkTensor(t, op, `tensor ${i}`))
}

/**
 * Join tensors along an existing axis (default 0).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.concat([tg.zeros([2, 3]), tg.ones([5, 3])]) // Tensor<[7, 3]>
 * @since 0.1.0
 * @category layout
 */
export const concat = <const Ts extends ReadonlyArray<AnyTensor>, const Ax extends number = 0>(
  ts: Ts & NoInfer<Guard<Concat<ShapesOf<Ts>, Ax>>>,
  axis?: Ax,
): Out<Concat<ShapesOf<Ts>, Ax>, DTypeOf<Ts[0]>, DeviceOf<Ts[0]>> => {
  checkTensors(ts, "concat")
  concatShape(
    ts.map((t) => t.shape),
    axis,
  )
  commonDevice(ts, "concat")
  const dt = joinDType(ts)
  return lax.concat(
    ts.map((t) => lax.cast(t, dt)),
    normAxis(axis ?? 0, ts[0]!.shape.length, "concat"),
  ) as never
}

/**
 * Join equally shaped tensors along a new axis (default 0).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.stack([tg.zeros([3]), tg.ones([3])], 1) // Tensor<[3, 2]>
 * @since 0.1.0
 * @category layout
 */
export const stack = <const Ts extends ReadonlyArray<AnyTensor>, const Ax extends number = 0>(
  ts: Ts & NoInfer<Guard<Stack<ShapesOf<Ts>, Ax>>>,
  axis?: Ax,
): Out<Stack<ShapesOf<Ts>, Ax>, DTypeOf<Ts[0]>, DeviceOf<Ts[0]>> => {
  checkTensors(ts, "stack")
  stackShape(
    ts.map((t) => t.shape),
    axis,
  )
  commonDevice(ts, "stack")
  const a = normAxis(axis ?? 0, ts[0]!.shape.length + 1, "stack")
  const dt = joinDType(ts)
  return lax.concat(
    ts.map((t) => lax.reshape(lax.cast(t, dt), nums(unsqueezeShape(t.shape, a)))),
    a,
  ) as never
}

/**
 * Padding mode: a constant fill (default 0) or repeating the edge values.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.PadOptions = { mode: "edge" }
 * tg.tensor([1, 2]).pad([[1, 1]], options) // [1, 1, 2, 2]
 * @since 0.1.0
 * @category layout
 */
export interface PadOptions {
  readonly mode?: "constant" | "edge"
  readonly value?: number
}

/**
 * Pad every axis, following NumPy's `pad_width`: one `[before, after]` pair per axis, a single
 * pair applied to every axis, or one number for every side of every axis. Any other number of
 * pairs is a `ShapeError` (at compile time when the pairs are a literal).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.pad(tg.ones([2, 2]), [[1, 1], [0, 2]]) // Tensor<[4, 4]>
 * tg.pad(tg.ones([2, 3]), [[1, 0]]).shape // [3, 4]: the pair pads both axes
 * tg.pad(tg.tensor([1, 2]), [[2, 1]], { mode: "edge" }).toArraySync() // [1, 1, 1, 2, 2]
 * @since 0.1.0
 * @category layout
 */
export const pad = <
  S extends Shape,
  D extends DType,
  V extends DeviceKind,
  const P extends number | ReadonlyArray<readonly [number, number]>,
>(
  x: Tensor<S, D, V> & NoInfer<Guard<Pad<S, P>>>,
  pads: P,
  options?: PadOptions,
): Out<Pad<S, P>, D, V> => {
  checkTensor(x, "pad")
  if (typeof pads !== "number" && !Array.isArray(pads))
    throw invalidArgument("pad", "pads", pads, "a number, or [before, after] pairs (one, or one per axis)")
  checkOptions(options, "pad", ["mode", "value"])
  const mode = checkChoice(options?.mode ?? "constant", "pad", "options.mode", ["constant", "edge"])
  if (options?.value !== undefined && typeof options.value !== "number")
    throw invalidArgument("pad", "options.value", options.value, "a number")
  if (mode === "edge" && options?.value !== undefined)
    throw invalidArgument("pad", "options.value", options.value, `no value in "edge" mode (it repeats the edge values)`)
  padShape(x.shape, pads)
  const pairs: Array<readonly [number, number]> =
    typeof pads === "number"
      ? x.shape.map(() => [pads, pads] as const)
      : x.shape.map((_, i) => (pads as ReadonlyArray<readonly [number, number]>)[pads.length === 1 ? 0 : i]!)
  if (mode === "constant")
    return lax.pad(
      x,
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
      pairs.map(() => 0),
      options?.value ?? 0,
    ) as never
  let y: AnyTensor = x
  pairs.forEach(([lo, hi], d) => {
    if (lo === 0 && hi === 0) return
    const n = y.shape[d]!
    if (n === 0) throw ShapeError.of("pad", `edge mode needs a non-empty axis ${d}`, x.shape)
    const edge = (i: number, k: number) => {
      const sizes = y.shape.map((s: number, j: number) => (j === d ? 1 : s))
      const e = lax.slice(
        y,
        y.shape.map((_: number, j: number) => (j === d ? i : 0)),
        y.shape.map(() => 1),
        sizes,
      )
      return lax.broadcastTo(
        e,
        y.shape.map((s: number, j: number) => (j === d ? k : s)),
      )
    }
    const parts = [...(lo > 0 ? [edge(0, lo)] : []), y, ...(hi > 0 ? [edge(n - 1, hi)] : [])]
    y = lax.concat(parts, d)
  })
  return y as never
}

/**
 * Broadcast every tensor to their common shape (NumPy's `broadcast_arrays`); a `ShapeError` when
 * the shapes do not broadcast. Differentiable (the gradient sums over the broadcast axes).
 *
 * @example
 * import * as tg from "typegrad"
 * const [a, b] = tg.broadcastArrays([tg.tensor([[1], [2]]), tg.tensor([10, 20, 30])])
 * a.shape // [2, 3]
 * b.toArraySync() // [[10, 20, 30], [10, 20, 30]]
 * @since 0.1.0
 * @category layout
 */
export const broadcastArrays = <const Ts extends ReadonlyArray<AnyTensor>>(
  ts: Ts,
): { -readonly [K in keyof Ts]: Tensor<Dim[], DTypeOf<Ts[K]>, DeviceOf<Ts[K]>> } => {
  if (ts.length > 0) commonDevice(ts, "broadcastArrays")
  const shape = ts.reduce<number[]>((s, t) => broadcastShapes(s, t.shape, "broadcastArrays") as number[], [])
  return ts.map((t) => lax.broadcastTo(t, shape)) as never
}
