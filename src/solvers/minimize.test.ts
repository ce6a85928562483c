/**
 * `minimize` and `lbfgs` on problems with known minima: Rosenbrock (minimum 0 at (1, 1)) and a
 * positive-definite quadratic ½xᵀAx − bᵀx (minimum at A⁻¹b, solved here by Gaussian elimination).
 */
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

type V2 = tg.Tensor<[2], "f64">
const rosenbrock = (p: V2) => {
  const x = p.slice("0"),
    y = p.slice("1")
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100))
}

// A = MᵀM + I for a fixed M: symmetric positive definite, 5×5
const M = [
  [1, 2, 0, -1, 0.5],
  [0, 1, 3, 0, -2],
  [2, 0, 1, 1, 0],
  [-1, 0.5, 0, 2, 1],
  [0, 1, -1, 0, 1],
]
const A = M.map((_, i) => M.map((_, j) => M.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)))
const b = [1, -2, 0.5, 3, -1]
const solve = (a: number[][], rhs: number[]): number[] => {
  const m = a.map((r, i) => [...r, rhs[i]!])
  const n = rhs.length
  for (let c = 0; c < n; c++) {
    const p = m.reduce((best, _, r) => (r >= c && Math.abs(m[r]![c]!) > Math.abs(m[best]![c]!) ? r : best), c)
    ;[m[c], m[p]] = [m[p]!, m[c]!]
    for (let r = 0; r < n; r++)
      if (r !== c) {
        const k = m[r]![c]! / m[c]![c]!
        for (let k2 = c; k2 <= n; k2++) m[r]![k2] = m[r]![k2]! - k * m[c]![k2]!
      }
  }
  return m.map((r, i) => r[n]! / r[i]!)
}
const xStar = solve(A, b)
const fStar = -0.5 * b.reduce((s, v, i) => s + v * xStar[i]!, 0) // ½x*ᵀAx* − bᵀx* = −½bᵀx*
const At = tg.tensor(A, { dtype: "f64" }),
  bt = tg.tensor(b, { dtype: "f64" })
type V5 = tg.Tensor<[5], "f64">
const quad = (x: V5) => x.dot(At.matmul(x)).mul(0.5).sub(bt.dot(x))
const x0 = () => tg.zeros([5], { dtype: "f64" }) as V5

const expectNear = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) =>
  Array.from(want).forEach((w, i) => expect(Math.abs(got[i]! - w), `x[${i}] = ${got[i]} vs ${w}`).toBeLessThan(tol))

describe("lbfgs", () => {
  it("Rosenbrock from (−1.5, 2) with strong Wolfe: (1, 1), value ≈ 0", () => {
    const r = tg.optim.lbfgs(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }))
    expect(r.converged, r.message).toBe(true)
    expectNear((r.x as tg.Tensor<[2], "f64", "cpu">).dataSync(), [1, 1], 1e-4)
    expect(r.value).toBeLessThan(1e-9)
    // with the change tolerance off, to the gradient tolerance
    const tight = tg.optim.lbfgs(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }), { gtol: 1e-10, ftol: 0 })
    expect(tight.converged, tight.message).toBe(true)
    expect(tight.message).toMatch(/gtol/)
    expectNear((tight.x as tg.Tensor<[2], "f64", "cpu">).dataSync(), [1, 1], 1e-9)
    expect(tight.value).toBeLessThan(1e-18)
    expect(r.steps).toBeLessThan(100)
    expect(r.evaluations).toBeGreaterThanOrEqual(r.steps)
  })

  it("the quadratic: A⁻¹b in at most a few iterations past the dimension", () => {
    const r = tg.optim.lbfgs(quad, x0(), { gtol: 1e-10, ftol: 0 })
    expect(r.converged, r.message).toBe(true)
    expectNear((r.x as tg.Tensor<[5], "f64", "cpu">).dataSync(), xStar, 1e-8)
    expect(r.value).toBeCloseTo(fStar, 10)
    expect(r.gradNorm).toBeLessThanOrEqual(1e-8)
  })

  it("without line search (torch's default) and with a short history, the quadratic still converges", () => {
    const r = tg.optim.lbfgs(quad, x0(), { lineSearch: "none", history: 3, maxSteps: 500, gtol: 1e-9, ftol: 0 })
    expect(r.converged, r.message).toBe(true)
    expectNear((r.x as tg.Tensor<[5], "f64", "cpu">).dataSync(), xStar, 1e-7)
  })

  it("over a pytree: Rosenbrock with x and y as separate leaves", () => {
    type P = { x: tg.Tensor<[], "f64">; y: tg.Tensor<[1], "f64"> }
    const f = (p: P) => p.x.neg().add(1).square().add(p.y.sub(p.x.square()).square().mul(100).sum())
    const r = tg.minimize(f, { x: tg.scalar(-1.2, { dtype: "f64" }), y: tg.tensor([1], { dtype: "f64" }) })
    expect(r.converged, r.message).toBe(true)
    expect((r.x.x as tg.Tensor<[], "f64", "cpu">).item()).toBeCloseTo(1, 4)
    expect((r.x.y as tg.Tensor<[1], "f64", "cpu">).dataSync()[0]).toBeCloseTo(1, 4)
  })

  it("two iterations without line search equal the explicit BFGS inverse-Hessian update (m = 1)", () => {
    // f = ½xᵀQx − cᵀx, g = Qx − c. Step 1: x₁ = x₀ − min(1, 1/‖g₀‖₁)·g₀. Step 2: d = −H₁g₁ with
    // H₁ = VᵀH₀V + ρssᵀ, V = I − ρysᵀ, ρ = 1/yᵀs, H₀ = (sᵀy/yᵀy)·I; x₂ = x₁ + d (lr 1)
    const Q = [
        [4, 1],
        [1, 3],
      ],
      c = [1, 2]
    const g = (x: number[]) => [Q[0]![0]! * x[0]! + Q[0]![1]! * x[1]! - c[0]!, Q[1]![0]! * x[0]! + Q[1]![1]! * x[1]! - c[1]!]
    const x0 = [2, -1],
      g0 = g(x0)
    const t = Math.min(1, 1 / (Math.abs(g0[0]!) + Math.abs(g0[1]!)))
    const x1 = [x0[0]! - t * g0[0]!, x0[1]! - t * g0[1]!],
      g1 = g(x1)
    const sv = [x1[0]! - x0[0]!, x1[1]! - x0[1]!],
      yv = [g1[0]! - g0[0]!, g1[1]! - g0[1]!]
    const ys = yv[0]! * sv[0]! + yv[1]! * sv[1]!,
      rho = 1 / ys,
      h0 = ys / (yv[0]! ** 2 + yv[1]! ** 2)
    const V = [
      [1 - rho * yv[0]! * sv[0]!, -rho * yv[0]! * sv[1]!],
      [-rho * yv[1]! * sv[0]!, 1 - rho * yv[1]! * sv[1]!],
    ]
    const H = [0, 1].map((i) => [0, 1].map((j) => h0 * (V[0]![i]! * V[0]![j]! + V[1]![i]! * V[1]![j]!) + rho * sv[i]! * sv[j]!))
    const x2 = [0, 1].map((i) => x1[i]! - (H[i]![0]! * g1[0]! + H[i]![1]! * g1[1]!))
    const Qt = tg.tensor(Q, { dtype: "f64" }),
      ct = tg.tensor(c, { dtype: "f64" })
    const f = (x: V2) => x.dot(Qt.matmul(x)).mul(0.5).sub(ct.dot(x))
    const r = tg.optim.lbfgs(f, tg.tensor([2, -1], { dtype: "f64" }), { lineSearch: "none", maxSteps: 2, gtol: 0, ftol: 0 })
    expect(r.steps).toBe(2)
    expectNear((r.x as tg.Tensor<[2], "f64", "cpu">).dataSync(), x2, 1e-13)
  })

  it("stops at maxSteps and says so", () => {
    const r = tg.optim.lbfgs(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }), { maxSteps: 3 })
    expect(r.converged).toBe(false)
    expect(r.steps).toBeLessThanOrEqual(3)
    expect(r.message).toMatch(/maxSteps \(3\)|maxEvals \(4\)/)
  })
})

describe("minimize", () => {
  it("gd on the quadratic reaches A⁻¹b", () => {
    // step 1/λmax-ish: λmax(A) < trace(A)
    const lr = 1 / A.reduce((s, r, i) => s + r[i]!, 0)
    const r = tg.minimize(quad, x0(), { method: "gd", lr, maxSteps: 20000, gtol: 1e-8 })
    expect(r.converged, r.message).toBe(true)
    expectNear((r.x as tg.Tensor<[5], "f64", "cpu">).dataSync(), xStar, 1e-6)
    expect(r.value).toBeCloseTo(fStar, 8)
  })

  it("adam on the quadratic gets close to A⁻¹b", () => {
    const r = tg.minimize(quad, x0(), { method: "adam", lr: 0.01, maxSteps: 5000, gtol: 1e-6 })
    expectNear((r.x as tg.Tensor<[5], "f64", "cpu">).dataSync(), xStar, 1e-4)
  })

  it("lbfgs is the default method; jit off gives the same answer", () => {
    const a = tg.minimize(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }))
    const b2 = tg.minimize(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }), { jit: false })
    expect(a.steps).toBe(b2.steps)
    expectNear((a.x as tg.Tensor<[2], "f64", "cpu">).dataSync(), (b2.x as tg.Tensor<[2], "f64", "cpu">).dataSync(), 1e-12)
  })

  it("a non-scalar objective is a NonScalarObjective naming the shape", () => {
    const bad = (x: V2) => x.square()
    for (const method of ["lbfgs", "gd", "adam"] as const) {
      try {
        tg.minimize(bad as never, tg.tensor([1, 2], { dtype: "f64" }), { method })
        expect.unreachable()
      } catch (e) {
        expect(e).toBeInstanceOf(tg.NonScalarObjective)
        expect((e as tg.NonScalarObjective).shape).toEqual([2])
        expect((e as Error).message).toMatch(/returned a tensor of shape \[2\], expected a scalar \(shape \[\]\)/)
      }
    }
  })
})
