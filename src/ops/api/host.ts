/**
 * Reading tensors back to the host: synchronous on the CPU (allowed by the type only there), an
 * Effect for any device (GPU readback is asynchronous).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DeviceKind, DType, Shape } from "../../shape/index.js"
import { DeviceLost, HostAccessError, KernelCompileError, OutOfMemory, ShapeError, TracerLeak } from "../../errors.js"
import { hostCopy, type HostArray, type HostOf } from "../core/aval.js"
import type { Storage } from "../core/backend.js"
import { nest } from "../core/host.js"
import { Tracer, type AnyTensor, type Tensor } from "../core/tensor.js"
import type { Elem, Nested } from "./typing.js"

const storageOf = (x: AnyTensor, op: string): Storage => {
  const impl = x._impl
  if (impl instanceof Tracer)
    throw new TracerLeak({
      transform: impl.interpreter.transform,
      message: `${op}: cannot read the value of a tensor traced by ${impl.interpreter.transform}; return it from the transformed function and read it outside`,
    })
  return impl
}

/** The tensor's own host data, not copied: only for readers that never write into it or hand it out. */
const hostView = (x: AnyTensor, op: string): HostArray => {
  const s = storageOf(x, op)
  const read = x.device.backend.readSync
  if (read === undefined)
    throw new HostAccessError({
      op,
      device: x.device.name,
      message: `${op}: ${x.device.name} has no synchronous host access; use toArray (an Effect) or array() (a Promise)`,
    })
  return read(s, x.aval)
}

/**
 * The flat host data of a CPU tensor, as a fresh copy: tensors are immutable, so writing into
 * the array changes neither this tensor nor any tensor sharing its memory (a reshape, a jitted
 * function's cached constants). The copy costs one pass over the data.
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.tensor([1, 2])
 * const d = tg.dataSync(a) // Float32Array [1, 2]
 * d[0] = 50                // a still holds [1, 2]
 * @since 0.1.0
 * @category host access
 */
export const dataSync = <S extends Shape, D extends DType>(x: Tensor<S, D, "cpu">): HostOf[D] =>
  hostCopy(hostView(x, "dataSync")) as HostOf[D]

/**
 * Nested JS arrays of a CPU tensor's values (booleans for bool tensors).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.toArraySync(tg.tensor([[1, 2], [3, 4]])) // [[1, 2], [3, 4]]
 * @since 0.1.0
 * @category host access
 */
export const toArraySync = <S extends Shape, D extends DType>(x: Tensor<S, D, "cpu">): Nested<S, Elem<D>> =>
  nest(hostView(x, "toArraySync"), x.shape, x.dtype === "bool") as Nested<S, Elem<D>>

/**
 * The single value of a one-element CPU tensor.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.item(tg.scalar(3)) // 3
 * @since 0.1.0
 * @category host access
 */
export const item = <S extends Shape, D extends DType>(x: Tensor<S, D, "cpu">): Elem<D> => {
  if (x.size !== 1) throw ShapeError.of("item", `needs exactly one element, got [${x.shape.join(", ")}]`, x.shape)
  const v = hostView(x, "item")[0]!
  return (x.dtype === "bool" ? v !== 0 : v) as Elem<D>
}

/**
 * What a readback can fail with: a device's asynchronous errors surface here.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * const read: Effect.Effect<number[], tg.ReadbackError> = tg.toArray(tg.tensor([1, 2]))
 * @since 0.1.0
 * @category host access
 */
export type ReadbackError = DeviceLost | OutOfMemory | KernelCompileError
const isReadbackError = (e: unknown): e is ReadbackError =>
  e instanceof DeviceLost || e instanceof OutOfMemory || e instanceof KernelCompileError

/**
 * Read a tensor on any device back to the host as flat typed data (an Effect: GPU readback is
 * asynchronous and may fail with `DeviceLost`, or report a deferred `OutOfMemory` /
 * `KernelCompileError` of the work it waits for).
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * const xs = await Effect.runPromise(tg.data(tg.tensor([1, 2]))) // Float32Array [1, 2]
 * @since 0.1.0
 * @category host access
 */
export const data = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Effect.Effect<HostOf[D], ReadbackError> =>
  Effect.suspend(() => {
    const s = storageOf(x, "data")
    return Effect.tryPromise({ try: () => x.device.backend.read(s, x.aval) as Promise<HostOf[D]>, catch: (e) => e }).pipe(
      Effect.catchIf(isReadbackError, Effect.fail, Effect.die),
    )
  })

/**
 * Read a tensor on any device back as nested JS arrays (an Effect).
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * const rows = await Effect.runPromise(tg.toArray(tg.tensor([[1, 2]]))) // [[1, 2]]
 * @since 0.1.0
 * @category host access
 */
export const toArray = <S extends Shape, D extends DType, V extends DeviceKind>(
  x: Tensor<S, D, V>,
): Effect.Effect<Nested<S, Elem<D>>, ReadbackError> =>
  Effect.map(data(x), (d) => nest(d, x.shape, x.dtype === "bool") as Nested<S, Elem<D>>)

/**
 * Read a tensor on any device back as nested JS arrays, as a Promise (for code that does not use
 * Effect). It rejects with the typed error itself (`DeviceLost`, `OutOfMemory`,
 * `KernelCompileError`, `UseAfterRelease`, …), not a wrapper.
 *
 * @example
 * import * as tg from "typegrad"
 * const rows = await tg.array(tg.tensor([[1, 2], [3, 4]]).mul(2)) // [[2, 4], [6, 8]]
 * @since 0.1.0
 * @category host access
 */
export const array = async <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>): Promise<Nested<S, Elem<D>>> => {
  const s = storageOf(x, "array")
  return nest(await x.device.backend.read(s, x.aval), x.shape, x.dtype === "bool") as Nested<S, Elem<D>>
}
