import { describe, expect, it } from "vitest"
import { ShapeError, TransformError } from "../errors.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { cond, customJvp, customVjp } from "./custom.js"
import { hessian, jacfwd } from "./jacobian.js"
import { jit } from "./jit.js"
import { jvp } from "./jvp.js"
import { arr, close, fdGrad, item, t } from "./test-util.js"
import { grad, valueAndGrad } from "./vjp.js"
import { vmap } from "./vmap.js"

describe("cond", () => {
  const f = (x: AnyTensor) =>
    cond(
      lax.compare(x, 0, "gt"),
      (v: AnyTensor) => lax.mul(v, v),
      (v: AnyTensor) => lax.sin(v),
      x,
    )
  it("evaluates one branch and differentiates it", () => {
    expect(item(f(t(3)))).toBe(9)
    expect(item(f(t(-1)))).toBe(Math.sin(-1))
    expect(item(grad(f)(t(3)))).toBe(6)
    expect(item(grad(f)(t(-1)))).toBe(Math.cos(-1))
    expect(item(jvp(f, [t(2)], [t(1)])[1])).toBe(4)
    expect(item(grad(grad(f))(t(-0.5)))).toBeCloseTo(-Math.sin(-0.5), 15)
  })
  it("reverse mode through a product of the cond's output with another traced value (the primal output stays known)", () => {
    // d/dx x·cond(x > 0, sin 2x, tanh(x + 1/2)): sin 2x + 2x·cos 2x, or tanh(x + 1/2) + x·(1 − tanh²(x + 1/2))
    const h = (x: AnyTensor) =>
      lax.mul(
        x,
        cond(
          lax.compare(x, 0, "gt"),
          (v: AnyTensor) => lax.sin(lax.mul(v, 2)),
          (v: AnyTensor) => lax.tanh(lax.add(v, 0.5)),
          x,
        ),
      )
    expect(item(grad(h)(t(0.3)))).toBeCloseTo(Math.sin(0.6) + 0.6 * Math.cos(0.6), 14)
    expect(item(grad(h)(t(-0.3)))).toBeCloseTo(Math.tanh(0.2) - 0.3 * (1 - Math.tanh(0.2) ** 2), 14)
    expect(item(grad(grad(h))(t(0.3)))).toBeCloseTo(4 * Math.cos(0.6) - 1.2 * Math.sin(0.6), 12)
  })
  it("vmap with a batched predicate selects per example", () => {
    expect(arr(vmap(f)(t([3, -1, 2])))).toEqual([9, Math.sin(-1), 4])
    expect(arr(vmap(grad(f))(t([3, -1, 2])))).toEqual([6, Math.cos(-1), 4])
  })
  it("jit of a function with cond replays both paths", () => {
    const g = jit(f)
    expect(item(g(t(3)))).toBe(9)
    expect(item(g(t(-1)))).toBe(Math.sin(-1))
  })
  it("branches of different shapes or structure are a ShapeError in every mode", () => {
    const bad = (x: AnyTensor) =>
      cond(
        lax.compare(lax.reduceSum(x, [0]), 0, "gt"),
        (v: AnyTensor) => v,
        (v: AnyTensor) => lax.reduceSum(v, [0]),
        x,
      )
    const msg = /cond: branches return different types: f64\[\] vs f64\[2\]/
    expect(() => bad(t([1, 2]))).toThrow(ShapeError)
    expect(() => bad(t([1, 2]))).toThrow(msg)
    expect(() => jit(bad)(t([1, 2]))).toThrow(msg)
    expect(() => grad((x: AnyTensor) => lax.reduceSum(bad(x), [0]))(t([1, 2]))).toThrow(msg)
    // a batched predicate: both branches run and are selected per example
    const perRow = (x: AnyTensor) =>
      cond(
        lax.compare(lax.reduceSum(x, [0]), 0, "gt"),
        (v: AnyTensor) => v,
        (v: AnyTensor) => lax.reduceSum(v, [0]),
        x,
      )
    expect(() =>
      vmap(perRow)(
        t([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(msg)
    const tree = (x: AnyTensor) =>
      cond(
        lax.compare(x, 0, "gt"),
        (v: AnyTensor) => ({ a: v }),
        (v: AnyTensor) => ({ b: v }) as unknown as { a: AnyTensor },
        x,
      )
    expect(() => tree(t(1))).toThrow(/trees of different structure/)
  })
})

describe("custom rules", () => {
  it("customJvp: a stable softplus derivative, used by jvp, grad and hessian", () => {
    let used = 0
    const softplus = customJvp(
      (x: AnyTensor) => lax.log1p(lax.exp(x)),
      ([x], [dx]) => {
        used++
        return [lax.log1p(lax.exp(x)), lax.mul(dx, lax.sigmoid(x))] as const
      },
    )
    // naive derivative exp(x)/(1+exp(x)) is inf/inf = NaN at x = 800; the rule gives 1
    expect(item(grad((x: AnyTensor) => softplus(x))(t(800)))).toBe(1)
    expect(item(jvp(softplus, [t(0)], [t(2)])[1])).toBe(1)
    expect(item(hessian((x: AnyTensor) => lax.reduceSum(softplus(x), [0]))(t([0])))).toBeCloseTo(0.25, 15)
    expect(used).toBeGreaterThan(0)
  })
  it("customVjp under forward mode is a TransformError that says to use customJvp", () => {
    const f = customVjp(
      (x: AnyTensor) => lax.mul(x, x),
      (x: AnyTensor) => [lax.mul(x, x), x] as const,
      (x: AnyTensor, g: AnyTensor) => [lax.mul(g, lax.mul(x, 2))] as const,
    )
    expect(() => jvp(f, [t(2)], [t(1)])).toThrow(TransformError)
    expect(() => jvp(f, [t(2)], [t(1)])).toThrow(/define the rule with customJvp/)
  })
  it("customVjp: a straight-through estimator", () => {
    const ste = customVjp(
      (x: AnyTensor) => lax.sign(x),
      (x: AnyTensor) => [lax.sign(x), null] as const,
      (_r: null, g: AnyTensor) => [g] as const,
    )
    const loss = (x: AnyTensor) => lax.reduceSum(lax.mul(ste(x), t([1, 2, 3])), [0])
    expect(arr(grad(loss)(t([0.5, -0.2, 0.1])))).toEqual([1, 2, 3])
    expect(
      arr(
        vmap(grad(loss))(
          t([
            [0.5, -0.2, 0.1],
            [1, 1, 1],
          ]),
        ),
      ),
    ).toEqual([1, 2, 3, 1, 2, 3])
    expect(() => jacfwd(loss)(t([0.5, -0.2, 0.1]))).toThrow(/forward-mode/)
  })
  it("customVjp: stable log-sum-exp with a saved softmax residual", () => {
    const lse = customVjp(
      (x: AnyTensor) => {
        const m = lax.reduceMax(x, [0])
        return lax.add(m, lax.log(lax.reduceSum(lax.exp(lax.sub(x, m)), [0])))
      },
      (x: AnyTensor) => {
        const m = lax.reduceMax(x, [0])
        const e = lax.exp(lax.sub(x, m))
        const s = lax.reduceSum(e, [0])
        return [lax.add(m, lax.log(s)), lax.div(e, s)] as const
      },
      (p: AnyTensor, g: AnyTensor) => [lax.mul(p, g)] as const,
    )
    const x = t([1000, 1001, 999])
    const g = arr(grad(lse)(x))
    const e = [Math.exp(-1), 1, Math.exp(-2)],
      s = e.reduce((a, b) => a + b)
    expect(
      close(
        g,
        e.map((v) => v / s),
        1e-15,
      ),
    ).toBe(true)
    expect(close(arr(grad(lse)(t([0.1, 0.2]))), fdGrad(lse, t([0.1, 0.2])), 1e-8)).toBe(true)
  })
})

describe("scenarios", () => {
  it("facility location: gradient steps reach the Fermat point", () => {
    const cities = t([
      [0, 0],
      [10, 0],
      [0, 10],
    ])
    const loss = (c: AnyTensor) => lax.reduceSum(lax.sqrt(lax.reduceSum(lax.pow(lax.sub(cities, c), 2), [1])), [0])
    const step = jit(valueAndGrad(loss))
    let c = t([1, 1]),
      v = 0
    for (let i = 0; i < 2000; i++) {
      const [l, g] = step(c)
      v = item(l)
      c = lax.sub(c, lax.mul(g, 0.1))
    }
    const fermat = 5 - 5 / Math.sqrt(3) // (2.1132, 2.1132)
    expect(Math.abs(arr(c)[0]! - fermat)).toBeLessThan(1e-3)
    expect(Math.abs(arr(c)[1]! - fermat)).toBeLessThan(1e-3)
    expect(v).toBeCloseTo(19.3185, 4)
  })
  it("Newton's method from jvp finds the cube root of 2", () => {
    const f = (x: AnyTensor) => lax.sub(lax.mul(lax.mul(x, x), x), 2)
    let x = t(1)
    for (let i = 0; i < 8; i++) {
      const [y, dy] = jvp(f, [x], [t(1)])
      x = lax.sub(x, lax.div(y, dy))
    }
    expect(item(x)).toBeCloseTo(Math.cbrt(2), 15)
  })
})
