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
 * Why a checkpoint could not be written or read:
 * - `io`: the file system refused (missing file, permissions, disk full);
 * - `truncated`: the file ends before its header or its data does;
 * - `header-size`: the header length is larger than the file or than the cap;
 * - `header`: the header is not UTF-8 JSON of the safetensors layout;
 * - `offsets`: byte ranges overlap, leave gaps or do not cover the data;
 * - `dtype`: a dtype unknown to the format, unsupported by typegrad, or not the skeleton's;
 * - `size`: shape × dtype size differs from the tensor's byte range;
 * - `names`: tensor names missing or unexpected against the skeleton, or colliding;
 * - `shape`: a tensor's shape differs from the skeleton's;
 * - `structure`: the tree (or a non-tensor leaf) differs from the skeleton or cannot be stored;
 * - `value`: a value that cannot be converted (an I64 outside the i32 range, a traced tensor).
 *
 * @example
 * import type { CheckpointErrorReason } from "typegrad"
 * const r: CheckpointErrorReason = "truncated"
 * @since 0.1.0
 * @category errors
 */
export type CheckpointErrorReason =
  | "io"
  | "truncated"
  | "header-size"
  | "header"
  | "offsets"
  | "dtype"
  | "size"
  | "names"
  | "shape"
  | "structure"
  | "value"

/**
 * A checkpoint (safetensors file) could not be written or read; `reason` says which check failed,
 * `path` names the file (`"<bytes>"` for in-memory data).
 *
 * @example
 * import { CheckpointError } from "typegrad"
 * const e = new CheckpointError({ reason: "truncated", path: "model.safetensors", message: "model.safetensors: the file ends inside the header" })
 * e._tag // "CheckpointError"
 * @since 0.1.0
 * @category errors
 */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly reason: CheckpointErrorReason
  readonly path: string
  readonly message: string
}> {}
