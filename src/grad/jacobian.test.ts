import { describe, expect, it } from "vitest"
import { ShapeError } from "../errors.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { hessian, jacfwd, jacrev } from "./jacobian.js"
import { arr, close, item, t } from "./test-util.js"

/** f64 central differences of every output leaf of `f` w.r.t. element k of input leaf j, as `[...out, ...in]` row-major. */
const fdJac = (f: (xs: AnyTensor[]) => AnyTensor[], xs: AnyTensor[], i: number, j: number, eps = 1e-6): number[] => {
  const base = arr(xs[j]!)
  const cols = base.map((_, k) => {
    const at = (d: number) => {
      const v = base.slice()
      v[k]! += d
      return arr(f(xs.map((x, m) => (m === j ? lax.reshape(t(v), x.shape) : x)))[i]!)
    }
    const up = at(eps),
      dn = at(-eps)
    return up.map((u, r) => (u - dn[r]!) / (2 * eps))
  })
  const m = cols[0]!.length
  return Array.from({ length: m * base.length }, (_, q) => cols[q % base.length]![Math.floor(q / base.length)]!)
}

// a tree in, a tree out: y = tanh(W·x + b), s = Σ b² · sin(x₀)
const model = (p: { w: AnyTensor; b: AnyTensor }, x: AnyTensor) => ({
  y: lax.tanh(lax.add(lax.reduceSum(lax.mul(p.w, x), [1]), p.b)),
  s: lax.mul(lax.reduceSum(lax.mul(p.b, p.b), [0]), lax.sin(lax.reshape(lax.slice(x, [0], [1], [1]), []))),
})
const p = {
  w: t([
    [0.3, -0.2, 0.5],
    [1.1, 0.4, -0.7],
  ]),
  b: t([0.1, -0.3]),
}
const x = t([0.7, -1.3, 0.2])
// the same model on flat leaves [b, w] (sorted keys), outputs [s, y]
const flatModel = (xs: AnyTensor[]) => {
  const o = model({ b: xs[0]!, w: xs[1]! }, x)
  return [o.s, o.y]
}

describe("Jacobians over pytrees", () => {
  it("jacrev and jacfwd of a tree → tree function: a tree of trees with out.shape ++ in.shape", () => {
    for (const jac of [jacrev, jacfwd]) {
      const j = jac(model)(p, x)
      expect(j.y.w.shape).toEqual([2, 2, 3])
      expect(j.y.b.shape).toEqual([2, 2])
      expect(j.s.w.shape).toEqual([2, 3])
      expect(j.s.b.shape).toEqual([2])
      expect(close(arr(j.y.w), fdJac(flatModel, [p.b, p.w], 1, 1), 1e-8)).toBe(true)
      expect(close(arr(j.y.b), fdJac(flatModel, [p.b, p.w], 1, 0), 1e-8)).toBe(true)
      expect(close(arr(j.s.b), fdJac(flatModel, [p.b, p.w], 0, 0), 1e-8)).toBe(true)
      expect(arr(j.s.w).map((v) => v + 0)).toEqual([0, 0, 0, 0, 0, 0])
    }
  })
  it("closed form: dy/db is diag(1 − y²), ds/db = 2b·sin x₀", () => {
    const j = jacrev(model)(p, x)
    const y = arr(model(p, x).y)
    expect(close(arr(j.y.b), [1 - y[0]! ** 2, 0, 0, 1 - y[1]! ** 2], 1e-15)).toBe(true)
    expect(
      close(
        arr(j.s.b),
        arr(p.b).map((b) => 2 * b * Math.sin(0.7)),
        1e-15,
      ),
    ).toBe(true)
  })
  it("argnums tuples: a tuple of Jacobians per output; jacfwd equals jacrev", () => {
    const f = (a: AnyTensor, v: AnyTensor) => [lax.reduceSum(lax.mul(a, v), [1]), lax.reduceSum(lax.exp(v), [0])] as const
    const jr = jacrev(f, { argnums: [0, 1] })(p.w, x)
    const jf = jacfwd(f, { argnums: [0, 1] })(p.w, x)
    expect(jr[0][0].shape).toEqual([2, 2, 3])
    expect(jr[0][1].shape).toEqual([2, 3])
    expect(jr[1][0].shape).toEqual([2, 3])
    expect(jr[1][1].shape).toEqual([3])
    // d(a·v)_i/dv = a_i, d Σ eᵛ/dv = eᵛ, d Σ eᵛ/da = 0
    expect(arr(jr[0][1])).toEqual(arr(p.w))
    expect(close(arr(jr[1][1]), arr(x).map(Math.exp), 1e-15)).toBe(true)
    expect(arr(jr[1][0]).map((v) => v + 0)).toEqual([0, 0, 0, 0, 0, 0])
    for (let i = 0; i < 2; i++) for (let k = 0; k < 2; k++) expect(close(arr(jf[i]![k]!), arr(jr[i]![k]!), 1e-14)).toBe(true)
    // a single argnum still gives the plain Jacobian
    expect(jacrev(f, { argnums: 1 })(p.w, x)[0].shape).toEqual([2, 3])
  })
  it("hessian over a record: blocks of the full Hessian, symmetric", () => {
    // L = a²·Σb + Σ b³: ∂²/∂a² = 2Σb, ∂²/∂a∂b = 2a, ∂²/∂b² = diag(6b)
    const L = (q: { a: AnyTensor; b: AnyTensor }) =>
      lax.add(lax.mul(lax.mul(q.a, q.a), lax.reduceSum(q.b, [0])), lax.reduceSum(lax.pow(q.b, 3), [0]))
    const h = hessian(L)({ a: t(1.5), b: t([0.5, -2]) })
    expect(item(h.a.a)).toBeCloseTo(2 * (0.5 - 2), 14)
    expect(arr(h.a.b)).toEqual([3, 3])
    expect(arr(h.b.a)).toEqual([3, 3])
    expect(close(arr(h.b.b), [3, 0, 0, -12], 1e-14)).toBe(true)
  })
  it("an integer output has a zero Jacobian of its dtype in both modes", () => {
    const f = (v: AnyTensor) => ({ a: lax.sin(v), n: lax.cast(v, "i32") })
    for (const jac of [jacrev, jacfwd]) {
      const j = jac(f)(t([1, 2]))
      expect(j.n.dtype).toBe("i32")
      expect(arr(j.n)).toEqual([0, 0, 0, 0])
      expect(close(arr(j.a), [Math.cos(1), 0, 0, Math.cos(2)], 1e-15)).toBe(true)
    }
  })
  it("a single tensor in and out is unchanged; errors name the transform", () => {
    expect(
      close(arr(jacfwd((v: AnyTensor) => lax.sin(v))(x)), [Math.cos(0.7), 0, 0, 0, Math.cos(-1.3), 0, 0, 0, Math.cos(0.2)], 1e-15),
    ).toBe(true)
    // @ts-expect-error argnums out of range (also a type error)
    expect(() => jacrev((v: AnyTensor) => lax.sin(v), { argnums: 3 })(x)).toThrow(/jacrev: argnums 3/)
    expect(() => jacfwd((v: AnyTensor) => lax.sin(v))(t([1, 2], "i32"))).toThrow(ShapeError)
  })
})
