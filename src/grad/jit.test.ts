import { afterEach, describe, expect, it, vi } from "vitest"
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
  const x = t([0.1, 0.5, -0.3, 2, 1, -1], "f32"),
    y = t([1, 2, 3, 4, 5, 6], "f32")
  it("jit(f)(x) equals f(x) (f32 within rounding, f64 exactly)", () => {
    const f = jit(chain)
    expect(close(arr(f(x, y)), arr(chain(x, y)), 1e-6)).toBe(true)
    expect(close(arr(f(x, y)), arr(chain(x, y)), 1e-6)).toBe(true)
    expect(f.cacheSize()).toBe(1)
    const x64 = t([0.1, 0.5, -0.3, 2, 1, -1]),
      y64 = t([1, 2, 3, 4, 5, 6])
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
    const p = {
        w: t([
          [1, 2],
          [3, 4],
        ]),
        b: t([0.5, -0.5]),
      },
      v = t([
        [0.1, 0.2],
        [0.3, -0.4],
      ])
    const a = jit(f)(p, v),
      b = f(p, v)
    expect(arr(a.out)).toEqual(arr(b.out))
    expect(arr(a.h)).toEqual(arr(b.h))
  })
  it("composes: grad(jit(f)), jit(grad(f)), vmap(jit(f))", () => {
    const f = (a: AnyTensor) => lax.reduceSum(lax.mul(lax.sin(a), a), [0])
    const a = t([0.3, 1.2])
    const g = arr(grad(f)(a))
    expect(arr(grad(jit(f))(a))).toEqual(g)
    expect(arr(jit(grad(f))(a))).toEqual(g)
    expect(
      arr(
        vmap(jit(f))(
          t([
            [0.3, 1.2],
            [1, 1],
          ]),
        ),
      ),
    ).toEqual([item(f(a)), item(f(t([1, 1])))])
  })
  it("prints the staged program", () => {
    const { jaxpr } = makeJaxpr((a: AnyTensor) => lax.sin(lax.mul(a, 2)))(t([1, 2, 3]))
    const s = showJaxpr(jaxpr)
    expect(s).toContain("{ lambda a:f64[] ; b:f64[3] . let")
    expect(s).toContain("c:f64[3] = mul b a")
    expect(s).toContain("d:f64[3] = sin c")
    expect(s).toContain("in (d) }")
  })
  describe("static arguments", () => {
    it("staticArgnums: one trace per distinct value, results as eager", () => {
      let traces = 0
      const f = jit(
        (a: AnyTensor, n: number, mode: string) => {
          traces++
          const p = lax.pow(a, n)
          return mode === "sum" ? lax.reduceSum(p, [0]) : lax.reduceMax(p, [0])
        },
        { staticArgnums: [1, 2] },
      )
      const a = t([1, -2, 3])
      expect(item(f(a, 2, "sum"))).toBe(1 + 4 + 9)
      expect(item(f(t([2, 0, 1]), 2, "sum"))).toBe(4 + 0 + 1)
      expect([traces, f.cacheSize()]).toEqual([1, 1])
      expect(item(f(a, 3, "sum"))).toBe(1 - 8 + 27)
      expect(item(f(a, 3, "max"))).toBe(27)
      expect([traces, f.cacheSize()]).toEqual([3, 3])
      expect(item(f(a, 2, "sum"))).toBe(14) // cached
      expect(traces).toBe(3)
    })
    it("hashes plain records and arrays by value, key order aside", () => {
      let traces = 0
      const f = jit(
        (a: AnyTensor, o: { scale: number; shift: readonly number[] }) => {
          traces++
          return lax.add(lax.mul(a, o.scale), o.shift[0]!)
        },
        { staticArgnums: [1] },
      )
      const a = t([1, 2])
      expect(arr(f(a, { scale: 2, shift: [1] }))).toEqual([3, 5])
      expect(arr(f(a, { shift: [1], scale: 2 }))).toEqual([3, 5])
      expect(traces).toBe(1)
      expect(arr(f(a, { scale: 2, shift: [-1] }))).toEqual([1, 3])
      expect(f.cacheSize()).toBe(2)
    })
    it("staticArgnames: named fields of a record argument are static, the rest traced", () => {
      let traces = 0
      const f = jit(
        (p: { w: AnyTensor; axis: number }) => {
          traces++
          return lax.reduceSum(p.w, [p.axis])
        },
        { staticArgnames: ["axis"] },
      )
      const w = t([
        [1, 2],
        [3, 4],
      ])
      expect(arr(f({ w, axis: 0 }))).toEqual([4, 6])
      expect(
        arr(
          f({
            w: t([
              [0, 0],
              [1, 1],
            ]),
            axis: 0,
          }),
        ),
      ).toEqual([1, 1])
      expect(arr(f({ w, axis: 1 }))).toEqual([3, 7])
      expect([traces, f.cacheSize()]).toEqual([2, 2])
    })
    it("composes with grad: the static value reaches f under the outer transform", () => {
      const f = jit((a: AnyTensor, n: number) => lax.reduceSum(lax.pow(a, n), [0]), { staticArgnums: [1] })
      // d/da Σ a³ = 3a²
      expect(arr(grad((a: AnyTensor) => f(a, 3))(t([1, 2])))).toEqual([3, 12])
    })
    it("rejects unhashable static values and bad positions with a TransformError", () => {
      // biome-ignore lint/correctness/noUnusedFunctionParameters: the parameter is part of the signature under test
      const f = jit((a: AnyTensor, g: unknown) => lax.mul(a, 2), { staticArgnums: [1] })
      expect(() => f(t([1]), t([2]))).toThrow("jit: static argument 1 is a tensor")
      expect(() => f(t([1]), () => 1)).toThrow("jit: static argument 1 is a function")
      expect(() => jit((a: AnyTensor) => a, { staticArgnums: [-1] } as never)).toThrow(
        "staticArgnums must be non-negative integers, got -1",
      )
      expect(() => jit((a: AnyTensor, n: number) => lax.mul(a, n))(t([1]), 2)).toThrow(
        "jit: argument 1 is a number, not a tree of tensors; declare it static (staticArgnums: [1]) or close over it",
      )
    })
  })
})

describe("jit cache bound and retrace warning", () => {
  afterEach(() => vi.restoreAllMocks())
  const sq = (a: AnyTensor) => lax.reduceSum(lax.mul(a, a), [0])
  /** Σ k² for k = 1..n: the closed form the staged program must give for t([1..n]). */
  const sumSq = (n: number) => (n * (n + 1) * (2 * n + 1)) / 6
  const ramp = (n: number) => t(Array.from({ length: n }, (_, k) => k + 1))

  it("keeps at most cacheSize signatures, dropping the least recently used (which stages again)", () => {
    let traces = 0
    const f = jit((a: AnyTensor) => (traces++, sq(a)), { cacheSize: 3, warnAfterTraces: Infinity })
    for (let n = 1; n <= 200; n++) expect(item(f(ramp(n)))).toBe(sumSq(n))
    expect(f.cacheSize()).toBe(3)
    expect(traces).toBe(200)
    // 198..200 are cached: no new trace; 198 becomes the most recent, so 199 is evicted next
    expect(item(f(ramp(198)))).toBe(sumSq(198))
    expect(traces).toBe(200)
    expect(item(f(ramp(5)))).toBe(sumSq(5))
    expect(traces).toBe(201)
    expect(item(f(ramp(198)))).toBe(sumSq(198))
    expect(traces).toBe(201)
    expect(item(f(ramp(199)))).toBe(sumSq(199))
    expect(traces).toBe(202)
    expect(f.cacheSize()).toBe(3)
  })
  it("bounds the cache by default: 2,200 shapes do not keep 2,200 programs", () => {
    const f = jit(sq, { onWarning: () => {} })
    for (let n = 1; n <= 2200; n++) f(ramp(n))
    expect(f.cacheSize()).toBeLessThanOrEqual(64)
    expect(f.cacheSize()).toBeGreaterThan(0)
  })
  it("warns once, through the hook, when the function has been staged warnAfterTraces times", () => {
    const messages: string[] = []
    const f = jit(
      function energy(a: AnyTensor) {
        return sq(a)
      },
      { warnAfterTraces: 4, onWarning: (m) => messages.push(m) },
    )
    for (let n = 1; n <= 3; n++) f(ramp(n))
    f(ramp(2)) // a cached signature is no retrace
    expect(messages).toEqual([])
    f(ramp(4))
    expect(messages.length).toBe(1)
    expect(messages[0]).toContain("energy")
    expect(messages[0]).toContain("4 times")
    expect(messages[0]).toContain("f64[4]")
    for (let n = 5; n <= 40; n++) f(ramp(n))
    expect(messages.length).toBe(1)
  })
  it("warns with console.warn by default", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    const f = jit(sq)
    for (let n = 1; n <= 15; n++) f(ramp(n))
    expect(warn).not.toHaveBeenCalled()
    f(ramp(16))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/staged and compiled 16 times/)
  })
  it("rejects a cacheSize below 1", () => {
    expect(() => jit(sq, { cacheSize: 0 })).toThrow(/cacheSize must be at least 1, got 0/)
  })
})
