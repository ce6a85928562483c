/**
 * GPU memory: buffers pooled by size class, shared by storages (a reshape shares its input's
 * buffer), returned to the pool when the last storage is released: deterministically at the end
 * of a {@link scope}, or when the storage is garbage-collected (FinalizationRegistry).
 *
 * @since 0.1.0
 */
import type { Storage } from "../../ops/core/backend.js"
import { UseAfterRelease } from "../../errors.js"

/**
 * Live and pooled GPU memory of one device.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const stats: tg.MemoryStats = tg.memoryStats(gpu) // { liveBuffers, liveBytes, pooledBuffers, pooledBytes, … }
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category memory
 */
export interface MemoryStats {
  /** buffers owned by at least one live tensor */
  readonly liveBuffers: number
  readonly liveBytes: number
  /** buffers kept for reuse */
  readonly pooledBuffers: number
  readonly pooledBytes: number
}

/** Round a request up to its size class: ≤ 25% waste, at least 256 bytes. */
export const sizeClass = (bytes: number): number => {
  if (bytes <= 256) return 256
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3)
  return Math.ceil(bytes / step) * step
}

/** One pooled GPU buffer and the number of storages that share it. */
export class Allocation {
  refs = 0
  constructor(
    readonly buffer: GPUBuffer,
    readonly bytes: number,
  ) {}
}

/** WebGPU storage of one tensor: a view of a pooled buffer. */
export class GpuStorage implements Storage {
  declare readonly __storage: true
  /** why the storage was released, once it was */
  releasedBy: string | undefined
  constructor(
    readonly pool: BufferPool,
    readonly alloc: Allocation,
  ) {}
  get released(): boolean {
    return this.releasedBy !== undefined
  }
  get buffer(): GPUBuffer {
    if (this.releasedBy !== undefined)
      throw new UseAfterRelease({ message: `webgpu: a tensor was used after its memory was released: ${this.releasedBy}` })
    return this.alloc.buffer
  }
  /** Drop this storage's claim on its buffer (idempotent); `why` goes into the error of a later use. */
  release(why = "it was released"): void {
    if (this.releasedBy !== undefined) return
    this.releasedBy = why
    finalizer.unregister(this)
    this.pool.unref(this.alloc)
  }
}

const finalizer = new FinalizationRegistry<{ pool: BufferPool; alloc: Allocation }>((h) => {
  if (!h.pool.closed) h.pool.unref(h.alloc)
})

// ------------------------------------------------------------------ scopes

const scopes: Array<Set<GpuStorage>> = []

const collectStorages = (x: unknown, out: Set<Storage>, seen: Set<unknown>): void => {
  if (x === null || typeof x !== "object" || seen.has(x)) return
  seen.add(x)
  const impl = (x as { _impl?: unknown })._impl
  if (impl instanceof GpuStorage) out.add(impl)
  else if (Array.isArray(x)) for (const v of x) collectStorages(v, out, seen)
  else if (Object.getPrototypeOf(x) === Object.prototype || (x as Record<symbol, unknown>)[treeNode] === true)
    for (const v of Object.values(x)) collectStorages(v, out, seen)
}
/** The mark of a tree node class (a module, an optimizer state): its fields are part of the tree (see `Tree.nodeTag`). */
const treeNode = Symbol.for("typegrad/Tree.node")

/**
 * Run `f` and release the GPU memory of every tensor it created, except the tensors it returns
 * (found anywhere in a returned array, record or tree node such as a module). Deterministic: no garbage collector involved.
 * A tensor made inside and kept elsewhere (not returned) must not be used afterwards.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const step = (g: tg.Tensor<[100, 100], "f32", "webgpu">) => g.mul(0.5).add(1)
 * let grid = tg.zeros([100, 100], { device: gpu })
 * for (let i = 0; i < 500; i++) grid = tg.scope(() => step(grid)) // memory stays flat
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category memory
 */
export const scope = <A>(f: () => A): A => scoped(f, SCOPE_CLOSED)[0]

const SCOPE_CLOSED = "the scope(...) that made it closed (return it from scope to keep it)"
const STEP_ENDED = "the iterate(...) step that made it ended (return it from the step to keep it)"
const REPLACED = "iterate(...) replaced it with the next state (keep what a later step needs in the state)"

/** Run `f` in a fresh frame; release what it made and does not return. Also returns what it made and returned. */
const scoped = <A>(f: () => A, why: string): [A, Set<Storage>] => {
  const frame = new Set<GpuStorage>()
  scopes.push(frame)
  let result: A
  try {
    result = f()
  } catch (e) {
    scopes.pop()
    for (const s of frame) s.release(why)
    throw e
  }
  scopes.pop()
  const keep = new Set<Storage>()
  collectStorages(result, keep, new Set())
  const parent = scopes[scopes.length - 1]
  const made = new Set<Storage>()
  for (const s of frame) {
    if (!keep.has(s)) s.release(why)
    else {
      made.add(s)
      parent?.add(s)
    }
  }
  return [result, made]
}

/**
 * Run a loop `state = f(state, i)` for `n` steps with flat GPU memory: each step runs in a
 * {@link scope}, and each intermediate state is released once the next one exists. Only tensors
 * the loop itself made are ever released: the initial state, and any tensor made outside that a
 * step returns as (part of) the state, are left to the caller.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const init = tg.zeros([100, 100], { device: gpu })
 * const final = tg.iterate(init, 10_000, (grid) => grid.mul(0.5).add(1)) // live memory stays ~2 grids
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category memory
 */
export const iterate = <A>(init: A, n: number, f: (state: A, i: number) => A): A => {
  let state = init
  // the storages of the current state that the loop made (none of the caller's)
  let owned = new Set<Storage>()
  for (let i = 0; i < n; i++) {
    const prev = state
    const [next, made] = scoped(() => f(prev, i), STEP_ENDED)
    state = next
    const keep = new Set<Storage>()
    collectStorages(state, keep, new Set())
    for (const s of owned) if (!keep.has(s)) (s as GpuStorage).release(REPLACED)
    for (const s of owned) if (keep.has(s)) made.add(s)
    owned = made
  }
  return state
}

// ------------------------------------------------------------------ the pool

/** The buffers of one device: live ones, and free ones by size class. */
export class BufferPool {
  closed = false
  private readonly free = new Map<number, GPUBuffer[]>()
  /** freed while the open batch may still use them: reusable for kernel outputs, not for uploads */
  private readonly freedInBatch = new Map<number, GPUBuffer[]>()
  private live = 0
  private liveBytes = 0
  private pooled = 0
  private pooledBytes = 0

  constructor(
    private readonly create: (bytes: number) => GPUBuffer,
    /** whether a command batch is open (buffers freed now may still be read by it) */
    private readonly batchOpen: () => boolean,
    /** keep at most this many bytes pooled; the rest is destroyed after the batch */
    private readonly maxPooledBytes: number,
    private readonly destroyLater: (b: GPUBuffer) => void,
  ) {}

  /** A storage of at least `bytes` bytes. `forUpload`: the buffer will be written by `queue.writeBuffer`. */
  alloc(bytes: number, forUpload: boolean): GpuStorage {
    const cls = sizeClass(bytes)
    const buffer = this.take(this.free, cls) ?? (forUpload ? undefined : this.take(this.freedInBatch, cls)) ?? this.create(cls)
    return this.adopt(new Allocation(buffer, cls))
  }

  /** A second storage on the same buffer (reshape). `pinned`: not owned by the current scope (a compiled program's constants). */
  share(s: GpuStorage, pinned = false): GpuStorage {
    s.buffer // throws if released
    return this.adopt(s.alloc, pinned)
  }

  private adopt(a: Allocation, pinned = false): GpuStorage {
    if (a.refs++ === 0) {
      this.live++
      this.liveBytes += a.bytes
    }
    const s = new GpuStorage(this, a)
    finalizer.register(s, { pool: this, alloc: a }, s)
    if (!pinned) scopes[scopes.length - 1]?.add(s)
    return s
  }

  private take(m: Map<number, GPUBuffer[]>, cls: number): GPUBuffer | undefined {
    const b = m.get(cls)?.pop()
    if (b !== undefined) {
      this.pooled--
      this.pooledBytes -= cls
    }
    return b
  }

  /** @internal one storage let go of `a` */
  unref(a: Allocation): void {
    if (--a.refs > 0 || this.closed) return
    this.live--
    this.liveBytes -= a.bytes
    if (this.pooledBytes + a.bytes > this.maxPooledBytes) {
      this.destroyLater(a.buffer)
      return
    }
    const m = this.batchOpen() ? this.freedInBatch : this.free
    let list = m.get(a.bytes)
    if (list === undefined) m.set(a.bytes, (list = []))
    list.push(a.buffer)
    this.pooled++
    this.pooledBytes += a.bytes
  }

  /** The batch was submitted: buffers freed during it are now safe for uploads too. */
  batchSubmitted(): void {
    for (const [cls, list] of this.freedInBatch) {
      let dst = this.free.get(cls)
      if (dst === undefined) this.free.set(cls, (dst = []))
      dst.push(...list)
    }
    this.freedInBatch.clear()
  }

  /** Destroy the pooled buffers (keeps live ones). */
  trim(): void {
    for (const m of [this.free, this.freedInBatch]) {
      for (const list of m.values()) for (const b of list) this.destroyLater(b)
      m.clear()
    }
    this.pooled = 0
    this.pooledBytes = 0
  }

  stats(): MemoryStats {
    return { liveBuffers: this.live, liveBytes: this.liveBytes, pooledBuffers: this.pooled, pooledBytes: this.pooledBytes }
  }

  /** The device is gone: forget everything (its buffers died with it). */
  close(): void {
    this.closed = true
    this.free.clear()
    this.freedInBatch.clear()
    this.live = this.liveBytes = this.pooled = this.pooledBytes = 0
  }
}
