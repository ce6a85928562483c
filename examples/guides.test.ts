// The guides' scenarios (docs/transforms.md, docs/devices.md) as programs with checked results.
import { describe, expect, it } from "vitest"
import * as tg from "../src/index.js"
import { solve } from "./facility.js"
import { featureStd, run, samples } from "./gpu.js"
import { cubic, newton, newton2, system } from "./newton.js"

describe("transforms guide", () => {
  it("facility location: gradient steps reach the Fermat point", () => {
    const { point, distance } = solve()
    const fermat = 5 - 5 / Math.sqrt(3) // 2.1132…
    expect(Math.abs(point[0]! - fermat)).toBeLessThan(1e-3)
    expect(Math.abs(point[1]! - fermat)).toBeLessThan(1e-3)
    expect(distance).toBeCloseTo(19.3185, 4) // 5(√6 + √2)
  })

  it("Newton from jvp finds the real root of x³ − 2x − 5", () => {
    const root = newton(cubic, 2)
    expect(root).toBeCloseTo(2.0945514815, 10)
    // Cardano: the one real root of x³ + px + q with p = −2, q = −5
    const d = Math.sqrt(25 / 4 - 8 / 27)
    expect(root).toBeCloseTo(Math.cbrt(5 / 2 + d) + Math.cbrt(5 / 2 - d), 14)
  })

  it("Newton from jacfwd solves x² + y² = 4, xy = 1", () => {
    const [x, y] = newton2(system, [2, 0.5])
    const exact = Math.sqrt(2 + Math.sqrt(3))
    expect(x).toBeCloseTo(exact, 14)
    expect(y).toBeCloseTo(1 / exact, 14)
  })
})

describe("devices guide", () => {
  const onCpu = featureStd(tg.tensor(samples, [4, 3])).toArraySync()

  it("moves the data to the GPU (or falls back to the CPU) and gets the CPU's result", async () => {
    const lines: string[] = []
    const r = await run({}, (l) => lines.push(l))
    expect(lines.at(-1)).toContain(`feature std on ${r.device}`)
    r.std.forEach((v, i) => expect(v).toBeCloseTo(onCpu[i]!, 5))
    if (process.env.TYPEGRAD_REQUIRE_WEBGPU === "1") expect(r.device).toMatch(/^webgpu:/)
  })

  it("says why it falls back when no device fits, and computes on the CPU", async () => {
    const lines: string[] = []
    const r = await run({ requiredFeatures: ["no-such-feature" as tg.GpuFeatureName] }, (l) => lines.push(l))
    expect(r.device).toBe("cpu")
    expect(lines[0]).toMatch(/^no WebGPU device, running on the CPU instead: webgpu: no device \(/)
    expect(r.fallback).toMatch(/tried/)
    expect(r.std).toEqual(onCpu)
  })
})
