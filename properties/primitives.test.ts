/**
 * The laws of every primitive in the registry, on the CPU in f64. A new primitive is picked up
 * here automatically; without a case generator its first test fails.
 */
import * as fc from "fast-check"
import { describe, it } from "vitest"
import "../src/index.js"
import { primitives } from "../src/ops/prims/index.js"
import type { Primitive } from "../src/ops/core/primitive.js"
import { arbCase, kinkFree, specFor } from "../test/cases.js"
import { adjointLaw, batchLaw, gradLaw, isLinear, linearityLaw, shapeLaw, zeroLaw, type BatchPlan } from "./laws.js"

const numRuns = Number(process.env.PROPERTY_RUNS ?? 40)
const seed = fc.integer()
const check = <T>(arb: fc.Arbitrary<T>, law: (t: T) => void, runs = numRuns) =>
  fc.assert(fc.property(arb, law), { numRuns: runs, includeErrorInReport: true })

/** Batch axis per input (`null`: shared), at least one input batched. */
const arbPlan = (ranks: ReadonlyArray<number>): fc.Arbitrary<BatchPlan> =>
  fc.tuple(...ranks.map((r) => fc.option(fc.integer({ min: 0, max: r }), { freq: 3 }))).filter((p) => p.some((d) => d !== null))

for (const prim of Object.values(primitives) as Primitive[]) {
  const diff = !prim.domain.nonDiff
  describe(prim.name, () => {
    it("has a case generator", () => void specFor(prim))
    it("(a) shape rule = CPU kernel output", () => check(arbCase(prim), shapeLaw))
    if (diff) {
      const smooth = arbCase(prim).filter(kinkFree)
      it("(b) JVP = central finite differences", () => check(smooth, gradLaw("fwd")))
      it("(c) VJP dot-product identity", () => check(smooth, gradLaw("rev")))
      it("(h) second derivatives (checkGrads order 2)", () => check(smooth, gradLaw("order2"), Math.ceil(numRuns / 4)))
      it("(e) JVP linear in the tangent", () => check(fc.tuple(arbCase(prim), seed), ([c, s]) => linearityLaw(c, s)))
    }
    if (isLinear(prim)) it("(d) transpose rule is the adjoint", () => check(fc.tuple(arbCase(prim), seed), ([c, s]) => adjointLaw(c, s)))
    it("(f) zero tangents in → symbolic Zero out", () => check(fc.tuple(arbCase(prim), seed), ([c, s]) => zeroLaw(c, s)))
    it("(g) vmap = loop over examples", () =>
      check(
        arbCase(prim, 3).chain((c) => fc.tuple(fc.constant(c), arbPlan(c.spec.inputs.map((x) => x.shape.length)))),
        ([c, p]) => batchLaw(c, p),
      ))
  })
}
