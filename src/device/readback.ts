/**
 * Host readback as an Effect, for tensors on any device.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DeviceLost, KernelCompileError, OutOfMemory, TracerLeak } from "../errors.js"
import type { HostArray } from "../ops/aval.js"
import { Tracer, type AnyTensor } from "../ops/tensor.js"

/** What a readback can fail with: the device's asynchronous errors surface here. */
export type ReadbackError = DeviceLost | OutOfMemory | KernelCompileError

const isReadbackError = (e: unknown): e is ReadbackError => e instanceof DeviceLost || e instanceof OutOfMemory || e instanceof KernelCompileError

/**
 * Copy a tensor's elements to the host (flat, row-major; bool as 0/1 bytes, f16 as f32).
 * On WebGPU this submits the pending work and waits for it.
 *
 * @example
 * import { Effect } from "effect"
 * const xs = await Effect.runPromise(toArray(tg.to(tg.tensor([1, 2, 3]), gpu).mul(2))) // Float32Array [2, 4, 6]
 * @since 0.1.0
 * @category devices
 */
export const toArray = (t: AnyTensor): Effect.Effect<HostArray, ReadbackError> =>
  Effect.suspend(() => {
    const impl = t._impl
    if (impl instanceof Tracer)
      return Effect.die(new TracerLeak({ transform: impl.interpreter.transform, message: `toArray: cannot read a value traced by ${impl.interpreter.transform}; return it from the transform first` }))
    return Effect.tryPromise({ try: () => t.device.backend.read(impl, t.aval), catch: (e) => e }).pipe(
      Effect.catchIf(isReadbackError, Effect.fail, Effect.die),
    )
  })
