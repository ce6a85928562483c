// WebGPU benchmarks: SGEMM, y = a·b + c bandwidth, the heat equation (eager vs jit).
//   npx tsx bench/gpu.ts [--small]        (software adapter: --small)
// Prints a table and writes $OUT/gpu.json when OUT is set. Medians of 5 timed repetitions.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { cpu } from "../src/device/cpu/index.js"
import { acquireWebGpu, iterate, releaseWebGpu, scope, synchronize } from "../src/device/webgpu/index.js"
import { jit } from "../src/grad/jit.js"
import { hostConvert } from "../src/ops/core/aval.js"
import type { Device } from "../src/ops/core/backend.js"
import { setDefaultDevice } from "../src/ops/core/defaults.js"
import * as lax from "../src/ops/core/lax.js"
import { Tensor, type AnyTensor } from "../src/ops/core/tensor.js"
import { heatStep, initGrid } from "../test/webgpu/heat.js"

setDefaultDevice(cpu)
const small = process.argv.includes("--small")
const REPS = 5

const randomOn = (dev: Device, shape: number[]): AnyTensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 12.9898) * 0.5
  const av = { shape, dtype: "f32" as const }
  return new Tensor(av, dev, dev.backend.upload(hostConvert(data, "f32"), av))
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Median wall time (ms) of `body` over REPS runs after one warm-up, each ending in a GPU sync. */
const time = async (gpu: Device, body: () => unknown, reps = REPS): Promise<number> => {
  scope(body)
  await synchronize(gpu)
  const ts: number[] = []
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    scope(body)
    await synchronize(gpu)
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

interface Row {
  readonly workload: string
  readonly variant: string
  readonly ms: number
  readonly value: number
  readonly unit: string
}

const main = async () => {
  const gpu = await acquireWebGpu({ powerPreference: "high-performance" })
  const rows: Row[] = []
  const add = (r: Row) => {
    rows.push(r)
    console.log(
      `${r.workload.padEnd(28)} ${r.variant.padEnd(6)} ${r.ms.toFixed(3).padStart(10)} ms  ${r.value.toFixed(3).padStart(10)} ${r.unit}`,
    )
  }
  console.log(`device: ${gpu.name}${small ? " (--small)" : ""}`)

  for (const n of small ? [128, 256, 512] : [1024, 2048, 4096, 8192]) {
    const a = randomOn(gpu, [n, n]),
      b = randomOn(gpu, [n, n])
    const ms = await time(gpu, () => lax.matmul(a, b), small ? 3 : REPS)
    add({ workload: `sgemm n=${n}`, variant: "eager", ms, value: (2 * n ** 3) / (ms * 1e-3) / 1e9, unit: "GFLOP/s" })
  }

  const fma = (a: AnyTensor, b: AnyTensor, c: AnyTensor) => lax.add(lax.mul(a, b), c)
  const fmaJit = jit(fma)
  for (const e of small ? [18, 20] : [24, 26]) {
    const n = 2 ** e
    const [a, b, c] = [randomOn(gpu, [n]), randomOn(gpu, [n]), randomOn(gpu, [n])]
    const bytes = 4 * 4 * n // three reads and one write, fused
    for (const [variant, f] of [
      ["eager", fma],
      ["jit", fmaJit],
    ] as const) {
      const ms = await time(gpu, () => f(a, b, c))
      add({ workload: `y=a*b+c 2^${e}`, variant, ms, value: bytes / (ms * 1e-3) / 1e9, unit: "GB/s (3 reads + 1 write)" })
    }
  }

  const stepJit = jit(heatStep)
  for (const n of small ? [100, 300] : [100, 1000]) {
    const steps = 500
    for (const [variant, f] of [
      ["eager", heatStep],
      ["jit", stepJit],
    ] as const) {
      const g0 = scope(() => initGrid(n, gpu))
      const ms = await time(gpu, () => iterate(g0, steps, (g) => f(g)), 3)
      add({ workload: `heat ${n}² ${steps} steps`, variant, ms, value: (ms / steps) * 1e3, unit: "µs/step" })
    }
  }

  const out = process.env.OUT
  if (out !== undefined)
    writeFileSync(join(out, "gpu.json"), JSON.stringify({ date: new Date().toISOString(), device: gpu.name, small, rows }, null, 2))
  releaseWebGpu(gpu)
}

await main()
