/**
 * NumPy basic indexing from a string, at run time: the twin of the type-level `Slice`, and the
 * index planner the kernels use (`parseIndex`).
 *
 * @since 0.1.0
 */
import { fail, fmtDim, fmtShape, kind, type RDim } from "./runtime-core.js"

type Part =
  | { readonly k: "slice"; readonly start: number | undefined; readonly stop: number | undefined; readonly step: number | undefined }
  | { readonly k: "index"; readonly i: number }
  | { readonly k: "new" }
  | { readonly k: "ellipsis" }
const full: Part = { k: "slice", start: undefined, stop: undefined, step: undefined }

// the same integers TypeScript accepts as `${infer N extends number}` and prints back unchanged
const int = (s: string): number | undefined | false => (s === "" ? undefined : /^(0|-?[1-9]\d*)$/.test(s) ? Number(s) : false)
function parsePart(p: string): Part | undefined {
  if (p === "...") return { k: "ellipsis" }
  if (p === "None") return { k: "new" }
  const bits = p.split(":")
  if (bits.length === 1) {
    const i = int(p)
    return typeof i === "number" ? { k: "index", i } : undefined
  }
  if (bits.length > 3) return undefined
  const [a, b, c] = bits.map((x) => int(x.trim()))
  return a === false || b === false || c === false ? undefined : { k: "slice", start: a, stop: b, step: c }
}

/**
 * Canonical text of an index string: parts trimmed and joined by `", "` (a cache key).
 * @example
 * import { sliceSpecNormalize } from "./runtime-slice.js"
 * sliceSpecNormalize("2: ,1:-1") // "2:, 1:-1"
 * @since 0.1.0
 * @category indexing
 */
export const sliceSpecNormalize = (spec: string): string =>
  spec
    .split(",")
    .map((x) => x.trim())
    .join(", ")

/**
 * One input axis of an index plan: positions start, start+step, … (< stop), `size` of them.
 * @since 0.1.0
 * @category indexing
 */
export interface AxisPlan {
  start: number
  stop: number
  step: number
  size: number
}

/**
 * How an index string reads a concrete tensor: `axes` has one entry per INPUT axis (bounds
 * clamped like Python; an integer index i gives start = i mod n, size 1, and its axis is listed in
 * `dropped`); `inserted` are the output positions of `None`; `outShape` is the result shape.
 * @since 0.1.0
 * @category indexing
 */
export interface IndexPlan {
  axes: AxisPlan[]
  outShape: number[]
  dropped: number[]
  inserted: number[]
}

function walk(s: ReadonlyArray<RDim>, spec: string): { out: RDim[]; axes: AxisPlan[]; dropped: number[]; inserted: number[] } {
  const raw = spec.split(",").map((x) => x.trim())
  const parts: Part[] = []
  for (const r of raw) parts.push(parsePart(r) ?? fail("slice", `cannot parse "${r}" in "${spec}"`, s))
  if (parts.filter((p) => p.k === "ellipsis").length > 1) fail("slice", `only one "..." allowed in "${spec}"`, s)
  const consuming = parts.filter((p) => p.k === "slice" || p.k === "index").length
  if (consuming > s.length) fail("slice", `too many indices (${consuming}) for ${fmtShape(s)} of rank ${s.length}`, s)
  const fill = Array.from({ length: s.length - consuming }, () => full)
  const e = parts.findIndex((p) => p.k === "ellipsis")
  const all = e >= 0 ? [...parts.slice(0, e), ...fill, ...parts.slice(e + 1)] : [...parts, ...fill]
  const out: RDim[] = [],
    axes: AxisPlan[] = [],
    dropped: number[] = [],
    inserted: number[] = []
  let i = 0
  for (const p of all) {
    if (p.k === "ellipsis") continue
    if (p.k === "new") {
      inserted.push(out.length)
      out.push(1)
      continue
    }
    const d = s[i]!
    const n = kind(d) === "lit" ? (d as number) : undefined
    if (p.k === "index") {
      if (n !== undefined && (p.i < 0 ? -p.i > n : p.i >= n))
        fail("slice", `index ${p.i} out of range for dim ${i} of size ${fmtDim(d)} in ${fmtShape(s)}`, s)
      const at = n !== undefined && p.i < 0 ? p.i + n : p.i
      axes.push({ start: at, stop: at + 1, step: 1, size: 1 })
      dropped.push(i)
    } else {
      const step = p.step ?? 1
      if (step <= 0) fail("slice", `step must be positive, got ${step}`, s)
      if (n !== undefined) {
        const bound = (b: number | undefined, dflt: number) => (b === undefined ? dflt : b < 0 ? Math.max(0, n + b) : Math.min(b, n))
        const lo = bound(p.start, 0),
          hi = bound(p.stop, n)
        const size = hi > lo ? Math.floor((hi - lo + step - 1) / step) : 0
        axes.push({ start: lo, stop: hi, step, size })
        out.push(size)
      } else {
        // a named/unknown dim survives only the identity slice
        axes.push({ start: 0, stop: Number.NaN, step, size: Number.NaN })
        out.push((p.start === undefined || p.start === 0) && p.stop === undefined && step === 1 ? d : null)
      }
    }
    i++
  }
  return { out, axes, dropped, inserted }
}

/**
 * Result shape of NumPy basic indexing (twin of `Slice`): `a:b:c` (positive steps), integer
 * index (drops the dim), `...`, `None` (inserts a 1).
 * @example
 * import { sliceShape } from "./runtime-slice.js"
 * sliceShape([64, 128], "2:, 1:-1") // [62, 126]
 * try { sliceShape([64, 128], "64") } catch (e) { console.log(String(e)) } // ShapeError: slice: index 64 out of range for dim 0 of size 64 in [64, 128]
 * @since 0.1.0
 * @category indexing
 */
export const sliceShape = (s: ReadonlyArray<RDim>, spec: string): RDim[] => walk(s, spec).out

/**
 * Plan an index string against a concrete shape, for the kernels (see `IndexPlan`).
 * @example
 * import { parseIndex } from "./runtime-slice.js"
 * parseIndex("1, ::2, None", [3, 5]).outShape // [3, 1]
 * // axes: [{ start: 1, stop: 2, step: 1, size: 1 }, { start: 0, stop: 5, step: 2, size: 3 }], dropped: [0], inserted: [1]
 * @since 0.1.0
 * @category indexing
 */
export function parseIndex(spec: string, shape: ReadonlyArray<number>): IndexPlan {
  const { out, axes, dropped, inserted } = walk(shape, spec)
  return { axes, outShape: out as number[], dropped, inserted }
}
