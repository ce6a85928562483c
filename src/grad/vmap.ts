/**
 * Vectorising map: the batching interpreter carries (value, batch axis) pairs and applies each
 * primitive's `batch` rule, so `vmap(f)` runs `f` once on whole batches.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { bind, currentInterpreter, Interpreter, withInterpreter } from "../ops/core/interpreter.js"
import * as lax from "../ops/core/lax.js"
import type { OpName, ParamsOf, Primitive } from "../ops/core/primitive.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/core/tensor.js"
import type { DeviceKind, DType, Shape } from "../shape/index.js"
import * as Tree from "./tree.js"
import { checkFunction } from "../ops/core/check.js"
import type { BatchSize, FirstDevice, InSpec, OutSpec, VmapCheck, VmapOut } from "./typing.js"

/** A batched value: `value` holds every example along axis `bdim`. */
export class BatchTracer extends Tracer {
  constructor(
    readonly interpreter: BatchInterpreter,
    readonly value: AnyTensor,
    readonly bdim: number,
  ) {
    super()
  }
}

export class BatchInterpreter extends Interpreter {
  constructor(
    transform: string,
    parent: Interpreter,
    readonly size: number,
  ) {
    super(transform, parent)
  }

  /** Wrap a batched value (`bdim` null: the same for every example, left plain). */
  wrap(value: AnyTensor, bdim: number | null): AnyTensor {
    if (bdim === null) return value
    const aval = { shape: value.shape.filter((_: number, i: number) => i !== bdim), dtype: value.dtype }
    return new Tensor(aval, value.device, new BatchTracer(this, value, bdim))
  }

  unpack(t: AnyTensor, op: string): readonly [AnyTensor, number | null] {
    const tr = this.own(t, op) as BatchTracer | null
    return tr === null ? [t, null] : [tr.value, tr.bdim]
  }

  override process<P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[] {
    const pairs = args.map((a) => this.unpack(a, prim.name))
    const vals = pairs.map(([v]) => v)
    if (pairs.every(([, d]) => d === null)) return withInterpreter(this.parent!, () => bind(prim, vals, params))
    const [outs, dims] = withInterpreter(this.parent!, () =>
      prim.batch(
        vals,
        pairs.map(([, d]) => d),
        params,
      ),
    )
    return outs.map((o, i) => this.wrap(o, dims[i] ?? null))
  }
}

/** Move (or create, by broadcasting) the batch axis of `v` to `to`. */
export const moveBatchAxis = (v: AnyTensor, from: number | null, to: number, size: number): AnyTensor =>
  from === null ? lax.moveAxis(lax.broadcastTo(v, [size, ...v.shape]), 0, to) : lax.moveAxis(v, from, to)

/** Run `f` on batched inputs (`inDims[i]` = batch axis of `args[i]`), returning (value, batch axis) pairs. */
export const batchFlat = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  args: ReadonlyArray<AnyTensor>,
  inDims: ReadonlyArray<number | null>,
  size: number,
): Array<readonly [AnyTensor, number | null]> => {
  const B = new BatchInterpreter(transform, currentInterpreter(), size)
  try {
    const outs = withInterpreter(B, () => f(args.map((a, i) => B.wrap(a, inDims[i]!))))
    return outs.map((o) => B.unpack(o, transform))
  } finally {
    B.active = false
  }
}

/**
 * Which axis of each leaf is mapped: a number (negative counts from the end), `null` (not
 * mapped), or a tree prefix giving one spec per subtree (JAX's prefix semantics).
 *
 * @example
 * import * as tg from "typegrad"
 * const spec: tg.AxisSpec = [{ w: null, b: 0 }, 1]
 * @since 0.1.0
 * @category transforms
 */
export type AxisSpec = number | null | ReadonlyArray<AxisSpec> | { readonly [k: string]: AxisSpec }

/** One axis per leaf of `tree`, expanding the prefix `spec`. */
const resolveAxes = (spec: AxisSpec | undefined, tree: unknown, what: string): Array<number | null> => {
  const out: Array<number | null> = []
  const go = (s: AxisSpec | undefined, t: unknown, path: string) => {
    if (s === undefined || s === null || typeof s === "number") {
      for (const _ of Tree.leaves(t)) out.push(s ?? null)
      return
    }
    if (Array.isArray(s)) {
      if (!Array.isArray(t) || t.length !== s.length)
        throw ShapeError.of(
          "vmap",
          `${what} spec at ${path || "the root"} has ${s.length} entries, the value is not an array of that length`,
        )
      s.forEach((c, i) => go(c as AxisSpec, t[i], `${path}[${i}]`))
      return
    }
    const r = s as { readonly [k: string]: AxisSpec }
    if (typeof t !== "object" || t === null || Array.isArray(t) || t instanceof Tensor)
      throw ShapeError.of("vmap", `${what} spec at ${path || "the root"} is a record, the value is not`)
    for (const k of Object.keys(t).sort()) {
      if (!(k in r)) throw ShapeError.of("vmap", `${what} spec has no entry for ${path ? `${path}.${k}` : k}`)
      go(r[k], (t as Record<string, unknown>)[k], path ? `${path}.${k}` : k)
    }
  }
  go(spec, tree, "")
  return out
}

const normAxis = (a: number | null, ndim: number, what: string): number | null => {
  if (a === null) return null
  const n = a < 0 ? a + ndim : a
  if (!Number.isInteger(n) || n < 0 || n >= ndim) throw ShapeError.of("vmap", `${what} axis ${a} is out of range for rank ${ndim}`)
  return n
}

/**
 * Options of `vmap`: `inAxes` (the mapped axis of each argument) and `outAxes` (where the
 * mapped axis goes in each output).
 *
 * @example
 * import * as tg from "typegrad"
 * const opts: tg.VmapOptions = { inAxes: [0, null], outAxes: 0 }
 * tg.vmap((a: tg.Tensor<[3]>, b: tg.Tensor<[3]>) => a.mul(b).sum(), opts)(tg.ones([4, 3]), tg.ones([3])) // [3, 3, 3, 3]
 * @since 0.1.0
 * @category transforms
 */
export interface VmapOptions {
  /** mapped axis of each argument (default 0 for every leaf) */
  readonly inAxes?: AxisSpec
  /** where the mapped axis goes in each output (default 0) */
  readonly outAxes?: AxisSpec
}

/**
 * A tree whose tensors may have any shape (vmapped arguments carry an extra axis).
 *
 * @example
 * import * as tg from "typegrad"
 * const batch: tg.Unshaped<{ x: tg.Tensor<[3]> }> = { x: tg.ones([8, 3]) }
 * @since 0.1.0
 * @category transforms
 */
export type Unshaped<T> =
  T extends Tensor<infer _S, infer D, infer V>
    ? // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
      Tensor<any, D, V>
    : T extends ReadonlyArray<unknown>
      ? { -readonly [K in keyof T]: Unshaped<T[K]> }
      : T extends object
        ? { [K in keyof T]: Unshaped<T[K]> }
        : T

/**
 * A tree whose tensors gained a leading mapped axis (of unknown size).
 *
 * @example
 * import * as tg from "typegrad"
 * type Xs = tg.Batched<{ x: tg.Tensor<[3], "f32", "cpu"> }> // { x: Tensor<[number, 3], "f32", "cpu"> }
 * @since 0.1.0
 * @category transforms
 */
export type Batched<T> =
  T extends Tensor<infer S extends Shape, infer D extends DType, infer V extends DeviceKind>
    ? Tensor<[number, ...S], D, V>
    : T extends ReadonlyArray<unknown>
      ? { -readonly [K in keyof T]: Batched<T[K]> }
      : T extends object
        ? { [K in keyof T]: Batched<T[K]> }
        : T

/**
 * The vmapped `f` (declared arguments `A`, result `R`, options `O`): it takes the actual
 * arguments `B` — each mapped tensor has one more axis than declared, at its `inAxes` entry, and
 * the other dims must fit — and returns `R` with the batch axis inserted at `outAxes` (its size
 * is the mapped size of the arguments where the type knows it, else `number`).
 *
 * @example
 * import * as tg from "typegrad"
 * const double: tg.Vmapped<[tg.Tensor<[3]>], tg.Tensor<[3]>, {}> = tg.vmap((x: tg.Tensor<[3]>) => x.mul(2))
 * double(tg.ones([8, 3])) // Tensor<[8, 3]>
 * @since 0.1.0
 * @category transforms
 */
export type Vmapped<A extends ReadonlyArray<unknown>, R, O> = (<B extends Unshaped<A>>(
  ...args: B & VmapCheck<A, B, InSpec<O>>
) => VmapOut<R, BatchSize<A, B, InSpec<O>>, OutSpec<O>, FirstDevice<B>>) &
  VmapBrand<A, R, O>

declare const vmapped: unique symbol
/** Type-only record of a vmapped function's declaration, so that an outer `vmap` can read it (nothing at run time). */
interface VmapBrand<A, R, O> {
  readonly [vmapped]: readonly [A, R, O]
}

/**
 * Vectorise `f` over a mapped axis of its arguments. `f` is written for one example; the result
 * takes and returns batches. Leaves with axis `null` are shared by every example.
 *
 * @example
 * import * as tg from "typegrad"
 * const dot = (a: tg.Tensor<[3]>, b: tg.Tensor<[3]>) => a.mul(b).sum()
 * tg.vmap(dot, { inAxes: [0, null] })(tg.ones([8, 3]), tg.ones([3])) // shape [8]
 * @since 0.1.0
 * @category transforms
 */
export function vmap<A extends ReadonlyArray<unknown>, R, O1, const O extends VmapOptions = Record<never, never>>(
  f: VmapBrand<A, R, O1> & ((...args: never) => unknown),
  options?: O,
): Vmapped<Extract<VmapOut<A, number, InSpec<O1>, DeviceKind>, ReadonlyArray<unknown>>, VmapOut<R, number, OutSpec<O1>, DeviceKind>, O>
export function vmap<A extends ReadonlyArray<unknown> = AnyTensor[], R = unknown, const O extends VmapOptions = Record<never, never>>(
  f: (...args: A) => R,
  options?: O,
): Vmapped<A, R, O>
export function vmap(f: (...args: never) => unknown, options: VmapOptions = {}): unknown {
  checkFunction(f, "vmap")
  return (...args: unknown[]) => {
    const [leaves, def] = Tree.flatten(args)
    const inDims = resolveAxes(options.inAxes === undefined ? 0 : options.inAxes, args, "inAxes").map((a, i) =>
      normAxis(a, leaves[i]!.shape.length, "inAxes"),
    )
    let size: number | null = null
    inDims.forEach((d, i) => {
      if (d === null) return
      const n = leaves[i]!.shape[d]!
      if (size !== null && n !== size)
        throw ShapeError.of("vmap", `mapped axes have different sizes (${size} and ${n})`, ...leaves.map((l) => l.shape))
      size = n
    })
    if (size === null) throw ShapeError.of("vmap", "no argument is mapped (every inAxes entry is null)")
    let outTree: unknown
    const pairs = batchFlat(
      "vmap",
      (xs) => {
        outTree = (f as (...a: unknown[]) => unknown)(...Tree.unflatten<unknown[]>(def, xs))
        return Tree.leaves(outTree)
      },
      leaves,
      inDims,
      size,
    )
    const outDims = resolveAxes(options.outAxes === undefined ? 0 : options.outAxes, outTree, "outAxes")
    const outs = pairs.map(([v, d], i) => {
      const to = normAxis(outDims[i]!, v.shape.length + (d === null ? 1 : 0), "outAxes")
      if (to === null) {
        if (d !== null) throw ShapeError.of("vmap", `output ${i} varies over the mapped axis but its outAxes entry is null`, v.shape)
        return v
      }
      return moveBatchAxis(v, d, to, size!)
    })
    return Tree.unflatten(Tree.structure(outTree), outs)
  }
}
