import { describe, expect, it } from "vitest"
import { main } from "./demo.js"

describe("npm run demo", () => {
  it("runs the heat equation on the best device and gradient descent to the Fermat point", async () => {
    const lines: string[] = []
    const r = await main({ log: (l) => lines.push(l) })
    expect(lines[0]).toMatch(/^device: /)
    expect(r.centre).toBeCloseTo(78.1025, 3)
    expect(lines.some((l) => l.includes("centre = 78.1025"))).toBe(true)
    expect(Math.abs(r.fermat.point[0]! - 2.1132)).toBeLessThan(1e-3)
    expect(Math.abs(r.fermat.point[1]! - 2.1132)).toBeLessThan(1e-3)
    expect(r.fermat.loss).toBeCloseTo(19.3185, 3)
  })
})
