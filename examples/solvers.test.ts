// The solver scenarios as programs with checked results: autograd (x = 3 → dy/dx = 6) and the
// logistics centre with Adam (PyTorch's 2.11228 and 19.31852), printing every 10 steps.
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { derivative } from "./autograd.js"
import { run } from "./facility-adam.js"

describe("autograd scenario", () => {
  it("x = 3, y = x² = 9, dy/dx = 6", () => expect(derivative()).toEqual({ x: 3, y: 9, dydx: 6 }))
  it("and at another point, dy/dx = 2x", () => expect(derivative(-1.5).dydx).toBe(-3))
})

describe("facility with Adam scenario", () => {
  it("prints every 10 steps and ends at (2.11, 2.11), 19.32", async () => {
    const lines: string[] = []
    const r = await run(undefined, (l) => lines.push(l))
    expect(lines.length).toBe(11)
    lines.slice(0, 10).forEach((l, i) => expect(l).toMatch(new RegExp(`^step +${10 * (i + 1)}: total distance \\d+\\.\\d{5}$`)))
    expect(lines[10]).toBe("centre (2.11, 2.11), total distance 19.32")
    expect(r.centre[0]).toBeCloseTo(2.11228, 5)
    expect(r.centre[1]).toBeCloseTo(2.11228, 5)
    expect(r.distance).toBeCloseTo(19.31852, 4)
    expect(r.history.length).toBe(100)
  })

  it("runs as a script", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/facility-adam.ts"])
    expect(stdout.trim().split("\n").at(-1)).toBe("centre (2.11, 2.11), total distance 19.32")
    const auto = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/autograd.ts"])
    expect(auto.stdout.trim()).toBe("x = 3, y = x² = 9, dy/dx = 6")
  }, 60_000)
})
