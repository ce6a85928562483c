// The explicit 2-D heat stepper: the seed plate's centre (78.1025), agreement with a plain-loop
// stencil rounded to f32 like the tensor program, a single step worked by hand, the stability
// limit shown on the scheme itself, and the typed errors for bad α, steps and grids.
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

/** The stencil on a flat Float32Array (n × n), rounding after every operation like the tensor program. */
const reference = (init: Float32Array, n: number, alpha: number, steps: number): Float32Array => {
  const f = Math.fround
  let g = new Float32Array(init)
  for (let s = 0; s < steps; s++) {
    const next = new Float32Array(g)
    for (let i = 1; i < n - 1; i++)
      for (let j = 1; j < n - 1; j++) {
        const at = (di: number, dj: number) => g[(i + di) * n + j + dj]!
        const lap = f(f(f(f(at(1, 0) + at(-1, 0)) + at(0, 1)) + at(0, -1)) - f(at(0, 0) * 4))
        next[i * n + j] = f(at(0, 0) + f(lap * f(alpha)))
      }
    g = next
  }
  return g
}

const plate = () => tg.zeros([100, 100]).at("45:55, 45:55").set(100)

describe("heat2d", () => {
  it("the seed problem: centre 78.1025 after 500 steps at α = 0.01, equal to a plain-loop stencil", () => {
    const out = tg.heat2d(plate(), { alpha: 0.01, steps: 500 })
    expect(out.shape).toEqual([100, 100])
    expect(Math.abs(out.slice("50, 50").item() - 78.1025)).toBeLessThan(1e-3)
    const want = reference(plate().dataSync(), 100, 0.01, 500)
    const got = out.dataSync()
    let worst = 0
    for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!))
    expect(worst).toBeLessThan(1e-4)
    // the op-by-op path computes the same grid
    const eager = tg.heat2d(plate(), { alpha: 0.01, steps: 50, jit: false }).dataSync()
    const staged = tg.heat2d(plate(), { alpha: 0.01, steps: 50 }).dataSync()
    for (let k = 0; k < eager.length; k++) expect(Math.abs(eager[k]! - staged[k]!)).toBeLessThan(1e-4)
  })

  it("one step of a unit spike, by hand: centre 1 − 4α, neighbours α, border untouched", () => {
    const u = tg.heatStep(tg.zeros([5, 5]).at("2, 2").set(1).at("0, :").set(7), 0.2)
    expect(u.slice("2, 2").item()).toBeCloseTo(0.2, 6)
    for (const [i, j] of [
      [3, 2],
      [2, 1],
      [2, 3],
    ])
      expect(u.slice(`${i}, ${j}` as "3, 2").item()).toBeCloseTo(0.2, 6)
    expect(u.slice("1, 2").item()).toBeCloseTo(0.2 * (1 + 7), 6) // below it the spike, above it the hot border
    expect(u.slice("1, 1").item()).toBeCloseTo(0.2 * 7, 6)
    expect(u.slice("3, 3").item()).toBe(0)
    expect(Array.from(u.slice("0, :").dataSync())).toEqual([7, 7, 7, 7, 7]) // Dirichlet: the border keeps its value
    expect(
      tg
        .heat2d(tg.zeros([5, 5]).at("2, 2").set(1), { alpha: 0.2, steps: 0 })
        .slice("2, 2")
        .item(),
    ).toBe(1)
  })

  it("the limit α ≤ 1/4 is where the scheme stops amplifying the checkerboard mode (the reference shows it)", () => {
    const n = 12
    const checker = Float32Array.from({ length: n * n }, (_, k) => ((Math.floor(k / n) + (k % n)) % 2 === 0 ? 1 : -1))
    const maxAbs = (g: Float32Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    expect(maxAbs(reference(checker, n, 0.25, 60))).toBeLessThanOrEqual(1)
    expect(maxAbs(reference(checker, n, 0.3, 60))).toBeGreaterThan(1e3)
    // at exactly 0.25 the solver agrees with the reference
    const t = tg.heat2d(tg.tensor(Array.from(checker)).reshape([n, n]), { alpha: 0.25, steps: 60 })
    expect(maxAbs(t.dataSync())).toBeLessThanOrEqual(1)
  })

  it("is differentiable: d u(5,5) after 3 steps / d u0 is the stencil applied 3 times to a spike (symmetric away from the border)", () => {
    const n = 11
    const g = tg.grad((u0: tg.Tensor<[11, 11], "f32", "cpu">) => tg.heat2d(u0, { alpha: 0.15, steps: 3 }).slice("5, 5"))(tg.zeros([11, 11]))
    const spike = new Float32Array(n * n)
    spike[5 * n + 5] = 1
    const want = reference(spike, n, 0.15, 3)
    const got = g.dataSync()
    for (let k = 0; k < n * n; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(1e-6)
    expect(want[5 * n + 8]!).toBeGreaterThan(0) // the dependence reaches three cells out
  })

  it("refuses unstable or meaningless input with a SolverError", () => {
    const err = (f: () => unknown, parameter: string, text: string) =>
      expect(f).toThrow(expect.objectContaining({ _tag: "SolverError", parameter, message: expect.stringContaining(text) }))
    err(() => tg.heat2d(plate(), { alpha: 0.3, steps: 10 }), "alpha", "alpha = 0.3, expected 0 ≤ alpha ≤ 0.25")
    err(() => tg.heatStep(plate(), 0.26), "alpha", "unstable above 1/4")
    err(() => tg.heat2d(plate(), { alpha: -0.1, steps: 10 }), "alpha", "alpha = -0.1")
    err(() => tg.heat2d(plate(), { alpha: Number.NaN, steps: 10 }), "alpha", "alpha = NaN")
    err(() => tg.heat2d(plate(), { alpha: 0.1, steps: 2.5 }), "steps", "non-negative integer")
    err(() => tg.heat2d(tg.zeros([2, 9]), { alpha: 0.1, steps: 1 }), "grid", "at least 3 × 3")
  })
})
