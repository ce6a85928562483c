/**
 * Indexing primitives with integer index tensors: `gather` (NumPy's `take_along_axis` on one axis)
 * and its adjoint `scatterAdd` (JAX's `x.at[idx].add(u)` on one axis). Both are linear in their
 * data input, and each one's transpose is the other.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { normAxis } from "../../shape/index.js"
import type { Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Primitive, type Tangent } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"

declare module "../core/primitive.js" {
  interface Primitives {
    /** out[..., j, ...] = x[..., idx[..., j, ...], ...] along `axis`; idx matches x off the axis */
    gather: { readonly params: { readonly axis: number }; readonly kind: "other"; readonly linear: true }
    /** out (the updates' shape with `size` on `axis`) = Σ_j over idx[..., j, ...] = k of u[..., j, ...] */
    scatterAdd: { readonly params: { readonly axis: number; readonly size: number }; readonly kind: "other"; readonly linear: true }
  }
}

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

/** The shared checks: an i32 index of the data's rank, equal to it off `axis`. */
const checkIndex = (op: string, x: Aval, idx: Aval, axis: number, dataSize: number): void => {
  const r = x.shape.length
  if (!Number.isInteger(axis) || axis < 0 || axis >= r)
    throw ShapeError.of(op, `axis ${axis} out of range for rank ${r}`, x.shape, idx.shape)
  if (idx.dtype !== "i32")
    throw new DTypeError({ op, dtypes: [x.dtype, idx.dtype], message: `${op}: indices must be i32, got ${idx.dtype}` })
  if (idx.shape.length !== r || idx.shape.some((d, i) => i !== axis && d !== x.shape[i]))
    throw ShapeError.of(op, `indices ${fmt(idx.shape)} must match ${fmt(x.shape)} on every axis but ${axis}`, x.shape, idx.shape)
  if (dataSize === 0 && idx.shape.every((d) => d > 0))
    throw ShapeError.of(op, `cannot index the empty axis ${axis} of ${fmt(x.shape)}`, x.shape, idx.shape)
}

const lin = (x: AnyTensor | LinearIn): Aval => (x instanceof LinearIn ? x.aval : x.aval)
const zeroOr = (ct: Tangent | undefined, av: Aval, f: (c: AnyTensor) => AnyTensor): Tangent =>
  ct === undefined || ct instanceof Zero ? new Zero(av) : f(ct)

/** Both operands with the batch axis in front (an unbatched one is broadcast along it). */
const batchFront = (args: ReadonlyArray<AnyTensor>, dims: ReadonlyArray<number | null>): AnyTensor[] => {
  const k = dims.findIndex((d) => d !== null)
  const b = args[k]!.shape[dims[k]!]!
  return args.map((x, i) =>
    dims[i] === null || dims[i] === undefined ? lax.broadcastTo(x, [b, ...x.shape]) : lax.moveAxis(x, dims[i]!, 0),
  )
}

// gather: d gather(x, idx) = gather(dx, idx); transpose: scatterAdd of the cotangent
const gatherP: Primitive<"gather"> = {
  name: "gather",
  kind: "other",
  abstractEval: ([x, idx], { axis }) => {
    checkIndex("takeAlongAxis", x!, idx!, axis, x!.shape[axis] ?? 0)
    return [{ shape: [...idx!.shape], dtype: x!.dtype }]
  },
  jvp: ([x, idx], [t], params) => {
    const y = bind1(gatherP, [x!, idx!], params)
    return [[y], [t instanceof Zero || t === undefined ? new Zero(y.aval) : bind1(gatherP, [t, idx!], params)]]
  },
  transpose: ([ct], [x, idx], { axis }) => {
    const av = lin(x!)
    return [zeroOr(ct, av, (c) => bind1(scatterAddP, [c, idx as AnyTensor], { axis, size: av.shape[axis]! })), null]
  },
  batch: (args, dims, { axis }) => [[bind1(gatherP, batchFront(args, dims), { axis: axis + 1 })], [0]],
  domain: {
    kind: "custom",
    dtypes: ["float", "i32"],
    diffArgs: [0],
    ranges: [
      [-2, 2],
      [-4, 5],
    ],
  },
}

// scatterAdd: d scatterAdd(u, idx) = scatterAdd(du, idx); transpose: gather of the cotangent
const scatterAddP: Primitive<"scatterAdd"> = {
  name: "scatterAdd",
  kind: "other",
  abstractEval: ([u, idx], { axis, size }) => {
    if (!Number.isInteger(size) || size < 0) throw ShapeError.of("scatterAdd", `size ${size} must be a non-negative integer`, u!.shape)
    checkIndex("scatterAdd", u!, idx!, axis, size)
    if (u!.dtype === "bool")
      throw new DTypeError({
        op: "scatterAdd",
        dtypes: ["bool"],
        message: "scatterAdd: cannot add bool updates (cast to i32 or a float first)",
      })
    if (idx!.shape[axis] !== u!.shape[axis])
      throw ShapeError.of("scatterAdd", `indices ${fmt(idx!.shape)} and updates ${fmt(u!.shape)} differ`, u!.shape, idx!.shape)
    return [{ shape: u!.shape.map((d, i) => (i === axis ? size : d)), dtype: u!.dtype }]
  },
  jvp: ([u, idx], [t], params) => {
    const y = bind1(scatterAddP, [u!, idx!], params)
    return [[y], [t instanceof Zero || t === undefined ? new Zero(y.aval) : bind1(scatterAddP, [t, idx!], params)]]
  },
  transpose: ([ct], [u, idx], { axis }) => [zeroOr(ct, lin(u!), (c) => bind1(gatherP, [c, idx as AnyTensor], { axis })), null],
  batch: (args, dims, { axis, size }) => [[bind1(scatterAddP, batchFront(args, dims), { axis: axis + 1, size })], [0]],
  domain: {
    kind: "custom",
    dtypes: ["float", "i32"],
    diffArgs: [0],
    ranges: [
      [-2, 2],
      [-4, 5],
    ],
  },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { gather: gatherP, scatterAdd: scatterAddP }

// ------------------------------------------------------------------ typed public ops

/**
 * The shape of `takeAlongAxis(x: S, idx: I, axis)`: `I`, since the index matches `x` off the axis.
 * @internal
 */
type SameRank<S extends Shape, I extends Shape> = number extends S["length"]
  ? unknown
  : number extends I["length"]
    ? unknown
    : S["length"] extends I["length"]
      ? unknown
      : never

/**
 * Pick values along one axis with an integer index tensor of the same rank (NumPy's
 * `take_along_axis`, PyTorch's `gather`): `out[..., j, ...] = x[..., idx[..., j, ...], ...]`.
 * Off `axis` the index must match `x`. Negative indices count from the end; indices still out of
 * range are clamped to the axis (as JAX's gather does). Differentiable in `x` (the gradient
 * scatters back with {@link scatterAdd}).
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([[10, 30, 20], [60, 40, 50]])
 * const idx = tg.tensor([[1], [0]], { dtype: "i32" })
 * tg.takeAlongAxis(x, idx, 1).toArraySync() // [[30], [60]]
 * @since 0.1.0
 * @category indexing
 */
export const takeAlongAxis = <S extends Shape, D extends DType, V extends DeviceKind, I extends Shape>(
  x: Tensor<S, D, V> & SameRank<S, I>,
  idx: Tensor<I, "i32", V>,
  axis: number,
): Tensor<I, D, V> => bind1(gatherP, [x, idx], { axis: normAxis(axis, x.shape.length, "takeAlongAxis") }) as never

/**
 * Add `updates` into a zero tensor of `size` entries along `axis` at the positions `idx` (JAX's
 * `zeros.at[idx].add(u)` on one axis; repeated indices accumulate). `idx` has the updates' shape;
 * negative indices count from the end, others out of range are clamped. Linear in the updates;
 * its transpose is {@link takeAlongAxis}.
 *
 * @example
 * import * as tg from "typegrad"
 * const u = tg.tensor([1, 2, 3])
 * tg.scatterAdd(u, tg.tensor([0, 2, 0], { dtype: "i32" }), 0, 4).toArraySync() // [4, 0, 2, 0]
 * @since 0.1.0
 * @category indexing
 */
export const scatterAdd = <S extends Shape, D extends DType, V extends DeviceKind, I extends Shape>(
  updates: Tensor<S, D, V>,
  idx: Tensor<I, "i32", V>,
  axis: number,
  size: number,
): Tensor<number[], D, V> => bind1(scatterAddP, [updates, idx], { axis: normAxis(axis, updates.shape.length, "scatterAdd"), size }) as never
