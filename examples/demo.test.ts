// `npm run demo`, run into a temporary folder: the six scenarios' numbers are checked against plain-JS
// computations of the same things (a stencil, an Adam loop, dot products, the hand-written training
// loops of the layer examples), the three PNGs are decoded, and the summary table is read back.
import { decode } from "fast-png"
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as tg from "../src/index.js"
import { colorAt, colormaps } from "../src/plot.js"
import { batch, makeBlock, trainStep } from "./conv-block.js"
import { samples } from "./data-portable.js"
import { main, parseCli, SCENARIOS, USAGE, type DemoResult } from "./demo.js"
import { main as perceptionMain } from "./perception.js"

const dir = mkdtempSync(join(tmpdir(), "typegrad-demo-"))
const out = join(dir, "pictures")
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let r: DemoResult
const lines: string[] = []
let progress = ""
beforeAll(async () => {
  r = await main({ outDir: out, log: (l) => lines.push(l), progress: { write: (s: string) => (progress += s), isTTY: false } })
}, 300_000)

/** The plate in f64 by the 5-point stencil: 100 × 100, a 10 × 10 square at 100, 500 steps of α = 0.01. */
const heatCentre = (): number => {
  const n = 100
  let u = new Float64Array(n * n)
  for (let i = 45; i < 55; i++) for (let j = 45; j < 55; j++) u[i * n + j] = 100
  for (let s = 0; s < 500; s++) {
    const v = u.slice()
    for (let i = 1; i < n - 1; i++)
      for (let j = 1; j < n - 1; j++) {
        const k = i * n + j
        v[k] = u[k]! + 0.01 * (u[k - n]! + u[k + n]! + u[k - 1]! + u[k + 1]! - 4 * u[k]!)
      }
    u = v
  }
  return u[50 * n + 50]!
}

/** torch.optim.Adam(lr 0.1, betas (0.9, 0.999), eps 1e-8) in f64 on the summed distance to the cities, from (1, 1). */
const adamFacility = (steps = 100, lr = 0.1) => {
  const cities = [
    [0, 0],
    [10, 0],
    [0, 10],
  ] as const
  const f = (c: number[]) => cities.reduce((s, [x, y]) => s + Math.hypot(c[0]! - x, c[1]! - y), 0)
  const c = [1, 1],
    m = [0, 0],
    v = [0, 0],
    history: number[] = [],
    path = [[1, 1]]
  for (let t = 1; t <= steps; t++) {
    history.push(f(c))
    const g = [0, 0]
    for (const [x, y] of cities) {
      const d = Math.hypot(c[0]! - x, c[1]! - y)
      g[0]! += (c[0]! - x) / d
      g[1]! += (c[1]! - y) / d
    }
    for (let i = 0; i < 2; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!
      v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2
      c[i]! -= (lr * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8)
    }
    path.push([...c])
  }
  return { centre: c, distance: f(c), history, path }
}

/** The column means of the demo's 1000 × 4 samples, in f64. */
const plainMeans = (): number[] => {
  const x = samples(1000)
  return [0, 1, 2, 3].map((c) => {
    let m = 0
    for (let i = 0; i < 1000; i++) m += x[i * 4 + c]!
    return m / 1000
  })
}

/** The table's body rows, cell by cell. */
const tableRows = (table: string): string[][] =>
  table
    .split("\n")
    .filter((l) => /^│ \d+ │/.test(l))
    .map((l) =>
      l
        .split("│")
        .slice(1, -1)
        .map((c) => c.trim()),
    )

const pixels = (path: string) => {
  const img = decode(readFileSync(path))
  const rgb = (x: number, y: number) => {
    const o = (y * img.width + x) * img.channels
    return Array.from(img.data.slice(o, o + 3))
  }
  const has = (hex: string) => {
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
    for (let o = 0; o < img.data.length; o += img.channels)
      if (img.data[o] === want[0] && img.data[o + 1] === want[1] && img.data[o + 2] === want[2]) return true
    return false
  }
  return { width: img.width, height: img.height, rgb, has }
}

describe("npm run demo", () => {
  it("announces the device, then runs the six scenarios in order on it", () => {
    expect(lines[0]).toBe(`device: ${r.reason}`)
    const headers = lines.filter((l) => /^\[\d\/6\] /.test(l))
    expect(headers).toEqual(SCENARIOS.map((s, i) => `[${i + 1}/6] ${s}`))
    if (process.env.TYPEGRAD_DEVICE === "cpu") expect(r.device).toBe("cpu")
    // TYPEGRAD_DEVICE=webgpu takes even a software adapter (lavapipe in CI): the whole demo then runs there
    if (process.env.TYPEGRAD_DEVICE === "webgpu") expect(r.device).toMatch(/^webgpu:/)
    for (const s of [r.portable, r.matmul, r.heat, r.facility, r.training]) expect(s.device).toBe(r.device)
  })

  it("1: the standardised data came back with the column means of a plain-JS pass", () => {
    plainMeans().forEach((m, c) => expect(r.portable.means[c]!).toBeCloseTo(m, 4))
    expect(r.portable.standardised).toBeInstanceOf(Float32Array)
    expect(r.portable.standardised.length).toBe(4000)
  })

  it("2: A @ B (1024 × 1024) agrees with f64 dot products on a sample of entries", () => {
    const { n, a, b, product } = r.matmul
    expect(n).toBe(1024)
    let seed = 12345
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
    for (let s = 0; s < 200; s++) {
      const i = next(),
        j = next()
      let dot = 0,
        mag = 0
      for (let k = 0; k < n; k++) (dot += a[i * n + k]! * b[k * n + j]!), (mag += Math.abs(a[i * n + k]! * b[k * n + j]!))
      expect(Math.abs(product[i * n + j]! - dot), `entry (${i}, ${j})`).toBeLessThanOrEqual(1e-5 * mag)
    }
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}A @ B, 1024 × 1024 f32 on .+: [\d.]+ ms per product, [\d.]+ GFLOP\/s$/))
  })

  it("3: the plate's centre is the stencil's 78.1025, and heat.png shows `hot` with a title and colour bar", () => {
    const want = heatCentre()
    expect(Math.abs(want - 78.1025)).toBeLessThan(1e-4)
    expect(Math.abs(r.heat.centre - want)).toBeLessThan(1e-3)
    const png = pixels(join(out, "heat.png"))
    expect([png.width, png.height]).toEqual([560, 480])
    // cells start at (44, 44) and are 4 px square; the hottest cell is the colormap's top, a cold one its bottom
    const cell = (i: number, j: number) => png.rgb(Math.floor(44 + (j + 0.5) * 4), Math.floor(44 + (i + 0.5) * 4))
    expect(cell(50, 50)).toEqual([...colorAt(colormaps.hot, 1)])
    expect(cell(3, 3)).toEqual([...colorAt(colormaps.hot, 0)])
    expect(cell(95, 10)).toEqual([...colorAt(colormaps.hot, 0)])
    const title = /Heat plate, 500 steps \(centre (\d+\.\d{4})\)/.exec(r.heat.figure.svg)
    expect(Math.abs(Number(title?.[1]) - want)).toBeLessThan(1e-3)
    expect(r.heat.figure.svg).toContain('class="colorbar"')
  })

  it("4: dy/dx of x² at 3 is 6", () => {
    expect(r.autograd).toEqual({ x: 3, y: 9, dydx: 2 * 3 })
    expect(lines).toContain("    x = 3, y = x² = 9, dy/dx = 6")
  })

  it("5: Adam's path, losses and centre match an f64 Adam loop and PyTorch's numbers; facility.png has both panels", () => {
    const ref = adamFacility()
    expect(r.facility.centre[0]).toBeCloseTo(2.11228, 5) // PyTorch, f32
    expect(r.facility.centre[1]).toBeCloseTo(2.11228, 5)
    expect(r.facility.distance).toBeCloseTo(19.31852, 4)
    expect(Math.abs(r.facility.centre[0] - ref.centre[0]!)).toBeLessThan(1e-4)
    expect(Math.abs(r.facility.distance - ref.distance)).toBeLessThan(1e-4)
    expect(r.facility.history).toHaveLength(100)
    r.facility.history.forEach((v, i) => expect(Math.abs(v - ref.history[i]!), `step ${i + 1}`).toBeLessThan(2e-4))
    expect(r.facility.path).toHaveLength(101)
    expect(r.facility.path[0]).toEqual([1, 1])
    r.facility.path.forEach((p, i) => expect(Math.hypot(p[0] - ref.path[i]![0]!, p[1] - ref.path[i]![1]!), `point ${i}`).toBeLessThan(1e-4))
    // every 10 steps, like the original program
    const printed = lines.filter((l) => /^ {4}step +\d+: total distance/.test(l))
    expect(printed).toHaveLength(10)
    printed.forEach((l, k) => expect(Math.abs(Number(l.split(" ").at(-1)) - ref.history[10 * k + 9]!)).toBeLessThan(2e-4))
    const png = pixels(join(out, "facility.png"))
    expect([png.width, png.height]).toEqual([480 + 480, 36 + 440])
    expect(png.has("#d62728")).toBe(true) // the cities
    expect(png.has("#1f77b4")).toBe(true) // the curve and the path
    for (const title of [
      "Logistics centre with Adam(0.1): (2.11, 2.11), total distance 19.32",
      "Total distance per step",
      "Path of the centre",
    ])
      expect(r.facility.figure.svg).toContain(title)
  })

  it("6: fit's loss histories equal the layer examples' own SGD loops; training.png has both curves", () => {
    let block = makeBlock(tg.key(0))
    const { x, labels } = batch()
    const conv: number[] = []
    for (let s = 0; s < 5; s++) {
      const [l, next] = trainStep(block, x, labels, 0.5)
      conv.push((l as tg.Tensor<[], "f32", "cpu">).item())
      block = next
    }
    const det = perceptionMain({ steps: 8, log: () => {} }).losses
    expect(r.training.conv).toHaveLength(5)
    expect(r.training.perception).toHaveLength(8)
    r.training.conv.forEach((v, i) => expect(Math.abs(v - conv[i]!), `conv step ${i + 1}`).toBeLessThan(1e-4))
    r.training.perception.forEach((v, i) => expect(Math.abs(v - det[i]!), `perception step ${i + 1}`).toBeLessThan(1e-4))
    expect(r.training.conv.at(-1)!).toBeLessThan(r.training.conv[0]!)
    expect(r.training.perception.at(-1)!).toBeLessThan(r.training.perception[0]!)
    expect(progress).toContain("conv block step 5/5")
    expect(progress).toContain("perception step 8/8")
    const png = pixels(join(out, "training.png"))
    expect([png.width, png.height]).toEqual([480 + 480, 36 + 400])
    expect(png.has("#1f77b4") && png.has("#ff7f0e")).toBe(true)
    for (const title of ["Training with fit: loss per step", "Conv → BN → ReLU", "Perception pipeline"])
      expect(r.training.figure.svg).toContain(title)
  })

  it("closes with a table: scenario, device, time, result, file", () => {
    const rows = tableRows(r.table)
    expect(r.table.split("\n")[1]).toMatch(/^│ # +│ scenario +│ device +│ time +│ result +│ file +│$/)
    expect(rows.map((row) => row.slice(0, 2))).toEqual(SCENARIOS.map((s, i) => [String(i + 1), s]))
    const kind = r.device.startsWith("webgpu") ? "webgpu" : "cpu"
    for (const row of rows) {
      expect(row[2]).toBe(kind)
      expect(row[3]).toMatch(/^(\d+ ms|\d+\.\d\d s)$/)
    }
    const ref = adamFacility()
    expect(rows.map((row) => row[5])).toEqual(["–", "–", join(out, "heat.png"), "–", join(out, "facility.png"), join(out, "training.png")])
    // two decimals of each mean (compared as numbers: 30.005 may round either way in f32)
    expect(rows[0]![4]).toMatch(/^column means [-\d.]+, [\d.]+, [\d.]+, [\d.]+$/)
    rows[0]![4]!
      .slice("column means ".length)
      .split(", ")
      .forEach((m, c) => expect(Math.abs(Number(m) - plainMeans()[c]!)).toBeLessThanOrEqual(0.005 + 1e-6))
    expect(rows[1]![4]).toMatch(/^1024 × 1024: [\d.]+ GFLOP\/s \([\d.]+ ms\)$/)
    expect(rows[2]![4]).toMatch(/^centre \d+\.\d{4}$/)
    expect(Math.abs(Number(rows[2]![4]!.split(" ")[1]) - heatCentre())).toBeLessThan(1e-3)
    expect(rows[3]![4]).toBe("y = 9, dy/dx = 6")
    expect(rows[4]![4]).toBe(`centre (${ref.centre.map((v) => v.toFixed(2)).join(", ")}), distance ${ref.distance.toFixed(2)}`)
    expect(rows[5]![4]).toMatch(/^loss 2\.\d{3} → 2\.\d{3}, 1\.\d{3} → 1\.\d{3}$/)
    // the table is what was printed
    const at = lines.indexOf(r.table.split("\n")[0]!)
    expect(lines.slice(at, at + r.table.split("\n").length).join("\n")).toBe(r.table)
  })

  it("takes --out from the command line and explains itself with --help", async () => {
    expect(parseCli(["--out", "pics"]).options).toEqual({ outDir: "pics" })
    expect(parseCli(["-o", "a/b"]).options).toEqual({ outDir: "a/b" })
    expect(parseCli([])).toEqual({ help: false, options: {} })
    expect(() => parseCli(["--size", "3"])).toThrow(/size/)
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/demo.ts", "--help"])
    expect(stdout.trim()).toBe(USAGE)
  }, 60_000)
})
