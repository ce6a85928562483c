/**
 * Runtime helpers shared by the shape twins: dim classification, formatting, axis
 * normalisation, element counts and strides. Runtime dims are `number` (a size), `string`
 * (a named size) or `null` (unknown — the type-level `number`).
 *
 * @since 0.1.0
 */
import { type RDim, ShapeError } from "../errors.js"

export type { RDim }

/** @internal */
export type RKind = "lit" | "sym" | "dyn" | "bad"
/** Mirrors the type-level `Kind`. @internal */
export const kind = (d: RDim): RKind => (d === null ? "dyn" : typeof d === "string" ? "sym" : Number.isInteger(d) && d >= 0 ? "lit" : "bad")

/** Throw `ShapeError.of(op, detail, ...shapes)`. @internal */
export const fail = (op: string, detail: string, ...shapes: ReadonlyArray<ReadonlyArray<RDim>>): never => {
  throw ShapeError.of(op, detail, ...shapes)
}

/**
 * A dim as text: `?` for `null`, like the type-level `FmtDim`.
 * @example
 * import { fmtDim } from "./runtime-core.js"
 * fmtDim(null) // "?"
 * @since 0.1.0
 * @category formatting
 */
export const fmtDim = (d: RDim): string => (d === null ? "?" : String(d))

/**
 * A shape as text, exactly like the type-level `FmtShape`: `[B, 3, ?]`.
 * @example
 * import { fmtShape } from "./runtime-core.js"
 * fmtShape(["B", 3, null]) // "[B, 3, ?]"
 * @since 0.1.0
 * @category formatting
 */
export const fmtShape = (s: ReadonlyArray<RDim>): string => `[${s.map(fmtDim).join(", ")}]`

/** Two dims that must be equal; `null` yields to the other side. Mirrors `Unify`. @internal */
export const unify = (a: RDim, b: RDim, op: string, ctx: string, ...shapes: ReadonlyArray<ReadonlyArray<RDim>>): RDim =>
  kind(a) === "dyn" ? b : kind(b) === "dyn" ? a : a === b ? a : fail(op, `${ctx} (${fmtDim(a)} vs ${fmtDim(b)})`, ...shapes)

/**
 * Normalise an axis for a tensor of rank `rank`: a ∈ [−rank, rank) ↦ a mod rank.
 * @example
 * import { normAxis } from "./runtime-core.js"
 * normAxis(-1, 3, "sum") // 2
 * try { normAxis(3, 3, "sum") } catch (e) { console.log(String(e)) } // ShapeError: sum: axis 3 out of range for rank 3
 * @since 0.1.0
 * @category axes
 */
export function normAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return fail(op, `axis ${axis} out of range for rank ${rank}`)
  return axis < 0 ? axis + rank : axis
}

/**
 * Normalise reduction axes: `undefined` means all; the result is sorted and unique; repeats
 * (after normalising) and out-of-range axes throw, in the order they are listed.
 * @example
 * import { normAxes } from "./runtime-core.js"
 * normAxes([-1, 0], 3, "sum") // [0, 2]
 * try { normAxes([1, -2], 3, "sum") } catch (e) { console.log(String(e)) } // ShapeError: sum: axis -2 repeated in [1, -2]
 * @since 0.1.0
 * @category axes
 */
export function normAxes(axes: number | ReadonlyArray<number> | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axes === "number" ? [axes] : axes
  const seen: number[] = []
  for (const h of list) {
    const a = normAxis(h, rank, op)
    if (seen.includes(a)) fail(op, `axis ${h} repeated in [${list.join(", ")}]`)
    seen.push(a)
  }
  return seen.sort((x, y) => x - y)
}

/**
 * Number of elements of a concrete shape (1 for a scalar).
 * @example
 * import { numel } from "./runtime-core.js"
 * numel([2, 3, 4]) // 24
 * @since 0.1.0
 * @category shapes
 */
export const numel = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

/**
 * Whether two concrete shapes are equal.
 * @example
 * import { sameShape } from "./runtime-core.js"
 * sameShape([2, 3], [2, 3]) // true
 * @since 0.1.0
 * @category shapes
 */
export const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i])

/**
 * Row-major contiguous strides, in elements: stride[i] = ∏ shape[i+1:].
 * @example
 * import { stridesOf } from "./runtime-core.js"
 * stridesOf([2, 3, 4]) // [12, 4, 1]
 * @since 0.1.0
 * @category shapes
 */
export function stridesOf(shape: ReadonlyArray<number>): number[] {
  const out = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc
    acc *= shape[i]!
  }
  return out
}

/**
 * Strides of `shape` (row-major) as seen from the broadcast shape `out`: 0 on the axes that
 * broadcasting adds or stretches from 1.
 * @example
 * import { broadcastStrides } from "./runtime-core.js"
 * broadcastStrides([3, 1], [2, 3, 4]) // [0, 1, 0]
 * @since 0.1.0
 * @category shapes
 */
export const broadcastStrides = (shape: ReadonlyArray<number>, out: ReadonlyArray<number>): number[] => {
  const r = out.length,
    lead = r - shape.length
  const st = new Array<number>(r).fill(0)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i + lead] = shape[i] === 1 && out[i + lead] !== 1 ? 0 : acc
    acc *= shape[i]!
  }
  return st
}

/** Product as (exact literal part, named factors, has-dynamic). Mirrors `Prod`. @internal */
export function prod(s: ReadonlyArray<RDim>): { n: bigint; syms: string[]; dyn: boolean } {
  let n = 1n
  let dyn = false
  const syms: string[] = []
  for (const d of s) {
    const k = kind(d)
    if (k === "lit") n *= BigInt(d as number)
    else if (k === "sym") syms.push(d as string)
    else dyn = true
  }
  return { n, syms, dyn }
}

/** `B*T*768`, or `?`. Mirrors `FmtProd`. @internal */
export const fmtProd = (p: ReturnType<typeof prod>): string =>
  p.dyn ? "?" : p.syms.length === 0 ? `${p.n}` : `${p.syms.join("*")}${p.n === 1n ? "" : `*${p.n}`}`

/** A product as one dim. Mirrors `ProdDim`. @internal */
export function prodDim(m: ReadonlyArray<RDim>): RDim {
  const p = prod(m)
  return p.dyn ? null : p.syms.length === 0 ? Number(p.n) : p.syms.length === 1 && p.n === 1n ? p.syms[0]! : null
}

/** Sum of dims: exact when both are literal. Mirrors `AddDim`. @internal */
export const addDim = (a: RDim, b: RDim): RDim => (kind(a) === "lit" && kind(b) === "lit" ? (a as number) + (b as number) : null)

/** Multiset difference of named factors: `[a − b, b − a]`. Mirrors `Cancel`. @internal */
export function cancel(a: ReadonlyArray<string>, b: ReadonlyArray<string>): [string[], string[]] {
  const rest = [...b],
    left: string[] = []
  for (const x of a) {
    const i = rest.indexOf(x)
    if (i < 0) left.push(x)
    else rest.splice(i, 1)
  }
  return [left, rest]
}
