/**
 * Worker threads that run a Wasm module's `task(params, t, scratch)` on a shared memory. A job is
 * a number of tasks; every thread — the caller included — takes the next task with a
 * compare-and-swap on a counter tagged by the job's epoch, so a worker that wakes late cannot take
 * a task of the next job. The caller blocks on `Atomics.wait` until all tasks are done, which keeps
 * the API synchronous. Workers are unref'd (they never keep the process alive) and stop on
 * `close()`.
 *
 * Platforms: Node (worker_threads) only. A browser main thread may not block on `Atomics.wait`,
 * so there the kernels run on the calling thread; Web Workers (when `crossOriginIsolated`) would
 * plug in as another `spawn` here.
 *
 * @since 0.1.0
 */
import { InternalError } from "../../../errors.js"
import type { Arena } from "./arena.js"
import { nodeBuiltin } from "./features.js"

// control words (Int32Array indices)
const EPOCH = 0,
  NEXT = 1,
  DONE = 2,
  NTASKS = 3,
  STOP = 4,
  FAILED = 5,
  LIVE = 6
const TAG_SHIFT = 20,
  TASK_MASK = (1 << TAG_SHIFT) - 1,
  TAG_MASK = 0x3ff
/** Most tasks one job may have (the task number shares a word with the epoch tag). */
export const MAX_TASKS = TASK_MASK

/**
 * The worker's whole program: the same take-a-task loop. It is evaluated with no inherited Node
 * flags (`execArgv: []`) and reaches worker_threads through `process.getBuiltinModule`, so it runs
 * whether the host process treats evaluated code as CommonJS or as an ES module.
 */
const workerSource = `
const { workerData } = process.getBuiltinModule("node:worker_threads")
const { module, memory, params, scratch } = workerData
const ctl = new Int32Array(memory.buffer, 0, 16)
try {
  const task = new WebAssembly.Instance(module, { env: { memory } }).exports.task
  let seen = 0
  for (;;) {
    Atomics.wait(ctl, ${EPOCH}, seen)
    seen = Atomics.load(ctl, ${EPOCH})
    if (Atomics.load(ctl, ${STOP}) !== 0) break
    const tag = seen & ${TAG_MASK}, n = Atomics.load(ctl, ${NTASKS})
    for (;;) {
      const v = Atomics.load(ctl, ${NEXT})
      if ((v >>> ${TAG_SHIFT}) !== tag || (v & ${TASK_MASK}) >= n) break
      if (Atomics.compareExchange(ctl, ${NEXT}, v, v + 1) !== v) continue
      try { task(params, v & ${TASK_MASK}, scratch) } catch { Atomics.store(ctl, ${FAILED}, 1) }
      if (Atomics.add(ctl, ${DONE}, 1) + 1 === n) Atomics.notify(ctl, ${DONE})
    }
  }
} finally {
  Atomics.sub(ctl, ${LIVE}, 1)
  Atomics.notify(ctl, ${LIVE})
}
`

interface NodeWorker {
  unref(): void
  terminate(): Promise<number>
  on(event: "error", listener: (e: unknown) => void): void
}
interface WorkerThreads {
  readonly Worker: new (src: string, opts: { eval: true; execArgv: string[]; workerData: unknown }) => NodeWorker
}

/**
 * What this platform offers for threads: Node's worker_threads with a caller that may block
 * (`"node"`); a cross-origin-isolated browser page, whose Web Workers could share the memory but
 * whose main thread may not block (`"browser-isolated"`); or nothing (`"none"`: no
 * SharedArrayBuffer). Only `"node"` runs a pool today; the others compute on the calling thread.
 */
export const threadSupport = (): "node" | "browser-isolated" | "none" => {
  if (nodeBuiltin<WorkerThreads>("node:worker_threads") !== undefined) return "node"
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown }
  return g.crossOriginIsolated === true && typeof g.Worker === "function" ? "browser-isolated" : "none"
}

/** Whether this platform can run a pool. */
export const poolAvailable = (): boolean => threadSupport() === "node"

/** Run `job` tasks of `task` on `threads` threads (the caller and threads−1 workers). */
export class Pool {
  readonly #workers: NodeWorker[] = []
  readonly #ctl: Int32Array

  constructor(
    readonly arena: Arena,
    readonly threads: number,
    module: WebAssembly.Module,
    params: number,
  ) {
    const wt = nodeBuiltin<WorkerThreads>("node:worker_threads")
    if (wt === undefined || !arena.shared) throw new InternalError({ message: "wasm pool: worker_threads and shared memory are required" })
    this.#ctl = arena.control()
    // the epoch keeps counting across pools; the previous pool's workers have all exited (close)
    Atomics.store(this.#ctl, STOP, 0)
    Atomics.store(this.#ctl, LIVE, threads - 1)
    for (let id = 1; id < threads; id++) {
      const w = new wt.Worker(workerSource, {
        eval: true,
        execArgv: [],
        workerData: { module, memory: arena.memory, params, scratch: arena.scratch(id) },
      })
      // a worker that fails never takes a task: the caller and the other workers do its share
      w.on("error", () => {})
      w.unref()
      this.#workers.push(w)
    }
  }

  /** Run tasks 0..n−1, the caller taking its share with `runLocal`; returns when all are done. */
  run(n: number, runLocal: (t: number) => void): void {
    const ctl = this.#ctl
    const epoch = (Atomics.load(ctl, EPOCH) + 1) | 0
    const tag = epoch & TAG_MASK
    // close the counter under the new tag first, so no late worker takes a task while the job is written
    Atomics.store(ctl, NEXT, (tag << TAG_SHIFT) | TASK_MASK)
    Atomics.store(ctl, NTASKS, n)
    Atomics.store(ctl, DONE, 0)
    Atomics.store(ctl, FAILED, 0)
    Atomics.store(ctl, NEXT, tag << TAG_SHIFT)
    Atomics.store(ctl, EPOCH, epoch)
    Atomics.notify(ctl, EPOCH)
    for (;;) {
      const v = Atomics.load(ctl, NEXT)
      if (v >>> TAG_SHIFT !== tag || (v & TASK_MASK) >= n) break
      if (Atomics.compareExchange(ctl, NEXT, v, v + 1) !== v) continue
      runLocal(v & TASK_MASK)
      Atomics.add(ctl, DONE, 1)
    }
    for (;;) {
      const d = Atomics.load(ctl, DONE)
      if (d >= n) break
      Atomics.wait(ctl, DONE, d)
    }
    if (Atomics.load(ctl, FAILED) !== 0) throw new InternalError({ message: "wasm pool: a worker's task trapped" })
  }

  /**
   * Stop the workers and wait (at most `timeoutMs`) until every one has left its loop, so a later
   * pool on the same memory never shares it with a worker of this one. Returns whether all did.
   */
  close(timeoutMs = 10_000): boolean {
    const ctl = this.#ctl
    Atomics.store(ctl, STOP, 1)
    Atomics.add(ctl, EPOCH, 1)
    Atomics.notify(ctl, EPOCH)
    const until = Date.now() + timeoutMs
    for (;;) {
      const live = Atomics.load(ctl, LIVE)
      if (live <= 0) break
      const left = until - Date.now()
      if (left <= 0) {
        for (const w of this.#workers) void w.terminate()
        this.#workers.length = 0
        return false
      }
      Atomics.wait(ctl, LIVE, live, left)
    }
    this.#workers.length = 0
    return true
  }
}
