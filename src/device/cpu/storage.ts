/**
 * CPU storage: an immutable typed array, or a strided view of one (what `slice` and
 * `broadcastTo` return: no copy). Kernels that understand views read them in place; every other
 * reader gets `data`, the view materialised once as a contiguous array.
 *
 * @since 0.1.0
 */
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
  constructor(data: HostArray, readonly view?: View) {
    this.#data = view === undefined ? data : undefined
  }
  /** A strided view of `base` (the storage owns no copy until `data` is read). */
  static view(v: View): CpuStorage {
    return new CpuStorage(v.base, v)
  }
  /** The elements as a contiguous row-major array (a view is copied out once, on first read). */
  get data(): HostArray {
    if (this.#data === undefined) {
      const v = this.view!
      const n = v.shape.reduce((a, b) => a * b, 1)
      const out = new (v.base.constructor as new (n: number) => HostArray)(n)
      stridedMap(copyExpr, out, 0, contiguous(v.shape), [{ data: v.base, offset: v.offset, strides: v.strides }], v.shape)
      this.#data = out
    }
    return this.#data
  }
  /** The storage as a strided operand over `shape` (its own shape), without copying a view. */
  operand(shape: ReadonlyArray<number>): Operand {
    const v = this.view
    return v === undefined || this.#data !== undefined
      ? { data: this.#data!, offset: 0, strides: contiguous(shape) }
      : { data: v.base, offset: v.offset, strides: v.strides }
  }
}
