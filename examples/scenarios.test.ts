// The device-portable data, matrix-product and heat-plot scenarios, run as programs. Each result is
// checked against a plain-JS computation of the same thing (the PNG is decoded back).
import { decode } from "fast-png"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { main as portable, samples } from "./data-portable.js"
import { main as heatPlot } from "./heat-plot.js"
import { main as bench } from "./matmul-bench.js"

const dir = mkdtempSync(join(tmpdir(), "typegrad-scenarios-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("scenarios", () => {
  it("data-portable: typed array → tensor → best device → standardise → typed array, as computed in plain JS", async () => {
    const lines: string[] = []
    const r = await portable({ rows: 200, log: (l) => lines.push(l) })
    expect(lines[0]).toMatch(/^device: /)
    const x = samples(200)
    for (let c = 0; c < 4; c++) {
      let m = 0
      for (let i = 0; i < 200; i++) m += x[i * 4 + c]!
      m /= 200
      let v = 0
      for (let i = 0; i < 200; i++) v += (x[i * 4 + c]! - m) ** 2
      const sd = Math.sqrt(v / 200)
      expect(r.means[c]!).toBeCloseTo(m, 4)
      for (let i = 0; i < 200; i++) expect(Math.abs(r.standardised[i * 4 + c]! - (x[i * 4 + c]! - m) / sd)).toBeLessThan(1e-4)
    }
    expect(r.standardised).toBeInstanceOf(Float32Array)
  })

  it("matmul-bench: prints GFLOP/s and the product equals a plain triple loop", async () => {
    const lines: string[] = []
    const n = 96
    const r = await bench({ n, reps: 2, log: (l) => lines.push(l) })
    expect(lines[1]).toMatch(new RegExp(`^A @ B, ${n} × ${n} f32 on \\S+: [\\d.]+ ms per product, [\\d.]+ GFLOP/s$`))
    expect(Number.isFinite(r.gflops) && r.gflops > 0).toBe(true)
    let worst = 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let k = 0; k < n; k++) s += r.a[i * n + k]! * r.b[k * n + j]!
        worst = Math.max(worst, Math.abs(r.product[i * n + j]! - s))
      }
    expect(worst).toBeLessThan(1e-3)
  })

  it("heat-plot: centre 78.1025 and a PNG whose hot spot is `hot`'s top colour and whose edge is its bottom", async () => {
    const path = join(dir, "out", "heat.png")
    const lines: string[] = []
    const r = await heatPlot({ path, log: (l) => lines.push(l) })
    expect(Math.abs(r.centre - 78.1025)).toBeLessThan(1e-3)
    expect(lines[1]).toContain("centre = 78.1025")
    const img = decode(readFileSync(path))
    expect([img.width, img.height]).toEqual([560, 480])
    // the figure's layout: cells start at (44, 44) and are 4 px square (100 rows over 480 − 44 − 36 px)
    const at = (i: number, j: number) => {
      const x = Math.floor(44 + (j + 0.5) * 4),
        y = Math.floor(44 + (i + 0.5) * 4),
        o = (y * img.width + x) * img.channels
      return Array.from(img.data.slice(o, o + 3))
    }
    expect(at(50, 50)).toEqual([255, 255, 255]) // the maximum: top of `hot`
    expect(at(2, 2)).toEqual([10, 0, 0]) // 0: bottom of `hot`
    expect(at(97, 5)).toEqual([10, 0, 0])
  })
})
