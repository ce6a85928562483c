import { describe, expect, it } from "vitest"
import { ShapeError } from "../errors.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { jit } from "./jit.js"
import { arr, close, fdGrad, item, t } from "./test-util.js"
import { grad, valueAndGrad, vjp } from "./vjp.js"
import { vmap } from "./vmap.js"

// loss = Σ sin(x)·x, aux = { pred: x², count: an i32 tensor }
const lossAux = (x: AnyTensor) => {
  const pred = lax.mul(x, x)
  return [lax.reduceSum(lax.mul(lax.sin(x), x), [0]), { pred, count: lax.cast(lax.reduceSum(x, [0]), "i32") }] as const
}
const x = t([0.3, -1.2, 2.0])

describe("hasAux", () => {
  it("grad returns [gradient, aux]; aux is the value, not differentiated", () => {
    const [g, aux] = grad(lossAux, { hasAux: true })(x)
    const want = arr(x).map((v) => Math.cos(v) * v + Math.sin(v))
    expect(close(arr(g), want, 1e-15)).toBe(true)
    expect(
      close(
        arr(g),
        fdGrad((v) => lossAux(v)[0], x),
        1e-8,
      ),
    ).toBe(true)
    expect(arr(aux.pred)).toEqual(arr(x).map((v) => v * v))
    expect(aux.count.dtype).toBe("i32")
    expect(item(aux.count)).toBe(1)
    // aux is concrete: usable after grad returned (no tracer leak)
    expect(arr(lax.add(aux.pred, 1))).toEqual(arr(x).map((v) => v * v + 1))
  })
  it("valueAndGrad returns [[loss, aux], gradient]", () => {
    const [[l, aux], g] = valueAndGrad(lossAux, { hasAux: true })(x)
    expect(item(l)).toBeCloseTo(
      arr(x).reduce((a, v) => a + Math.sin(v) * v, 0),
      15,
    )
    expect(arr(aux.pred)).toEqual(arr(x).map((v) => v * v))
    expect(arr(g)).toEqual(arr(grad(lossAux, { hasAux: true })(x)[0]))
  })
  it("argnums with hasAux; aux depending on the differentiated argument adds nothing", () => {
    const f = (w: AnyTensor, b: AnyTensor) => [lax.add(lax.reduceSum(lax.mul(w, w), [0]), b), lax.mul(b, 1000)] as const
    const [[gw, gb], aux] = grad(f, { hasAux: true, argnums: [0, 1] })(t([1, 2]), t(3))
    expect(arr(gw)).toEqual([2, 4])
    expect(item(gb)).toBe(1)
    expect(item(aux)).toBe(3000)
  })
  it("vjp with hasAux returns [out, pullback, aux]", () => {
    const [y, pull, aux] = vjp((a: AnyTensor) => [lax.sin(a), lax.reduceSum(a, [0])] as const, { hasAux: true }, x)
    expect(arr(y)).toEqual(arr(x).map(Math.sin))
    expect(item(aux)).toBeCloseTo(1.1, 15)
    expect(close(arr(pull(t([1, 1, 1]))[0]), arr(x).map(Math.cos), 1e-15)).toBe(true)
  })
  it("composes: second order, vmap and jit", () => {
    const f = (v: AnyTensor) => [lax.mul(lax.mul(v, v), v), lax.mul(v, 2)] as const
    expect(item(grad((v: AnyTensor) => grad(f, { hasAux: true })(v)[0])(t(2)))).toBe(12)
    const [gs, auxs] = vmap(grad(f, { hasAux: true }))(t([1, 2, 3]))
    expect(arr(gs)).toEqual([3, 12, 27])
    expect(arr(auxs)).toEqual([2, 4, 6])
    const [[l, a], g] = jit(valueAndGrad(f, { hasAux: true }))(t(2))
    expect([item(l), item(a), item(g)]).toEqual([8, 4, 12])
  })
  it("errors: not a pair, a non-scalar loss", () => {
    const notPair = grad(((v: AnyTensor) => lax.reduceSum(v, [0])) as never, { hasAux: true } as never) as (v: AnyTensor) => unknown
    expect(() => notPair(x)).toThrow(/hasAux the function must return a pair/)
    const bad = grad(((v: AnyTensor) => [v, v]) as never, { hasAux: true } as never) as (v: AnyTensor) => unknown
    expect(() => bad(x)).toThrow(ShapeError)
  })
})
