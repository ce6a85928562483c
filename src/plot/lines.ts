/**
 * `lines`: one or more series on shared axes — loss curves (y against the step, optionally on a
 * log axis), paths in the plane (x and y given), and scatter markers (cities) — with ticks,
 * labels, a title and a legend when a series is named.
 *
 * @since 0.1.0
 */
import { scaleLinear, scaleLog } from "d3-scale"
import { PlotError } from "../errors.js"
import { document, esc, frame, num, text, title as titleText, type Area, type Figure } from "./svg.js"

/**
 * One series of {@link lines}.
 * @example
 * import { lines, type Series } from "typegrad/plot"
 * const cities: Series = { x: [0, 10, 0], y: [0, 0, 10], mode: "markers", label: "cities" }
 * lines([cities, { x: [1, 2], y: [1, 2], label: "path" }])
 * @since 0.1.0
 * @category plotting
 */
export interface Series {
  readonly y: ArrayLike<number>
  /** default 0, 1, 2, … */
  readonly x?: ArrayLike<number>
  /** legend entry */
  readonly label?: string
  /** CSS colour (default: the next of matplotlib's ten-colour cycle) */
  readonly color?: string
  /** draw a line through the points, a marker at each, or both (default `"line"`) */
  readonly mode?: "line" | "markers" | "line+markers"
}

/**
 * Options of {@link lines}.
 * @example
 * import { lines, type LinesOptions } from "typegrad/plot"
 * const options: LinesOptions = { title: "Loss", xlabel: "step", ylabel: "loss", logy: true }
 * lines({ y: [1, 0.5, 0.1] }, options)
 * @since 0.1.0
 * @category plotting
 */
export interface LinesOptions {
  readonly title?: string
  readonly xlabel?: string
  readonly ylabel?: string
  /** logarithmic y axis; non-positive values are left out */
  readonly logy?: boolean
  /** `"equal"`: one unit is as long on x as on y (maps, paths in the plane); default `"auto"` */
  readonly aspect?: "auto" | "equal"
  /** size of the whole figure in pixels (default 560 × 400) */
  readonly width?: number
  readonly height?: number
}

const cycle = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

/** The drawable points of a series: finite (and positive on a log axis). */
const points = (s: Series, logy: boolean, i: number): Array<readonly [number, number] | null> => {
  if (s.x !== undefined && s.x.length !== s.y.length)
    throw new PlotError({
      op: "lines",
      message: `lines: series ${i} has ${s.x.length} x values but ${s.y.length} y values; expected equal lengths`,
    })
  return Array.from({ length: s.y.length }, (_, k) => {
    const x = s.x === undefined ? k : s.x[k]!,
      y = s.y[k]!
    return Number.isFinite(x) && Number.isFinite(y) && (!logy || y > 0) ? ([x, y] as const) : null
  })
}

/**
 * Series drawn on shared axes as an SVG figure: lines (a loss curve: `{ y: losses }`), markers
 * (`mode: "markers"`, a scatter), or both; `logy` for a log-scaled y axis. Gaps (NaN, or values
 * ≤ 0 on a log axis) break a line. Write it with `writePng`/`savePng`/`writeSvg`.
 *
 * @example
 * import { lines } from "typegrad/plot"
 * const loss = Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10))
 * const fig = lines([{ y: loss, label: "train" }], { title: "Loss", xlabel: "step", ylabel: "loss", logy: true })
 * fig.svg.includes("Loss") // true
 * @since 0.1.0
 * @category plotting
 */
export const lines = (series: Series | ReadonlyArray<Series>, options: LinesOptions = {}): Figure => {
  const all = (Array.isArray(series) ? series : [series]) as ReadonlyArray<Series>
  const logy = options.logy ?? false
  const pts = all.map((s, i) => points(s, logy, i))
  const flat = pts.flat().filter((p): p is readonly [number, number] => p !== null)
  if (flat.length === 0)
    throw new PlotError({
      op: "lines",
      message: `lines: no drawable point in ${all.length} series${logy ? " (a log axis needs y > 0)" : ""}`,
    })

  const width = options.width ?? 560,
    height = options.height ?? 400
  const top = options.title === undefined ? 16 : 44
  const bottom = 36 + (options.xlabel === undefined ? 0 : 22)
  const left = 58 + (options.ylabel === undefined ? 0 : 20)
  const area: Area = { x: left, y: top, w: width - left - 20, h: height - top - bottom }
  if (!(area.w > 0 && area.h > 0))
    throw new PlotError({ op: "lines", message: `lines: a ${width} × ${height} figure leaves no room for the axes` })

  const range = (vs: number[]): [number, number] =>
    vs.reduce<[number, number]>(([a, b], v) => [Math.min(a, v), Math.max(b, v)], [Infinity, -Infinity])
  // a 5% margin on linear axes (as matplotlib) so points on the extremes are not cut by the frame
  const lohi = (vs: number[]): [number, number] => {
    const [lo, hi] = range(vs)
    const m = 0.05 * (hi - lo)
    return lo === hi ? [lo - 1, hi + 1] : [lo - m, hi + m]
  }
  const yv = flat.map((p) => p[1])
  let xd = lohi(flat.map((p) => p[0])),
    yd = lohi(yv)
  if (options.aspect === "equal" && !logy) {
    // widen the shorter range about its centre until both axes have the same units per pixel
    const u = Math.max((xd[1] - xd[0]) / area.w, (yd[1] - yd[0]) / area.h)
    const widen = ([lo, hi]: [number, number], px: number): [number, number] => [(lo + hi) / 2 - (u * px) / 2, (lo + hi) / 2 + (u * px) / 2]
    ;[xd, yd] = [widen(xd, area.w), widen(yd, area.h)]
  }
  const xs = scaleLinear()
    .domain(xd)
    .range([area.x, area.x + area.w])
  const [ylo, yhi] = range(yv)
  const ys = logy
    ? scaleLog()
        .domain(ylo === yhi ? [ylo / 10, yhi * 10] : [ylo, yhi])
        .range([area.y + area.h, area.y])
        .nice()
    : scaleLinear()
        .domain(yd)
        .range([area.y + area.h, area.y])
  const xFmt = xs.tickFormat(6)
  const xTicks = xs.ticks(6).map((v) => ({ at: xs(v), label: xFmt(v) }))
  // on a log axis label the decades only when there are many ticks
  const yRaw = ys.ticks(logy ? 6 : 5)
  const yList = logy && yRaw.length > 8 ? yRaw.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : yRaw
  const yFmt = ys.tickFormat(logy ? 6 : 5, logy ? "~g" : undefined)
  const yTicks = yList.map((v) => ({ at: ys(v), label: yFmt(v) }))

  const body = [
    titleText(width, options.title),
    frame(area, xTicks, yTicks, options.xlabel, options.ylabel),
    `<clipPath id="area"><rect x="${num(area.x)}" y="${num(area.y)}" width="${num(area.w)}" height="${num(area.h)}"/></clipPath>`,
  ]
  all.forEach((s, i) => {
    const color = esc(s.color ?? cycle[i % cycle.length]!),
      mode = s.mode ?? "line"
    const px = pts[i]!.map((p) => (p === null ? null : ([xs(p[0]), ys(p[1])] as const)))
    const g = [`<g class="series" clip-path="url(#area)">`]
    if (mode !== "markers") {
      // one path, `M` after every gap
      let d = "",
        pen = false
      for (const p of px) {
        if (p === null) pen = false
        else (d += `${pen ? "L" : "M"}${num(p[0])},${num(p[1])}`), (pen = true)
      }
      g.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"/>`)
    }
    if (mode !== "line")
      for (const p of px)
        if (p !== null) g.push(`<circle cx="${num(p[0])}" cy="${num(p[1])}" r="${mode === "markers" ? 5 : 2.5}" fill="${color}"/>`)
    body.push(...g, "</g>")
  })

  const named = all.map((s, i) => [s, i] as const).filter(([s]) => s.label !== undefined)
  if (named.length > 0) {
    const lx = area.x + area.w - 150,
      ly = area.y + 8
    body.push(
      `<g class="legend"><rect x="${lx}" y="${ly}" width="142" height="${named.length * 18 + 8}" fill="#fff" fill-opacity="0.85" stroke="#ccc"/>`,
    )
    named.forEach(([s, i], r) => {
      const y = ly + 13 + r * 18,
        color = esc(s.color ?? cycle[i % cycle.length]!)
      body.push(
        s.mode === "markers"
          ? `<circle cx="${lx + 18}" cy="${y}" r="4" fill="${color}"/>`
          : `<line x1="${lx + 6}" y1="${y}" x2="${lx + 30}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
      )
      body.push(text(lx + 36, y, s.label!, { baseline: "middle", size: 11 }))
    })
    body.push("</g>")
  }
  return document(width, height, body)
}
