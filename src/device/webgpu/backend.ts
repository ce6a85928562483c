/**
 * The WebGPU `Backend`: ops enqueue kernels into the device's open batch and return at once;
 * only `read` waits (it submits the batch, then maps a staging buffer).
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { Backend, Device, Storage } from "../../ops/core/backend.js"
import type { ParamsOf, PrimitiveName } from "../../ops/core/primitive.js"
import { compileProgram } from "./compile.js"
import type { GpuContext } from "./context.js"
import { fromDevice, storageBytes, toDevice } from "./dtype.js"
import { gpuKernel } from "./kernels/index.js"
import { GpuStorage } from "./memory.js"
import { DeviceMismatch, OutOfMemory } from "../../errors.js"

/** The WebGPU backend of one device; `ctx` is internal. */
export interface WebGpuBackend extends Backend {
  readonly kind: "webgpu"
  /** @internal */
  readonly ctx: GpuContext
}

const storage = (s: Storage): GpuStorage => {
  if (!(s instanceof GpuStorage))
    throw new DeviceMismatch({
      op: "webgpu",
      devices: [],
      message: "webgpu: got storage of another device; move tensors with to(x, device) first",
    })
  return s
}

export const makeBackend = (ctx: GpuContext): WebGpuBackend => ({
  kind: "webgpu",
  ctx,
  upload: (data: HostArray, aval: Aval) => {
    ctx.live()
    const bytes = toDevice(data, aval.dtype)
    const s = ctx.pool.alloc(bytes.byteLength, true)
    ctx.device.queue.writeBuffer(s.buffer, 0, bytes)
    return s
  },
  checkAlloc: (aval: Aval, op: string) => {
    const bytes = storageBytes(aval.dtype, numel(aval.shape))
    const limit = Math.min(ctx.device.limits.maxBufferSize, ctx.device.limits.maxStorageBufferBindingSize)
    if (bytes > limit)
      throw new OutOfMemory({
        bytes,
        limit,
        message: `${op}: a ${aval.dtype} tensor of shape [${aval.shape.join(", ")}] needs ${bytes} bytes; ${ctx.description} allows at most ${limit} bytes per buffer`,
      })
  },
  run: <P extends PrimitiveName>(
    prim: P,
    inputs: ReadonlyArray<Storage>,
    inAvals: ReadonlyArray<Aval>,
    params: ParamsOf<P>,
    outAvals: ReadonlyArray<Aval>,
  ) => {
    ctx.live()
    const k = gpuKernel(prim)
    return [k(ctx, inputs.map(storage), inAvals, params, outAvals[0]!)]
  },
  read: async (s: Storage, aval: Aval) => {
    const n = numel(aval.shape)
    const buf = await ctx.read(storage(s).buffer, storageBytes(aval.dtype, n))
    return fromDevice(buf, aval.dtype, n)
  },
  compile: (program, consts) => compileProgram(ctx, program, consts),
  live: () => ctx.live(),
  supports: (d: DType) => d === "f32" || d === "i32" || d === "bool" || (d === "f16" && ctx.features.f16),
})

/** The context behind a WebGPU device (throws for other devices). */
export const contextOf = (device: Device): GpuContext => {
  if (device.kind !== "webgpu")
    throw new DeviceMismatch({ op: "webgpu", devices: [device.name], message: `webgpu: ${device.name} is not a WebGPU device` })
  return (device.backend as WebGpuBackend).ctx
}
