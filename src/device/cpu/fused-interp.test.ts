/**
 * jit on the CPU without code generation (a Content-Security-Policy without `'unsafe-eval'`):
 * with generation forced off and `Function` stubbed to throw as such a page's does, random
 * programs and the heat step give the same bits as the generated loops.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import fc from "fast-check"
import * as tg from "../../index.js"
import type { AnyTensor } from "../../ops/core/tensor.js"
import { forceCodegen } from "./eval.js"
import { evalCase, inputs, randomCase, read } from "../../../test/random-programs.js"

/** Run `f` as a page with a strict CSP would: no `new Function`, no `eval`. */
const withoutEval = <T>(f: () => T): T => {
  const original = globalThis.Function
  // biome-ignore lint/complexity/useArrowFunction: it must be constructible, as the Function it stands in for is
  const refuse = function () {
    throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source of script")
  }
  Object.defineProperty(refuse, "prototype", { value: original.prototype })
  forceCodegen(false)
  vi.stubGlobal("Function", refuse)
  try {
    return f()
  } finally {
    vi.unstubAllGlobals()
    forceCodegen(undefined)
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  forceCodegen(undefined)
})

const heat = (grid: tg.Tensor<[100, 100], "f32", "cpu">): tg.Tensor<[100, 100], "f32", "cpu"> => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}

describe("cpu jit without code generation", () => {
  it("the stub refuses new Function as a strict CSP does", () => {
    expect(() => withoutEval(() => new Function("return 1"))).toThrow(EvalError)
  })

  for (const dtype of ["f64", "i32", "bool", "f32"] as const) {
    it(`gives the generated loops' bits on random ${dtype} programs`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
          const c = randomCase(seed, dtype)
          const f = evalCase(c)
          const xs = inputs(c, seed)
          const generated = tg.jit(f)(...xs)
          const interpreted = withoutEval(() => tg.jit(f)(...xs))
          generated.forEach((g: AnyTensor, k) => {
            const t = interpreted[k]!
            expect(t.shape).toEqual(g.shape)
            expect(t.dtype).toBe(g.dtype)
            expect(read(t)).toEqual(read(g)) // NaN equals NaN here; -0 and 0 are told apart
          })
        }),
        { numRuns: 150 },
      )
    })
  }

  it("runs the heat step (one loop with the Laplacian inlined) to the documented centre, equal to the generated loop", () => {
    const init = () => tg.zeros([100, 100]).at("45:55, 45:55").set(100)
    const generated = tg.jit(heat)
    let a = init()
    for (let i = 0; i < 500; i++) a = generated(a)
    const b = withoutEval(() => {
      const interpreted = tg.jit(heat)
      let g = init()
      for (let i = 0; i < 500; i++) g = interpreted(g)
      return g
    })
    const ra = read(a as never),
      rb = read(b as never)
    expect(rb).toEqual(ra)
    expect(rb[50 * 100 + 50]).toBeCloseTo(78.1025, 3)
  })
})
