/**
 * The suite's peers, started once: TensorFlow.js (plain-JS CPU and Wasm backends, in this process),
 * jax-js (its Wasm backend, in this process) and NumPy (`bench/numpy_peer.py` in a `python3`
 * subprocess, when NumPy imports). Each starter returns null when its library is unavailable.
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { buildSync } from "esbuild"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import * as jax from "@jax-js/jax"

export type Tf = typeof tf
export type Jax = typeof jax

/**
 * Register TensorFlow.js's gradients. The CommonJS build that Node loads has none; they live in the
 * package's extension-less ES modules, which Node cannot import, so they are bundled once into a
 * temporary file. tfjs keeps its engine and registries on the global object, so the bundle's
 * copies register into the same tables.
 */
let gradients: Promise<void> | undefined
const registerTfGradients = (): Promise<void> =>
  (gradients ??= (async () => {
    const entry = fileURLToPath(new URL("../node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js", import.meta.url))
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-grads-"))
    const out = path.join(dir, "grads.mjs")
    buildSync({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", outfile: out, logLevel: "error" })
    try {
      await import(pathToFileURL(out).href)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })())

/** TensorFlow.js switched to `backend` ("cpu" or "wasm"), or null if the backend does not start. */
export const tfjs = async (backend: "cpu" | "wasm"): Promise<Tf | null> => {
  try {
    await registerTfGradients()
    if (!(await tf.setBackend(backend))) return null
    await tf.ready()
    return tf
  } catch {
    return null
  }
}

/**
 * jax-js on its Wasm device, or null. jax-js runs its Wasm kernels on Web Workers when the realm
 * has `Worker` and `SharedArrayBuffer`; Node has no global `Worker`, so here it runs on one thread.
 */
export const jaxjs = async (): Promise<Jax | null> => {
  try {
    const devices = await jax.init("wasm")
    if (!devices.includes("wasm")) return null
    jax.defaultDevice("wasm")
    return jax
  } catch {
    return null
  }
}

/** Whether jax-js found what it needs for threads (`Worker` and `SharedArrayBuffer` globals). */
export const jaxThreads = (): boolean =>
  typeof (globalThis as { Worker?: unknown }).Worker !== "undefined" && typeof SharedArrayBuffer !== "undefined"

/** What the NumPy script is asked to run (sizes, steps, repetitions). */
export interface NumpyConfig {
  readonly matmul: ReadonlyArray<number>
  readonly matmulReps: ReadonlyArray<number>
  readonly samples: Record<string, ReadonlyArray<readonly [number, number]>>
  readonly heat: ReadonlyArray<readonly [number, number, number]>
  readonly facilitySteps: number
  readonly facilityReps: number
  readonly mlpReps: number
  readonly fma: number
  readonly fmaReps: number
}

/** NumPy's results: median seconds and check values per workload. */
export interface NumpyResults {
  readonly version: string
  readonly w1: Record<string, { readonly s: number; readonly samples: number[] }>
  readonly w2: Record<string, { readonly s: number; readonly centre: number; readonly total: number }>
  readonly w3: { readonly s: number; readonly centre: number }
  readonly w5: { readonly s: number; readonly loss: number; readonly gradL1: number }
  readonly w6: { readonly s: number; readonly sum: number }
}

/** Run NumPy's side, or null without python3/NumPy. OpenBLAS tuning variables are unset for this command only. */
export const numpy = (config: NumpyConfig): NumpyResults | null => {
  try {
    const env = { ...process.env }
    delete env.OPENBLAS_CORETYPE
    delete env.OPENBLAS_L2_SIZE
    const script = fileURLToPath(new URL("./numpy_peer.py", import.meta.url))
    return JSON.parse(
      execFileSync("python3", [script, JSON.stringify(config)], { env, encoding: "utf8", timeout: 900_000 }),
    ) as NumpyResults
  } catch (e) {
    process.stderr.write(`numpy unavailable: ${String(e).slice(0, 300)}\n`)
    return null
  }
}
