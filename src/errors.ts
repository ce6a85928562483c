/**
 * Typed errors of typegrad. Pure math throws them (no Effect on the per-op path); Effect
 * boundaries (device acquisition, readback, checkpoints) surface them in the error channel.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** A runtime dim: a size, a symbolic name, or `null` for "unknown". */
export type RDim = number | string | null

const fmt = (s: ReadonlyArray<RDim>): string => `[${s.map((d) => (d === null ? "?" : String(d))).join(", ")}]`

/**
 * Shapes that do not fit an op. `message` is the same text the type checker shows.
 *
 * @example
 * import { ShapeError } from "typegrad"
 * try { tg.zeros([2, 3] as number[]).reshape([7]) } catch (e) { if (e instanceof ShapeError) console.log(e.op) }
 * @since 0.1.0
 * @category errors
 */
export class ShapeError extends Data.TaggedError("ShapeError")<{
  readonly op: string
  readonly message: string
  readonly shapes: ReadonlyArray<ReadonlyArray<RDim>>
}> {
  static of(op: string, detail: string, ...shapes: ReadonlyArray<ReadonlyArray<RDim>>): ShapeError {
    return new ShapeError({ op, message: `${op}: ${detail}`, shapes })
  }
  /** @internal */
  static fmt = fmt
}

/**
 * A dtype an op cannot take (e.g. `exp` of an i32 tensor, f64 on WebGPU).
 * @since 0.1.0
 * @category errors
 */
export class DTypeError extends Data.TaggedError("DTypeError")<{
  readonly op: string
  readonly message: string
  readonly dtypes: ReadonlyArray<string>
}> {}

/**
 * Tensors of one op live on different devices.
 * @since 0.1.0
 * @category errors
 */
export class DeviceMismatch extends Data.TaggedError("DeviceMismatch")<{
  readonly op: string
  readonly message: string
  readonly devices: ReadonlyArray<string>
}> {}

/**
 * No device of the requested kind could be acquired; `tried` names what was attempted.
 * @since 0.1.0
 * @category errors
 */
export class DeviceUnavailable extends Data.TaggedError("DeviceUnavailable")<{
  readonly message: string
  readonly tried: ReadonlyArray<string>
}> {}

/**
 * The GPU device was lost (driver reset, destroyed, out of memory at the driver level).
 * @since 0.1.0
 * @category errors
 */
export class DeviceLost extends Data.TaggedError("DeviceLost")<{
  readonly message: string
  readonly reason: string
}> {}

/**
 * A buffer allocation failed; `bytes` is the size requested.
 * @since 0.1.0
 * @category errors
 */
export class OutOfMemory extends Data.TaggedError("OutOfMemory")<{
  readonly message: string
  readonly bytes: number
}> {}

/**
 * A generated WGSL kernel failed to compile; carries the shader text and the compiler message.
 * @since 0.1.0
 * @category errors
 */
export class KernelCompileError extends Data.TaggedError("KernelCompileError")<{
  readonly message: string
  readonly shader: string
}> {}

/**
 * A tracer was used outside the transform that made it (e.g. leaked from `grad`).
 * @since 0.1.0
 * @category errors
 */
export class TracerLeak extends Data.TaggedError("TracerLeak")<{
  readonly message: string
  readonly transform: string
}> {}

/**
 * A module used wrongly at run time (e.g. a Dropout in training mode called without a key);
 * `path` is the module's dotted path in its tree (`"head.drop"`), or its class name at the root.
 *
 * @example
 * import * as tg from "typegrad"
 * const e = new tg.ModuleError({ path: "drop", message: "Dropout (drop): training mode needs a key" })
 * @since 0.1.0
 * @category errors
 */
export class ModuleError extends Data.TaggedError("ModuleError")<{
  readonly path: string
  readonly message: string
}> {}

/**
 * `loadStateDict` refused a state dict: the keys it lacks, the keys it has but the module does
 * not, and the keys whose shapes differ (`"conv.weight: [16, 3, 3, 3] vs [8, 3, 3, 3]"`).
 * Nothing is loaded when this is raised.
 *
 * @example
 * import * as tg from "typegrad"
 * const e = new tg.StateDictError({ missing: ["bn.weight"], unexpected: [], mismatched: [], message: "loadStateDict: missing bn.weight" })
 * @since 0.1.0
 * @category errors
 */
export class StateDictError extends Data.TaggedError("StateDictError")<{
  readonly missing: ReadonlyArray<string>
  readonly unexpected: ReadonlyArray<string>
  readonly mismatched: ReadonlyArray<string>
  readonly message: string
}> {}
