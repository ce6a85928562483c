import { describe, expect, it } from "vitest"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { hessian, jacfwd, jacrev } from "./jacobian.js"
import { jvp } from "./jvp.js"
import { arr, close, item, t } from "./test-util.js"
import { grad } from "./vjp.js"
import { vmap } from "./vmap.js"

describe("vmap", () => {
  it("maps a dot product with a shared argument", () => {
    const dot = (a: AnyTensor, b: AnyTensor) => lax.reduceSum(lax.mul(a, b), [0])
    const y = vmap(dot, { inAxes: [0, null] })(
      t([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      t([1, 0, 1]),
    )
    expect(y.shape).toEqual([2])
    expect(arr(y)).toEqual([4, 10])
  })
  it("inAxes 1 and outAxes 1", () => {
    const y = vmap((x: AnyTensor) => lax.mul(x, 2), { inAxes: 1, outAxes: 1 })(
      t([
        [1, 2],
        [3, 4],
      ]),
    )
    expect(arr(y)).toEqual([2, 4, 6, 8])
    const s = vmap((x: AnyTensor) => lax.reduceSum(x, [0]), { inAxes: 1 })(
      t([
        [1, 2],
        [3, 4],
      ]),
    )
    expect(arr(s)).toEqual([4, 6])
  })
  it("pytree prefix specs", () => {
    const f = (p: { w: AnyTensor; b: AnyTensor }, x: AnyTensor) => lax.add(lax.matmul(x, p.w), p.b)
    const p = { w: t([[1], [2]]), b: t([10]) }
    const y = vmap(f, { inAxes: [{ w: null, b: null }, 0] })(p, t([[[1, 1]], [[2, 0]], [[0, 3]]]))
    expect(y.shape).toEqual([3, 1, 1])
    expect(arr(y)).toEqual([13, 12, 16])
  })
  it("vmap(grad(f)) equals stacking per-example grads", () => {
    const loss = (w: AnyTensor, x: AnyTensor) => lax.reduceSum(lax.tanh(lax.mul(w, x)), [0])
    const w = t([0.5, -1, 2])
    const xs = [
      [1, 2, 3],
      [0.1, 0.2, 0.3],
      [-1, 0, 1],
      [2, 2, 2],
    ]
    const batched = vmap(grad(loss), { inAxes: [null, 0] })(w, t(xs))
    const stacked = xs.flatMap((x) => arr(grad(loss)(w, t(x))))
    expect(close(arr(batched), stacked, 1e-14)).toBe(true)
  })
  it("nested vmap (outer product)", () => {
    const outer = vmap(
      vmap((a: AnyTensor, b: AnyTensor) => lax.mul(a, b), { inAxes: [null, 0] }),
      { inAxes: [0, null] },
    )
    expect(arr(outer(t([1, 2]), t([3, 4, 5])))).toEqual([3, 4, 5, 6, 8, 10])
  })
  it("vmap of jvp", () => {
    const f = (x: AnyTensor) => lax.exp(x)
    const [ys, ts] = vmap((x: AnyTensor, v: AnyTensor) => jvp(f, [x], [v]))(t([0, 1]), t([1, 2]))
    expect(close(arr(ys), [1, Math.E], 1e-15)).toBe(true)
    expect(close(arr(ts), [1, 2 * Math.E], 1e-15)).toBe(true)
  })
})

describe("jacobians", () => {
  const f = (x: AnyTensor) => lax.mul(lax.sin(x), lax.reduceSum(lax.mul(x, x), [0]))
  const x = t([0.3, -0.7, 1.1])
  it("jacfwd agrees with jacrev and the closed form", () => {
    const jf = jacfwd(f)(x),
      jr = jacrev(f)(x)
    expect(jf.shape).toEqual([3, 3])
    expect(close(arr(jf), arr(jr), 1e-14)).toBe(true)
    const xs = arr(x),
      s = xs.reduce((a, v) => a + v * v, 0)
    const closed = xs.flatMap((xi, i) => xs.map((xj, j) => (i === j ? Math.cos(xi) * s : 0) + Math.sin(xi) * 2 * xj))
    expect(close(arr(jf), closed, 1e-13)).toBe(true)
  })
  it("hessian of a scalar function vs closed form", () => {
    // h(x) = Σ x_i² · Σ sin(x_i):  H_ij = 2δ_ij S + 2x_i cos x_j + 2x_j cos x_i − δ_ij Q sin x_i
    const h = (v: AnyTensor) => lax.mul(lax.reduceSum(lax.mul(v, v), [0]), lax.reduceSum(lax.sin(v), [0]))
    const H = hessian(h)(x)
    const xs = arr(x),
      Q = xs.reduce((a, v) => a + v * v, 0),
      S = xs.reduce((a, v) => a + Math.sin(v), 0)
    const closed = xs.flatMap((xi, i) =>
      xs.map((xj, j) => (i === j ? 2 * S - Q * Math.sin(xi) : 0) + 2 * xi * Math.cos(xj) + 2 * xj * Math.cos(xi)),
    )
    expect(H.shape).toEqual([3, 3])
    expect(close(arr(H), closed, 1e-13)).toBe(true)
  })
  it("jacfwd(jacrev) equals jacrev(jacfwd)", () => {
    const h = (v: AnyTensor) => lax.reduceSum(lax.exp(lax.mul(v, lax.reshape(lax.reduceSum(v, [0]), [1]))), [0])
    expect(close(arr(jacfwd(jacrev(h))(x)), arr(jacrev(jacfwd(h))(x)), 1e-13)).toBe(true)
    expect(item(grad((v: AnyTensor) => lax.reduceSum(jacrev(h)(v), [0]))(t([0.5])))).toBeCloseTo(arr(hessian(h)(t([0.5])))[0]!, 12)
  })
})
