/**
 * Runtime twins of the type-level shape rules. Each takes shapes over `RDim` (`null` = unknown),
 * returns the same shape the type computes and throws `ShapeError` whose `message` is the text of
 * the type-level `ShapeMismatch`. Concrete shapes (all numbers) give concrete results.
 *
 * @since 0.1.0
 */
import type { DType } from "./types.js"
import {
  addDim,
  cancel,
  fail,
  fmtDim,
  fmtProd,
  fmtShape,
  kind,
  normAxes,
  normAxis,
  prod,
  prodDim,
  type RDim,
  unify,
} from "./runtime-core.js"

export { fmtDim, fmtShape, normAxes, normAxis, numel, sameShape, stridesOf, broadcastStrides } from "./runtime-core.js"
export type { RDim } from "./runtime-core.js"
export { type AxisPlan, type IndexPlan, parseIndex, sliceShape, sliceSpecNormalize } from "./runtime-slice.js"
export { conv2dShape, pool2dShape, windowOut } from "./runtime-window.js"

type S = ReadonlyArray<RDim>

/**
 * NumPy broadcasting of two shapes (twin of `Broadcast`).
 * @example
 * import { broadcastShapes } from "./runtime.js"
 * broadcastShapes([8, 1, 6, 1], [7, 1, 5]) // [8, 7, 6, 5]
 * @since 0.1.0
 * @category shape functions
 */
export function broadcastShapes(a: S, b: S, op = "broadcast"): RDim[] {
  const out: RDim[] = []
  for (let i = 1; i <= Math.max(a.length, b.length); i++) {
    const x = i <= a.length ? a[a.length - i]! : undefined
    const y = i <= b.length ? b[b.length - i]! : undefined
    if (x === undefined) out.unshift(y!)
    else if (y === undefined || x === y || y === 1) out.unshift(x)
    else if (x === 1) out.unshift(y)
    else if (kind(x) === "dyn") out.unshift(kind(y) === "dyn" ? null : y)
    else if (kind(y) === "dyn") out.unshift(x)
    else if (op === "broadcast") fail(op, `${fmtShape(a)} vs ${fmtShape(b)} (dim ${fmtDim(x)} vs ${fmtDim(y)})`, a, b)
    else fail(op, `cannot broadcast ${fmtShape(a)} with ${fmtShape(b)} (dim ${fmtDim(x)} vs ${fmtDim(y)})`, a, b)
  }
  return out
}

/**
 * `numpy.matmul` shape (twin of `Matmul`), with 1-D operands promoted and then dropped.
 * @example
 * import { matmulShape } from "./runtime.js"
 * matmulShape([8, 1, 3, 4], [5, 4, 6]) // [8, 5, 3, 6]
 * @since 0.1.0
 * @category shape functions
 */
export function matmulShape(a: S, b: S): RDim[] {
  if (a.length === 0) fail("matmul", `scalar operand ${fmtShape(a)}`, a, b)
  if (b.length === 0) fail("matmul", `scalar operand ${fmtShape(b)}`, a, b)
  const inner = (x: RDim, y: RDim) => unify(x, y, "matmul", `inner dimensions differ for ${fmtShape(a)} @ ${fmtShape(b)}`, a, b)
  if (a.length === 1 && b.length === 1) return (inner(a[0]!, b[0]!), [])
  if (a.length === 1) return (inner(a[0]!, b[b.length - 2]!), [...b.slice(0, -2), b[b.length - 1]!])
  if (b.length === 1) return (inner(a[a.length - 1]!, b[0]!), a.slice(0, -1))
  inner(a[a.length - 1]!, b[b.length - 2]!)
  let batch: RDim[]
  try {
    batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2))
  } catch {
    return fail("matmul", `batch dims do not broadcast: ${fmtShape(a)} @ ${fmtShape(b)}`, a, b)
  }
  return [...batch, a[a.length - 2]!, b[b.length - 1]!]
}

/**
 * Inner product of two 1-D shapes (twin of `Dot`).
 * @example
 * import { dotShape } from "./runtime.js"
 * dotShape([3], [3]) // []
 * @since 0.1.0
 * @category shape functions
 */
export function dotShape(a: S, b: S): RDim[] {
  if (a.length !== 1 || b.length !== 1) fail("dot", `expects 1-D tensors, got ${fmtShape(a)} and ${fmtShape(b)}`, a, b)
  unify(a[0]!, b[0]!, "dot", `sizes differ for ${fmtShape(a)} and ${fmtShape(b)}`, a, b)
  return []
}

/**
 * Outer product of two 1-D shapes (twin of `Outer`).
 * @example
 * import { outerShape } from "./runtime.js"
 * outerShape([3], [4]) // [3, 4]
 * @since 0.1.0
 * @category shape functions
 */
export function outerShape(a: S, b: S): RDim[] {
  if (a.length !== 1 || b.length !== 1) fail("outer", `expects 1-D tensors, got ${fmtShape(a)} and ${fmtShape(b)}`, a, b)
  return [a[0]!, b[0]!]
}

/**
 * `broadcast_to` / `expand` (twin of `Expand`); `-1` keeps the input dim.
 * @example
 * import { expandShape } from "./runtime.js"
 * expandShape([3, 1], [2, -1, 4]) // [2, 3, 4]
 * @since 0.1.0
 * @category shape functions
 */
export function expandShape(s: S, t: S): RDim[] {
  const bad = t.find((d) => d !== -1 && kind(d) === "bad")
  if (bad !== undefined) fail("expand", `invalid dimension ${bad} in ${fmtShape(t)}`, s, t)
  if (s.length > t.length) fail("expand", `cannot expand ${fmtShape(s)} to ${fmtShape(t)} (rank ${s.length} > ${t.length})`, s, t)
  const out: RDim[] = []
  for (let i = 1; i <= t.length; i++) {
    const y = t[t.length - i]!
    if (i > s.length) {
      if (y === -1) fail("expand", `-1 is not allowed for a new leading dim in ${fmtShape(t)}`, s, t)
      out.unshift(y)
      continue
    }
    const x = s[s.length - i]!
    const kx = kind(x),
      ky = kind(y)
    const named = (k: string) => k === "lit" || k === "sym"
    let r: RDim
    if (y === -1) r = x
    else if (named(kx) && named(ky))
      r =
        x === y
          ? x
          : x === 1
            ? y
            : fail("expand", `cannot expand ${fmtShape(s)} to ${fmtShape(t)} (dim ${fmtDim(x)} vs ${fmtDim(y)})`, s, t)
    else if (kx === "dyn") r = ky === "dyn" ? null : y
    else r = x === 1 ? null : x
    out.unshift(r)
  }
  return out
}

/**
 * Reshape, inferring one `-1` (twin of `Reshape`).
 * @example
 * import { reshapeShape } from "./runtime.js"
 * reshapeShape(["B", "T", 768], ["B", "T", 12, -1]) // ["B", "T", 12, 64]
 * @since 0.1.0
 * @category shape functions
 */
export function reshapeShape(s: S, t: S): RDim[] {
  const bad = t.find((d) => d !== -1 && kind(d) === "bad")
  if (bad !== undefined) fail("reshape", `invalid dimension ${bad} in ${fmtShape(t)}`, s, t)
  const negs = t.filter((d) => d === -1).length
  if (negs > 1) fail("reshape", `only one -1 allowed in ${fmtShape(t)}`, s, t)
  const ps = prod(s),
    pt = prod(t.filter((d) => d !== -1))
  const fill = (x: RDim) => t.map((d) => (d === -1 ? x : d))
  if (ps.dyn || pt.dyn) return fill(null)
  const [ls, lt] = cancel(ps.syms, pt.syms)
  if (negs === 0) {
    if (ls.length === 0 && lt.length === 0 && ps.n === pt.n) return [...t]
    return fail("reshape", `cannot reshape ${fmtShape(s)} (${fmtProd(ps)} elements) into ${fmtShape(t)} (${fmtProd(pt)} elements)`, s, t)
  }
  if (lt.length > 0) return fill(null)
  if (pt.n === 0n) fail("reshape", `cannot infer -1 in ${fmtShape(t)} with a zero-sized dimension`, s, t)
  if (ps.n % pt.n !== 0n) fail("reshape", `cannot reshape ${fmtShape(s)} (${fmtProd(ps)} elements) into ${fmtShape(t)}`, s, t)
  const q = ps.n / pt.n
  return fill(ls.length === 0 ? Number(q) : ls.length === 1 && q === 1n ? ls[0]! : null)
}

/**
 * Merge dims `start..end` (inclusive) into their product (twin of `Flatten`).
 * @example
 * import { flattenShape } from "./runtime.js"
 * flattenShape(["B", 64, 7, 7], 1) // ["B", 3136]
 * @since 0.1.0
 * @category shape functions
 */
export function flattenShape(s: S, start = 0, end = -1): RDim[] {
  if (s.length === 0) return [1]
  const a = normAxis(start, s.length, "flatten"),
    b = normAxis(end, s.length, "flatten")
  if (a > b) fail("flatten", `start_dim ${start} after end_dim ${end} for ${fmtShape(s)}`, s)
  return [...s.slice(0, a), prodDim(s.slice(a, b + 1)), ...s.slice(b + 1)]
}

/**
 * Swap two axes, by default the last two (twin of `Transpose`).
 * @example
 * import { transposeShape } from "./runtime.js"
 * transposeShape([2, 3, 4]) // [2, 4, 3]
 * @since 0.1.0
 * @category shape functions
 */
export function transposeShape(s: S, d0 = -2, d1 = -1): RDim[] {
  const a = normAxis(d0, s.length, "transpose"),
    b = normAxis(d1, s.length, "transpose")
  const out = [...s]
  ;[out[a], out[b]] = [s[b]!, s[a]!]
  return out
}

/**
 * Reorder axes: output dim i is input dim perm[i] (twin of `Permute`).
 * @example
 * import { permuteShape } from "./runtime.js"
 * permuteShape(["B", "T", 12, 64], [0, 2, 1, 3]) // ["B", 12, "T", 64]
 * @since 0.1.0
 * @category shape functions
 */
export function permuteShape(s: S, perm: ReadonlyArray<number>): RDim[] {
  if (perm.length !== s.length)
    fail("permute", `${fmtShape(perm)} has ${perm.length} axes but tensor ${fmtShape(s)} has rank ${s.length}`, s)
  const seen: number[] = []
  return perm.map((h) => {
    const a = normAxis(h, s.length, "permute")
    if (seen.includes(a)) fail("permute", `axis ${h} repeated in ${fmtShape(perm)}`, s)
    seen.push(a)
    return s[a]!
  })
}

/**
 * Shape after a reduction over `axes` (all when `undefined`) named `op` (twin of `Reduce`).
 * @example
 * import { reduceShape } from "./runtime.js"
 * reduceShape(["B", "T", 768], -1, true, "mean") // ["B", "T", 1]
 * @since 0.1.0
 * @category shape functions
 */
export function reduceShape(s: S, axes: number | ReadonlyArray<number> | undefined, keepdims = false, op = "sum"): RDim[] {
  const ax = normAxes(axes, s.length, op)
  return s.flatMap((d, i) => (ax.includes(i) ? (keepdims ? [1] : []) : [d]))
}

/**
 * Drop size-1 dims: every literal 1 when `axes` is omitted, else exactly `axes` (twin of `Squeeze`).
 * @example
 * import { squeezeShape } from "./runtime.js"
 * squeezeShape([1, "B", 1, 4]) // ["B", 4]
 * @since 0.1.0
 * @category shape functions
 */
export function squeezeShape(s: S, axes?: number | ReadonlyArray<number>): RDim[] {
  if (axes === undefined) return s.filter((d) => d !== 1)
  const ax = normAxes(axes, s.length, "squeeze")
  for (const i of ax) {
    const d = s[i]!
    if (d !== 1 && kind(d) !== "dyn") fail("squeeze", `dim ${i} of ${fmtShape(s)} has size ${fmtDim(d)}, not 1`, s)
  }
  return s.filter((_, i) => !ax.includes(i))
}

/**
 * Insert a size-1 dim before `axis` ∈ [−rank−1, rank] (twin of `Unsqueeze`).
 * @example
 * import { unsqueezeShape } from "./runtime.js"
 * unsqueezeShape([3, 4], -1) // [3, 4, 1]
 * @since 0.1.0
 * @category shape functions
 */
export function unsqueezeShape(s: S, axis: number): RDim[] {
  const a = normAxis(axis, s.length + 1, "unsqueeze")
  return [...s.slice(0, a), 1, ...s.slice(a)]
}

/**
 * Join along an existing axis (twin of `Concat`).
 * @example
 * import { concatShape } from "./runtime.js"
 * concatShape([[2, 3], [5, 3]], 0) // [7, 3]
 * @since 0.1.0
 * @category shape functions
 */
export function concatShape(ss: ReadonlyArray<S>, axis = 0): RDim[] {
  if (ss.length === 0) return fail("concat", "expects a non-empty list of tensors")
  const f = ss[0]!
  const ax = normAxis(axis, f.length, "concat")
  let acc: RDim[] = [...f]
  ss.slice(1).forEach((s, j) => {
    const i = j + 1
    if (s.length !== f.length)
      fail("concat", `tensor ${i} ${fmtShape(s)} has rank ${s.length}, expected ${f.length} like ${fmtShape(f)}`, ...ss)
    acc = acc.map((a, k) =>
      k === ax ? addDim(a, s[k]!) : unify(a, s[k]!, "concat", `tensor ${i} ${fmtShape(s)} differs from ${fmtShape(f)} at dim ${k}`, ...ss),
    )
  })
  return acc
}

/**
 * Join equal shapes along a new axis (twin of `Stack`).
 * @example
 * import { stackShape } from "./runtime.js"
 * stackShape([[2, 3], [2, 3]], -1) // [2, 3, 2]
 * @since 0.1.0
 * @category shape functions
 */
export function stackShape(ss: ReadonlyArray<S>, axis = 0): RDim[] {
  if (ss.length === 0) return fail("stack", "expects a non-empty list of tensors")
  const f = ss[0]!
  const ax = normAxis(axis, f.length + 1, "stack")
  let acc: RDim[] = [...f]
  ss.slice(1).forEach((s, j) => {
    const ctx = `tensor ${j + 1} ${fmtShape(s)} differs from ${fmtShape(f)}`
    const same = (a: RDim, b: RDim) => kind(a) === "dyn" || kind(b) === "dyn" || a === b
    if (s.length !== f.length || !acc.every((a, k) => same(a, s[k]!))) fail("stack", ctx, ...ss)
    acc = acc.map((a, k) => (kind(a) === "dyn" ? s[k]! : a))
  })
  return [...acc.slice(0, ax), ss.length, ...acc.slice(ax)]
}

/**
 * Constant padding (twin of `Pad`), NumPy's `pad_width`: one `[before, after]` pair per dim, a
 * single pair for every dim, or one number for both sides of every dim.
 * @example
 * import { padShape } from "./runtime.js"
 * padShape([2, 3, 28, 28], [[0, 0], [0, 0], [1, 1], [2, 2]]) // [2, 3, 30, 32]
 * padShape([3, 4], [[1, 0]]) // [4, 5]
 * @since 0.1.0
 * @category shape functions
 */
export function padShape(s: S, pads: number | ReadonlyArray<readonly [number, number]>): RDim[] {
  const okPad = (p: number) => Number.isInteger(p) && p >= 0
  const padDim = (d: RDim, a: number, b: number): RDim =>
    kind(d) === "lit" ? (d as number) + a + b : kind(d) === "sym" && a === 0 && b === 0 ? d : null
  if (typeof pads === "number") {
    if (!okPad(pads)) fail("pad", `invalid padding ${pads}`, s)
    return s.map((d) => padDim(d, pads, pads))
  }
  if (pads.length !== 1 && pads.length !== s.length)
    fail("pad", `${pads.length} pad pairs for ${fmtShape(s)} of rank ${s.length} (one pair, or one per axis)`, s)
  const badPair = pads.find(([a, b]) => !okPad(a) || !okPad(b))
  if (badPair) fail("pad", `invalid padding [${badPair[0]}, ${badPair[1]}]`, s)
  return s.map((d, i) => {
    const [a, b] = pads.length === 1 ? pads[0]! : pads[i]!
    return padDim(d, a, b)
  })
}

const dtypeRank: Record<DType, number> = { bool: 0, i32: 1, f16: 2, f32: 3, f64: 4 }
/**
 * Result dtype of a binary elementwise op (twin of `Promote`): bool < i32 < f16 < f32 < f64.
 * @example
 * import { promoteDType } from "./runtime.js"
 * promoteDType("i32", "f16") // "f16"
 * @since 0.1.0
 * @category dtypes
 */
export const promoteDType = (a: DType, b: DType): DType => (dtypeRank[a] >= dtypeRank[b] ? a : b)
