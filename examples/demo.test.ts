import { describe, expect, it } from "vitest"
import { main } from "./demo.js"

describe("npm run demo", () => {
  it("runs the heat equation on the best device and leaves the centre cell at 78.1025", async () => {
    const lines: string[] = []
    const r = await main({ log: (l) => lines.push(l) })
    expect(r.centre).toBeCloseTo(78.1025, 3)
    expect(lines[0]).toMatch(/^device: /)
    expect(lines.some((l) => l.includes("centre = 78.1025"))).toBe(true)
  })
})
