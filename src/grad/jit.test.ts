import { describe, expect, it } from "vitest"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { showJaxpr } from "./ir.js"
import { jit, makeJaxpr } from "./jit.js"
import { arr, close, item, t } from "./test-util.js"
import { grad } from "./vjp.js"
import { vmap } from "./vmap.js"

/** A 50-op elementwise chain (plus a broadcast scalar and a reduction at the end). */
const chain = (x: AnyTensor, y: AnyTensor) => {
  let z = x
  for (let i = 0; i < 10; i++) z = lax.add(lax.mul(lax.tanh(lax.sub(z, y)), 0.5), lax.sin(lax.mul(z, 1.5)))
  return z
}

describe("jit", () => {
  const x = t([0.1, 0.5, -0.3, 2, 1, -1], "f32"), y = t([1, 2, 3, 4, 5, 6], "f32")
  it("jit(f)(x) equals f(x) (f32 within rounding, f64 exactly)", () => {
    const f = jit(chain)
    expect(close(arr(f(x, y)), arr(chain(x, y)), 1e-6)).toBe(true)
    expect(close(arr(f(x, y)), arr(chain(x, y)), 1e-6)).toBe(true)
    expect(f.cacheSize()).toBe(1)
    const x64 = t([0.1, 0.5, -0.3, 2, 1, -1]), y64 = t([1, 2, 3, 4, 5, 6])
    expect(arr(jit(chain)(x64, y64))).toEqual(arr(chain(x64, y64)))
    const unfused = jit(chain, { compile: false })
    expect(arr(unfused(x, y))).toEqual(arr(chain(x, y)))
  })
  it("stages once per signature", () => {
    let traces = 0
    const f = jit((a: AnyTensor) => {
      traces++
      return lax.reduceSum(lax.mul(a, a), [0])
    })
    expect(item(f(t([1, 2])))).toBe(5)
    expect(item(f(t([3, 4])))).toBe(25)
    expect(traces).toBe(1)
    expect(item(f(t([1, 2, 3])))).toBe(14)
    expect(traces).toBe(2)
  })
  it("mixes fused runs with structural ops and pytrees", () => {
    const f = (p: { w: AnyTensor; b: AnyTensor }, v: AnyTensor) => {
      const h = lax.tanh(lax.add(lax.matmul(v, p.w), p.b))
      return { out: lax.reduceSum(lax.mul(h, h), [1]), h: lax.exp(lax.neg(h)) }
    }
    const p = { w: t([[1, 2], [3, 4]]), b: t([0.5, -0.5]) }, v = t([[0.1, 0.2], [0.3, -0.4]])
    const a = jit(f)(p, v), b = f(p, v)
    expect(arr(a.out)).toEqual(arr(b.out))
    expect(arr(a.h)).toEqual(arr(b.h))
  })
  it("composes: grad(jit(f)), jit(grad(f)), vmap(jit(f))", () => {
    const f = (a: AnyTensor) => lax.reduceSum(lax.mul(lax.sin(a), a), [0])
    const a = t([0.3, 1.2])
    const g = arr(grad(f)(a))
    expect(arr(grad(jit(f))(a))).toEqual(g)
    expect(arr(jit(grad(f))(a))).toEqual(g)
    expect(arr(vmap(jit(f))(t([[0.3, 1.2], [1, 1]])))).toEqual([item(f(a)), item(f(t([1, 1])))])
  })
  it("prints the staged program", () => {
    const { jaxpr } = makeJaxpr((a: AnyTensor) => lax.sin(lax.mul(a, 2)))(t([1, 2, 3]))
    const s = showJaxpr(jaxpr)
    expect(s).toContain("{ lambda a:f64[] ; b:f64[3] . let")
    expect(s).toContain("c:f64[3] = mul b a")
    expect(s).toContain("d:f64[3] = sin c")
    expect(s).toContain("in (d) }")
  })
})
