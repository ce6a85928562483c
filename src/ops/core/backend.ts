/**
 * The backend interface `ops` declares and `src/device` implements. A backend stores tensors
 * (opaque `Storage`) and runs primitives on them; it never sees tracers.
 *
 * @since 0.1.0
 */
import type { DeviceKind, DType } from "../../shape/index.js"
import type { Aval, HostArray } from "./aval.js"
import type { ParamsOf, PrimitiveKind, PrimitiveName } from "./primitive.js"

/** Backend-owned storage of one tensor (a typed array on CPU, a pooled GPU buffer on WebGPU). */
export interface Storage {
  readonly __storage: true
  /**
   * Give the memory back now (`Tensor.dispose`, `release(tree)`, a closing `scope`): every later
   * use throws `UseAfterRelease` naming `why`. Idempotent. Absent: memory goes with the collector.
   */
  release?(why: string): void
}

/** A variable of a staged program. */
export interface ProgramVar {
  readonly aval: Aval
}

/** One equation of a staged program: `outs = prim(inputs; params)`. */
export interface ProgramEqn {
  readonly prim: { readonly name: PrimitiveName; readonly kind: PrimitiveKind }
  readonly params: unknown
  readonly inputs: ReadonlyArray<ProgramVar>
  readonly outs: ReadonlyArray<ProgramVar>
}

/**
 * A staged program as a backend sees it (the `Jaxpr` of `src/grad/ir.ts` satisfies this):
 * variables are identified by object identity; `constVars` are bound to the `consts` handed to
 * `compile`, `inVars` to the inputs of each `run`.
 */
export interface Program {
  readonly constVars: ReadonlyArray<ProgramVar>
  readonly inVars: ReadonlyArray<ProgramVar>
  readonly eqns: ReadonlyArray<ProgramEqn>
  readonly outs: ReadonlyArray<ProgramVar>
}

/**
 * Register numbering for an interpreter of a program: constants first, then inputs, then each
 * other variable in the order first asked for. Returns the slot function and the slot count so far.
 */
export const registerSlots = <V>(p: { readonly constVars: ReadonlyArray<V>; readonly inVars: ReadonlyArray<V> }) => {
  const slots = new Map<V, number>()
  const slot = (v: V): number => {
    let s = slots.get(v)
    if (s === undefined) slots.set(v, (s = slots.size))
    return s
  }
  p.constVars.forEach(slot)
  p.inVars.forEach(slot)
  return { slot, count: (): number => slots.size }
}

/** A compiled program: runs the whole staged function on storages (one submission on GPUs). */
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
  /**
   * Optional: take ownership of host data built for this tensor alone (no copy where the host can
   * see the device's memory). Without it, `upload` is used.
   */
  adopt?(data: HostArray, aval: Aval): Storage
  /**
   * Optional: throw `OutOfMemory` (with the bytes requested and the limit) if a tensor of `aval`
   * can never be allocated on this device. Called before anything is allocated.
   */
  checkAlloc?(aval: Aval, op: string): void
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
  /** Throws the device's loss (`DeviceLost`) once it is gone; backends that cannot be lost omit it. */
  live?(): void
  /** Whether the backend can hold this dtype (f64 is CPU-only; f16 needs `shader-f16`). */
  supports(dtype: DType): boolean
  /**
   * Optional: compile a staged program (used by `jit`), e.g. fusing elementwise chains into one
   * loop or one kernel. Without it, `jit` replays the program one `run` per equation.
   */
  compile?(program: Program, consts: ReadonlyArray<Storage>): CompiledProgram
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
