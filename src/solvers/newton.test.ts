// newton against closed-form roots (Cardano's formula, a circle meeting a hyperbola), over a
// pytree, and its stopping reasons: singular Jacobian, step limit, non-square systems, options.
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"
import { ShapeError, SolverError } from "../errors.js"

type S = tg.Tensor<[], "f64", "cpu">
type V2 = tg.Tensor<[2], "f64", "cpu">
const f64 = (v: number): S => tg.scalar(v, { dtype: "f64" })

describe("newton", () => {
  it("finds the real root of x³ − 2x − 5 (Cardano) in a few steps", () => {
    const r = tg.newton((x: S) => x.pow(3).sub(x.mul(2)).sub(5), f64(2))
    const d = Math.sqrt(25 / 4 - 8 / 27)
    expect(r.converged).toBe(true)
    expect(r.x.item()).toBeCloseTo(Math.cbrt(5 / 2 + d) + Math.cbrt(5 / 2 - d), 14)
    expect(Math.abs(r.value.item())).toBeLessThanOrEqual(1e-10)
    expect(r.residual).toBe(Math.abs(r.value.item()))
    expect(r.steps).toBeLessThanOrEqual(6)
  })

  it("solves the 2-D system x² + y² = 4, xy = 1 from (2, 0.5)", () => {
    const F = (v: V2) => {
      const x = v.slice("0"),
        y = v.slice("1")
      return tg.stack([x.square().add(y.square()).sub(4), x.mul(y).sub(1)])
    }
    const r = tg.newton(F, tg.tensor([2, 0.5], { dtype: "f64" }), { tol: 1e-14 })
    const exact = Math.sqrt(2 + Math.sqrt(3))
    expect(r.converged).toBe(true)
    const [x, y] = r.x.toArraySync()
    expect(x).toBeCloseTo(exact, 14)
    expect(y).toBeCloseTo(1 / exact, 14)
    expect(r.value.shape).toEqual([2])
  })

  it("works over a pytree of unknowns and residuals", () => {
    // a + b₀ = 3, a·b₀ = 2 ⇒ (a, b₀) = (2, 1) from near it
    const f = (p: { a: S; b: tg.Tensor<[1], "f64", "cpu"> }) => ({ s: p.a.add(p.b.sum()).sub(3), t: p.a.mul(p.b.sum()).sub(2) })
    const r = tg.newton(f, { a: f64(2.3), b: tg.tensor([0.8], { dtype: "f64" }) }, { tol: 1e-14 })
    expect(r.converged).toBe(true)
    expect(r.x.a.item()).toBeCloseTo(2, 12)
    expect(r.x.b.toArraySync()[0]).toBeCloseTo(1, 12)
  })

  it("stops without converging at a singular Jacobian, at the step limit, and on non-finite values", () => {
    const singular = tg.newton((x: S) => x.square().add(1), f64(0))
    expect([singular.converged, singular.message, singular.steps]).toEqual([false, "singular Jacobian after 0 steps", 0])
    const limit = tg.newton((x: S) => x.square().add(1), f64(0.5), { maxSteps: 5 })
    expect(limit.converged).toBe(false)
    expect(limit.steps).toBe(5)
    expect(limit.message).toMatch(/^maxSteps \(5\) reached/)
    const nan = tg.newton((x: S) => x.log(), f64(-1))
    expect([nan.converged, nan.message]).toEqual([false, "f(x) is not finite after 0 steps"])
  })

  it("rejects non-square systems and bad options with typed errors", () => {
    expect(() => tg.newton((v: V2) => v.sum(), tg.tensor([1, 2], { dtype: "f64" }))).toThrow(ShapeError)
    expect(() => tg.newton((x: S) => x, f64(1), { maxSteps: 0 })).toThrow(SolverError)
    expect(() => tg.newton((x: S) => x, f64(1), { tol: -1 })).toThrow(SolverError)
  })
})
