// Random programs (op DAGs from test/programs/generate.ts: elementwise with broadcasting, slices,
// reshapes, transposes, reductions, matmul, conv2d, cond, scan, fori) run eager and under `jit`
// on the CPU and on WebGPU, and differentiated on both; results agree with eager CPU within the
// tolerances of test/programs/check.ts, and failures shrink to a minimal program. The CPU-only
// part (eager vs jit, and the gradient vs f64 finite differences) runs without an adapter too.
// A longer soak: `npm run soak:programs` (PROGRAM_RUNS sets the number of programs).
import * as fc from "fast-check"
import { describe, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { fromHost } from "../../src/ops/core/host.js"
import { checkGrads } from "../../src/testing/checkGrads.js"
import { programProperty } from "../programs/check.js"
import { inputValues, programArb, total } from "../programs/generate.js"
import { gpu, gpuSuite } from "./gpu.js"

gpuSuite()

const RUNS = Number(process.env.PROGRAM_RUNS ?? 60)
// CI checks the same programs on every run (the soak explores new ones); PROGRAM_SEED picks others
const SEED = Number(process.env.PROGRAM_SEED ?? 20261205)

describe("random programs", () => {
  it("eager f32, eager f64 and jit on the CPU agree, and so do the eager and jitted gradients", () =>
    fc.assert(programProperty(null), { numRuns: RUNS, seed: SEED }))

  it.skipIf(gpu === null)("eager CPU, jit CPU, eager WebGPU, jit WebGPU and the gradients on both agree", () =>
    fc.assert(programProperty(gpu), { numRuns: RUNS, seed: SEED }),
  )

  it("the gradient (reverse and forward mode) matches f64 central differences", () =>
    fc.assert(
      fc.property(
        // smooth programs only: max and reduceMax have kinks where tiled operands tie, and a cond
        // predicate near 0 would switch branches inside the finite-difference step
        programArb(5).filter((p) =>
          p.ops.every((op) => op.op !== "cond" && !(op.op === "reduce" && op.f === "max") && !(op.op === "binary" && op.f === "max")),
        ),
        fc.integer(),
        (p, seed) => {
          const vals = inputValues(p, seed)
          checkGrads(
            total(p),
            p.inputs.map((s, i) => fromHost(vals[i]!, s, "f64", cpu)),
            { rtol: 1e-4, atol: 1e-6 },
          )
        },
      ),
      { numRuns: 20, seed: SEED },
    ))
})
