/**
 * Typed errors of typegrad. Pure math throws them (no Effect on the per-op path); Effect
 * boundaries (device acquisition, readback, checkpoints) surface them in the error channel.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A runtime dim: a size, a symbolic name, or `null` for "unknown".
 *
 * @example
 * import type { RDim } from "typegrad"
 * const dims: ReadonlyArray<RDim> = [2, "batch", null] // printed as [2, batch, ?]
 * @since 0.1.0
 * @category errors
 */
export type RDim = number | string | null

const fmt = (s: ReadonlyArray<RDim>): string => `[${s.map((d) => (d === null ? "?" : String(d))).join(", ")}]`

/**
 * Shapes that do not fit an op. `message` is the same text the type checker shows.
 *
 * @example
 * import * as tg from "typegrad"
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
 *
 * @example
 * import * as tg from "typegrad"
 * import { DTypeError } from "typegrad"
 * // the types reject `exp` of an i32 tensor; a dtype known only at run time is checked there
 * const ints: tg.AnyTensor = tg.tensor([1, 2], { dtype: "i32" })
 * try { tg.exp(ints) } catch (e) { if (e instanceof DTypeError) console.log(e.message) } // "exp: expected a float tensor, got i32"
 * @since 0.1.0
 * @category errors
 */
export class DTypeError extends Data.TaggedError("DTypeError")<{
  readonly op: string
  readonly message: string
  readonly dtypes: ReadonlyArray<string>
}> {}

/**
 * Tensors of one op live on different devices. Move one first with `to`.
 *
 * @example
 * import { DeviceMismatch } from "typegrad"
 * const explain = (e: unknown): string => (e instanceof DeviceMismatch ? `${e.op}: ${e.devices.join(" and ")}` : String(e))
 * explain(new DeviceMismatch({ op: "add", devices: ["cpu", "webgpu"], message: "add: operands on cpu and webgpu" })) // "add: cpu and webgpu"
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
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * // the GPU's name, or what was tried when there is none
 * const where = Effect.scoped(Effect.map(tg.WebGpu.acquire(), (gpu) => gpu.name)).pipe(
 *   Effect.catchTag("DeviceUnavailable", (e) => Effect.succeed(`no GPU (tried ${e.tried.join(", ")})`)),
 * )
 * console.log(await Effect.runPromise(where))
 * @since 0.1.0
 * @category errors
 */
export class DeviceUnavailable extends Data.TaggedError("DeviceUnavailable")<{
  readonly message: string
  readonly tried: ReadonlyArray<string>
}> {}

/**
 * The GPU device was lost (driver reset, destroyed, out of memory at the driver level).
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * // readbacks fail with DeviceLost once the device is gone; here, report the reason
 * const values = tg.data(tg.tensor([1, 2])).pipe(Effect.catchTag("DeviceLost", (e) => Effect.fail(`GPU lost: ${e.reason}`)))
 * await Effect.runPromise(values) // Float32Array [1, 2]
 * @since 0.1.0
 * @category errors
 */
export class DeviceLost extends Data.TaggedError("DeviceLost")<{
  readonly message: string
  readonly reason: string
}> {}

/**
 * A tensor could not be allocated; `bytes` is the size requested. A request larger than the
 * device ever allows fails up front, before anything is allocated, and carries the device's
 * `limit`; a GPU driver's allocation failure is reported by the next readback.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * // GPU allocations are checked asynchronously: a readback reports the failure
 * const total = tg.data(tg.ones([1000]).sum()).pipe(Effect.catchTag("OutOfMemory", (e) => Effect.fail(`needed ${e.bytes} bytes`)))
 * await Effect.runPromise(total) // Float32Array [1000]
 * // a tensor no device could hold fails at once, when it is created
 * try { tg.zeros([1e5, 1e5]) } catch (e) { if (e instanceof tg.OutOfMemory) console.log(e.bytes, e.limit) } // 40000000000 17179869184
 * @since 0.1.0
 * @category errors
 */
export class OutOfMemory extends Data.TaggedError("OutOfMemory")<{
  readonly message: string
  readonly bytes: number
  /** the most bytes one tensor may have on the device, when the request was refused up front */
  readonly limit?: number
}> {}

/**
 * A generated WGSL kernel failed to compile; carries the shader text and the compiler message.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * // shaders compile asynchronously: a readback reports a failed one with its WGSL
 * const read = tg.data(tg.tensor([1, 2]).exp()).pipe(Effect.catchTag("KernelCompileError", (e) => Effect.fail(e.shader)))
 * await Effect.runPromise(read)
 * @since 0.1.0
 * @category errors
 */
export class KernelCompileError extends Data.TaggedError("KernelCompileError")<{
  readonly message: string
  readonly shader: string
}> {}

/**
 * A tracer was used outside the transform that made it (e.g. leaked from `grad`).
 *
 * @example
 * import * as tg from "typegrad"
 * import { TracerLeak } from "typegrad"
 * let leaked: tg.Tensor<[2], "f32", "cpu"> | undefined
 * tg.grad((x: tg.Tensor<[2], "f32", "cpu">) => {
 *   leaked = x // a tracer: only valid inside grad
 *   return x.sum()
 * })(tg.tensor([1, 2]))
 * try { tg.dataSync(leaked!) } catch (e) { if (e instanceof TracerLeak) console.log(e.transform) } // "grad"
 * @since 0.1.0
 * @category errors
 */
export class TracerLeak extends Data.TaggedError("TracerLeak")<{
  readonly message: string
  readonly transform: string
}> {}

/**
 * A transform cannot do what was asked: reverse mode through a `whileLoop`, forward mode through a
 * `customVjp` function, a transpose of a non-linear use, a traced value moved between devices.
 * `transform` names it (`"grad"`, `"jit"`, `"transpose"`, …).
 *
 * @example
 * import * as tg from "typegrad"
 * import { TransformError } from "typegrad"
 * const loop = (x: tg.Tensor<[]>) => tg.whileLoop((v) => v.lt(10), (v) => v.mul(2), x)
 * try { tg.grad(loop)(tg.scalar(1)) } catch (e) { if (e instanceof TransformError) console.log(e.transform) }
 * @since 0.1.0
 * @category errors
 */
export class TransformError extends Data.TaggedError("TransformError")<{
  readonly transform: string
  readonly message: string
}> {}

/**
 * A synchronous host read (`dataSync`, `item`, a `cond`/`whileLoop` predicate) of a tensor whose
 * device memory the host cannot see: read it with `toArray`/`data` (asynchronous) instead.
 *
 * @example
 * import { HostAccessError } from "typegrad"
 * // on a WebGPU tensor: gpuTensor.dataSync() throws HostAccessError { op: "dataSync", device: "webgpu:…" }
 * @since 0.1.0
 * @category errors
 */
export class HostAccessError extends Data.TaggedError("HostAccessError")<{
  readonly op: string
  readonly device: string
  readonly message: string
}> {}

/**
 * A tensor whose memory was released was used afterwards: it was disposed (`dispose()`,
 * `release(tree)`), or the `scope`/`iterate` step or Effect scope that made it ended. The message
 * says which.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.tensor([1, 2])
 * x.dispose()
 * try { x.add(1) } catch (e) { if (e instanceof tg.UseAfterRelease) console.log(e.message) } // "… it was disposed …"
 * @since 0.1.0
 * @category errors
 */
export class UseAfterRelease extends Data.TaggedError("UseAfterRelease")<{
  readonly message: string
}> {}

/**
 * A broken internal invariant of typegrad itself (never the user's input): please report it with
 * the message.
 *
 * @example
 * import { InternalError } from "typegrad"
 * new InternalError({ message: "jit: could not order the fused program" }).message
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends Data.TaggedError("InternalError")<{
  readonly message: string
}> {}

/**
 * An objective handed to `minimize`, `fit` or an optimizer loop returned a tensor that is not a
 * scalar; `shape` is what it returned (the expected shape is `[]`).
 *
 * @example
 * import * as tg from "typegrad"
 * const untyped = (x: tg.Tensor<[2]>): tg.AnyTensor => x.square() // forgot the .sum()
 * try { tg.minimize(untyped, tg.tensor([1, 2])) }
 * catch (e) { if (e instanceof tg.NonScalarObjective) console.log(e.message) }
 * @since 0.1.0
 * @category errors
 */
export class NonScalarObjective extends Data.TaggedError("NonScalarObjective")<{
  readonly op: string
  readonly message: string
  readonly shape: ReadonlyArray<number>
}> {}

/**
 * A training or minimisation loop met a NaN or infinite loss at `step` (with `onNaN: "fail"`).
 *
 * @example
 * import * as tg from "typegrad"
 * const e = new tg.NonFiniteLoss({ op: "fit", message: "fit: the loss at step 3 is NaN, expected a finite number", step: 3, value: NaN })
 * e._tag // "NonFiniteLoss"
 * @since 0.1.0
 * @category errors
 */
export class NonFiniteLoss extends Data.TaggedError("NonFiniteLoss")<{
  readonly op: string
  readonly message: string
  readonly step: number
  readonly value: number
}> {}

/**
 * An optimizer state (or a gradient tree) does not match the parameter tree it is used with:
 * `expected` and `got` describe the structure or shape at `path`.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.adam(0.1)
 * const loaded: unknown = opt.init({ w: tg.zeros([2]) }) // say, read from a checkpoint
 * type State = ReturnType<typeof opt.init<{ w: tg.Tensor<[3]> }>>
 * try { opt.update({ w: tg.zeros([3]) }, loaded as State) }
 * catch (e) { if (e instanceof tg.OptimizerStateMismatch) console.log(e.message) }
 * @since 0.1.0
 * @category errors
 */
export class OptimizerStateMismatch extends Data.TaggedError("OptimizerStateMismatch")<{
  readonly op: string
  readonly message: string
  readonly path: string
  readonly expected: string
  readonly got: string
}> {}

/**
 * An optimizer, schedule or solver option outside its domain (a negative learning rate, nesterov
 * without momentum, β ∉ [0, 1)).
 *
 * @example
 * import * as tg from "typegrad"
 * try { tg.optim.sgd(0.1, { nesterov: true }) }
 * catch (e) { if (e instanceof tg.InvalidHyperparameter) console.log(e.message) }
 * @since 0.1.0
 * @category errors
 */
export class InvalidHyperparameter extends Data.TaggedError("InvalidHyperparameter")<{
  readonly op: string
  readonly message: string
  readonly name: string
  readonly value: unknown
}> {}

/**
 * An argument of an op that its types would have rejected, met at run time (untyped JavaScript,
 * `any`, data read from a file): a non-tensor where a tensor is expected, an option it does not
 * know, an option value outside its domain, a tensor coerced to a number. `argument` names the
 * parameter (`"b"`, `"options.mode"`), `expected` what the op accepts.
 *
 * @example
 * import * as tg from "typegrad"
 * const parsed: unknown = JSON.parse('{ "mode": "wrap" }') // options from a config file
 * try { tg.pad(tg.tensor([1, 2]), [[1, 1]], parsed as tg.PadOptions) }
 * catch (e) { if (e instanceof tg.InvalidArgument) console.log(e.message) } // pad: options.mode is the string "wrap", expected "constant" or "edge"
 * @since 0.1.0
 * @category errors
 */
export class InvalidArgument extends Data.TaggedError("InvalidArgument")<{
  readonly op: string
  readonly message: string
  readonly argument: string
  readonly expected: string
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

/**
 * A matrix that `solve` or `inv` cannot invert: LU factorisation with partial pivoting met an
 * exactly zero pivot. Detected on eager CPU values; under `jit`, `grad`, `vmap` or on WebGPU the
 * values are not read back, and a singular matrix gives Inf/NaN entries instead.
 *
 * @example
 * import * as tg from "typegrad"
 * import { SingularMatrix } from "typegrad"
 * try { tg.inv(tg.tensor([[1, 2], [2, 4]])) } catch (e) { if (e instanceof SingularMatrix) console.log(e.message) }
 * // "inv: the matrix [2, 2] is singular (zero pivot in column 1)"
 * @since 0.1.0
 * @category errors
 */
export class SingularMatrix extends Data.TaggedError("SingularMatrix")<{
  readonly op: string
  readonly message: string
  readonly shape: ReadonlyArray<number>
  /** the flat batch entry whose factorisation met the zero pivot (0 without batch axes) */
  readonly batchIndex: number
  /** the column of that pivot */
  readonly column: number
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
