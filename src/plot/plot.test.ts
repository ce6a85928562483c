// typegrad/plot: colormap tables against matplotlib's definitions worked by hand, figures decoded
// back from PNG (size, cell colours, colour bar ends, rendered title text), line geometry, files
// written through the Effect FileSystem and the Promise twin, and the typed errors.
import { NodeFileSystem } from "@effect/platform-node-shared"
import { Effect } from "effect"
import { decode } from "fast-png"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as tg from "../index.js"
import { colorAt, colormaps, heatmap, lines, savePng, saveSvg, toPng, writePng, type Figure } from "../plot.js"

const dir = mkdtempSync(join(tmpdir(), "typegrad-plot-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The RGBA of pixel (x, y) of a decoded PNG. */
const pixel = (img: ReturnType<typeof decode>, x: number, y: number): number[] =>
  Array.from(
    img.data.slice(
      (Math.floor(y) * img.width + Math.floor(x)) * img.channels,
      (Math.floor(y) * img.width + Math.floor(x)) * img.channels + 3,
    ),
  )

/** x, y, width, height of the n-th `<image>` of a figure (the cells, then the colour bar). */
const imageBox = (fig: Figure, n: number): { x: number; y: number; w: number; h: number } => {
  const m = [...fig.svg.matchAll(/<image x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)][n]!
  return { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) }
}

describe("colormaps", () => {
  it("hot: matplotlib's piecewise-linear channels at hand-worked points", () => {
    const t = colormaps.hot.table
    expect(t.length).toBe(768)
    expect(t.slice(0, 3)).toEqual([0.0416, 0, 0]) // bottom: dark red
    expect(t.slice(765)).toEqual([1, 1, 1]) // top: white
    // entry 93 sits at x = 93/255 = 0.364706, just below red's knee at 0.365079:
    // red = 0.0416 + (0.364706/0.365079)(1 − 0.0416) = 0.999021
    expect(t[3 * 93]!).toBeCloseTo(0.999021, 5)
    // entry 200, x = 0.784314: red 1, green 1 (past 0.746032), blue = (0.784314 − 0.746032)/(1 − 0.746032) = 0.150735
    expect(t[600]!).toBe(1)
    expect(t[601]!).toBe(1)
    expect(t[602]!).toBeCloseTo(0.150735, 5)
    // entry 128, x = 0.501961: green = (0.501961 − 0.365079)/(0.746032 − 0.365079) = 0.359316
    expect(t[3 * 128 + 1]!).toBeCloseTo(0.359316, 5)
  })

  it("viridis: the published table's ends and middle; 8-bit colours truncate like matplotlib's bytes=True", () => {
    const t = colormaps.viridis.table
    expect(t.length).toBe(768)
    expect(t.slice(0, 3)).toEqual([0.267004, 0.004874, 0.329415])
    expect(t.slice(3 * 128, 3 * 128 + 3)).toEqual([0.127568, 0.566949, 0.550556])
    expect(t.slice(765)).toEqual([0.993248, 0.906157, 0.143936])
    expect(colorAt(colormaps.viridis, 0)).toEqual([68, 1, 84])
    expect(colorAt(colormaps.viridis, 0.5)).toEqual([32, 144, 140]) // entry ⌊0.5·256⌋ = 128
    expect(colorAt(colormaps.viridis, 1)).toEqual([253, 231, 36])
    expect(colorAt(colormaps.hot, 1)).toEqual([255, 255, 255])
    expect(colorAt(colormaps.hot, 0)).toEqual([10, 0, 0]) // 0.0416 · 255 = 10.6
    expect(colorAt(colormaps.hot, -3)).toEqual(colorAt(colormaps.hot, 0)) // clipped
    expect(colorAt(colormaps.hot, 7)).toEqual(colorAt(colormaps.hot, 1))
  })
})

describe("heatmap", () => {
  // a cold 20 × 30 plate with a hot 4 × 4 square at rows 8..11, columns 12..15
  const grid = tg.zeros([20, 30]).at("8:12, 12:16").set(5)

  it("PNG: size, the hot square in the colormap's top colour, the background in its bottom, the colour bar's ends", async () => {
    const fig = heatmap(grid, { cmap: "hot", title: "Hot plate", colorbar: true, width: 500, height: 400 })
    const img = decode(await Effect.runPromise(toPng(fig)))
    expect([img.width, img.height]).toEqual([500, 400])
    const cells = imageBox(fig, 0)
    expect(cells.w / 30).toBeCloseTo(cells.h / 20, 6) // square cells
    const at = (i: number, j: number) => pixel(img, cells.x + ((j + 0.5) * cells.w) / 30, cells.y + ((i + 0.5) * cells.h) / 20)
    expect(at(9, 13)).toEqual([255, 255, 255]) // hot: top of `hot`
    expect(at(10, 14)).toEqual([255, 255, 255])
    expect(at(2, 3)).toEqual([10, 0, 0]) // cold: bottom of `hot`
    expect(at(19, 29)).toEqual([10, 0, 0])
    const bar = imageBox(fig, 1)
    // the strip has 256 rows: its first pixel row is entry 255, its last entry 0
    expect(pixel(img, bar.x + bar.w / 2, Math.ceil(bar.y))).toEqual([255, 255, 255])
    expect(pixel(img, bar.x + bar.w / 2, Math.floor(bar.y + bar.h - 0.5))).toEqual([10, 0, 0])
    // the title is text in the SVG and black glyphs in the PNG's top band (a font was found)
    expect(fig.svg).toContain(">Hot plate</text>")
    let ink = 0
    for (let y = 0; y < cells.y - 8; y++) for (let x = 0; x < img.width; x++) if (pixel(img, x, y)[0]! < 100) ink++
    expect(ink).toBeGreaterThan(50)
    // colour-bar ticks run over [0, 5]
    expect(fig.svg).toMatch(/class="tick"[^>]*>0<\/text>/)
    expect(fig.svg).toMatch(/class="tick"[^>]*>5<\/text>/)
  })

  it("vmin/vmax clip, viridis by default, nested arrays and flat data; NaN cells are transparent", async () => {
    const fig = heatmap({ data: [0, 1, 2, 3, Number.NaN, 10], shape: [2, 3] }, { vmin: 1, vmax: 3, colorbar: false, title: "a < b" })
    expect(fig.svg).toContain("a &lt; b")
    expect(fig.svg.match(/<image /g)!.length).toBe(1) // no colour bar
    const img = decode(await Effect.runPromise(toPng(fig)))
    const c = imageBox(fig, 0)
    const at = (i: number, j: number) => pixel(img, c.x + ((j + 0.5) * c.w) / 3, c.y + ((i + 0.5) * c.h) / 2)
    expect(at(0, 0)).toEqual([68, 1, 84]) // 0 < vmin: bottom
    expect(at(0, 1)).toEqual([68, 1, 84]) // = vmin
    expect(at(0, 2)).toEqual([32, 144, 140]) // 2: the middle, entry 128
    expect(at(1, 0)).toEqual([253, 231, 36]) // = vmax: top
    expect(at(1, 1)).toEqual([255, 255, 255]) // NaN: the white background shows
    expect(at(1, 2)).toEqual([253, 231, 36]) // 10 > vmax: top
    expect(
      heatmap([
        [1, 2],
        [3, 4],
      ]).svg,
    ).toEqual(heatmap({ data: [1, 2, 3, 4], shape: [2, 2] }).svg)
  })

  it("bad input is a PlotError naming what was expected", () => {
    expect(() => heatmap(tg.zeros([4]))).toThrow(
      expect.objectContaining({ _tag: "PlotError", message: expect.stringContaining("2-D tensor") }),
    )
    expect(() => heatmap([[1, 2], [3]])).toThrow(
      expect.objectContaining({ _tag: "PlotError", message: expect.stringContaining("unequal") }),
    )
    expect(() => heatmap([[1]], { vmin: 2, vmax: 1 })).toThrow(
      expect.objectContaining({ _tag: "PlotError", message: expect.stringContaining("vmin (2) must be below vmax (1)") }),
    )
    expect(() => heatmap([[Number.NaN]])).toThrow(expect.objectContaining({ _tag: "PlotError" }))
    expect(() => heatmap({ data: [1, 2, 3], shape: [2, 2] })).toThrow(expect.objectContaining({ _tag: "PlotError" }))
  })
})

/** The points of the k-th series path of a figure. */
const pathPoints = (fig: Figure, k = 0): Array<[number, number]> =>
  [...fig.svg.matchAll(/<path d="([^"]*)"/g)]
    [k]![1]!.split(/[ML]/)
    .filter((s) => s !== "")
    .map((p) => p.split(",").map(Number) as [number, number])

describe("lines", () => {
  it("a loss curve on a log axis: decades are equally spaced, labels and title are in the SVG", () => {
    const fig = lines({ y: [1, 0.1, 0.01, 0.001], label: "loss" }, { title: "Training", xlabel: "step", ylabel: "loss", logy: true })
    for (const s of [">Training</text>", ">step</text>", ">loss</text>", ">0.01</text>"]) expect(fig.svg).toContain(s)
    const p = pathPoints(fig)
    expect(p.length).toBe(4)
    const dy = p.slice(1).map((q, i) => q[1] - p[i]![1])
    for (const d of dy) expect(d).toBeCloseTo(dy[0]!, 1) // log10 is linear in pixels
    expect(dy[0]!).toBeGreaterThan(0) // smaller values lower down
    const dx = p.slice(1).map((q, i) => q[0] - p[i]![0])
    for (const d of dx) expect(d).toBeCloseTo(dx[0]!, 1) // x = 0, 1, 2, 3
  })

  it("linear axes map data affinely; NaN breaks a line; markers draw one circle per point", () => {
    const fig = lines([
      { x: [0, 1, 2, 3, 4], y: [0, 2, Number.NaN, 6, 8] },
      { x: [1, 3], y: [5, 5], mode: "markers", label: "cities" },
    ])
    const d = [...fig.svg.matchAll(/<path d="([^"]*)"/g)][0]![1]!
    expect(d.match(/M/g)!.length).toBe(2) // the gap at x = 2
    const p = pathPoints(fig)
    // y = 2x: the pixel slope between any two points is the same
    const slope = (a: [number, number], b: [number, number]) => (b[1] - a[1]) / (b[0] - a[0])
    expect(slope(p[0]!, p[1]!)).toBeCloseTo(slope(p[2]!, p[3]!), 6)
    expect(fig.svg.match(/<circle /g)!.length).toBe(2 + 1) // two markers + the legend's
    expect(fig.svg).toContain(">cities</text>")
  })

  it("aspect: equal gives one unit the same length on both axes", () => {
    const fig = lines({ x: [0, 10, 0, 0], y: [0, 0, 2, 0] }, { aspect: "equal", width: 600, height: 300 })
    const [a, b, c] = pathPoints(fig) as [[number, number], [number, number], [number, number]]
    expect(Math.abs(b[0] - a[0]) / 10).toBeCloseTo(Math.abs(c[1] - a[1]) / 2, 2) // px per unit, x vs y (coordinates have 0.01 px)
  })

  it("bad input is a PlotError", () => {
    expect(() => lines({ x: [1, 2], y: [1] })).toThrow(
      expect.objectContaining({ _tag: "PlotError", message: expect.stringContaining("2 x values but 1 y values") }),
    )
    expect(() => lines({ y: [-1, 0] }, { logy: true })).toThrow(
      expect.objectContaining({ _tag: "PlotError", message: expect.stringContaining("y > 0") }),
    )
    expect(() => lines([])).toThrow(expect.objectContaining({ _tag: "PlotError" }))
  })
})

describe("writing files", () => {
  const fig = heatmap(
    [
      [0, 1],
      [2, 3],
    ],
    { cmap: "hot", title: "tiny" },
  )

  it("writePng (an Effect on the platform FileSystem) creates folders and writes a decodable PNG", async () => {
    const path = join(dir, "a", "b", "tiny.png")
    await Effect.runPromise(writePng(fig, path, { scale: 2 }).pipe(Effect.provide(NodeFileSystem.layer)))
    const img = decode(readFileSync(path))
    expect([img.width, img.height]).toEqual([2 * fig.width, 2 * fig.height])
  })

  it("the Promise twins write the same PNG bytes and the SVG text", async () => {
    await savePng(fig, join(dir, "p.png"))
    expect(new Uint8Array(readFileSync(join(dir, "p.png")))).toEqual(await Effect.runPromise(toPng(fig)))
    await saveSvg(fig, join(dir, "s", "p.svg"))
    expect(readFileSync(join(dir, "s", "p.svg"), "utf8")).toBe(fig.svg)
  })

  it("a file that cannot be written rejects with the platform's error", async () => {
    await expect(savePng(fig, join(dir, "p.png", "inside-a-file.png"))).rejects.toMatchObject({ _tag: "PlatformError" })
  })
})
