/**
 * What this engine's WebAssembly can do, found by compiling one-instruction modules: plain Wasm
 * (absent under a CSP without `wasm-unsafe-eval`), SIMD128, relaxed SIMD (the FMA) and shared
 * memories. On Node 20 relaxed SIMD sits behind a V8 flag, which is switched on before probing.
 *
 * @since 0.1.0
 */
import { type Body, ModuleBuilder, V128, type ValType } from "./emit.js"

/** The engine's WebAssembly features. */
export interface WasmFeatures {
  /** WebAssembly compiles at all */
  readonly wasm: boolean
  /** SIMD128 (`f32x4.*`) */
  readonly simd: boolean
  /** relaxed SIMD (`f32x4.relaxed_madd`) */
  readonly relaxed: boolean
  /** shared memories (SharedArrayBuffer-backed, usable from worker threads) */
  readonly shared: boolean
}

interface NodeProcess {
  readonly getBuiltinModule?: (id: string) => unknown
  readonly env?: Record<string, string | undefined>
}

/** Node's `process` where there is one (browsers have none). */
export const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process

/** A Node built-in module, loaded synchronously, or undefined outside Node (or before Node 20.16). */
export const nodeBuiltin = <T>(id: string): T | undefined => {
  try {
    return nodeProcess()?.getBuiltinModule?.(id) as T | undefined
  } catch {
    return undefined
  }
}

const compiles = (bytes: Uint8Array<ArrayBuffer>): boolean => {
  try {
    new WebAssembly.Module(bytes)
    return true
  } catch {
    return false
  }
}

const probe = (params: ReadonlyArray<ValType>, body: (b: Body) => void): Uint8Array<ArrayBuffer> => {
  const m = new ModuleBuilder()
  m.func("f", params, [], (b) => (body(b), b.drop()))
  return m.bytes()
}

let cached: WasmFeatures | undefined

/** Probe once and remember. */
export const wasmFeatures = (): WasmFeatures => {
  if (cached !== undefined) return cached
  const hasWasm = typeof WebAssembly === "object" && compiles(probe([], (b) => b.i32Const(0)))
  if (!hasWasm) return (cached = { wasm: false, simd: false, relaxed: false, shared: false })
  const simd = compiles(probe([], (b) => b.v128Const([0, 0, 0, 0])))
  const madd = () =>
    probe([V128], (b) => {
      const x = b.param(0, V128)
      b.get(x).get(x).get(x).f32x4RelaxedMadd()
    })
  let relaxed = simd && compiles(madd())
  if (simd && !relaxed) {
    // V8 11.x (Node 20) ships relaxed SIMD behind a flag; it takes effect for modules compiled after
    nodeBuiltin<{ setFlagsFromString(f: string): void }>("node:v8")?.setFlagsFromString("--experimental-wasm-relaxed-simd")
    relaxed = compiles(madd())
  }
  let shared = false
  try {
    shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
  } catch {
    shared = false
  }
  return (cached = { wasm: true, simd, relaxed, shared })
}
