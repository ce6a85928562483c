/**
 * Proof that the laws can fail: inject a wrong rule into a primitive (restored in `finally`) and
 * assert that the generated properties reject it — and accept the original again afterwards.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import "../src/index.js"
import { bind1 } from "../src/ops/core/interpreter.js"
import * as lax from "../src/ops/core/lax.js"
import { Zero, type Primitive, type PrimitiveName } from "../src/ops/core/primitive.js"
import { primitives } from "../src/ops/prims/index.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import { arbCase } from "../test/cases.js"
import { adjointLaw, batchLaw, gradLaw, shapeLaw, zeroLaw } from "./laws.js"

type Rule = "abstractEval" | "jvp" | "transpose" | "batch"

/** Run `body` with `prim[key]` replaced by `rule`. */
const inject = <P extends PrimitiveName, K extends Rule>(prim: Primitive<P>, key: K, rule: Primitive<P>[K], body: () => void): void => {
  const target = prim as { -readonly [k in K]: Primitive<P>[K] }
  const original = target[key]
  target[key] = rule
  try {
    body()
  } finally {
    target[key] = original
  }
}

const seeded = <P extends PrimitiveName>(p: Primitive<P>) => fc.tuple(arbCase(p), fc.integer())
const holds = <A>(arb: fc.Arbitrary<A>, law: (a: A) => void, seed?: number) =>
  fc.assert(fc.property(arb, law), { numRuns: 100, ...(seed === undefined ? {} : { seed }) })
/**
 * The property must fail, and with the law's own error (fast-check keeps it as the `cause`).
 * A fixed seed keeps these tests deterministic: some wrong rules only show on some cases (a
 * 3-cycle permutation, a non-empty tensor).
 */
const caught = <A>(arb: fc.Arbitrary<A>, law: (a: A) => void, message: RegExp) => {
  const failure = (() => {
    try {
      holds(arb, law, 20261127)
    } catch (e) {
      return e as Error
    }
  })()
  expect(failure, "the property passed with a wrong rule").toBeInstanceOf(Error)
  expect(String((failure!.cause as Error | undefined)?.message)).toMatch(message)
}

describe("mutation: the laws reject wrong rules", () => {
  it("a sign-flipped JVP of sin (d sin = -cos·dx) fails (b) and (c)", () => {
    const { sin } = primitives
    const wrong: Primitive<"sin">["jvp"] = ([x], [t]) => [
      [bind1(sin, [x!], {})],
      [t instanceof Zero ? t : lax.neg(lax.mul(t!, lax.cos(x!)))],
    ]
    inject(sin, "jvp", wrong, () => {
      caught(arbCase(sin), gradLaw("fwd"), /\(b\) JVP vs finite differences fails for sin\(.*forward mode/s)
      caught(arbCase(sin), gradLaw("rev"), /\(c\) VJP dot-product identity fails for sin\(.*reverse mode/s)
    })
    holds(arbCase(sin), gradLaw("fwd"))
  })

  it("a JVP of sin right at first order but not differentiable itself passes (b) and fails (h)", () => {
    const { sin } = primitives
    // d sin = stopGradient(cos x)·dx: the right value, but its own derivative is lost
    const frozen: Primitive<"sin">["jvp"] = ([x], [t]) => [
      [bind1(sin, [x!], {})],
      [t instanceof Zero ? t : lax.mul(t!, lax.stopGradient(lax.cos(x!)))],
    ]
    inject(sin, "jvp", frozen, () => {
      holds(arbCase(sin), gradLaw("fwd"))
      caught(arbCase(sin), gradLaw("order2"), /\(h\) second derivatives fails for sin\(.*at order 2/s)
    })
  })

  it("a JVP of exp off by a factor fails (b) even on scalars", () => {
    const { exp } = primitives
    const wrong: Primitive<"exp">["jvp"] = ([x], [t]) => {
      const y = bind1(exp, [x!], {})
      return [[y], [t instanceof Zero ? t : lax.mul(lax.mul(t!, y), 1.001)]]
    }
    inject(exp, "jvp", wrong, () => caught(arbCase(exp), gradLaw("fwd"), /fails for exp/))
  })

  it("a transpose rule using the permutation instead of its inverse fails (d) and (c)", () => {
    const { transpose } = primitives
    const wrong: Primitive<"transpose">["transpose"] = ([ct], [x], { perm }) => [
      ct instanceof Zero ? new Zero((x as AnyTensor).aval) : lax.transpose(ct!, perm),
    ]
    inject(transpose, "transpose", wrong, () => {
      caught(seeded(transpose), ([c, s]) => adjointLaw(c, s), /\(d\) transpose fails for transpose\(/)
      caught(arbCase(transpose), gradLaw("rev"), /\(c\) VJP dot-product identity fails for transpose\(/)
    })
    holds(seeded(transpose), ([c, s]) => adjointLaw(c, s))
  })

  it("a transpose of neg that forgets the sign fails (d)", () => {
    const { neg } = primitives
    inject(
      neg,
      "transpose",
      ([ct]) => [ct!],
      () => caught(seeded(neg), ([c, s]) => adjointLaw(c, s), /\(d\) transpose fails for neg/),
    )
  })

  it("a JVP of mul that materialises zero tangents fails (f)", () => {
    const { mul } = primitives
    const original = mul.jvp
    const wrong: Primitive<"mul">["jvp"] = (xs, ts, p) => {
      const [ys, touts] = original(xs, ts, p)
      return [ys, touts.map((t, i) => (t instanceof Zero ? lax.zerosLike(ys[i]!) : t))]
    }
    inject(mul, "jvp", wrong, () => caught(seeded(mul), ([c, s]) => zeroLaw(c, s), /\(f\) zero in → zero out fails for mul/))
  })

  it("a shape rule of reduceSum that keeps the reduced axes fails (a)", () => {
    const { reduceSum } = primitives
    const wrong: Primitive<"reduceSum">["abstractEval"] = ([x], { axes }) => [
      { shape: x!.shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype: x!.dtype },
    ]
    inject(reduceSum, "abstractEval", wrong, () => caught(arbCase(reduceSum), shapeLaw, /\(a\) shape rule fails for reduceSum/))
  })

  it("a batching rule of reduceSum that ignores the batch axis fails (g)", () => {
    const { reduceSum } = primitives
    const wrong: Primitive<"reduceSum">["batch"] = ([x], [d], params) => [[bind1(reduceSum, [lax.moveAxis(x!, d!, 0)], params)], [0]]
    const arb = arbCase(reduceSum, 3).map((c) => [c, [0]] as const)
    inject(reduceSum, "batch", wrong, () => caught(arb, ([c, p]) => batchLaw(c, p), /\(g\) batching fails for reduceSum/))
  })
})
