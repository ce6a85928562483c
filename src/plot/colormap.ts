/**
 * Colormaps as 256-entry lookup tables, with matplotlib's exact definitions: `hot` is piecewise
 * linear in each channel (black → red → yellow → white), `viridis` is its published table. A value
 * is normalised to t ∈ [0, 1] and looked up at entry ⌊256·t⌋ (clipped), as matplotlib does.
 *
 * @since 0.1.0
 */
import { viridisData } from "./viridis.js"

/**
 * The colormaps `heatmap` knows by name.
 * @example
 * import { heatmap, type ColormapName } from "typegrad/plot"
 * const names: ColormapName[] = ["hot", "viridis"]
 * names.map((cmap) => heatmap([[0, 1]], { cmap }))
 * @since 0.1.0
 * @category plotting
 */
export type ColormapName = "hot" | "viridis"

/**
 * An 8-bit RGB colour.
 * @example
 * import { colorAt, colormaps, type Rgb } from "typegrad/plot"
 * const white: Rgb = colorAt(colormaps.hot, 1) // [255, 255, 255]
 * @since 0.1.0
 * @category plotting
 */
export type Rgb = readonly [number, number, number]

/**
 * A colormap: 256 colours, channels in [0, 1].
 * @example
 * import { colorAt, heatmap, type Colormap } from "typegrad/plot"
 * // a grey ramp: entry i is i/255 in every channel
 * const grey: Colormap = { name: "grey", table: Array.from({ length: 768 }, (_, k) => Math.floor(k / 3) / 255) }
 * colorAt(grey, 1) // [255, 255, 255]
 * heatmap([[0, 1]], { cmap: grey })
 * @since 0.1.0
 * @category plotting
 */
export interface Colormap {
  readonly name: string
  /** r, g, b of each of the 256 entries, in [0, 1]. */
  readonly table: ReadonlyArray<number>
}

/** One channel as (x, y) breakpoints, linear in between (matplotlib's segment data with y0 = y1). */
type Segments = ReadonlyArray<readonly [number, number]>

// matplotlib's `hot`: red rises first, then green, then blue
const hotSegments: readonly [Segments, Segments, Segments] = [
  [
    [0, 0.0416],
    [0.365079, 1],
    [1, 1],
  ],
  [
    [0, 0],
    [0.365079, 0],
    [0.746032, 1],
    [1, 1],
  ],
  [
    [0, 0],
    [0.746032, 0],
    [1, 1],
  ],
]

const piecewise = (seg: Segments, x: number): number => {
  for (let k = 1; k < seg.length; k++) {
    const [x0, y0] = seg[k - 1]!,
      [x1, y1] = seg[k]!
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0)
  }
  return seg[seg.length - 1]![1]
}

/** Sample segment data at x = i/255, i = 0..255, like a 256-colour LinearSegmentedColormap. */
const fromSegments = (name: string, segs: readonly [Segments, Segments, Segments]): Colormap => ({
  name,
  table: Array.from({ length: 256 * 3 }, (_, k) => piecewise(segs[k % 3]!, Math.floor(k / 3) / 255)),
})

/**
 * The built-in colormaps by name.
 *
 * @example
 * import { colormaps } from "typegrad/plot"
 * colormaps.hot.table.slice(-3) // [1, 1, 1]: the top of `hot` is white
 * @since 0.1.0
 * @category plotting
 */
export const colormaps: { readonly [K in ColormapName]: Colormap } = {
  hot: fromSegments("hot", hotSegments),
  viridis: { name: "viridis", table: viridisData },
}

/**
 * The 8-bit colour of normalised value `t` (clipped to [0, 1]): entry ⌊256·t⌋ of the table, each
 * channel × 255 truncated, as matplotlib's `cmap(t, bytes=True)`.
 *
 * @example
 * import { colorAt, colormaps } from "typegrad/plot"
 * colorAt(colormaps.hot, 1) // [255, 255, 255]
 * colorAt(colormaps.hot, 0) // [10, 0, 0]
 * @since 0.1.0
 * @category plotting
 */
export const colorAt = (cmap: Colormap, t: number): Rgb => {
  const i = Math.min(255, Math.max(0, Math.floor((Number.isNaN(t) ? 0 : t) * 256)))
  const c = (j: number) => Math.floor(cmap.table[3 * i + j]! * 255)
  return [c(0), c(1), c(2)]
}

/** `#rrggbb` of an 8-bit colour. */
export const hex = (c: Rgb): string => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`
