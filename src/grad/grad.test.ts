import { describe, expect, it } from "vitest"
import { DTypeError, TracerLeak, ShapeError } from "../errors.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { grad, valueAndGrad, vjp } from "./vjp.js"
import { jvp } from "./jvp.js"
import { linearize } from "./linearize.js"
import { arr, close, fdGrad, item, t } from "./test-util.js"

describe("grad", () => {
  it("grad(x*x)(3) is exactly 6 (f32)", () => {
    expect(item(grad((x: AnyTensor) => lax.mul(x, x))(t(3, "f32")))).toBe(6)
  })
  it("grad(grad(x*x*x))(2) is 12", () => {
    const f = (x: AnyTensor) => lax.mul(lax.mul(x, x), x)
    expect(item(grad(grad(f))(t(2, "f32")))).toBe(12)
    expect(item(grad(grad(grad(f)))(t(2)))).toBe(6)
  })
  it("matches central finite differences on a composite function", () => {
    const f = (x: AnyTensor) => lax.reduceSum(lax.mul(lax.sin(x), lax.exp(lax.div(x, lax.add(lax.mul(x, x), 1)))), [0])
    const x = t([0.3, -1.2, 2.0, 0.7])
    expect(close(arr(grad(f)(x)), fdGrad(f, x), 1e-7)).toBe(true)
  })
  it("argnums picks arguments and keeps pytree structure", () => {
    const f = (p: { w: AnyTensor; b: AnyTensor }, x: AnyTensor) => lax.reduceSum(lax.add(lax.mul(p.w, x), p.b), [0])
    const p = { w: t([1, 2]), b: t([3, 4]) }
    const g = grad(f)(p, t([5, 6]))
    expect(arr(g.w)).toEqual([5, 6])
    expect(arr(g.b)).toEqual([1, 1])
    const [gp, gx] = grad(f, { argnums: [0, 1] })(p, t([5, 6]))
    expect(arr(gp.b)).toEqual([1, 1])
    expect(arr(gx)).toEqual([1, 2])
  })
  it("requires a scalar output", () => {
    expect(() => grad((x: AnyTensor) => x)(t([1, 2]))).toThrow(ShapeError)
  })
  it("a gradient with respect to an integer or bool input is a DTypeError naming the input", () => {
    const f = (x: AnyTensor) => lax.reduceSum(lax.cast(x, "f32"), [0])
    expect(() => grad(f)(t([1, 2], "i32"))).toThrow(DTypeError)
    expect(() => grad(f)(t([1, 2], "i32"))).toThrow(/grad: differentiated input 0 is i32/)
    expect(() =>
      grad((a: AnyTensor, b: AnyTensor) => lax.reduceSum(lax.mul(a, lax.cast(b, "f64")), [0]), { argnums: [0, 1] })(
        t([1, 2]),
        t([1, 0], "bool"),
      ),
    ).toThrow(/input 1 is bool/)
  })
  it("valueAndGrad returns the value", () => {
    const [v, g] = valueAndGrad((x: AnyTensor) => lax.reduceSum(lax.mul(x, x), [0]))(t([1, 2, 3]))
    expect(item(v)).toBe(14)
    expect(arr(g)).toEqual([2, 4, 6])
  })
  it("zero gradients for unused inputs and stopGradient", () => {
    expect(arr(grad((_x: AnyTensor, y: AnyTensor) => lax.reduceSum(y, [0]))(t([1, 2]), t([1])))).toEqual([0, 0])
    expect(item(grad((x: AnyTensor) => lax.mul(x, lax.stopGradient(x)))(t(3)))).toBe(3)
  })
})

describe("jvp / vjp / linearize", () => {
  it("jvp of sin at 0 along 2", () => {
    const [y, dy] = jvp((x: AnyTensor) => lax.sin(x), [t(0)], [t(2)])
    expect(item(y)).toBe(0)
    expect(item(dy)).toBe(2)
  })
  it("vjp pulls back a cotangent through a matmul", () => {
    const A = t([
      [1, 2],
      [3, 4],
    ])
    const [y, pull] = vjp((a: AnyTensor, x: AnyTensor) => lax.matmul(a, x), A, t([[1], [1]]))
    expect(arr(y)).toEqual([3, 7])
    const [ga, gx] = pull(t([[1], [0]]))
    expect(arr(ga)).toEqual([1, 1, 0, 0])
    expect(arr(gx)).toEqual([1, 2])
  })
  it("linearize evaluates the staged tangent map", () => {
    const [y, lin] = linearize((x: AnyTensor) => lax.mul(lax.sin(x), x), t(1))
    expect(item(y)).toBeCloseTo(Math.sin(1), 12)
    expect(item(lin(t(2)))).toBeCloseTo(2 * (Math.cos(1) + Math.sin(1)), 12)
  })
  it("<J t, c> = <t, Jᵀ c>", () => {
    const f = (x: AnyTensor) => lax.tanh(lax.matmul(x, lax.transpose(x, [1, 0])))
    const x = t([
      [0.1, 0.2, -0.3],
      [0.5, -0.4, 0.2],
    ])
    const tan = t([
      [1, -2, 0.5],
      [0.3, 0.3, -1],
    ])
    const c = t([
      [1, 2],
      [-1, 0.5],
    ])
    const [, jt] = jvp(f, [x], [tan])
    const [, pull] = vjp(f, x)
    const [jtc] = pull(c)
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0)
    expect(dot(arr(jt), arr(c))).toBeCloseTo(dot(arr(tan), arr(jtc)), 12)
  })
})

describe("tracer leaks", () => {
  it("using a tracer after grad returned names grad", () => {
    let leaked: AnyTensor | undefined
    grad((x: AnyTensor) => {
      leaked = x
      return lax.mul(x, x)
    })(t(1))
    expect(() => lax.add(leaked!, 1)).toThrow(TracerLeak)
    try {
      lax.add(leaked!, 1)
    } catch (e) {
      expect((e as TracerLeak).transform).toBe("grad")
      expect((e as TracerLeak).message).toMatch(/grad/)
    }
  })
})
