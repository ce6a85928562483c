/**
 * f32 batched GEMM on WebAssembly: C[b] = A[b]·B[b] for row-major contiguous operands. Inputs are
 * copied into the shared Wasm memory, the generated kernel (gemm-codegen.ts) runs on the calling
 * thread or split into (batch, row block, column block) tasks over a worker pool, and the result
 * is copied out. Tensor storage itself stays in JS typed arrays for now, hence the two copies.
 *
 * Configuration: `TYPEGRAD_WASM=0` keeps every kernel on the JS path; `TYPEGRAD_THREADS=n` sets
 * the thread count (default: the available cores, at most 16).
 *
 * @since 0.1.0
 */
import { Arena, MAX_PAGES, PARAMS } from "./arena.js"
import { nodeBuiltin, nodeProcess, wasmFeatures } from "./features.js"
import { gemmModule, scratchBytes, type GemmMode, type GemmShape } from "./gemm-codegen.js"
import { MAX_TASKS, Pool, poolAvailable } from "./pool.js"

/**
 * Micro-tile and block sizes. 3×12 f32 tiles hold 9 accumulators + 3 B vectors + 1 A splat: 13 of
 * the 16 SIMD registers. Measured on V8 11.3 / x64 (CPU time, n=1024, one thread, GFLOP/s): 3×12
 * 47, 2×16 40, 4×8 40, 5×8 17, 6×8 21 (15 live vectors: the register allocator spills), and
 * unrolling the depth loop made every tile slower (21–24).
 */
const SIMD_SHAPE: GemmShape = { mr: 3, nr: 12, kc: 256, mc: 192, nc: 516, ku: 1 }
const SCALAR_SHAPE: GemmShape = { mr: 4, nr: 4, kc: 256, mc: 192, nc: 512, ku: 1 }
/** Below this many multiply-adds (8³) products stay on the JS kernel; at 8³ the Wasm path already takes half its time. */
export const WASM_MIN_MACS = 512
/** Below this many multiply-adds one thread is faster than waking the workers. */
export const THREADS_MIN_MACS = 1 << 21

const env = (name: string): string | undefined => nodeProcess()?.env?.[name]

/** Threads by default: `TYPEGRAD_THREADS`, else the available cores (at most 16); 1 without a pool. */
const defaultThreads = (): number => {
  if (!poolAvailable()) return 1
  const fromEnv = Number.parseInt(env("TYPEGRAD_THREADS") ?? "", 10)
  if (Number.isFinite(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 64)
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os")
  return os === undefined ? 1 : Math.min(16, os.availableParallelism?.() ?? os.cpus().length)
}

/** Settings of the Wasm kernels (read by tests and the benchmarks). */
export interface WasmSettings {
  /** false: every kernel takes the JS path */
  readonly enabled: boolean
  /** threads for large kernels, the caller included */
  readonly threads: number
  /** the micro-kernel's arithmetic: relaxed-SIMD FMA, SIMD mul+add, or scalar */
  readonly mode: GemmMode
}

const bestMode = (): GemmMode => {
  const f = wasmFeatures()
  return f.relaxed ? "relaxed" : f.simd ? "simd" : "scalar"
}

let settings: WasmSettings | undefined
const current = (): WasmSettings =>
  (settings ??= { enabled: env("TYPEGRAD_WASM") !== "0" && wasmFeatures().wasm, threads: defaultThreads(), mode: bestMode() })

interface Runtime {
  readonly mode: GemmMode
  readonly shape: GemmShape
  readonly arena: Arena
  readonly module: WebAssembly.Module
  readonly task: (params: number, t: number, scratch: number) => void
  pool: Pool | undefined
  /** threads the arena has scratch regions for */
  laidOut: number
}
let runtime: Runtime | undefined

/** A memory that reserves 2 GiB of address space may be refused (32-bit hosts, tight limits): retry unshared, then give up. */
const newArena = (): Arena => {
  if (wasmFeatures().shared)
    try {
      return new Arena(true)
    } catch {
      // fall through to a memory the workers cannot share
    }
  return new Arena(false)
}

const build = (mode: GemmMode): Runtime => {
  const shape = mode === "scalar" ? SCALAR_SHAPE : SIMD_SHAPE
  const arena = newArena()
  const shared = arena.shared
  const module = new WebAssembly.Module(gemmModule(shape, mode, { maximum: MAX_PAGES, shared }))
  const task = new WebAssembly.Instance(module, { env: { memory: arena.memory } }).exports.task as Runtime["task"]
  return { mode, shape, arena, module, task, pool: undefined, laidOut: 0 }
}

/** The runtime for the current settings: rebuilt for a new mode, its pool restarted for a new thread count. */
const ensure = (s: WasmSettings): Runtime => {
  if (runtime === undefined || runtime.mode !== s.mode) {
    runtime?.pool?.close()
    runtime = build(s.mode)
  }
  if (runtime.pool !== undefined && runtime.pool.threads !== s.threads) {
    runtime.pool.close()
    runtime.pool = undefined
  }
  // scratch regions are re-laid only while no pool holds their addresses
  if (runtime.laidOut < s.threads) {
    runtime.arena.layout(s.threads, scratchBytes(runtime.shape))
    runtime.laidOut = s.threads
  }
  return runtime
}

/**
 * Change the Wasm settings (all fields optional); returns the new settings. Thread counts are
 * clamped to [1, 64]; a mode the engine cannot compile is refused with the best one kept.
 */
export const configureWasm = (patch: Partial<WasmSettings>): WasmSettings => {
  const s = current()
  const mode = patch.mode ?? s.mode
  const f = wasmFeatures()
  const ok = mode === "scalar" ? f.wasm : mode === "simd" ? f.simd : f.relaxed
  settings = {
    enabled: (patch.enabled ?? s.enabled) && f.wasm,
    threads: Math.max(1, Math.min(64, Math.floor(patch.threads ?? s.threads))),
    mode: ok ? mode : bestMode(),
  }
  return settings
}

/**
 * The Wasm runtime's memory, for the other generated kernels that run on the calling thread (the
 * fused loops): undefined when Wasm is off or cannot start here.
 */
export const wasmArena = (): Arena | undefined => {
  const s = current()
  if (!s.enabled || s.mode === "scalar") return undefined
  try {
    return ensure(s).arena
  } catch {
    return undefined
  }
}

/** The settings in force. */
export const wasmSettings = (): WasmSettings => current()

/** Threads of the running pool (workers and the caller), or 0 when no pool is running. */
export const poolThreads = (): number => runtime?.pool?.threads ?? 0

/** Stop the worker threads (a later large GEMM starts them again). */
export const shutdownWasm = (): void => {
  runtime?.pool?.close()
  if (runtime !== undefined) runtime.pool = undefined
}

/** The runtime's pool, started on first use; if workers cannot start here, one thread from now on. */
const startPool = (rt: Runtime, s: WasmSettings): Pool | undefined => {
  try {
    return (rt.pool ??= new Pool(rt.arena, s.threads, rt.module, PARAMS))
  } catch {
    settings = { ...s, threads: 1 }
    return undefined
  }
}

/**
 * Row and column block sizes: MC×NC, halved (the longer side first, never below a few micro-tiles)
 * until there are about four tasks per thread, so small problems still spread over the threads.
 */
const blocks = (s: GemmShape, batch: number, m: number, n: number, threads: number): [number, number] => {
  let mb = s.mc,
    nb = s.nc
  const up = (x: number, q: number) => Math.ceil(x / q) * q
  while (batch * Math.ceil(m / mb) * Math.ceil(n / nb) < 4 * threads) {
    const canM = mb > 8 * s.mr && mb / 2 < m,
      canN = nb > 4 * s.nr && nb / 2 < n
    if (canN && (!canM || Math.min(nb, n) >= Math.min(mb, m))) nb = up(nb / 2, s.nr)
    else if (canM) mb = up(mb / 2, s.mr)
    else break
  }
  return [mb, nb]
}

/**
 * C = A·B over `batch` row-major f32 matrices ([batch, m, k] · [batch, k, n] → [batch, m, n]),
 * into `c`. With `ta` A holds the transposes ([batch, k, m]), with `tb` B does ([batch, n, k]):
 * the kernel packs from that layout, so no transposed copy is made. Returns false (and leaves `c`
 * alone) when the Wasm path does not take the problem: Wasm disabled or missing, too small to
 * pay, or too large for the 2 GiB memory.
 */
export const wasmGemm = (
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  ta = false,
  tb = false,
): boolean => {
  const s = current()
  const macs = batch * m * k * n
  if (!s.enabled) return false
  if (k === 0) return (c.fill(0), true)
  if (macs < WASM_MIN_MACS) return false
  let rt: Runtime
  try {
    rt = ensure(s)
  } catch {
    // no memory or no module on this host: the JS kernel from now on
    settings = { ...s, enabled: false }
    return false
  }
  const { arena, shape } = rt
  const threaded = s.threads > 1 && macs >= THREADS_MIN_MACS && arena.shared && poolAvailable()
  const [mb, nb] = blocks(shape, batch, m, n, threaded ? s.threads : 1)
  const tilesM = Math.ceil(m / mb),
    tilesN = Math.ceil(n / nb)
  const tasks = batch * tilesM * tilesN
  arena.reset()
  const pa = arena.reserve(4 * a.length),
    pb = arena.reserve(4 * b.length),
    pc = arena.reserve(4 * c.length)
  if (pa === undefined || pb === undefined || pc === undefined || tasks > MAX_TASKS) return false
  arena.f32(pa, a.length).set(a)
  arena.f32(pb, b.length).set(b)
  arena.i32(PARAMS, 12).set([pa, pb, pc, m, k, n, tilesM, tilesN, mb, nb, ta ? 1 : 0, tb ? 1 : 0])
  const local = arena.scratch(0)
  const pool = threaded && tasks > 1 ? startPool(rt, s) : undefined
  if (pool !== undefined) pool.run(tasks, (t) => rt.task(PARAMS, t, local))
  else for (let t = 0; t < tasks; t++) rt.task(PARAMS, t, local)
  c.set(arena.f32(pc, c.length))
  return true
}
