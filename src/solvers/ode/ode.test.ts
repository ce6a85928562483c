// ODE integrators against closed forms (f64): exponential decay, y' = t·y, the harmonic
// oscillator's solution and energy; their orders of convergence; gradients with respect to
// parameters and initial states against analytic sensitivities; the adaptive solver's two engines
// agreeing; and the typed errors.
import { describe, expect, it } from "vitest"
import * as tg from "../../index.js"

type S = tg.Tensor<[], "f64", "cpu">
const f64 = (v: number): S => tg.scalar(v, { dtype: "f64" })
const decay = (k: number | S) => (_t: S, y: S) => y.mul(k).neg()

describe("odeEuler and odeRk4", () => {
  it("Euler on y' = −y is exactly (1 − h)^N, first order", () => {
    for (const n of [10, 100]) expect(tg.odeEuler(decay(1), f64(1), { t1: 1, steps: n }).y.item()).toBeCloseTo((1 - 1 / n) ** n, 13)
    const err = (n: number) => Math.abs(tg.odeEuler(decay(1), f64(1), { t1: 1, steps: n }).y.item() - Math.exp(-1))
    expect(err(200) / err(400)).toBeGreaterThan(1.9) // halving h halves the error
    expect(err(200) / err(400)).toBeLessThan(2.1)
  })

  it("RK4 on y' = −y: fourth order, 1e-7 with 20 steps; the trajectory is e^−t at every step", () => {
    const err = (n: number) => Math.abs(tg.odeRk4(decay(1), f64(1), { t1: 1, steps: n }).y.item() - Math.exp(-1))
    expect(err(20)).toBeLessThan(1e-7)
    const ratio = err(10) / err(20)
    expect(ratio).toBeGreaterThan(14) // 2⁴ = 16
    expect(ratio).toBeLessThan(18)
    const sol = tg.odeRk4(decay(1), f64(1), { t0: 0.5, t1: 2.5, steps: 40 })
    expect(sol.ys.shape).toEqual([40])
    const ys = sol.ys.dataSync()
    sol.ts.forEach((t, i) => expect(Math.abs(ys[i]! - Math.exp(-(t - 0.5)))).toBeLessThan(1e-7))
    expect(sol.ts[39]).toBeCloseTo(2.5, 14)
  })

  it("time enters the field: y' = t·y gives y = e^(t²/2)", () => {
    const f = (t: S, y: S) => y.mul(t)
    expect(Math.abs(tg.odeRk4(f, f64(1), { t1: 2, steps: 200 }).y.item() - Math.exp(2))).toBeLessThan(1e-6)
  })

  it("harmonic oscillator over a record state: q = cos t, p = −sin t, energy conserved to 1e-9 over 1000 RK4 steps", () => {
    const field = (_t: S, s: { q: S; p: S }) => ({ q: s.p, p: s.q.neg() })
    const sol = tg.odeRk4(field, { q: f64(1), p: f64(0) }, { t1: 10, steps: 1000 })
    expect(Math.abs(sol.y.q.item() - Math.cos(10))).toBeLessThan(1e-8)
    expect(Math.abs(sol.y.p.item() + Math.sin(10))).toBeLessThan(1e-8)
    const q = sol.ys.q.dataSync(),
      p = sol.ys.p.dataSync()
    for (let i = 0; i < 1000; i++) expect(Math.abs(0.5 * (q[i]! ** 2 + p[i]! ** 2) - 0.5)).toBeLessThan(1e-9)
    // forward Euler gains energy by the factor (1 + h²) each step: E_N = E_0 (1 + h²)^N
    const eu = tg.odeEuler(field, { q: f64(1), p: f64(0) }, { t1: 1, steps: 100 })
    const energy = 0.5 * (eu.y.q.item() ** 2 + eu.y.p.item() ** 2)
    expect(energy).toBeCloseTo(0.5 * (1 + 1e-4) ** 100, 12)
  })

  it("gradients: d/dk of y0·e^(−kt) is −t·y0·e^(−kt); d q(t)/d(q0, p0) = (cos t, sin t); Euler's exact discrete derivative", () => {
    const [k, t, y0] = [0.7, 1.5, 2]
    const dk = tg.grad((kk: S) => tg.odeRk4(decay(kk), f64(y0), { t1: t, steps: 60 }).y)(f64(k))
    expect(Math.abs(dk.item() - -t * y0 * Math.exp(-k * t))).toBeLessThan(1e-7)
    const field = (_t: S, s: { q: S; p: S }) => ({ q: s.p, p: s.q.neg() })
    const g = tg.grad((s0: { q: S; p: S }) => tg.odeRk4(field, s0, { t1: 2, steps: 100 }).y.q)({ q: f64(0.3), p: f64(-1.2) })
    expect(Math.abs(g.q.item() - Math.cos(2))).toBeLessThan(1e-8)
    expect(Math.abs(g.p.item() - Math.sin(2))).toBeLessThan(1e-8)
    // Euler: y_N = y0 (1 − k h)^N, so dy_N/dk = −N h y0 (1 − k h)^(N−1)
    const n = 30,
      h = t / n
    const de = tg.grad((kk: S) => tg.odeEuler(decay(kk), f64(y0), { t1: t, steps: n }).y)(f64(k))
    expect(de.item()).toBeCloseTo(-n * h * y0 * (1 - k * h) ** (n - 1), 12)
  })

  it("composes with jit (same values as eager) and vmap (a batch of initial states)", () => {
    type V = tg.Tensor<[3], "f64", "cpu">
    const solve = (y0: V) => tg.odeRk4((t: S, y: V) => y.mul(t.cos()), y0, { t1: 2, steps: 50 }).y // y = y0·e^(sin t)
    const y0 = tg.tensor(new Float64Array([1, -2, 0.5]), [3])
    const eager = solve(y0).dataSync(),
      staged = tg.jit(solve)(y0).dataSync()
    eager.forEach((v, i) => {
      expect(staged[i]!).toBeCloseTo(v, 12)
      expect(Math.abs(v - y0.dataSync()[i]! * Math.exp(Math.sin(2)))).toBeLessThan(1e-6)
    })
    const batch = tg.vmap((a: S) => tg.odeRk4(decay(2), a, { t1: 1, steps: 40 }).y)(tg.tensor(new Float64Array([1, 3]), [2]))
    const b = (batch as unknown as tg.Tensor<[2], "f64", "cpu">).dataSync()
    expect(Math.abs(b[0]! - Math.exp(-2))).toBeLessThan(1e-6)
    expect(Math.abs(b[1]! - 3 * Math.exp(-2))).toBeLessThan(1e-6)
  })

  it("refuses bad options and non-float states with a SolverError", () => {
    expect(() => tg.odeRk4(decay(1), f64(1), { t1: 1, steps: 0 })).toThrow(
      expect.objectContaining({ _tag: "SolverError", parameter: "steps" }),
    )
    expect(() => tg.odeEuler(decay(1), f64(1), { t1: Number.NaN, steps: 3 })).toThrow(
      expect.objectContaining({ _tag: "SolverError", parameter: "t1" }),
    )
    expect(() => tg.odeEuler((_t, y) => y, tg.scalar(1, { dtype: "i32" }), { t1: 1, steps: 3 })).toThrow(
      expect.objectContaining({ _tag: "SolverError", message: expect.stringContaining("pytree of float tensors, got i32") }),
    )
  })
})

describe("odeDopri5", () => {
  const tol = { rtol: 1e-8, atol: 1e-10 }

  it("exponential decay within the tolerance; the host loop and the fixed-trip scan take the same steps", () => {
    const host = tg.odeDopri5(decay(2), f64(1), { t1: 1, ...tol })
    expect(Math.abs(host.y.item() - Math.exp(-2))).toBeLessThan(1e-8)
    expect(host.reached.item()).toBe(true)
    const fixed = tg.odeDopri5(decay(2), f64(1), { t1: 1, ...tol, mode: "fixed-trip", maxSteps: 48 })
    expect(fixed.y.item()).toBeCloseTo(host.y.item(), 14)
    expect(fixed.accepted.item()).toBe(host.accepted.item())
    expect(fixed.rejected.item()).toBe(host.rejected.item())
    expect(fixed.reached.item()).toBe(true)
  })

  it("rejects too-large steps and still meets the tolerance; tighter tolerances take more steps", () => {
    const field = (t: S, y: S) => y.mul(t)
    const coarse = tg.odeDopri5(field, f64(1), { t1: 3, h0: 2, rtol: 1e-6, atol: 1e-9 })
    expect(coarse.rejected.item()).toBeGreaterThan(0)
    expect(Math.abs(coarse.y.item() / Math.exp(4.5) - 1)).toBeLessThan(1e-5)
    const fine = tg.odeDopri5(field, f64(1), { t1: 3, h0: 2, rtol: 1e-10, atol: 1e-12 })
    expect(Math.abs(fine.y.item() / Math.exp(4.5) - 1)).toBeLessThan(1e-9)
    expect(fine.accepted.item()).toBeGreaterThan(coarse.accepted.item())
  })

  it("harmonic oscillator over an array state: energy within 1e-7 at t = 20 (rtol 1e-8)", () => {
    const y0: [S, S] = [f64(1), f64(0)]
    const sol = tg.odeDopri5((_t, [q, p]: [S, S]) => [p, q.neg()] as [S, S], y0, { t1: 20, ...tol, maxSteps: 1000 })
    const [q, p] = [sol.y[0].item(), sol.y[1].item()]
    expect(Math.abs(0.5 * (q * q + p * p) - 0.5)).toBeLessThan(1e-7)
    expect(Math.abs(q - Math.cos(20))).toBeLessThan(1e-6)
  })

  it("gradients through the fixed-trip engine match d/dk y0·e^(−kt) and d/dy0", () => {
    const [k, t, y0] = [0.7, 1.5, 2]
    const opts = { t1: t, ...tol, maxSteps: 48 }
    const dk = tg.grad((kk: S) => tg.odeDopri5(decay(kk), f64(y0), opts).y)(f64(k))
    expect(Math.abs(dk.item() - -t * y0 * Math.exp(-k * t))).toBeLessThan(1e-7)
    const dy0 = tg.grad((a: S) => tg.odeDopri5(decay(k), a, opts).y)(f64(y0))
    expect(Math.abs(dy0.item() - Math.exp(-k * t))).toBeLessThan(1e-8)
  })

  it("under vmap each lane controls its own steps", () => {
    const ks = tg.tensor(new Float64Array([0.5, 1, 3]), [3])
    const solve = tg.vmap((kk: S) => tg.odeDopri5(decay(kk), f64(1), { t1: 1, ...tol, maxSteps: 64 }).y)
    const got = (solve(ks) as unknown as tg.Tensor<[3], "f64", "cpu">).dataSync()
    ;[0.5, 1, 3].forEach((kk, i) => expect(Math.abs(got[i]! - Math.exp(-kk))).toBeLessThan(1e-8))
  })

  it("runs out of attempts: the host loop throws, the fixed-trip scan reports reached = false", () => {
    const opts = { t1: 10, rtol: 1e-10, atol: 1e-12, maxSteps: 5 }
    expect(() => tg.odeDopri5(decay(1), f64(1), opts)).toThrow(expect.objectContaining({ _tag: "SolverError", parameter: "maxSteps" }))
    expect(tg.odeDopri5(decay(1), f64(1), { ...opts, mode: "fixed-trip" }).reached.item()).toBe(false)
  })

  it("bad options are SolverErrors; mode 'host' under grad says to use fixed-trip", () => {
    const err = (f: () => unknown, parameter: string) => expect(f).toThrow(expect.objectContaining({ _tag: "SolverError", parameter }))
    err(() => tg.odeDopri5(decay(1), f64(1), { t1: 0 }), "t1")
    err(() => tg.odeDopri5(decay(1), f64(1), { t1: 1, rtol: -1 }), "rtol")
    err(() => tg.odeDopri5(decay(1), f64(1), { t1: 1, h0: 0 }), "h0")
    err(() => tg.odeDopri5(decay(1), f64(1), { t1: 1, maxSteps: 0 }), "maxSteps")
    err(() => tg.grad((kk: S) => tg.odeDopri5(decay(kk), f64(1), { t1: 1, mode: "host" }).y)(f64(1)), "mode")
    err(() => tg.odeDopri5((_t, y) => y.mul(Number.NaN), f64(1), { t1: 1 }), "err")
  })
})
