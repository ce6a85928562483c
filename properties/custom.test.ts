/**
 * `cond` and user-written derivative rules (`customJvp`, `customVjp`): the higher-order primitives
 * of `src/grad/custom.ts`, checked through `checkGrads` and vmap-vs-loop — including that a wrong
 * user rule is reported.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import "../src/index.js"
import { cond, customJvp, customVjp } from "../src/grad/custom.js"
import { vmap } from "../src/grad/vmap.js"
import { dataSync } from "../src/ops/api/host.js"
import * as lax from "../src/ops/core/lax.js"
import type { AnyTensor as T } from "../src/ops/core/tensor.js"
import { arbShape, arbTensor, checkGrads, fromValues, GradCheckError } from "../src/testing/index.js"

const numRuns = Math.max(4, Math.round(Number(process.env.PROPERTY_RUNS ?? 40) / 4))
const check = <A>(arb: fc.Arbitrary<A>, law: (a: A) => void) => fc.assert(fc.property(arb, law), { numRuns, includeErrorInReport: true })
const vec = arbTensor(arbShape({ minRank: 1, maxRank: 2, maxDim: 3 }))
const bool = (b: boolean) => fromValues([b ? 1 : 0], [], "bool")

const piecewise = (p: T, x: T) =>
  cond(
    p,
    (v: T) => lax.sin(lax.mul(v, v)),
    (v: T) => lax.exp(lax.neg(v)),
    x,
  )

// log Σ exp(x) along the last axis, with the stable rule d lse = softmax(x)·dx
const lse = (x: T) => {
  const m = lax.stopGradient(lax.reduceMax(x, [x.shape.length - 1]))
  return lax.add(lax.log(lax.reduceSum(lax.exp(lax.sub(x, lax.reshape(m, [...m.shape, 1]))), [x.shape.length - 1])), m)
}
const softmaxOf = (x: T, y: T) => lax.exp(lax.sub(x, lax.reshape(y, [...y.shape, 1])))
const lseJvp = customJvp(lse, ([x], [dx]) => {
  const y = lse(x)
  return [y, lax.reduceSum(lax.mul(softmaxOf(x, y), dx), [x.shape.length - 1])]
})
const lseVjp = (scale: number) =>
  customVjp(
    lse,
    (x: T) => {
      const y = lse(x)
      return [y, softmaxOf(x, y)] as const
    },
    (s: T, ct: T) => [lax.mul(lax.mul(s, lax.reshape(ct, [...ct.shape, 1])), scale)] as [T],
  )

describe("cond and custom derivative rules", () => {
  it("cond: gradients of either branch, to order 2", () =>
    check(fc.tuple(fc.boolean(), vec), ([p, x]) => checkGrads((x: T) => piecewise(bool(p), x), [x], { order: 2 })))

  it("cond: vmap with a batched predicate = a loop over examples", () =>
    check(
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }).chain((ps) => fc.tuple(fc.constant(ps), arbTensor([ps.length, 2]))),
      ([ps, xs]) => {
        const got = Array.from(dataSync(vmap(piecewise)(fromValues(ps.map(Number), [ps.length], "bool"), xs)))
        const rows = ps.map((_p, b) => lax.slice(xs, [b, 0], [1, 1], [1, 2]))
        expect(got).toEqual(rows.flatMap((r, b) => Array.from(dataSync(piecewise(bool(ps[b]!), lax.reshape(r, [2]))))))
      },
    ))

  it("customJvp: a correct rule passes forward and reverse mode", () => check(vec, (x) => checkGrads(lseJvp, [x])))

  it("customVjp: a correct rule passes reverse mode", () => check(vec, (x) => checkGrads(lseVjp(1), [x], { modes: ["rev"] })))

  it("customVjp: a wrong rule (cotangent doubled) is reported", () =>
    check(vec, (x) => {
      expect(() => checkGrads(lseVjp(2), [x], { modes: ["rev"] })).toThrow(GradCheckError)
    }))
})
