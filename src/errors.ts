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
 * A plot could not be made or rendered: bad data (not 2-D, empty, no finite value), bad options
 * (`vmin >= vmax`, a log axis with no positive value), or the PNG renderer is not installed.
 *
 * @example
 * import { PlotError } from "typegrad"
 * new PlotError({ op: "heatmap", message: "heatmap: vmin (1) must be below vmax (0)" })._tag // "PlotError"
 * @since 0.1.0
 * @category errors
 */
export class PlotError extends Data.TaggedError("PlotError")<{
  readonly op: string
  readonly message: string
}> {}

/**
 * A numerical scheme's parameters are outside the range where it is stable or meaningful, e.g.
 * an explicit heat step with `alpha > 0.25`, or an ODE solve with a non-positive step.
 *
 * @example
 * import { SolverError } from "typegrad"
 * new SolverError({ op: "heat2d", message: "heat2d: alpha 0.3 > 0.25", parameter: "alpha", value: 0.3 })._tag // "SolverError"
 * @since 0.1.0
 * @category errors
 */
export class SolverError extends Data.TaggedError("SolverError")<{
  readonly op: string
  readonly message: string
  readonly parameter: string
  readonly value: number
}> {}
