/**
 * How a tensor prints (`String(t)`, `console.log(t)`, `util.inspect(t)`): a header with shape,
 * dtype and device, then the values as nested brackets with right-aligned columns, summarised with
 * `...` past 1000 elements. Numbers follow PyTorch's printer: floats with 4 decimals, `2.` when all
 * are whole, scientific when their magnitudes span more than 1000×.
 */
import type { DType } from "../../shape/index.js"

/** Printing options: digits after the point, the element count past which a tensor is summarised, the items kept at each edge, the line width. */
export const printOptions = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 80 } as const

/** What can be shown of a tensor's values: the host data, or why there is none to show. */
export type Contents =
  | { readonly kind: "values"; readonly data: ArrayLike<number> }
  | { readonly kind: "on-device" }
  | { readonly kind: "traced"; readonly transform: string }
  | { readonly kind: "unreadable"; readonly reason: string }

const isFloatDType = (d: DType) => d === "f32" || d === "f64" || d === "f16"

/** `1.2346e+05`, as C's `%.4e` (JavaScript writes `1.2346e+5`). */
const exponential = (v: number, digits: number) => v.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2")

const nonFinite = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf")

/** The number format of one tensor, chosen from the values that will be shown (PyTorch's rule). */
const formatter = (dtype: DType, shown: ReadonlyArray<number>): { readonly width: number; readonly format: (v: number) => string } => {
  const p = printOptions.precision
  if (!isFloatDType(dtype)) {
    const text = dtype === "bool" ? (v: number) => (v !== 0 ? "true" : "false") : (v: number) => String(v)
    const width = shown.reduce((w, v) => Math.max(w, text(v).length), 1)
    return { width, format: (v) => text(v).padStart(width) }
  }
  const finite = shown.filter((v) => Number.isFinite(v) && v !== 0)
  const abs = finite.map(Math.abs)
  const min = Math.min(...abs)
  const max = Math.max(...abs)
  const whole = finite.every((v) => Number.isInteger(v))
  // all whole: `2.`; scientific when the magnitudes are far apart (or tiny, for fractions)
  const sci = finite.length > 0 && (max / min > 1000 || max > 1e8 || (!whole && min < 1e-4))
  const text = (v: number) => (!Number.isFinite(v) ? nonFinite(v) : sci ? exponential(v, p) : whole ? `${v.toFixed(0)}.` : v.toFixed(p))
  const width = finite.reduce((w, v) => Math.max(w, text(v).length), 1)
  return { width, format: (v) => text(v).padStart(width) }
}

/** The indices of one dimension that are shown: all, or the edge items around a gap. */
const shownIndices = (n: number, summarise: boolean): { readonly indices: number[]; readonly gap: boolean } => {
  const e = printOptions.edgeItems
  if (!summarise || n <= 2 * e) return { indices: Array.from({ length: n }, (_, i) => i), gap: false }
  return { indices: [...Array.from({ length: e }, (_, i) => i), ...Array.from({ length: e }, (_, i) => n - e + i)], gap: true }
}

/** The values as nested brackets (PyTorch's layout: one line per row, a blank line per extra dimension). */
export const formatValues = (shape: ReadonlyArray<number>, dtype: DType, data: ArrayLike<number>): string => {
  const size = shape.reduce((a, b) => a * b, 1)
  if (size === 0) return "[]"
  const rank = shape.length
  const summarise = size > printOptions.threshold
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1))
  const shown: number[] = []
  const collect = (d: number, off: number): void => {
    if (d === rank) shown.push(data[off]!)
    else for (const i of shownIndices(shape[d]!, summarise).indices) collect(d + 1, off + i * strides[d]!)
  }
  collect(0, 0)
  const { width, format } = formatter(dtype, shown)
  if (rank === 0) return format(data[0]!)
  const render = (d: number, off: number, indent: number): string => {
    const { indices, gap } = shownIndices(shape[d]!, summarise)
    const e = printOptions.edgeItems
    if (d === rank - 1) {
      const items = indices.map((i) => format(data[off + i * strides[d]!]!))
      if (gap) items.splice(e, 0, " ...")
      const perLine = Math.max(1, Math.floor((printOptions.lineWidth - indent) / (width + 2)))
      const lines: string[] = []
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "))
      return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`
    }
    const rows = indices.map((i) => render(d + 1, off + i * strides[d]!, indent + 1))
    if (gap) rows.splice(e, 0, "...")
    return `[${rows.join(`,${"\n".repeat(rank - d - 1)}${" ".repeat(indent + 1)}`)}]`
  }
  return render(0, 0, 0)
}

/**
 * A tensor as text: `Tensor<[2, 2], f32, cpu>` and, on the next lines, its values; a tensor whose
 * values cannot be read synchronously (on a GPU, traced by a transform) says so instead.
 */
export const formatTensor = (shape: ReadonlyArray<number>, dtype: DType, device: string, contents: Contents): string => {
  const header = `Tensor<[${shape.join(", ")}], ${dtype}, ${device}>`
  switch (contents.kind) {
    case "values":
      return `${header}\n${formatValues(shape, dtype, contents.data)}`
    case "on-device":
      return `${header} (values on the device: read them with toArray() or data(), Effects)`
    case "traced":
      return `${header} (traced by ${contents.transform}: no values until it returns)`
    case "unreadable":
      return `${header} (values unreadable: ${contents.reason})`
  }
}
