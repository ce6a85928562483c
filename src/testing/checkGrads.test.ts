import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { arbBroadcastShapes, arbShape, arbTensor } from "./arbitraries.js"
import { checkGrads, GradCheckError } from "./checkGrads.js"

const f64 = (x: tg.NestedData) => tg.tensor(x as number[], { dtype: "f64" }) as AnyTensor

describe("checkGrads", () => {
  it("passes on a correct function of several arguments (order 2)", () => {
    const f = (x: AnyTensor, p: { w: AnyTensor; b: AnyTensor }) => lax.reduceSum(lax.tanh(lax.add(lax.matmul(x, p.w), p.b)), [0, 1])
    checkGrads(
      f,
      [
        f64([
          [0.1, 0.2],
          [0.3, -0.4],
        ]),
        { w: f64([[1], [-1]]), b: f64([0.5]) },
      ],
      { order: 2 },
    )
  })
  it("names the argument, the error and where when a derivative is wrong", () => {
    // sin with a wrong derivative: stop the gradient of half the value
    const bad = (x: AnyTensor, y: AnyTensor) => lax.add(lax.mul(lax.sin(x), y), lax.stopGradient(lax.mul(x, y)))
    const err = (() => {
      try {
        checkGrads(bad, [f64([0.5, 1]), f64([2, 3])], { modes: ["fwd"] })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(GradCheckError)
    const g = err as GradCheckError
    expect(g.argument).toBe("args[0]")
    expect(g.message).toMatch(
      /^checkGrads: forward mode \(JVP vs central finite differences\) is wrong for args\[0\]: max error .* at output index \[\d\]; jvp .*, finite differences/,
    )
  })
  it("accepts f32 arguments (checked in f64) and integer arguments (not differentiated)", () => {
    const f = (x: AnyTensor, n: AnyTensor) => lax.mul(lax.exp(x), lax.cast(n, x.dtype))
    checkGrads(f, [tg.tensor([0.1, 0.2]) as AnyTensor, tg.tensor([1, 2], { dtype: "i32" }) as AnyTensor])
  })
  it("property: grads of a broadcasting composite are right for random shapes", () => {
    fc.assert(
      fc.property(
        arbBroadcastShapes(2, { maxRank: 3, maxDim: 3 }).chain(([, a, b]) => fc.tuple(arbTensor(a!), arbTensor(b!, { min: 0.2, max: 2 }))),
        ([a, b]) => checkGrads((a: AnyTensor, b: AnyTensor) => lax.div(lax.sin(a), b), [a, b]),
      ),
      { numRuns: 20 },
    )
  })
})

describe("arbitraries", () => {
  it("arbShape respects its bounds", () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 2, maxDim: 5 }),
        (s) => s.length >= 1 && s.length <= 2 && s.every((d) => d >= 1 && d <= 5),
      ),
    )
  })
  it("arbBroadcastShapes' operands broadcast to the first shape", () => {
    fc.assert(
      fc.property(arbBroadcastShapes(3), ([out, ...ops]) => {
        const r = lax.reduceSum(
          ops.map((s) => tg.zeros(s) as AnyTensor).reduce((a, b) => lax.add(a, b)),
          [],
        )
        expect(r.shape).toEqual(out)
      }),
    )
  })
  it("arbTensor keeps values in range and away from zero", () => {
    fc.assert(
      fc.property(arbTensor(arbShape(), { min: -1, max: 1, awayFromZero: 0.25 }), (x) => {
        const v = Array.from(tg.dataSync(x))
        return x.dtype === "f64" && v.every((e) => Math.abs(e) >= 0.25 && Math.abs(e) <= 1)
      }),
    )
  })
})
