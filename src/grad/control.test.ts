import { describe, expect, it } from "vitest"
import { TransformError } from "../errors.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { fori, scan, whileLoop } from "./control.js"
import { hessian, jacfwd, jacrev } from "./jacobian.js"
import { jit } from "./jit.js"
import { jvp } from "./jvp.js"
import { arr, close, item, t } from "./test-util.js"
import { grad } from "./vjp.js"
import { vmap } from "./vmap.js"

// a nonlinear recurrence h' = tanh(w·h + x), with outputs y = h'·h'
const step = (w: AnyTensor) => (h: AnyTensor, x: AnyTensor) => {
  const h2 = lax.tanh(lax.add(lax.mul(w, h), x))
  return [h2, lax.mul(h2, h2)] as const
}
const viaScan = (w: AnyTensor, h0: AnyTensor, xs: AnyTensor) => {
  const [h, ys] = scan(step(w), h0, xs)
  return lax.add(lax.reduceSum(h, [0]), lax.reduceSum(ys, [0, 1]))
}
const unrolled = (w: AnyTensor, h0: AnyTensor, xs: AnyTensor) => {
  let h = h0,
    total: AnyTensor = lax.scalar(0, h0)
  const [n, m] = xs.shape as [number, number]
  for (let i = 0; i < n; i++) {
    const [h2, y] = step(w)(h, lax.reshape(lax.slice(xs, [i, 0], [1, 1], [1, m]), [m]))
    h = h2
    total = lax.add(total, lax.reduceSum(y, [0]))
  }
  return lax.add(lax.reduceSum(h, [0]), total)
}
const w = t([0.5, -0.8]),
  h0 = t([0.1, 0.2]),
  xs = t([
    [0.3, -0.1],
    [1, 0.5],
    [-0.7, 0.2],
    [0.05, 0.9],
  ])

describe("scan", () => {
  it("forward values equal the unrolled loop", () => {
    expect(item(viaScan(w, h0, xs))).toBeCloseTo(item(unrolled(w, h0, xs)), 14)
    const [c, ys] = scan((c: AnyTensor, x: AnyTensor) => [lax.add(c, x), lax.add(c, x)], t(0), t([1, 2, 3]))
    expect(item(c)).toBe(6)
    expect(arr(ys)).toEqual([1, 3, 6])
    const [, rev] = scan((c: AnyTensor, x: AnyTensor) => [lax.add(c, x), lax.add(c, x)], t(0), t([1, 2, 3]), { reverse: true })
    expect(arr(rev)).toEqual([6, 5, 3])
  })
  it("grad through scan equals grad of the unrolled loop (all arguments)", () => {
    const gs = grad(viaScan, { argnums: [0, 1, 2] })(w, h0, xs)
    const gu = grad(unrolled, { argnums: [0, 1, 2] })(w, h0, xs)
    gs.forEach((g, i) => expect(close(arr(g), arr(gu[i]!), 1e-13)).toBe(true))
  })
  it("jvp, jacfwd and second order through scan", () => {
    const f = (v: AnyTensor) => viaScan(v, h0, xs),
      g = (v: AnyTensor) => unrolled(v, h0, xs)
    expect(item(jvp(f, [w], [t([1, 2])])[1])).toBeCloseTo(item(jvp(g, [w], [t([1, 2])])[1]), 13)
    expect(close(arr(jacfwd(f)(w)), arr(jacrev(g)(w)), 1e-12)).toBe(true)
    expect(close(arr(hessian(f)(w)), arr(hessian(g)(w)), 1e-11)).toBe(true)
  })
  it("vmap of scan and of grad through scan", () => {
    const batch = t([
      [0.5, -0.8],
      [0.1, 0.2],
      [1, 1],
    ])
    const ys = vmap((v: AnyTensor) => viaScan(v, h0, xs))(batch)
    expect(
      close(
        arr(ys),
        [0, 1, 2].map((i) => item(unrolled(t(arr(batch).slice(2 * i, 2 * i + 2)), h0, xs))),
        1e-13,
      ),
    ).toBe(true)
    const gs = vmap(grad((v: AnyTensor) => viaScan(v, h0, xs)))(batch)
    const gu = [0, 1, 2].flatMap((i) => arr(grad((v: AnyTensor) => unrolled(v, h0, xs))(t(arr(batch).slice(2 * i, 2 * i + 2)))))
    expect(close(arr(gs), gu, 1e-12)).toBe(true)
  })
  it("jit of a function with a scan", () => {
    expect(item(jit(viaScan)(w, h0, xs))).toBeCloseTo(item(viaScan(w, h0, xs)), 14)
  })
})

describe("fori and whileLoop", () => {
  it("fori halves ten times; its gradient is 2^-10", () => {
    const f = (x: AnyTensor) => fori(0, 10, (_i, c: AnyTensor) => lax.mul(c, 0.5), x)
    expect(item(f(t(1)))).toBe(1 / 1024)
    expect(item(grad(f)(t(3)))).toBe(1 / 1024)
    expect(item(fori(2, 5, (i, c: AnyTensor) => lax.add(c, lax.cast(i, "f64")), t(0)))).toBe(9)
  })
  it("whileLoop runs until the predicate fails; jvp works, grad says why not", () => {
    const f = (x: AnyTensor) =>
      whileLoop(
        (c: AnyTensor) => lax.compare(c, 100, "lt"),
        (c: AnyTensor) => lax.mul(c, 2),
        x,
      )
    expect(item(f(t(1)))).toBe(128)
    expect(item(jvp(f, [t(3)], [t(1)])[1])).toBe(64)
    expect(() => grad(f)(t(3))).toThrow(/whileLoop: reverse-mode/)
    expect(() => grad(f)(t(3))).toThrow(TransformError)
  })
})
