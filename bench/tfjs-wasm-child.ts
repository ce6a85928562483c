/**
 * W1 matmul on TensorFlow.js's Wasm backend (XNNPACK) with a given thread count, in a process of its
 * own: the thread count is fixed when the backend starts. Prints one JSON line: per size, the
 * seconds of each timed run and C at the sample points. Usage: `tsx bench/tfjs-wasm-child.ts <threads> <sizes,…> <reps,…>`.
 *
 * tfjs does not enable its threaded build under Node. Three shims make it run: Emscripten's
 * pthread glue passes scripts around as Blob URLs, which Node's worker_threads cannot load (they
 * become temporary files), the workers need the bundle's module aliases as globals, and XNNPACK
 * sizes its pool at half the logical cores (it assumes 2-way SMT), so `os.cpus()` reports twice
 * the cores while the backend starts.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { matmulInputs, samplePoints } from "./w1-data.js"

const threads = Number(process.argv[2] ?? 1)
const sizes = (process.argv[3] ?? "256").split(",").map(Number)
const reps = (process.argv[4] ?? "3").split(",").map(Number)

// the pthread glue's scripts, written out for Node's workers; removed when this process ends
const dir = threads > 1 ? fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-wasm-")) : undefined
if (dir !== undefined) {
  let count = 0
  class TextBlob {
    constructor(readonly parts: string[]) {}
  }
  const toFile = (text: string) => {
    const f = path.join(dir, `blob${count++}.js`)
    fs.writeFileSync(f, text)
    return f
  }
  // inside each pthread worker: the same Blob-to-file shim, the bundle's aliases, and the factory made global
  const workerPrelude = `Object.assign(global, { require$$0: require("fs"), require$$1: require("path"), require$$2: require("worker_threads"), require$$3: require("perf_hooks"), require$$4: require("os"), commonjsGlobal: global });
let __n = 0; URL.revokeObjectURL = () => {};
URL.createObjectURL = (b) => { const f = require("path").join(${JSON.stringify(dir)}, "w" + require("worker_threads").threadId + "-" + (__n++) + ".js"); require("fs").writeFileSync(f, b.parts.join("") + ";globalThis.WasmBackendModuleThreadedSimd = WasmBackendModuleThreadedSimd;"); return f };
`
  Object.assign(globalThis, { Blob: TextBlob })
  Object.assign(URL, {
    createObjectURL: (b: TextBlob) => {
      const text = b.parts.join("")
      return toFile(text.includes("importScripts") ? workerPrelude + text : text)
    },
    revokeObjectURL: () => {},
  })
}
const tf = await import("@tensorflow/tfjs-core")
const wasm = await import("@tensorflow/tfjs-backend-wasm")
if (threads > 1) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true)
wasm.setThreadsCount(threads)
const cpus = os.cpus
os.cpus = () => [...cpus(), ...cpus()]
await tf.setBackend("wasm")
await tf.ready()
os.cpus = cpus
const out: Record<number, { seconds: number[]; cpu: number[]; samples: number[] }> = {}
sizes.forEach((n, s) => {
  const [ah, bh] = matmulInputs(n)
  const a = tf.tensor2d(ah, [n, n]),
    b = tf.tensor2d(bh, [n, n])
  const run = () => {
    const y = tf.matMul(a, b)
    const d = y.dataSync()
    y.dispose()
    return d
  }
  const c = run() // warm-up; also the correctness sample
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
  tf.dispose([a, b])
})
console.log(JSON.stringify({ threads: wasm.getThreadsCount(), results: out }))
if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
process.exit(0)
