/**
 * The CPU suite: typegrad (eager and `jit`; its Wasm pool on 1 and 2 threads for W1) beside
 * TensorFlow.js (plain-JS CPU and Wasm backends, and Wasm with 2 threads in a child process),
 * jax-js (Wasm) and NumPy (a `python3` subprocess, when NumPy imports), on the same inputs from one
 * deterministic generator (`data.ts`). Every row checks that the libraries agree (its "check"
 * column says how), reports medians, the load average when it finished, and typegrad's ratios to
 * its best JS peer and to NumPy. A section compares each jitted workload with its eager twin and
 * prints **JIT SLOWER THAN EAGER** where jit loses.
 *
 * Run: `npm run bench` (several minutes on 2 cores) or `npm run bench -- --quick` (a short run:
 * fewer repetitions, 50 heat steps at 1000²). Progress goes to stderr, the tables to stdout.
 */
import os from "node:os"
import type * as tg from "../src/index.js"
import { cpu } from "../src/device/cpu/index.js"
import { wasmSettings } from "../src/device/cpu/wasm/gemm.js"
import { bandwidth, streamJax, streamRate, streamReference, streamTfjs, streamTypegrad } from "./stream.js"
import {
  attempt,
  cpuMedian,
  expectClose,
  interleaved,
  jitSection,
  load,
  log,
  quick,
  table,
  timeMedian,
  type Column,
  type Row,
} from "./harness.js"
import { facilityJax, facilityTfjs, facilityTypegrad } from "./facility.js"
import { heatJax, heatTfjs, heatTypegrad, type HeatResult } from "./heat.js"
import { checkSamples, matmulJax, matmulTfjs } from "./matmul.js"
import { convNetJax, convNetTfjs, mlpJax, mlpTfjs, type PeerStep } from "./nets.js"
import { convNet, mlp, type StepCheck } from "./nets-typegrad.js"
import { chainJax, chainReference, chainTfjs, chainTypegrad } from "./overhead.js"
import { jaxjs, jaxThreads, numpy, tfjs, type Tf } from "./peers.js"
import { samplePoints } from "./w1-data.js"
import { w1 } from "./w1.js"

const MATMUL = [256, 1024, 2048]
const HEAT: ReadonlyArray<readonly [number, number, number]> = quick
  ? [
      [100, 500, 1],
      [1000, 50, 1],
    ]
  : [
      [100, 500, 3],
      [1000, 500, 1],
    ]
const FACILITY_STEPS = 100,
  FACILITY_REPS = quick ? 2 : 5
const STEP_REPS = quick ? 3 : 10
const FMA_N = quick ? 1 << 22 : 1 << 24,
  FMA_REPS = quick ? 3 : 7
const CHAIN_REPS = quick ? 5 : 20

const rows: Row[] = []
const row = (label: string, unit: string, higherIsBetter: boolean, check: string): Row => {
  const r: Row = { label, unit, higherIsBetter, values: {}, check }
  rows.push(r)
  return r
}
/** Record library `col`'s figure on `r` (or "—" when it threw), with the load average. */
const put = (r: Row, col: Column, f: () => number | null) => {
  log(`${r.label}: ${col} …`)
  r.values[col] = attempt(`${r.label}, ${col}`, f)
  r.load = load()
}

/**
 * typegrad eager and jit on row `r`, timed in turns (`interleaved`) so that the jit-vs-eager ratio
 * survives a changing load; `make` builds a variant's runner, `check` throws if its result is wrong,
 * `value` turns median seconds into the row's unit.
 */
const typegradPair = <R extends { run: () => void }>(
  r: Row,
  reps: number,
  make: (jitted: boolean) => R,
  check: (who: string, x: R) => void,
  value: (s: number) => number,
) => {
  log(`${r.label}: typegrad eager and jit, in turns …`)
  const pair = attempt(`${r.label}, typegrad`, () => {
    const xs = [make(false), make(true)]
    const ts = interleaved(
      reps,
      xs.map((x) => x.run),
    )
    return xs.map((x, k) =>
      attempt(
        `${r.label}, typegrad ${k === 0 ? "eager" : "jit"}`,
        () => (check(k === 0 ? "typegrad eager" : "typegrad jit", x), value(ts[k]!)),
      ),
    )
  })
  r.values["typegrad eager"] = pair?.[0] ?? null
  r.values["typegrad jit"] = pair?.[1] ?? null
  r.load = load()
}

const startLoad = load()
const t0 = performance.now()
const jax = await jaxjs()
const threads = wasmSettings().threads

// NumPy first, alone: its subprocess would otherwise compete with the JS timings
log("numpy (subprocess) …")
const np = numpy({
  matmul: MATMUL,
  matmulReps: quick ? [3, 2, 1] : [20, 6, 3],
  samples: Object.fromEntries(MATMUL.map((n) => [n, samplePoints(n)])),
  heat: HEAT,
  facilitySteps: FACILITY_STEPS,
  facilityReps: FACILITY_REPS,
  mlpReps: STEP_REPS,
  fma: FMA_N,
  fmaReps: FMA_REPS,
})

// W1: typegrad and tfjs-wasm on 1 and 2 threads (bench/w1.ts, tfjs in child processes); its own tables are printed after the suite's
log("W1 …")
const w1Lines: string[] = []
const print = console.log
console.log = (...xs: unknown[]) => void w1Lines.push(xs.join(" "))
const w1r = (() => {
  try {
    return w1(quick ? { reps: [3, 2, 1], passes: 1 } : {})
  } finally {
    console.log = print
  }
})()
const tfCpu = await tfjs("cpu")
for (const n of MATMUL) {
  const one = row(`W1 matmul f32 n=${n}, 1 thread`, "GFLOP/s", true, "16 points vs f64, ≤ 2nε·Σ|ab|")
  one.values["typegrad eager"] = w1r["typegrad, 1 thread"]?.[n] ?? null
  one.values["tfjs-wasm"] = w1r["tfjs-wasm, 1 thread"]?.[n] ?? null
  // tfjs's plain-JS backend takes minutes beyond n = 256
  if (n === 256 && tfCpu !== null) put(one, "tfjs-cpu", () => matmulTfjs(tfCpu, "tfjs-cpu", n, quick ? 1 : 3))
  if (jax !== null) put(one, "jax-js wasm", () => matmulJax(jax, n, quick ? 1 : n >= 2048 ? 2 : n >= 1024 ? 3 : 10))
  const two = row(`W1 matmul f32 n=${n}, 2 threads`, "GFLOP/s", true, "16 points vs f64, ≤ 2nε·Σ|ab|")
  two.values["typegrad eager"] = w1r["typegrad, 2 threads"]?.[n] ?? null
  two.values["tfjs-wasm 2t"] = w1r["tfjs-wasm, 2 threads"]?.[n] ?? null
  if (np !== null) put(two, "numpy", () => (checkSamples("numpy", n, np.w1[n]!.samples), (2 * n ** 3) / np.w1[n]!.s / 1e9))
  two.load = load()
}

/** Switch tfjs to `backend` and run `f` on it, or null if the backend does not start. */
const onTf = async <T>(backend: "cpu" | "wasm", f: (tf: Tf) => T): Promise<T | null> => {
  const tf = await tfjs(backend)
  return tf === null ? null : f(tf)
}

// W2: the heat program
for (const [n, steps, reps] of HEAT) {
  const r = row(`W2 heat ${n}² × ${steps} steps`, "ms", false, "centre and total vs numpy, 1e-4 rel.")
  const ref = np?.w2[`${n}`]
  let want: Omit<HeatResult, "ms"> | undefined = ref
  const checked = (who: string, res: Omit<HeatResult, "ms">) => {
    want ??= res
    expectClose(`W2 ${n}² ${who} centre`, res.centre, want.centre, 1e-4)
    expectClose(`W2 ${n}² ${who} total`, res.total, want.total, 1e-4)
  }
  typegradPair(
    r,
    reps,
    (jitted) => heatTypegrad(n, steps, jitted),
    (who, x) => checked(who, x.result()),
    (s) => s * 1000,
  )
  // tfjs's plain-JS backend: 84 s for 100² × 500 steps on this machine class; left out
  const tfw = await onTf("wasm", (tf) => attempt(`${r.label}, tfjs-wasm`, () => heatTfjs(tf, n, steps, reps)))
  put(r, "tfjs-wasm", () => (tfw == null ? null : (checked("tfjs-wasm", tfw), tfw.ms)))
  if (jax !== null)
    put(r, "jax-js wasm", () => {
      const h = heatJax(jax, n, steps, reps)
      checked("jax-js", h)
      return h.ms
    })
  if (ref !== undefined) r.values.numpy = ref.s * 1000
}

// W3: the facility problem
{
  const r = row(`W3 facility, Adam lr 0.1, ${FACILITY_STEPS} steps`, "ms/step", false, "centre x vs PyTorch's 2.11228, 1e-4")
  const checked = (x: number, ms: number, who: string) => (expectClose(`W3 ${who}`, x, 2.11228, 1e-4), ms)
  typegradPair(
    r,
    FACILITY_REPS,
    (jitted) => facilityTypegrad(FACILITY_STEPS, jitted),
    (who, f) => void checked(f.x(), 0, who),
    (s) => (s * 1000) / FACILITY_STEPS,
  )
  for (const b of ["cpu", "wasm"] as const) {
    const f = await onTf(b, (tf) => attempt(`W3 tfjs-${b}`, () => facilityTfjs(tf, FACILITY_STEPS, FACILITY_REPS)))
    put(r, `tfjs-${b}`, () => (f == null ? null : checked(f.x, f.msPerStep, `tfjs-${b}`)))
  }
  if (jax !== null)
    put(r, "jax-js wasm", () => {
      const f = facilityJax(jax, FACILITY_STEPS, FACILITY_REPS)
      return checked(f.x, f.msPerStep, "jax-js")
    })
  if (np !== null) put(r, "numpy", () => checked(np.w3.centre, np.w3.s * 1000, "numpy"))
}

// W4 and W5: training steps
const stepRow = async (
  label: string,
  unit: string,
  typegrad: (jitted: boolean) => { step: () => tg.AnyTensor; check: () => StepCheck },
  peer: { tf: (tf: Tf) => PeerStep; jax: typeof convNetJax },
  numpyCheck?: () => { ms: number; check: StepCheck },
) => {
  const r = row(label, unit, false, "loss and Σ|Δw|/lr vs typegrad eager, 1e-3 rel.")
  let want: StepCheck | undefined
  const checked = (who: string, c: StepCheck) => {
    want ??= c
    expectClose(`${label} ${who} loss`, c.loss, want.loss, 1e-3)
    expectClose(`${label} ${who} Σ|Δw|/lr`, c.gradL1, want.gradL1, 1e-3)
  }
  typegradPair(
    r,
    STEP_REPS,
    (jitted) => {
      const w = typegrad(jitted)
      return { check: w.check(), run: () => void (w.step() as tg.Tensor<[], "f32", "cpu">).item() }
    },
    (who, w) => checked(who, w.check),
    (s) => s * 1000,
  )
  const timePeer = (who: string, p: PeerStep) => (checked(who, p.check), timeMedian(STEP_REPS, p.step, 2) * 1000)
  for (const b of ["cpu", "wasm"] as const) {
    const ms = await onTf(b, (tf) => attempt(`${label} tfjs-${b}`, () => timePeer(`tfjs-${b}`, peer.tf(tf))))
    put(r, `tfjs-${b}`, () => ms)
  }
  if (jax !== null) put(r, "jax-js wasm", () => timePeer("jax-js", peer.jax(jax)))
  if (numpyCheck !== undefined)
    put(r, "numpy", () => {
      const { ms, check } = numpyCheck()
      checked("numpy", check)
      return ms
    })
}
await stepRow("W4 conv block SGD step, batch 32", "ms", convNet, { tf: convNetTfjs, jax: convNetJax })
await stepRow(
  "W5 MLP 784-256-256-10 Adam step, batch 128",
  "ms",
  mlp,
  { tf: mlpTfjs, jax: mlpJax },
  np === null ? undefined : () => ({ ms: np.w5.s * 1000, check: { loss: np.w5.loss, gradL1: np.w5.gradL1 } }),
)

// W6: sum(a·b + c), memory bound
{
  const ref = streamReference(FMA_N)
  const r = row(`W6 sum(a·b + c), 2^${Math.log2(FMA_N)} f32`, "GB/s", true, "sum vs f64, 1e-4·Σ|a·b+c|")
  const checked = (who: string, sum: number, gbs: number) => (
    expectClose(`W6 ${who}`, sum, ref.sum, (1e-4 * ref.mag) / Math.max(1, Math.abs(ref.sum))), gbs
  )
  typegradPair(
    r,
    FMA_REPS,
    (jitted) => streamTypegrad(FMA_N, jitted),
    (who, x) => void checked(who, x.sum(), 0),
    (s) => streamRate(FMA_N, s),
  )
  for (const b of ["cpu", "wasm"] as const) {
    const s = await onTf(b, (tf) => attempt(`W6 tfjs-${b}`, () => streamTfjs(tf, FMA_N, FMA_REPS)))
    put(r, `tfjs-${b}`, () => (s == null ? null : checked(`tfjs-${b}`, s.sum, s.gbs)))
  }
  if (jax !== null)
    put(r, "jax-js wasm", () => {
      const s = streamJax(jax, FMA_N, FMA_REPS)
      return checked("jax-js", s.sum, s.gbs)
    })
  if (np !== null) put(r, "numpy", () => checked("numpy", np.w6.sum, (12 * FMA_N) / np.w6.s / 1e9))
}

// per-op overhead: a chain of scalar ops, and the eager facility step per op it dispatches
{
  const want = chainReference()
  const r = row(
    "dispatch: chain of 1,000 eager scalar ops",
    "µs/op",
    false,
    "value vs f32 recurrence, 1e-6 rel. (jax-js 1e-4: it fuses the lazy chain)",
  )
  const checked = (who: string, c: { us: number; value: number }) => (
    expectClose(`chain ${who}`, c.value, want, who.startsWith("jax-js") ? 1e-4 : 1e-6), c.us
  )
  put(r, "typegrad eager", () => checked("typegrad", chainTypegrad(CHAIN_REPS)))
  for (const b of ["cpu", "wasm"] as const) {
    const c = await onTf(b, (tf) => attempt(`chain tfjs-${b}`, () => chainTfjs(tf, CHAIN_REPS)))
    put(r, `tfjs-${b}`, () => (c == null ? null : checked(`tfjs-${b}`, c)))
  }
  if (jax !== null) put(r, "jax-js wasm", () => checked("jax-js (lazy: ops run when read)", chainJax(jax, CHAIN_REPS)))
}
const facilityOps = (() => {
  // backend calls of one eager facility step: a 2-step run's minus a 1-step run's
  const run = cpu.backend.run
  let calls = 0
  ;(cpu.backend as { run: typeof run }).run = (...a: Parameters<typeof run>) => (calls++, run.apply(cpu.backend, a))
  try {
    const count = (steps: number) => {
      const f = facilityTypegrad(steps, false)
      f.run()
      calls = 0
      f.run()
      return calls
    }
    return count(2) - count(1)
  } finally {
    ;(cpu.backend as { run: typeof run }).run = run
  }
})()
const w3 = rows.find((r) => r.label.startsWith("W3"))!.values["typegrad eager"]
// the same two in CPU time (single-threaded work: robust to other load on the machine)
const chainCpu = chainTypegrad(CHAIN_REPS, true).us
const facilityCpu = (() => {
  const f = facilityTypegrad(FACILITY_STEPS, false)
  return (cpuMedian(FACILITY_REPS, f.run) * 1e6) / FACILITY_STEPS
})()
const bw = bandwidth(FMA_N, FMA_REPS)

const out: string[] = []
out.push(`## CPU suite${quick ? " (--quick)" : ""}: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`, "")
out.push(
  `CPU: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores; Node ${process.version}; NumPy ${np?.version ?? "unavailable"}; jax-js ${jax === null ? "unavailable" : `wasm, ${jaxThreads() ? "threads available" : "1 thread (no Worker global in Node)"}`}.`,
)
out.push(
  `typegrad's Wasm pool: ${threads} thread(s) outside W1 (TYPEGRAD_THREADS). Load average: ${startLoad.toFixed(1)} at the start, ${load().toFixed(1)} at the end; whole run ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
)
out.push(
  `Memory bandwidth from JS on this machine: ${bw.copy.toFixed(1)} GB/s (TypedArray set, read + write), ${bw.sum.toFixed(1)} GB/s (plain loop summing three arrays).`,
  "",
)
out.push(table(rows), "")
out.push('Medians. Ratios: above 1, typegrad is faster. "—": not run or not available (the log on stderr says why).')
if (w3 != null && facilityOps > 0)
  out.push(
    `The eager facility step dispatches ${facilityOps} ops: ${((w3 * 1000) / facilityOps).toFixed(1)} µs per op in wall time, grad and optimizer bookkeeping included.`,
  )
out.push(
  `In CPU time (this process; unaffected by time-slicing): ${chainCpu.toFixed(2)} µs per eager scalar op in the chain; the eager facility step ${facilityCpu.toFixed(0)} µs, ${(facilityCpu / Math.max(1, facilityOps)).toFixed(2)} µs per op.`,
)
out.push("", "### jit vs eager (typegrad)", "", jitSection(rows), "", "### W1 in detail (bench/w1.ts)", "", ...w1Lines)
console.log(out.join("\n"))
process.exit(0)
