/**
 * Splitting and joining along axes, as NumPy defines them: `arraySplit` (a typed tuple when the
 * number of sections is a literal), `hsplit`/`vsplit`/`dsplit`, `vstack`/`hstack`/`dstack`/`columnStack`, `append`,
 * `repeat` and `tile`.
 * All are slices, reshapes, broadcasts and concats, so gradients and `vmap` come for free.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { Concat, DeviceKind, Dim, DType, Guard, Shape } from "../../shape/index.js"
import type { FloorDiv, Mod } from "../../shape/arith.js"
import { normAxis } from "../../shape/index.js"
import type { IsLitNum, NormAxis } from "../../shape/types-internal.js"
import { numel, promote } from "../core/aval.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { DeviceOf, DTypeOf, Out, ShapesOf } from "./typing.js"

type Tuple<N extends number, Acc extends 0[] = []> = Acc["length"] extends N ? Acc : Tuple<N, [...Acc, 0]>
type Replace<S extends Shape, A extends number, X extends Dim> = { -readonly [K in keyof S]: K extends `${A}` ? X : S[K] }
/** Section `i` of `L` entries split `N` ways: the first `L mod N` sections hold one more. */
type Section<L, N extends number, I extends number> =
  IsLitNum<L> extends true
    ? IsBelow<I, Mod<L & number, N> & number> extends true
      ? Succ<FloorDiv<L & number, N> & number>
      : FloorDiv<L & number, N>
    : number
type IsBelow<I extends number, R extends number> = Tuple<R> extends [...Tuple<I>, 0, ...infer _] ? true : false
type Succ<N extends number> = [...Tuple<N>, 0]["length"] & number

type Parts<
  S extends Shape,
  A extends number,
  N extends number,
  D extends DType,
  V extends DeviceKind,
  Acc extends unknown[] = [],
> = Acc["length"] extends N ? Acc : Parts<S, A, N, D, V, [...Acc, Tensor<Replace<S, A, Section<S[A], N, Acc["length"]>>, D, V>]>

/**
 * The result of `arraySplit(x: S, n: N, axis: A)`: `N` tensors when `N` and the axis are literals.
 * @example
 * import * as tg from "typegrad"
 * import type { ArraySplit } from "typegrad"
 * const parts: ArraySplit<[7], 3, 0, "f32", "cpu"> = tg.arraySplit(tg.zeros([7]), 3)
 * @since 0.1.0
 * @category shape functions
 */
export type ArraySplit<S extends Shape, N extends number, A extends number, D extends DType, V extends DeviceKind> = [
  IsLitNum<N>,
  IsLitNum<A>,
] extends [true, true]
  ? number extends S["length"]
    ? Array<Tensor<Dim[], D, V>>
    : NormAxis<A, S["length"], "arraySplit"> extends infer a extends number
      ? Parts<S, a, N, D, V>
      : Array<Tensor<Dim[], D, V>>
  : Array<Tensor<Dim[], D, V>>

/**
 * Split along `axis` into `sections` nearly equal parts (NumPy's `array_split`: the first
 * `length mod sections` parts hold one more entry), or at the given split points. With a literal
 * count the result is a typed tuple. (`split` is the random-key split; this is the array one.)
 *
 * @example
 * import * as tg from "typegrad"
 * const [a, b, c] = tg.arraySplit(tg.arange(7), 3) // Tensor<[3]>, Tensor<[2]>, Tensor<[2]>
 * a.toArraySync() // [0, 1, 2]
 * tg.arraySplit(tg.arange(6), [1, 4]).map((t) => t.toArraySync()) // [[0], [1, 2, 3], [4, 5]]
 * @since 0.1.0
 * @category layout
 */
export function arraySplit<S extends Shape, D extends DType, V extends DeviceKind, const N extends number, const A extends number = 0>(
  x: Tensor<S, D, V>,
  sections: N,
  axis?: A,
): ArraySplit<S, N, A, D, V>
export function arraySplit<S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  points: ReadonlyArray<number>,
  axis?: number,
): Array<Tensor<Dim[], D, V>>
export function arraySplit(x: AnyTensor, sections: number | ReadonlyArray<number>, axis = 0): AnyTensor[] {
  const a = normAxis(axis, x.shape.length, "arraySplit")
  const len = x.shape[a] as number
  let bounds: number[]
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections < 1)
      throw ShapeError.of("arraySplit", `sections must be a positive integer, got ${sections}`, x.shape)
    const q = Math.floor(len / sections),
      r = len % sections
    bounds = [0]
    for (let i = 0; i < sections; i++) bounds.push(bounds[i]! + q + (i < r ? 1 : 0))
  } else {
    // NumPy clips split points into [0, len] and lets them decrease (giving empty parts)
    bounds = [0, ...sections.map((p) => Math.min(Math.max(p < 0 ? p + len : p, 0), len)), len]
  }
  return bounds.slice(1).map((end, i) => {
    const start = Math.min(bounds[i]!, len)
    const size = Math.max(end - start, 0)
    return lax.slice(
      x,
      x.shape.map((_, d) => (d === a ? (size === 0 ? 0 : start) : 0)),
      x.shape.map(() => 1),
      x.shape.map((n: number, d) => (d === a ? size : n)),
    )
  })
}

const atLeast = (x: AnyTensor, r: number, where: "front" | "2d" | "3d"): AnyTensor => {
  const s = x.shape as number[]
  if (s.length >= r) return x
  if (where === "front") return lax.reshape(x, [...new Array<number>(r - s.length).fill(1), ...s])
  // NumPy's atleast_3d: [n] → [1, n, 1], [m, n] → [m, n, 1]
  if (s.length === 0) return lax.reshape(x, [1, 1, 1])
  return lax.reshape(x, s.length === 1 ? [1, s[0]!, 1] : [...s, 1])
}

const join = (ts: ReadonlyArray<AnyTensor>, op: string, prep: (t: AnyTensor) => AnyTensor, axis: (r: number) => number): AnyTensor => {
  if (ts.length === 0) throw ShapeError.of(op, "expects a non-empty list of tensors", [])
  commonDevice(ts, op)
  const dt = ts.map((t) => t.dtype).reduce(promote)
  const ps = ts.map((t) => lax.cast(prep(t), dt))
  const r = ps[0]!.shape.length
  ps.forEach((p, k) => {
    if (p.shape.length !== r)
      throw ShapeError.of(
        op,
        `tensor ${k} [${ts[k]!.shape.join(", ")}] has a different rank from tensor 0 [${ts[0]!.shape.join(", ")}]`,
        ...ts.map((t) => t.shape),
      )
  })
  return lax.concat(ps, axis(r))
}

/** Each input's shape as the join sees it (NumPy's atleast_2d / atleast_1d / atleast_3d, or a column), and the join axis. */
type Prep<S, M extends JoinMode> = S extends readonly Dim[]
  ? number extends S["length"]
    ? Dim[]
    : M extends "v"
      ? S extends readonly []
        ? [1, 1]
        : S extends readonly [infer n]
          ? [1, n]
          : S
      : M extends "h"
        ? S extends readonly []
          ? [1]
          : S
        : M extends "d"
          ? S extends readonly []
            ? [1, 1, 1]
            : S extends readonly [infer n]
              ? [1, n, 1]
              : S extends readonly [infer a, infer b]
                ? [a, b, 1]
                : S
          : S extends readonly []
            ? [1, 1]
            : S extends readonly [infer n]
              ? [n, 1]
              : S
  : Dim[]
type JoinMode = "v" | "h" | "d" | "c"
type Prepped<Ss, M extends JoinMode> = { -readonly [K in keyof Ss]: Prep<Ss[K], M> }
type JoinAxis<Ss, M extends JoinMode> = M extends "v"
  ? 0
  : M extends "d"
    ? 2
    : M extends "c"
      ? 1
      : Ss extends readonly [infer F, ...unknown[]]
        ? F extends readonly [unknown] | readonly []
          ? 0
          : 1
        : 0
/** The shape of a NumPy-style join (`vstack` "v", `hstack` "h", `dstack` "d", `columnStack` "c"). */
type JoinShape<Ts extends ReadonlyArray<AnyTensor>, M extends JoinMode> =
  Prepped<ShapesOf<Ts>, M> extends infer ps extends readonly Shape[] ? Concat<ps, JoinAxis<ShapesOf<Ts>, M>> : Dim[]
type Joined<Ts extends ReadonlyArray<AnyTensor>, M extends JoinMode> = Out<JoinShape<Ts, M>, DTypeOf<Ts[0]>, DeviceOf<Ts[0]>>

/**
 * Stack along the first axis after making every input at least 2-D (NumPy's `vstack`).
 * @example
 * import * as tg from "typegrad"
 * tg.vstack([tg.tensor([1, 2]), tg.tensor([3, 4])]).toArraySync() // [[1, 2], [3, 4]]
 * @since 0.1.0
 * @category layout
 */
export const vstack = <const Ts extends ReadonlyArray<AnyTensor>>(ts: Ts & NoInfer<Guard<JoinShape<Ts, "v">>>): Joined<Ts, "v"> =>
  join(
    ts,
    "vstack",
    (t) => atLeast(t, 2, "front"),
    () => 0,
  ) as never

/**
 * Stack along the second axis (the first for 1-D inputs), NumPy's `hstack`.
 * @example
 * import * as tg from "typegrad"
 * tg.hstack([tg.tensor([1, 2]), tg.tensor([3])]).toArraySync() // [1, 2, 3]
 * @since 0.1.0
 * @category layout
 */
export const hstack = <const Ts extends ReadonlyArray<AnyTensor>>(ts: Ts & NoInfer<Guard<JoinShape<Ts, "h">>>): Joined<Ts, "h"> =>
  join(
    ts,
    "hstack",
    (t) => atLeast(t, 1, "front"),
    (r) => (r === 1 ? 0 : 1),
  ) as never

/**
 * Stack along the third axis after making every input at least 3-D (NumPy's `dstack`).
 * @example
 * import * as tg from "typegrad"
 * tg.dstack([tg.tensor([1, 2]), tg.tensor([3, 4])]).toArraySync() // [[[1, 3], [2, 4]]]
 * @since 0.1.0
 * @category layout
 */
export const dstack = <const Ts extends ReadonlyArray<AnyTensor>>(ts: Ts & NoInfer<Guard<JoinShape<Ts, "d">>>): Joined<Ts, "d"> =>
  join(
    ts,
    "dstack",
    (t) => atLeast(t, 3, "3d"),
    () => 2,
  ) as never

/**
 * Stack 1-D inputs as columns of a 2-D result (2-D inputs are joined along columns), NumPy's
 * `column_stack`.
 * @example
 * import * as tg from "typegrad"
 * tg.columnStack([tg.tensor([1, 2]), tg.tensor([3, 4])]).toArraySync() // [[1, 3], [2, 4]]
 * @since 0.1.0
 * @category layout
 */
export const columnStack = <const Ts extends ReadonlyArray<AnyTensor>>(ts: Ts & NoInfer<Guard<JoinShape<Ts, "c">>>): Joined<Ts, "c"> =>
  join(
    ts,
    "columnStack",
    (t) => (t.shape.length < 2 ? lax.reshape(t, [numel(t.shape), 1]) : t),
    () => 1,
  ) as never

/**
 * Repeat each entry `repeats` times along `axis` (NumPy's `repeat`; without an axis the input is
 * flattened first). Differentiable: the gradient sums the copies.
 * @example
 * import * as tg from "typegrad"
 * tg.repeat(tg.tensor([[1, 2], [3, 4]]), 2, 1).toArraySync() // [[1, 1, 2, 2], [3, 3, 4, 4]]
 * @since 0.1.0
 * @category layout
 */
export const repeat = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  repeats: number,
  axis?: number,
): Tensor<Dim[], D, V> => {
  if (!Number.isInteger(repeats) || repeats < 0)
    throw ShapeError.of("repeat", `repeats must be a non-negative integer, got ${repeats}`, x.shape)
  const src: AnyTensor = axis === undefined ? lax.reshape(x, [numel(x.shape)]) : x
  const a = axis === undefined ? 0 : normAxis(axis, x.shape.length, "repeat")
  const s = src.shape as number[]
  const wide = [...s.slice(0, a + 1), repeats, ...s.slice(a + 1)]
  const y = lax.broadcastTo(lax.reshape(src, [...s.slice(0, a + 1), 1, ...s.slice(a + 1)]), wide)
  return lax.reshape(
    y,
    s.map((n, d) => (d === a ? n * repeats : n)),
  ) as never
}

/**
 * Repeat the whole tensor `reps` times along each axis (NumPy's `tile`; `reps` shorter than the
 * rank applies to the trailing axes, longer prepends axes).
 * @example
 * import * as tg from "typegrad"
 * tg.tile(tg.tensor([1, 2]), [2, 2]).toArraySync() // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * @since 0.1.0
 * @category layout
 */
export const tile = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  reps: number | ReadonlyArray<number>,
): Tensor<Dim[], D, V> => {
  const rs = typeof reps === "number" ? [reps] : [...reps]
  if (rs.some((r) => !Number.isInteger(r) || r < 0))
    throw ShapeError.of("tile", `repetitions must be non-negative integers, got [${rs.join(", ")}]`, x.shape)
  const r = Math.max(rs.length, x.shape.length)
  const s = [...new Array<number>(r - x.shape.length).fill(1), ...(x.shape as number[])]
  const k = [...new Array<number>(r - rs.length).fill(1), ...rs]
  // [s0, s1, …] → [1, s0, 1, s1, …] → broadcast [k0, s0, k1, s1, …] → [k0·s0, k1·s1, …]
  const inter = s.flatMap((n) => [1, n])
  const wide = s.flatMap((n, d) => [k[d]!, n])
  return lax.reshape(
    lax.broadcastTo(lax.reshape(x, inter), wide),
    s.map((n, d) => n * k[d]!),
  ) as never
}

/** NumPy's `hsplit`/`vsplit`/`dsplit`: an exact split (no uneven sections) along a rank-dependent axis. */
const splitAt = (op: string, x: AnyTensor, sections: number | ReadonlyArray<number>, minRank: number, axis: number): AnyTensor[] => {
  if (x.shape.length < minRank) throw ShapeError.of(op, `needs a tensor of rank at least ${minRank}, got [${x.shape.join(", ")}]`, x.shape)
  const len = x.shape[axis]!
  if (typeof sections === "number" && (!Number.isInteger(sections) || sections < 1 || len % sections !== 0))
    throw ShapeError.of(op, `axis ${axis} of length ${len} does not split into ${sections} equal parts`, x.shape)
  return arraySplit(x, sections as number, axis) as AnyTensor[]
}

/**
 * Split into equal parts (or at split points) along the second axis, the first for 1-D tensors
 * (NumPy's `hsplit`); unequal parts are a `ShapeError` (use {@link arraySplit} for those).
 * @example
 * import * as tg from "typegrad"
 * tg.hsplit(tg.tensor([[1, 2, 3, 4]]), 2).map((t) => t.toArraySync()) // [[[1, 2]], [[3, 4]]]
 * @since 0.1.0
 * @category layout
 */
export const hsplit = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  sections: number | ReadonlyArray<number>,
): Array<Tensor<Dim[], D, V>> => splitAt("hsplit", x, sections, 1, x.shape.length === 1 ? 0 : 1) as never

/**
 * Split into equal parts (or at split points) along the first axis of a tensor of rank ≥ 2
 * (NumPy's `vsplit`).
 * @example
 * import * as tg from "typegrad"
 * tg.vsplit(tg.tensor([[1, 2], [3, 4]]), 2).map((t) => t.toArraySync()) // [[[1, 2]], [[3, 4]]]
 * @since 0.1.0
 * @category layout
 */
export const vsplit = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  sections: number | ReadonlyArray<number>,
): Array<Tensor<Dim[], D, V>> => splitAt("vsplit", x, sections, 2, 0) as never

/**
 * Split into equal parts (or at split points) along the third axis of a tensor of rank ≥ 3
 * (NumPy's `dsplit`).
 * @example
 * import * as tg from "typegrad"
 * tg.dsplit(tg.zeros([1, 2, 4]), 2).map((t) => t.shape) // [[1, 2, 2], [1, 2, 2]]
 * @since 0.1.0
 * @category layout
 */
export const dsplit = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
  sections: number | ReadonlyArray<number>,
): Array<Tensor<Dim[], D, V>> => splitAt("dsplit", x, sections, 3, 2) as never

/**
 * Values appended to the end of `x` along `axis` (NumPy's `append`): without an axis both are
 * flattened first; with one, the shapes must agree off the axis. The dtypes promote.
 * @example
 * import * as tg from "typegrad"
 * tg.append(tg.tensor([[1, 2], [3, 4]]), tg.tensor([5, 6])).toArraySync() // [1, 2, 3, 4, 5, 6]
 * tg.append(tg.tensor([[1, 2]]), tg.tensor([[3, 4]]), 0).toArraySync() // [[1, 2], [3, 4]]
 * @since 0.1.0
 * @category layout
 */
export const append = <S extends Shape, D extends DType, V extends DeviceKind, T extends Shape, D2 extends DType>(
  x: Tensor<S, D, V>,
  values: Tensor<T, D2, V>,
  axis?: number,
): Tensor<Dim[], D, V> => {
  if (axis === undefined)
    return join(
      [lax.reshape(x, [numel(x.shape)]), lax.reshape(values, [numel(values.shape)])],
      "append",
      (t) => t,
      () => 0,
    ) as never
  const a = normAxis(axis, x.shape.length, "append")
  if (values.shape.length !== x.shape.length || values.shape.some((n, d) => d !== a && n !== x.shape[d]))
    throw ShapeError.of(
      "append",
      `values [${values.shape.join(", ")}] must match [${x.shape.join(", ")}] off axis ${a}`,
      x.shape,
      values.shape,
    )
  return join(
    [x, values],
    "append",
    (t) => t,
    () => a,
  ) as never
}
