import { describe, expect, it } from "vitest"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { whileLoop } from "./control.js"
import { customJvp, customVjp } from "./custom.js"
import { jacfwd } from "./jacobian.js"
import { jit } from "./jit.js"
import { jvp } from "./jvp.js"
import { arr, close, item, t } from "./test-util.js"
import { grad } from "./vjp.js"
import { vmap } from "./vmap.js"

const lt = (a: AnyTensor, b: number | AnyTensor) => lax.compare(a, b, "lt")
// multiply by x until past 100: the trip count depends on the value
const untilLarge = (x: AnyTensor) =>
  whileLoop(
    (c: AnyTensor) => lt(c, 100),
    (c: AnyTensor) => lax.mul(c, x),
    x,
  )

describe("vmap of whileLoop", () => {
  it("each lane runs its own trip count (equals a loop over examples)", () => {
    const f = (x: AnyTensor) =>
      whileLoop(
        (c: AnyTensor) => lt(c, 100),
        (c: AnyTensor) => lax.mul(c, 2),
        x,
      )
    const xs = [1, 3, 50, 200, 99.5]
    expect(arr(vmap(f)(t(xs)))).toEqual(xs.map((x) => item(f(t(x)))))
    expect(arr(vmap(f)(t(xs)))).toEqual([128, 192, 100, 200, 199])
    expect(arr(vmap(untilLarge)(t([3, 2, 11, 1.5])))).toEqual([3, 2, 11, 1.5].map((x) => item(untilLarge(t(x)))))
  })
  it("tree carries, a batched constant and a mapped axis other than 0", () => {
    // halve a vector until its largest entry is at most a per-example limit, counting the steps
    const f = (x: AnyTensor, limit: AnyTensor) => {
      const [v, n] = whileLoop(
        ([c]: readonly [AnyTensor, AnyTensor]) => lax.compare(lax.reduceMax(c, [0]), limit, "gt"),
        ([c, k]) => [lax.mul(c, 0.5), lax.add(k, 1)] as const,
        [x, lax.scalar(0, x)] as const,
      )
      return lax.add(v, lax.mul(n, 1000))
    }
    const xs = t([
        [64, 10, 3],
        [5, 1000, 0.5],
      ]),
      limits = t([1, 7, 4])
    const got = vmap(f, { inAxes: [1, 0] })(xs, limits)
    expect(got.shape).toEqual([3, 2])
    const want = [
      [[64, 5], 1],
      [[10, 1000], 7],
      [[3, 0.5], 4],
    ].flatMap(([x, l]) => arr(f(t(x), t(l))))
    expect(arr(got)).toEqual(want)
    expect(want).toEqual([6000 + 1, 6000 + 5 / 64, 8000 + 10 / 256, 8000 + 1000 / 256, 3, 0.5])
  })
  it("forward-mode derivatives per lane: vmap(jvp), jvp(vmap) and jacfwd of a vector function", () => {
    const xs = [3, 2, 11, 1.5]
    // d/dx x^(k+1) = (k+1)·x^k where k is the lane's trip count
    const per = xs.map((x) => item(jvp(untilLarge, [t(x)], [t(1)])[1]))
    expect(per).toEqual([405, 7 * 64, 2 * 11, per[3]])
    expect(arr(vmap((x: AnyTensor) => jvp(untilLarge, [x], [lax.scalar(1, x)])[1])(t(xs)))).toEqual(per)
    expect(arr(jvp(vmap(untilLarge), [t(xs)], [t([1, 1, 1, 1])])[1])).toEqual(per)
    // a vector carry: jacfwd batches the tangents through the loop
    const g = (v: AnyTensor) =>
      whileLoop(
        (c: AnyTensor) => lt(lax.reduceSum(c, [0]), 50),
        (c: AnyTensor) => lax.mul(c, v),
        v,
      )
    const v = t([2, 1.5])
    const j = arr(jacfwd(g)(v))
    // Σc: 3.5 → 6.25 → 11.375 → 21.06 → 39.59 → 73.6, so c = v⁶ and J = diag(6v⁵)
    expect(close(j, [6 * 2 ** 5, 0, 0, 6 * 1.5 ** 5], 1e-14)).toBe(true)
  })
  it("jit of a vmapped whileLoop", () => {
    expect(arr(jit(vmap(untilLarge))(t([3, 2, 11])))).toEqual([243, 128, 121])
  })
})

describe("custom rules under vmap inside a derivative", () => {
  it("customJvp: grad(vmap(f)) uses the (batched) rule", () => {
    let calls = 0
    const softplus = customJvp(
      (x: AnyTensor) => lax.log1p(lax.exp(x)),
      ([x], [dx]) => {
        calls++
        return [lax.log1p(lax.exp(x)), lax.mul(dx, lax.sigmoid(x))] as const
      },
    )
    const naive = (x: AnyTensor) => lax.log1p(lax.exp(x))
    const loss = (f: (x: AnyTensor) => AnyTensor) => (x: AnyTensor) => lax.reduceSum(vmap(f)(x), [0])
    const x = t([800, 0, -800, 1.5])
    expect(Number.isNaN(arr(grad(loss(naive))(x))[0])).toBe(true) // inf·0 without the rule
    const g = arr(grad(loss(softplus))(x))
    expect(close(g, [1, 0.5, 0, 1 / (1 + Math.exp(-1.5))], 1e-15)).toBe(true)
    expect(calls).toBeGreaterThan(0)
    // forward mode over the batched rule, and a shared (unmapped) argument
    expect(close(arr(jacfwd(vmap(softplus))(t([0, 2]))), [0.5, 0, 0, 1 / (1 + Math.exp(-2))], 1e-15)).toBe(true)
    const scaled = customJvp(
      (x: AnyTensor, s: AnyTensor) => lax.mul(x, s),
      ([x, s], [dx, ds]) => [lax.mul(x, s), lax.add(lax.mul(dx, s), lax.mul(x, ds))] as const,
    )
    const gs = grad((s: AnyTensor) => lax.reduceSum(vmap(scaled, { inAxes: [0, null] })(t([1, 2, 3]), s), [0]))(t(5))
    expect(item(gs)).toBe(6)
  })
  it("customVjp: grad(vmap(f)) uses the batched fwd/bwd; a shared argument's cotangent is summed", () => {
    // a deliberately scaled backward pass proves the rule (not the body) is differentiated
    const mulx10 = customVjp(
      (a: AnyTensor, b: AnyTensor) => lax.mul(a, b),
      (a: AnyTensor, b: AnyTensor) => [lax.mul(a, b), { a, b }] as const,
      (r: { a: AnyTensor; b: AnyTensor }, g: AnyTensor) => [lax.mul(lax.mul(g, r.b), 10), lax.mul(lax.mul(g, r.a), 10)] as const,
    )
    const as = t([1, 2, 3]),
      b = t(0.5)
    const loss = (a: AnyTensor, bb: AnyTensor) => lax.reduceSum(vmap(mulx10, { inAxes: [0, null] })(a, bb), [0])
    const [ga, gb] = grad(loss, { argnums: [0, 1] })(as, b)
    expect(arr(ga)).toEqual([5, 5, 5])
    expect(item(gb)).toBe(60) // Σ 10·a
    // the same as a loop over examples
    const loop = [1, 2, 3].map((a) => grad(mulx10, { argnums: [0, 1] })(t(a), b))
    expect(arr(ga)).toEqual(loop.map(([g]) => item(g)))
    expect(item(gb)).toBe(loop.reduce((s, [, g]) => s + item(g), 0))
    // null residuals, the straight-through estimator
    const ste = customVjp(
      (x: AnyTensor) => lax.sign(x),
      (x: AnyTensor) => [lax.sign(x), null] as const,
      (_r: null, g: AnyTensor) => [g] as const,
    )
    expect(arr(grad((x: AnyTensor) => lax.reduceSum(lax.mul(vmap(ste)(x), t([1, 2, 3])), [0]))(t([0.5, -0.2, 0.1])))).toEqual([1, 2, 3])
  })
  it("a rule whose function closes over a batched value falls back to the body (still the right derivative)", () => {
    const cube = (v: AnyTensor) => lax.mul(lax.mul(v, v), v)
    const f = (y: AnyTensor) =>
      customJvp(
        (x: AnyTensor) => lax.mul(cube(x), y),
        ([x], [dx]) => [lax.mul(cube(x), y), lax.mul(lax.mul(lax.mul(dx, x), x), lax.mul(y, 3))] as const,
      )
    // d/dx Σ_i x³·y_i = 3x²·Σy
    const g = grad((x: AnyTensor) => lax.reduceSum(vmap((y: AnyTensor) => f(y)(x))(t([1, 2, 3])), [0]))(t(2))
    expect(item(g)).toBe(3 * 4 * 6)
  })
  it("customVjp under vmap: residuals that are not tensors are a clear error", () => {
    const bad = customVjp(
      (x: AnyTensor) => lax.sin(x),
      (x: AnyTensor) => [lax.sin(x), { n: 3 }] as const,
      (_r: { n: number }, g: AnyTensor) => [g] as const,
    )
    expect(() => grad((x: AnyTensor) => lax.reduceSum(vmap(bad)(x), [0]))(t([1, 2]))).toThrow(/customVjp: under vmap the residuals/)
  })
})
