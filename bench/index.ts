/**
 * CPU benchmarks: typegrad eager vs TensorFlow.js (CPU and Wasm backends, same process) and NumPy
 * (subprocess, if installed). Prints a markdown table; `docs/performance.md` keeps a measured copy.
 * Run: `npm run bench` (about 1–2 minutes). Timings are the best of a few runs.
 */
import os from "node:os"
import { numpy, tfjs } from "./peers.js"
import { typegrad } from "./typegrad.js"
import { w1 } from "./w1.js"
import type { Workloads } from "./workloads.js"

const sizes = [128, 256, 512, 1024]
const convs = [
  { name: "[8,64,56,56]*[64,64,3,3]", x: [8, 64, 56, 56], w: [64, 64, 3, 3] },
  { name: "[32,3,32,32]*[16,3,3,3]", x: [32, 3, 32, 32], w: [16, 3, 3, 3] },
] as const
const convFlops = (x: readonly number[], w: readonly number[]) => 2 * x[0]! * w[0]! * w[1]! * w[2]! * w[3]! * x[2]! * x[3]!
const ADD_N = 1 << 20

interface Row { readonly label: string; readonly unit: string; readonly higherIsBetter: boolean; readonly values: Array<number | null> }

/** `slow`: a plain-JS peer under 1 GFLOP/s; its largest matmul and conv are skipped to keep the run short. */
const measure = (w: Workloads, slow: boolean): Array<number | null> => {
  const reps = (n: number) => (n >= 1024 ? 2 : n >= 512 ? 3 : 5)
  const out: Array<number | null> = []
  for (const n of sizes) out.push(slow && n >= 1024 ? null : (2 * n ** 3) / w.matmul(n, reps(n)) / 1e9)
  for (const c of convs) out.push(slow && c.x[1] >= 64 ? null : convFlops(c.x, c.w) / w.conv2d(c.x, c.w, c.x[1] >= 64 ? 2 : 3) / 1e9)
  const heat = w.heat(100, 500, slow ? 1 : 3)
  if (Math.abs(heat.centre - 78.1025) > 1e-3) throw new Error(`heat: centre cell ${heat.centre}, expected 78.1025`)
  out.push(heat.ms)
  // typegrad's jitted step; a peer without jit repeats its one heat time, so the ratio compares the two
  const jit = w.heatJit?.(100, 500, slow ? 1 : 3) ?? heat
  if (Math.abs(jit.centre - 78.1025) > 1e-3) throw new Error(`heat (jit): centre cell ${jit.centre}, expected 78.1025`)
  out.push(jit.ms)
  out.push((3 * 4 * ADD_N) / w.add(ADD_N, 20) / 1e9)
  return out
}

const libs: Array<[string, Array<number | null> | null]> = []
const log = (s: string) => process.stderr.write(s + "\n")
log("typegrad …")
// one untimed pass first: the generated loops and V8 tiers warm up
typegrad.heat(100, 50, 1)
typegrad.heatJit!(100, 50, 1)
libs.push(["typegrad", measure(typegrad, false)])
for (const backend of ["wasm", "cpu"] as const) {
  log(`tfjs ${backend} …`)
  const w = await tfjs(backend)
  libs.push([`tfjs-${backend}`, w === null ? null : measure(w, backend === "cpu")])
}
log("numpy …")
const np = numpy()
libs.push([np === null ? "numpy" : `numpy ${np.version}`, np === null ? null : [
  ...sizes.map((n) => (2 * n ** 3) / np.matmul[n]! / 1e9), null, null, np.heat * 1000, np.heat * 1000, (3 * 4 * ADD_N) / np.add / 1e9,
]])

const labels: Array<[string, string, boolean]> = [
  ...sizes.map((n): [string, string, boolean] => [`matmul f32 n=${n}`, "GFLOP/s", true]),
  ...convs.map((c): [string, string, boolean] => [`conv2d ${c.name}, pad 1`, "GFLOP/s", true]),
  ["heat 100² × 500 steps", "ms", false],
  ["heat 100² × 500 steps, typegrad jit (peers: same as above)", "ms", false],
  [`add f32 2^20`, "GB/s", true],
]
const rows: Row[] = labels.map(([label, unit, higherIsBetter], i) => ({ label, unit, higherIsBetter, values: libs.map(([, v]) => v?.[i] ?? null) }))
const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? "—" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
// ratio: typegrad relative to the peer (>1 means typegrad is faster)
const ratio = (r: Row, k: number) => {
  const t = r.values[0], p = r.values[k]
  return t == null || p == null ? "" : ` (${(r.higherIsBetter ? t / p : p / t).toFixed(2)}×)`
}
const names = libs.map(([n, v]) => (v === null ? `${n} (unavailable)` : n))
console.log(`CPU: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores; Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(1)}\n`)
console.log(`| workload | unit | ${names.join(" | ")} |`)
console.log(`|---|---|${names.map(() => "---:").join("|")}|`)
for (const r of rows) console.log(`| ${r.label} | ${r.unit} | ${r.values.map((v, k) => fmt(v) + (k > 0 ? ratio(r, k) : "")).join(" | ")} |`)
console.log("\n(×) = typegrad's speed relative to that peer: above 1, typegrad is faster.")
// W1 with threads: typegrad's Wasm GEMM and tfjs-wasm (XNNPACK), each on 1 and 2 threads
w1()
