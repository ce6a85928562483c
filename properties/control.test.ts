/**
 * Control-flow primitives (`scan`, `fori`, `whileLoop`) live outside the kernel registry, with
 * their own JVP, transpose and batching rules: checked through user-level functions with
 * `checkGrads` (to order 2) and vmap-vs-loop.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as tg from "../src/index.js"
import { fori, scan, whileLoop } from "../src/grad/control.js"
import { vmap } from "../src/grad/vmap.js"
import * as lax from "../src/ops/core/lax.js"
import { arbTensor, checkGrads } from "../src/testing/index.js"

type T = tg.AnyTensor
const numRuns = Math.max(4, Math.round(Number(process.env.PROPERTY_RUNS ?? 40) / 4))
const check = <A>(arb: fc.Arbitrary<A>, law: (a: A) => void) => fc.assert(fc.property(arb, law), { numRuns, includeErrorInReport: true })

/** An RNN-like recurrence: carry `[d]`, inputs `[steps, d]`, weights `[d]`. */
const recurrence = fc
  .record({ steps: fc.integer({ min: 0, max: 4 }), d: fc.integer({ min: 1, max: 3 }), reverse: fc.boolean() })
  .chain(({ steps, d, reverse }) => fc.tuple(arbTensor([d]), arbTensor([d]), arbTensor([steps, d]), fc.constant(reverse)))

const rnn = (reverse: boolean) => (c0: T, w: T, xs: T) =>
  scan((c: T, x: T) => [lax.tanh(lax.add(lax.mul(c, w), x)), lax.sin(lax.mul(c, x))] as const, c0, xs, { reverse })

describe("control flow: gradients and batching", () => {
  it("scan: JVP, VJP and second derivatives (forward and reverse order)", () =>
    check(recurrence, ([c0, w, xs, reverse]) => checkGrads(rnn(reverse), [c0, w, xs], { order: 2 })))

  it("scan: vmap over the inputs = a loop over examples", () =>
    check(
      recurrence.chain(([c0, w, xs, rev]) =>
        fc.tuple(fc.constant([c0, w, rev] as const), fc.array(arbTensor(xs.shape), { minLength: 1, maxLength: 3 })),
      ),
      ([[c0, w, reverse], xss]) => {
        const f = (xs: T) => rnn(reverse)(c0, w, xs)
        const [cs, ys] = vmap(f)(tg.stack(xss as [T, ...T[]])) as [T, T]
        xss.forEach((xs, b) => {
          const [c, y] = f(xs)
          expect(Array.from(tg.dataSync(cs)).slice(b * c.size, (b + 1) * c.size)).toEqual(Array.from(tg.dataSync(c)))
          expect(Array.from(tg.dataSync(ys)).slice(b * y.size, (b + 1) * y.size)).toEqual(Array.from(tg.dataSync(y)))
        })
      },
    ))

  it("fori: gradients through a loop that uses its index", () =>
    check(fc.tuple(arbTensor(fc.integer({ min: 1, max: 3 }).map((d) => [d])), fc.integer({ min: 0, max: 4 })), ([x, n]) =>
      checkGrads((x: T) => fori(0, n, (i: T, c: T) => lax.mul(lax.sin(c), lax.add(lax.cast(i, c.dtype), 1)), x), [x], { order: 2 }),
    ))

  it("whileLoop: forward mode along a data-independent trip count", () =>
    check(fc.tuple(arbTensor([2]), fc.integer({ min: 0, max: 4 })), ([x, n]) => {
      const f = (x: T) =>
        whileLoop(
          (c: { i: T; x: T }) => c.i.lt(n),
          (c: { i: T; x: T }) => ({ i: lax.add(c.i, 1), x: lax.mul(lax.tanh(c.x), 1.5) }),
          { i: tg.scalar(0, { dtype: "i32" }) as T, x },
        ).x
      checkGrads(f, [x], { modes: ["fwd"], order: 2 })
    }))
})
