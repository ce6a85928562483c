/**
 * `heatmap`: a 2-D array drawn as coloured cells (row 0 at the top, like an image), with axes,
 * ticks, an optional title and a colour bar. Values are normalised with vmin/vmax (default: the
 * data's finite min and max) and looked up in a colormap; NaN cells are transparent.
 *
 * @since 0.1.0
 */
import { scaleLinear } from "d3-scale"
import { PlotError } from "../errors.js"
import { Tensor } from "../ops/index.js"
import type { DType, Shape } from "../shape/index.js"
import { colorAt, colormaps, type Colormap, type ColormapName } from "./colormap.js"
import { document, frame, raster, text, title as titleText, type Area, type Figure, type Tick } from "./svg.js"

/**
 * What `heatmap` draws: a 2-D CPU tensor, nested rows, or flat row-major data with its shape.
 * @example
 * import * as tg from "typegrad"
 * import { heatmap, type Grid } from "typegrad/plot"
 * const rows: Grid = [[1, 2], [3, 4]]
 * const flat: Grid = { data: new Float32Array(6), shape: [2, 3] }
 * const tensor: Grid<[3, 3], "f32"> = tg.zeros([3, 3])
 * for (const g of [rows, flat, tensor]) heatmap(g)
 * @since 0.1.0
 * @category plotting
 */
export type Grid<S extends Shape = Shape, D extends DType = DType> =
  | Tensor<S, D, "cpu">
  | ReadonlyArray<ReadonlyArray<number>>
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] }

/**
 * Options of {@link heatmap}.
 * @example
 * import { heatmap, type HeatmapOptions } from "typegrad/plot"
 * const options: HeatmapOptions = { cmap: "hot", title: "plate", vmin: 0, vmax: 100, colorbar: true }
 * heatmap([[0, 50], [100, 25]], options)
 * @since 0.1.0
 * @category plotting
 */
export interface HeatmapOptions {
  /** colormap name or table (default `"viridis"`) */
  readonly cmap?: ColormapName | Colormap
  readonly title?: string
  /** draw the colour bar (default true) */
  readonly colorbar?: boolean
  /** the value drawn with the colormap's bottom colour (default: the data's minimum) */
  readonly vmin?: number
  /** the value drawn with the colormap's top colour (default: the data's maximum) */
  readonly vmax?: number
  readonly xlabel?: string
  readonly ylabel?: string
  /** size of the whole figure in pixels (default 560 × 480) */
  readonly width?: number
  readonly height?: number
}

/** Row-major values and their [rows, cols]. */
const readGrid = (g: Grid): { readonly data: ArrayLike<number>; readonly rows: number; readonly cols: number } => {
  if (g instanceof Tensor) {
    if (g.shape.length !== 2)
      throw new PlotError({ op: "heatmap", message: `heatmap: needs a 2-D tensor, got shape [${g.shape.join(", ")}]` })
    return { data: g.dataSync() as ArrayLike<number>, rows: g.shape[0]!, cols: g.shape[1]! }
  }
  if (Array.isArray(g)) {
    const rows = g as ReadonlyArray<ReadonlyArray<number>>
    const cols = rows[0]?.length ?? 0
    if (rows.some((r) => r.length !== cols))
      throw new PlotError({
        op: "heatmap",
        message: `heatmap: rows of unequal length (${rows.map((r) => r.length).join(", ")}); expected a rectangular 2-D array`,
      })
    return { data: rows.flat(), rows: rows.length, cols }
  }
  const { data, shape } = g as { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] }
  if (data.length !== shape[0] * shape[1])
    throw new PlotError({ op: "heatmap", message: `heatmap: ${data.length} values do not fill shape [${shape.join(", ")}]` })
  return { data, rows: shape[0], cols: shape[1] }
}

/** The finite min and max of `data`. */
const extent = (data: ArrayLike<number>): readonly [number, number] | null => {
  let lo = Infinity,
    hi = -Infinity
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v))
  }
  return lo <= hi ? [lo, hi] : null
}

/** Integer index ticks for `n` cells drawn over [from, from + size]. */
const indexTicks = (n: number, from: number, size: number): Tick[] => {
  const s = scaleLinear()
    .domain([-0.5, n - 0.5])
    .range([from, from + size])
  return s
    .ticks(6)
    .filter((v) => Number.isInteger(v) && v >= 0 && v < n)
    .map((v) => ({ at: s(v), label: String(v) }))
}

/**
 * A heat map of a 2-D array as an SVG figure: cell (i, j) is row i from the top, column j from the
 * left, coloured by `cmap` after normalising to [vmin, vmax]; with index ticks, a title and a
 * colour bar. Write it with `writePng`/`savePng`/`writeSvg`.
 *
 * @example
 * import * as tg from "typegrad"
 * import { heatmap } from "typegrad/plot"
 * const grid = tg.zeros([20, 20]).at("8:12, 8:12").set(1)
 * const fig = heatmap(grid, { cmap: "hot", title: "Hot square", colorbar: true })
 * fig.svg.includes("Hot square") // true
 * @since 0.1.0
 * @category plotting
 */
export const heatmap = <S extends Shape, D extends DType>(grid: Grid<S, D>, options: HeatmapOptions = {}): Figure => {
  const { data, rows, cols } = readGrid(grid as Grid)
  if (rows === 0 || cols === 0)
    throw new PlotError({ op: "heatmap", message: `heatmap: the grid is empty ([${rows}, ${cols}]); expected at least one cell` })
  const ext = extent(data)
  if (ext === null) throw new PlotError({ op: "heatmap", message: `heatmap: no finite value among the ${rows * cols} cells` })
  const vmin = options.vmin ?? ext[0],
    vmax = options.vmax ?? ext[1]
  if (options.vmin !== undefined && options.vmax !== undefined && !(vmin < vmax))
    throw new PlotError({ op: "heatmap", message: `heatmap: vmin (${vmin}) must be below vmax (${vmax})` })
  const cmap = typeof options.cmap === "object" ? options.cmap : colormaps[options.cmap ?? "viridis"]
  // matplotlib's Normalize: a constant range maps everything to the bottom colour
  const norm = (v: number) => (vmax > vmin ? (v - vmin) / (vmax - vmin) : 0)

  const width = options.width ?? 560,
    height = options.height ?? 480
  const bar = options.colorbar ?? true
  const top = options.title === undefined ? 16 : 44
  const bottom = 36 + (options.xlabel === undefined ? 0 : 20)
  const left = 44 + (options.ylabel === undefined ? 0 : 22)
  const right = bar ? 96 : 16
  const cell = Math.min((width - left - right) / cols, (height - top - bottom) / rows)
  if (!(cell > 0)) throw new PlotError({ op: "heatmap", message: `heatmap: a ${width} × ${height} figure leaves no room for the cells` })
  const area: Area = { x: left, y: top, w: cell * cols, h: cell * rows }

  // the 256 colours once, then one table lookup per cell (the index colorAt would compute)
  const lut = Uint8Array.from({ length: 256 * 3 }, (_, k) => colorAt(cmap, (Math.floor(k / 3) + 0.5) / 256)[k % 3]!)
  const rgba = new Uint8Array(rows * cols * 4)
  for (let k = 0; k < rows * cols; k++) {
    const v = data[k]!
    if (Number.isNaN(v)) continue // transparent
    const t = norm(v),
      i = 3 * Math.min(255, Math.max(0, Math.floor(t * 256)))
    ;(rgba[4 * k] = lut[i]!), (rgba[4 * k + 1] = lut[i + 1]!), (rgba[4 * k + 2] = lut[i + 2]!), (rgba[4 * k + 3] = 255)
  }
  const body = [
    titleText(width, options.title),
    raster(area.x, area.y, area.w, area.h, rgba, cols, rows),
    frame(area, indexTicks(cols, area.x, area.w), indexTicks(rows, area.y, area.h), options.xlabel, options.ylabel),
  ]

  if (bar) {
    const b: Area = { x: area.x + area.w + 18, y: area.y, w: 16, h: area.h }
    const strip = new Uint8Array(256 * 4)
    for (let i = 0; i < 256; i++) strip.set([...colorAt(cmap, (255 - i + 0.5) / 256), 255], 4 * i) // top row = top colour
    const s = scaleLinear()
      .domain([vmin, vmax === vmin ? vmin + 1 : vmax])
      .range([b.y + b.h, b.y])
    const fmt = s.tickFormat(5)
    body.push(
      `<g class="colorbar">`,
      raster(b.x, b.y, b.w, b.h, strip, 1, 256),
      // the outline sits just outside the strip so every strip pixel keeps its colour
      `<rect x="${b.x - 0.5}" y="${b.y - 0.5}" width="${b.w + 1}" height="${b.h + 1}" fill="none" stroke="#000"/>`,
      ...s
        .ticks(5)
        .flatMap((v) => [
          `<line x1="${b.x + b.w}" y1="${s(v)}" x2="${b.x + b.w + 4}" y2="${s(v)}" stroke="#000"/>`,
          text(b.x + b.w + 7, s(v), fmt(v), { baseline: "middle", size: 11, cls: "tick" }),
        ]),
      `</g>`,
    )
  }
  return document(width, height, body)
}
