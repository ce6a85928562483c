/**
 * CPU storage: an immutable typed array, or a strided view of one (what `slice` and
 * `broadcastTo` return: no copy). Kernels that understand views read them in place; every other
 * reader gets `data`, the view materialised once as a contiguous array.
 *
 * @since 0.1.0
 */
import { UseAfterRelease } from "../../errors.js"
import type { HostArray } from "../../ops/core/aval.js"
import type { Storage } from "../../ops/core/backend.js"
import { contiguous, copyExpr, stridedMap, type Operand } from "./codegen.js"

/** Where the elements of a view live: `base[offset + Σ i_k·strides_k]` for every index i of `shape`. */
export interface View {
  readonly base: HostArray
  readonly offset: number
  readonly strides: ReadonlyArray<number>
  readonly shape: ReadonlyArray<number>
}

/** CPU storage: a contiguous typed array, never mutated once a tensor owns it, or a view of one. */
export class CpuStorage implements Storage {
  declare readonly __storage: true
  #data: HostArray | undefined
  #view: View | undefined
  /** why the storage was released (`release`), once it was */
  #released: string | undefined
  constructor(data: HostArray, view?: View) {
    this.#data = view === undefined ? data : undefined
    // frozen: the strides and sizes say where the elements are; nothing may change them
    this.#view =
      view === undefined
        ? undefined
        : Object.freeze({ ...view, strides: Object.freeze([...view.strides]), shape: Object.freeze([...view.shape]) })
  }
  /** A strided view of `base` (the storage owns no copy until `data` is read). */
  static view(v: View): CpuStorage {
    return new CpuStorage(v.base, v)
  }
  /** Where the elements live when this storage is a view (undefined for a contiguous array). */
  get view(): View | undefined {
    this.#live()
    return this.#view
  }
  /** Drop the data (the collector reclaims it once no other tensor shares it); later reads throw. */
  release(why: string): void {
    if (this.#released !== undefined) return
    this.#released = why
    this.#data = this.#view = undefined
  }
  #live(): void {
    if (this.#released !== undefined)
      throw new UseAfterRelease({ message: `cpu: a tensor was used after its memory was released: ${this.#released}` })
  }
  /** The elements as a contiguous row-major array (a view is copied out once, on first read). */
  get data(): HostArray {
    if (this.#data === undefined) {
      this.#live()
      const v = this.#view!
      const n = v.shape.reduce((a, b) => a * b, 1)
      const out = new (v.base.constructor as new (n: number) => HostArray)(n)
      stridedMap(copyExpr, out, 0, contiguous(v.shape), [{ data: v.base, offset: v.offset, strides: v.strides }], v.shape)
      this.#data = out
    }
    return this.#data
  }
  /** The storage as a strided operand over `shape` (its own shape), without copying a view. */
  operand(shape: ReadonlyArray<number>): Operand {
    this.#live()
    const v = this.#view
    return v === undefined || this.#data !== undefined
      ? { data: this.#data!, offset: 0, strides: contiguous(shape) }
      : { data: v.base, offset: v.offset, strides: v.strides }
  }
}
