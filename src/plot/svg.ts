/**
 * SVG building blocks shared by the plots: escaped text, a frame with tick marks and labels
 * (tick positions from d3-scale's "nice" steps), and a raster image embedded as a PNG data URI
 * drawn with nearest-neighbour scaling, so every cell keeps its exact colour.
 *
 * @since 0.1.0
 */
import { encode } from "fast-png"

/** Font stack of every label: DejaVu Sans is what the PNG renderer loads. */
export const FONT = "DejaVu Sans, Verdana, sans-serif"

/**
 * A rendered figure: an SVG document and its size in pixels.
 * @example
 * import { heatmap } from "typegrad/plot"
 * const fig = heatmap([[0, 1], [1, 0]])
 * fig.svg.startsWith("<svg") // true
 * const size = [fig.width, fig.height] // [560, 480]
 * @since 0.1.0
 * @category plotting
 */
export interface Figure {
  readonly svg: string
  readonly width: number
  readonly height: number
}

/** `s` escaped for XML text and attribute values. */
export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

/** A number written compactly for coordinates. */
export const num = (v: number): string => String(Math.round(v * 100) / 100)

export interface TextOptions {
  readonly size?: number
  readonly anchor?: "start" | "middle" | "end"
  readonly baseline?: "auto" | "middle" | "hanging"
  readonly rotate?: number
  readonly weight?: "normal" | "bold"
  readonly cls?: string
}

/** A `<text>` element at (x, y). */
export const text = (x: number, y: number, s: string, o: TextOptions = {}): string => {
  const rot = o.rotate === undefined ? "" : ` transform="rotate(${o.rotate} ${num(x)} ${num(y)})"`
  const cls = o.cls === undefined ? "" : ` class="${o.cls}"`
  return (
    `<text${cls} x="${num(x)}" y="${num(y)}" font-family="${FONT}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? "start"}"` +
    ` dominant-baseline="${o.baseline ?? "auto"}" font-weight="${o.weight ?? "normal"}" fill="#000"${rot}>${esc(s)}</text>`
  )
}

/** A tick: its pixel position along the axis and its label. */
export interface Tick {
  readonly at: number
  readonly label: string
}

/** The plotting area of a figure, in pixels. */
export interface Area {
  readonly x: number
  readonly y: number
  readonly w: number
  readonly h: number
}

/** The area's black frame with ticks below (x) and left (y) and the axis labels. */
export const frame = (a: Area, xTicks: ReadonlyArray<Tick>, yTicks: ReadonlyArray<Tick>, xlabel?: string, ylabel?: string): string => {
  const parts = [
    `<rect x="${num(a.x)}" y="${num(a.y)}" width="${num(a.w)}" height="${num(a.h)}" fill="none" stroke="#000" stroke-width="1"/>`,
  ]
  const b = a.y + a.h
  for (const t of xTicks) {
    parts.push(`<line x1="${num(t.at)}" y1="${num(b)}" x2="${num(t.at)}" y2="${num(b + 5)}" stroke="#000"/>`)
    parts.push(text(t.at, b + 8, t.label, { anchor: "middle", baseline: "hanging", size: 11, cls: "tick" }))
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${num(a.x - 5)}" y1="${num(t.at)}" x2="${num(a.x)}" y2="${num(t.at)}" stroke="#000"/>`)
    parts.push(text(a.x - 8, t.at, t.label, { anchor: "end", baseline: "middle", size: 11, cls: "tick" }))
  }
  if (xlabel !== undefined) parts.push(text(a.x + a.w / 2, b + 34, xlabel, { anchor: "middle", size: 13, cls: "xlabel" }))
  if (ylabel !== undefined) parts.push(text(a.x - 48, a.y + a.h / 2, ylabel, { anchor: "middle", size: 13, rotate: -90, cls: "ylabel" }))
  return parts.join("\n")
}

/** The title centred above the figure. */
export const title = (width: number, s: string | undefined): string =>
  s === undefined ? "" : text(width / 2, 24, s, { anchor: "middle", size: 16, weight: "bold", cls: "title" })

/**
 * An RGBA raster (row-major, `pw` × `ph` pixels) stretched over (x, y, w, h) without smoothing:
 * `image-rendering="optimizeSpeed"` is the SVG attribute renderers honour for nearest-neighbour.
 */
export const raster = (x: number, y: number, w: number, h: number, rgba: Uint8Array, pw: number, ph: number): string => {
  const png = encode({ width: pw, height: ph, data: rgba, channels: 4, depth: 8 })
  let bin = "" // base64 with btoa (Node and browsers alike), in chunks to bound the argument count
  for (let i = 0; i < png.length; i += 0x8000) bin += String.fromCharCode(...png.subarray(i, i + 0x8000))
  const uri = `data:image/png;base64,${btoa(bin)}`
  return `<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${uri}"/>`
}

/** The opening tag (white background) and closing tag around `body`. */
export const document = (width: number, height: number, body: ReadonlyArray<string>): Figure => ({
  width,
  height,
  svg: [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body.filter((s) => s !== ""),
    "</svg>",
  ].join("\n"),
})
