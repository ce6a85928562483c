// The heat-equation acceptance scenario: a 100×100 grid with a hot 10×10 square,
// 500 explicit Euler steps of the 5-point Laplacian. Cross-checked against the same stencil
// written with plain Float32Array loops (each operation rounded to f32, in the same order).
import { describe, expect, test } from "vitest"
import * as tg from "../src/index.js"
import { heat, initialGrid } from "./heat.js"

const N = 100,
  STEPS = 500

/** The stencil on a flat Float32Array, rounding after every operation like the tensor program. */
const heatReference = (): Float32Array => {
  const f = Math.fround
  let g = new Float32Array(N * N)
  for (let i = 45; i < 55; i++) for (let j = 45; j < 55; j++) g[i * N + j] = 100
  for (let s = 0; s < STEPS; s++) {
    const next = new Float32Array(g)
    for (let i = 1; i < N - 1; i++)
      for (let j = 1; j < N - 1; j++) {
        const at = (di: number, dj: number) => g[(i + di) * N + j + dj]!
        const lap = f(f(f(f(at(1, 0) + at(-1, 0)) + at(0, 1)) + at(0, -1)) - f(at(0, 0) * 4))
        next[i * N + j] = f(at(0, 0) + f(lap * f(0.01)))
      }
    g = next
  }
  return g
}

describe("heat equation on a 100×100 grid (f32, CPU)", () => {
  test("the README program leaves the centre at 78.1025 and matches a plain-loop stencil", () => {
    let grid = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
    for (let i = 0; i < 500; i++) {
      const lap = grid
        .slice("2:, 1:-1")
        .add(grid.slice(":-2, 1:-1"))
        .add(grid.slice("1:-1, 2:"))
        .add(grid.slice("1:-1, :-2"))
        .sub(grid.slice("1:-1, 1:-1").mul(4))
      grid = grid.at("1:-1, 1:-1").add(lap.mul(0.01))
    }
    expect(grid.shape).toEqual([100, 100])
    expect(grid.dtype).toBe("f32")
    const centre = grid.slice("50, 50").item()
    expect(Math.abs(centre - 78.1025)).toBeLessThan(1e-3)

    const got = grid.dataSync()
    const want = heatReference()
    let maxDiff = 0
    for (let k = 0; k < N * N; k++) maxDiff = Math.max(maxDiff, Math.abs(got[k]! - want[k]!))
    expect(maxDiff).toBeLessThan(1e-4)
    expect(Math.abs(want[50 * N + 50]! - 78.1025)).toBeLessThan(1e-3) // the reference agrees on its own
    // the boundary is never updated, and heat only spreads: total heat ≤ initial, all values in [0, 100]
    expect(Array.from(grid.slice("0, :").dataSync()).every((v) => v === 0)).toBe(true)
    let total = 0
    for (const v of got) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(100)
      total += v
    }
    expect(total).toBeLessThanOrEqual(10 * 10 * 100 + 1e-2) // the initial square held 10·10·100
    // the packaged example (examples/heat.ts, the README's loop as a module) computes the same grid
    expect(Array.from(heat(initialGrid()).dataSync())).toEqual(Array.from(got))
  })
})
