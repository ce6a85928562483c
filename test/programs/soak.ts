/**
 * Soak for the random-program property: many more programs than the CI test, on the CPU and
 * (where an adapter is present) on WebGPU. Prints the shrunk counterexample and exits 1 on a
 * disagreement. `PROGRAM_RUNS` (default 2000), `PROGRAM_SEED` and `PROGRAM_OPS` (ops per program,
 * default 12) tune it: `PROGRAM_RUNS=10000 npm run soak:programs`.
 */
import * as fc from "fast-check"
import { cpu } from "../../src/device/cpu/index.js"
import { acquireWebGpu, releaseWebGpu } from "../../src/device/webgpu/index.js"
import type { Device } from "../../src/ops/core/backend.js"
import { setDefaultDevice } from "../../src/ops/core/defaults.js"
import { programProperty } from "./check.js"

setDefaultDevice(cpu)
const runs = Number(process.env.PROGRAM_RUNS ?? 2000)
const maxOps = Number(process.env.PROGRAM_OPS ?? 12)
const seed = process.env.PROGRAM_SEED === undefined ? Date.now() | 0 : Number(process.env.PROGRAM_SEED)

let gpu: Device<"webgpu"> | null = null
try {
  gpu = await acquireWebGpu()
} catch (e) {
  console.log(`no WebGPU adapter (${String(e)}): CPU paths only`)
}
const t0 = performance.now()
const result = await fc.check(programProperty(gpu, maxOps), { numRuns: runs, seed })
const secs = ((performance.now() - t0) / 1000).toFixed(1)
if (gpu !== null) releaseWebGpu(gpu)
if (result.failed) {
  console.log(fc.defaultReportMessage(result))
  console.log(result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance))
  console.log(`FAILED after ${result.numRuns} programs in ${secs} s (seed ${seed}; rerun with PROGRAM_SEED=${seed})`)
  process.exit(1)
}
console.log(
  `${result.numRuns} programs of up to ${maxOps} ops agree${gpu === null ? " (CPU only)" : " on CPU and WebGPU"} in ${secs} s (seed ${seed})`,
)
process.exit(0)
