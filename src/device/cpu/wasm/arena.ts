/**
 * The WebAssembly memory the CPU kernels share with their worker threads, and a bump allocator
 * over it. Page 0 holds the thread-control words and the problem description; then come one scratch
 * region per thread (packed panels), then the transient data of the current call (inputs copied
 * in, the result copied out), reset at the start of every call. Calls are synchronous and not
 * re-entrant, so a bump pointer is all the allocator a call needs.
 *
 * @since 0.1.0
 */
import { OutOfMemory } from "../../../errors.js"

/** 64 KiB WebAssembly pages. */
export const PAGE = 65536
/** At most 2 GiB, so every byte address is a non-negative i32. */
export const MAX_PAGES = 32768
/** Byte offset of the parameter block (after the 16 control words). */
export const PARAMS = 64
const ALIGN = 64

const roundUp = (x: number, a: number) => Math.ceil(x / a) * a

/** A memory laid out as control page, per-thread scratch, then the current call's data. */
export class Arena {
  readonly memory: WebAssembly.Memory
  #scratchBase = PAGE
  #scratchStride = 0
  #dataBase = PAGE
  #top = PAGE

  constructor(readonly shared: boolean) {
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared })
  }

  /** Give `threads` scratch regions of `bytes` each; drops the current call's data. Throws when the memory cannot grow. */
  layout(threads: number, bytes: number): void {
    this.#scratchStride = roundUp(bytes, ALIGN)
    this.#dataBase = roundUp(this.#scratchBase + threads * this.#scratchStride, ALIGN)
    this.#top = this.#dataBase
    if (!this.#ensure(this.#top))
      throw new OutOfMemory({ bytes: this.#top, message: `cpu (WebAssembly): cannot grow the memory to ${this.#top} bytes of scratch` })
  }

  /** Byte address of thread `id`'s scratch region. */
  scratch(id: number): number {
    return this.#scratchBase + id * this.#scratchStride
  }

  /** Forget the previous call's data. */
  reset(): void {
    this.#top = this.#dataBase
  }

  /** Room for `bytes` more bytes of this call's data: its address, or undefined past 2 GiB. */
  reserve(bytes: number): number | undefined {
    const at = this.#top
    const end = roundUp(at + bytes, ALIGN)
    if (end > MAX_PAGES * PAGE || !this.#ensure(end)) return undefined
    this.#top = end
    return at
  }

  /** Grow the memory to at least `end` bytes. */
  #ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength
    if (end <= have) return true
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE))
      return true
    } catch {
      return false
    }
  }

  /** The control words (Int32Array over the first 64 bytes). */
  control(): Int32Array {
    return new Int32Array(this.memory.buffer, 0, 16)
  }
  /** `n` f32 elements at byte address `at` (a fresh view: the buffer changes when memory grows). */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n)
  }
  /** `n` i32 elements at byte address `at`. */
  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n)
  }
}
