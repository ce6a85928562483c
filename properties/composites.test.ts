/**
 * Composite ops (no rules of their own: their derivatives come from the primitives') checked
 * with the user-facing `checkGrads`: JVP vs finite differences and the VJP dot-product identity.
 */
import * as fc from "fast-check"
import { describe, it } from "vitest"
import * as tg from "../src/index.js"
import { arbShape, arbTensor, checkGrads } from "../src/testing/index.js"

type T = tg.AnyTensor
const numRuns = Math.max(4, Math.round(Number(process.env.PROPERTY_RUNS ?? 40) / 2))
const check = <A>(arb: fc.Arbitrary<A>, law: (a: A) => void) => fc.assert(fc.property(arb, law), { numRuns, includeErrorInReport: true })

/** A tensor with an axis drawn from its rank (negative half the time). */
const withAxis = arbTensor(arbShape({ minRank: 1, maxRank: 3, maxDim: 4 })).chain((x) =>
  fc.integer({ min: -x.ndim, max: x.ndim - 1 }).map((axis) => [x, axis] as const),
)

const image = (o: { readonly c?: number; readonly hw?: number } = {}) =>
  fc.tuple(
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 1, max: o.c ?? 2 }),
    fc.integer({ min: 2, max: o.hw ?? 5 }),
    fc.integer({ min: 2, max: o.hw ?? 5 }),
  )

/** One explicit Euler step of the 2-D heat equation with fixed (Dirichlet) boundary values. */
const heatStep = (u: tg.Tensor<[number, number], "f64", "cpu">, alpha: number) => {
  const c = u.slice("1:-1, 1:-1")
  const lap = u.slice(":-2, 1:-1").add(u.slice("2:, 1:-1")).add(u.slice("1:-1, :-2")).add(u.slice("1:-1, 2:")).sub(c.mul(4))
  return tg.at(u, "1:-1, 1:-1").set(c.add(lap.mul(alpha)))
}

describe("composite ops: gradients by checkGrads", () => {
  it("softmax", () => check(withAxis, ([x, axis]) => checkGrads((x: T) => tg.softmax(x, { axis }), [x])))
  it("logSoftmax", () => check(withAxis, ([x, axis]) => checkGrads((x: T) => tg.logSoftmax(x, { axis }), [x])))
  it("logsumexp", () => check(withAxis, ([x, axis]) => checkGrads((x: T) => tg.logsumexp(x, { axis }), [x])))
  it("norm (ord 1, 2, ∞)", () =>
    check(
      fc.tuple(arbTensor(arbShape({ minRank: 1, maxDim: 4 }), { awayFromZero: 0.1 }), fc.constantFrom<1 | 2>(1, 2, Infinity as 2)),
      ([x, ord]) => checkGrads((x: T) => tg.norm(x, { ord }), [x]),
    ))
  it("gelu (exact and tanh)", () =>
    check(
      fc.tuple(arbTensor(arbShape({ maxDim: 4 }), { min: -3, max: 3 }), fc.constantFrom<"none" | "tanh">("none", "tanh")),
      ([x, approximate]) => checkGrads((x: T) => tg.gelu(x, { approximate }), [x]),
    ))
  it("softplus, silu", () =>
    check(arbTensor(arbShape({ maxDim: 4 }), { min: -4, max: 4 }), (x) => checkGrads((x: T) => tg.silu(tg.softplus(x)), [x])))
  it("conv2d (stride, padding, dilation, groups)", () =>
    check(
      fc
        .record({
          img: image({ c: 2, hw: 5 }),
          out: fc.integer({ min: 1, max: 2 }),
          groups: fc.constantFrom(1, 2),
          k: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 2 }),
          padding: fc.integer({ min: 0, max: 1 }),
          dilation: fc.integer({ min: 1, max: 2 }),
        })
        .map((r) => ({ ...r, img: [r.img[0], r.img[1] * r.groups, r.img[2] + 2, r.img[3] + 2] as const }))
        .filter((r) => r.dilation * (r.k - 1) + 1 <= Math.min(r.img[2], r.img[3]) + 2 * r.padding)
        .chain((r) => fc.tuple(arbTensor(r.img), arbTensor([r.out * r.groups, r.img[1] / r.groups, r.k, r.k]), fc.constant(r))),
      ([x, w, { stride, padding, dilation, groups }]) =>
        checkGrads((x: T, w: T) => tg.conv2d(x, w, { stride, padding, dilation, groups }), [x, w]),
    ))
  const pool = fc
    .tuple(image({ hw: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }))
    .chain(([img, k, stride]) =>
      fc.tuple(arbTensor(img), fc.constant(k), fc.constant(stride), fc.integer({ min: 0, max: Math.floor(k / 2) })),
    )
    .filter(([x, k, , p]) => x.shape[2]! + 2 * p >= k && x.shape[3]! + 2 * p >= k)
  it("maxPool2d", () => check(pool, ([x, k, stride, padding]) => checkGrads((x: T) => tg.maxPool2d(x, k, { stride, padding }), [x])))
  it("avgPool2d", () => check(pool, ([x, k, stride, padding]) => checkGrads((x: T) => tg.avgPool2d(x, k, { stride, padding }), [x])))
  it("heat stencil step (slices, functional update), order 2", () =>
    check(
      fc.tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 3, max: 6 })).chain((s) => arbTensor(s)),
      (u) => checkGrads((u: tg.Tensor<[number, number], "f64", "cpu">) => heatStep(heatStep(u, 0.2), 0.2), [u], { order: 2 }),
    ))
})
