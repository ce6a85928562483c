/**
 * The backend interface `ops` declares and `src/device` implements. A backend stores tensors
 * (opaque `Storage`) and runs primitives on them; it never sees tracers.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType } from "../shape/index.js"
import type { Aval, HostArray } from "./aval.js"
import type { PrimitiveName, ParamsOf } from "./primitive.js"

/** Backend-owned storage of one tensor (a typed array on CPU, a pooled GPU buffer on WebGPU). */
export interface Storage {
  readonly __storage: true
}

/** A staged program handed to a backend for compilation (see `src/grad/ir.ts`). */
export interface CompiledProgram {
  run(inputs: ReadonlyArray<Storage>): Storage[]
}

/**
 * What a device can do. All methods are synchronous except `read`; a GPU backend enqueues work
 * and returns at once.
 */
export interface Backend {
  readonly kind: DeviceKind
  /** Copy host data into new device storage. */
  upload(data: HostArray, aval: Aval): Storage
  /** Run one primitive. Inputs are already checked by the primitive's shape rule. */
  run<P extends PrimitiveName>(
    prim: P,
    inputs: ReadonlyArray<Storage>,
    inAvals: ReadonlyArray<Aval>,
    params: ParamsOf<P>,
    outAvals: ReadonlyArray<Aval>,
  ): Storage[]
  /** Synchronous host read: only backends whose memory the host can see (CPU). */
  readSync?(s: Storage, aval: Aval): HostArray
  /** Asynchronous host read (GPU readback). */
  read(s: Storage, aval: Aval): Promise<HostArray>
  /** Whether the backend can hold this dtype (f64 is CPU-only; f16 needs `shader-f16`). */
  supports(dtype: DType): boolean
}

/**
 * A device is a value: `cpu` always exists; a WebGPU device is acquired as an Effect.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.cpu.kind // "cpu"
 * @since 0.1.0
 * @category devices
 */
export interface Device<V extends DeviceKind = DeviceKind> {
  readonly kind: V
  /** Human-readable name, e.g. `"cpu"` or `"webgpu:llvmpipe"`. */
  readonly name: string
  /** @internal */
  readonly backend: Backend
}
