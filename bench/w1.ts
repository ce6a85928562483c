/**
 * W1, f32 matmul at n = 256 / 1024 / 2048: typegrad's CPU backend (its Wasm GEMM on 1 and 2
 * threads) beside TensorFlow.js's Wasm backend (XNNPACK, 1 and 2 threads, each in a child process)
 * on the same inputs, with each result checked at 16 points against an f64 reference. Each
 * configuration runs `reps` timed runs after one warm-up; the table gives the median and the
 * best, and the whole sequence runs twice (passes) so that load from elsewhere shows as a spread.
 * Run alone: `npx tsx bench/w1.ts`; `npm run bench` runs it after the main table.
 */
import { execFileSync } from "node:child_process"
import os from "node:os"
import { fileURLToPath } from "node:url"
import * as tg from "../src/index.js"
import { configureWasm, wasmSettings } from "../src/device/cpu/wasm/gemm.js"
import { median } from "./harness.js"
import { matmulInputs, referenceSamples, samplePoints } from "./w1-data.js"

const sizes = [256, 1024, 2048]
const fullReps = [20, 6, 3]
const PASSES = 2

/** How long W1 runs: timed runs per size, and passes over all configurations (the suite's `--quick` uses fewer). */
export interface W1Options {
  readonly reps?: ReadonlyArray<number>
  readonly passes?: number
}

interface Result {
  readonly seconds: number[]
  readonly cpu: number[]
  readonly samples: number[]
}

const typegradRun = (threads: number, reps: ReadonlyArray<number>): Record<number, Result> => {
  configureWasm({ threads })
  const out: Record<number, Result> = {}
  sizes.forEach((n, s) => {
    const [ah, bh] = matmulInputs(n)
    const a = tg.tensor(ah, [n, n]),
      b = tg.tensor(bh, [n, n])
    const run = () => tg.matmul(a, b).dataSync() as Float32Array
    const c = run()
    const seconds: number[] = [],
      cpu: number[] = []
    for (let r = 0; r < reps[s]!; r++) {
      const t0 = performance.now(),
        c0 = process.cpuUsage()
      run()
      const c1 = process.cpuUsage(c0)
      seconds.push((performance.now() - t0) / 1000)
      cpu.push((c1.user + c1.system) / 1e6)
    }
    out[n] = { seconds, cpu, samples: samplePoints(n).map(([i, j]) => c[i * n + j]!) }
  })
  return out
}

const tfjsRun = (threads: number, reps: ReadonlyArray<number>): Record<number, Result> | null => {
  try {
    const child = fileURLToPath(new URL("./tfjs-wasm-child.ts", import.meta.url))
    const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url))
    const line = execFileSync(process.execPath, [tsx, child, String(threads), sizes.join(","), reps.join(",")], {
      encoding: "utf8",
      timeout: 600_000,
    })
    const parsed = JSON.parse(line.trim().split("\n").pop()!) as { threads: number; results: Record<number, Result> }
    if (parsed.threads !== threads) throw new Error(`tfjs started ${parsed.threads} threads, not ${threads}`)
    return parsed.results
  } catch (e) {
    process.stderr.write(`tfjs-wasm ${threads} thread(s) unavailable: ${String(e).slice(0, 200)}\n`)
    return null
  }
}

/** Run W1 and print its table; returns GFLOP/s (median) per configuration and size. */
export const w1 = (options: W1Options = {}): Record<string, Record<number, number>> => {
  const reps = options.reps ?? fullReps,
    passes = options.passes ?? PASSES
  const refs = Object.fromEntries(sizes.map((n) => [n, referenceSamples(n, ...matmulInputs(n))]))
  const configs: Array<[string, () => Record<number, Result> | null]> = [
    ["typegrad, 1 thread", () => typegradRun(1, reps)],
    ["typegrad, 2 threads", () => typegradRun(2, reps)],
    ["tfjs-wasm, 1 thread", () => tfjsRun(1, reps)],
    ["tfjs-wasm, 2 threads", () => tfjsRun(2, reps)],
  ]
  const saved = wasmSettings()
  const times = new Map<string, Record<number, number[]>>(),
    cpuTimes = new Map<string, Record<number, number[]>>()
  const loads: number[] = []
  for (let pass = 0; pass < passes; pass++)
    for (const [name, run] of configs) {
      loads.push(os.loadavg()[0]!)
      process.stderr.write(`W1 pass ${pass + 1}: ${name} …\n`)
      const r = run()
      if (r === null) continue
      const acc = times.get(name) ?? {},
        cacc = cpuTimes.get(name) ?? {}
      for (const n of sizes) {
        // correctness: every sample within the f32 dot-product bound 2·n·ε·Σ|a·b|
        r[n]!.samples.forEach((v, t) => {
          const { c, mag } = refs[n]![t]!
          if (!(Math.abs(v - c) <= 2 * n * 2 ** -24 * mag)) throw new Error(`W1 ${name} n=${n}: C at sample ${t} is ${v}, expected ${c}`)
        })
        ;(acc[n] ??= []).push(...r[n]!.seconds)
        ;(cacc[n] ??= []).push(...r[n]!.cpu)
      }
      times.set(name, acc)
      cpuTimes.set(name, cacc)
    }
  configureWasm(saved)
  const gflops = (n: number, s: number) => (2 * n ** 3) / s / 1e9
  const out: Record<string, Record<number, number>> = {}
  for (const [name] of configs) {
    const t = times.get(name)
    if (t !== undefined) out[name] = Object.fromEntries(sizes.map((n) => [n, gflops(n, median(t[n]!))]))
  }
  const best = (name: string, n: number) => {
    const t = times.get(name)?.[n]
    return t === undefined ? null : gflops(n, Math.min(...t))
  }
  const fmt = (x: number | null | undefined) => (x == null ? "—" : x.toFixed(1))
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`)
  console.log(
    `\nW1 matmul f32, GFLOP/s: median (best) over ${passes} pass(es); load average during the run ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"})\n`,
  )
  const names = configs.map(([n]) => n)
  console.log(`| n | ${names.join(" | ")} | typegrad 1t / tfjs 1t | typegrad 2t / tfjs 2t |`)
  console.log(`|---|${names.map(() => "---:").join("|")}|---:|---:|`)
  for (const n of sizes)
    console.log(
      `| ${n} | ${names.map((k) => `${fmt(out[k]?.[n])} (${fmt(best(k, n))})`).join(" | ")} | ${ratio(out[names[0]!]?.[n], out[names[2]!]?.[n])} | ${ratio(out[names[1]!]?.[n], out[names[3]!]?.[n])} |`,
    )
  // CPU time (all threads of the process): the work each library spends per GFLOP, much less
  // sensitive to other load than wall time (a time-sliced process is not charged while it waits)
  console.log(`\nW1, GFLOP per CPU-second (median; all threads' CPU time, so 2 threads ideally equal 1):\n`)
  console.log(`| n | ${names.join(" | ")} |`)
  console.log(`|---|${names.map(() => "---:").join("|")}|`)
  for (const n of sizes)
    console.log(
      `| ${n} | ${names
        .map((k) => {
          const c = cpuTimes.get(k)?.[n]
          return c === undefined ? "—" : fmt(gflops(n, median(c)))
        })
        .join(" | ")} |`,
    )
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) w1()
