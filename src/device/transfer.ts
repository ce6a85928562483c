/**
 * Moving tensors, and whole trees of them (modules, optimizer state), between devices.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DeviceMismatch, TransformError } from "../errors.js"
import { isNode, type TreeNode } from "../grad/tree.js"
import type { Device } from "../ops/core/backend.js"
import { checkAcyclic, checkDevice } from "../ops/core/check.js"
import type { DeviceKind, DType, Shape } from "../shape/index.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/core/tensor.js"
import { data as toArray, type ReadbackError } from "../ops/api/host.js"

/**
 * Rebuild a tree (nested arrays, plain records and tree nodes such as modules) with every tensor
 * mapped through `f`; other values (a node's static configuration) are kept as they are.
 */
const mapTree = (x: unknown, f: (t: AnyTensor) => unknown, path: unknown[] = []): unknown => {
  if (x instanceof Tensor) return f(x)
  const isArray = Array.isArray(x),
    node = !isArray && isNode(x)
  const record = !isArray && !node && x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype
  if (!isArray && !node && !record) return x
  checkAcyclic(x, path, "to")
  path.push(x)
  let out: unknown
  if (isArray) out = (x as unknown[]).map((v) => mapTree(v, f, path))
  else if (node) {
    // a node is rebuilt on its own prototype (its constructor is not called), its static fields kept
    const o = Object.create(Object.getPrototypeOf(x) as object) as Record<string, unknown>
    for (const [k, v] of Object.entries(x as object)) o[k] = mapTree(v, f, path)
    out = o
  } else out = Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, mapTree(v, f, path)]))
  path.pop()
  return out
}
const tensorsOf = (x: unknown, out: AnyTensor[] = []): AnyTensor[] => {
  mapTree(x, (t) => out.push(t))
  return out
}

/**
 * A tree with its tensors moved to device kind `V`: the result type of {@link to}.
 *
 * @example
 * import * as tg from "typegrad"
 * type OnGpu = tg.OnDevice<{ w: tg.Tensor<[2, 2], "f32", "cpu"> }, "webgpu"> // { w: Tensor<[2, 2], "f32", "webgpu"> }
 * @since 0.1.0
 * @category devices
 */
export type OnDevice<T, V extends Device["kind"]> =
  T extends Tensor<infer S, infer D, infer _>
    ? Tensor<S, D, V>
    : T extends TreeNode
      ? T
      : T extends ReadonlyArray<unknown>
        ? { [K in keyof T]: OnDevice<T[K], V> }
        : T extends object
          ? { [K in keyof T]: OnDevice<T[K], V> }
          : T

const moveSync = (t: AnyTensor, device: Device): AnyTensor => {
  if (t.device === device) return t
  // a released or lost device says so, rather than that its memory is not host-visible
  t.device.backend.live?.()
  device.backend.live?.()
  if (t._impl instanceof Tracer)
    throw new TransformError({
      transform: t._impl.interpreter.transform,
      message: `to: cannot move a traced value (inside ${t._impl.interpreter.transform}) between devices`,
    })
  const read = t.device.backend.readSync
  if (read === undefined)
    throw new DeviceMismatch({
      op: "to",
      devices: [t.device.name, device.name],
      message: `to: ${t.device.name} memory is not host-visible, so moving to ${device.name} needs an asynchronous readback; use transfer(x, device) (an Effect)`,
    })
  return new Tensor(t.aval, device, device.backend.upload(read(t._impl, t.aval), t.aval))
}

/**
 * Move a tensor, or every tensor of a tree, to `device` (synchronous: from host-visible memory
 * such as the CPU; GPU → elsewhere needs {@link transfer}). Tensors already there are kept.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const params = tg.to({ w: tg.zeros([784, 10]), b: tg.zeros([10]) }, gpu)
 * @since 0.1.0
 * @category devices
 */
export const to = <T, V extends Device["kind"]>(x: T, device: Device<V>): OnDevice<T, V> => {
  checkDevice(device, "to")
  return mapTree(x, (t) => moveSync(t, device)) as OnDevice<T, V>
}

/**
 * Move a tensor or tree to `device` from any device, reading GPU memory back asynchronously.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const gpuParams = tg.to({ w: tg.ones([2, 2]), b: tg.zeros([2]) }, gpu)
 * const onCpu = await Effect.runPromise(tg.transfer(gpuParams, tg.cpu)) // { w, b } on the CPU
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category devices
 */
export const transfer = <T, V extends Device["kind"]>(x: T, device: Device<V>): Effect.Effect<OnDevice<T, V>, ReadbackError> => {
  checkDevice(device, "transfer")
  return Effect.gen(function* () {
    const moved = new Map<AnyTensor, AnyTensor>()
    for (const t of tensorsOf(x)) {
      if (moved.has(t)) continue
      if (t.device === device || t.device.backend.readSync !== undefined) moved.set(t, moveSync(t, device))
      else moved.set(t, new Tensor(t.aval, device, device.backend.upload(yield* toArray(t), t.aval)))
    }
    return mapTree(x, (t) => moved.get(t)!) as OnDevice<T, V>
  })
}

declare module "../ops/core/tensor.js" {
  interface MethodsInstalledAbove {
    to: true
  }
  interface Tensor<in out S extends Shape = Shape, in out D extends DType = "f32", out V extends DeviceKind = DeviceKind> {
    /**
     * This tensor on `device` (the method form of {@link to}; itself when already there).
     * @example tg.tensor([1, 2]).to(tg.cpu).device.name // "cpu"
     */
    to<V2 extends DeviceKind>(device: Device<V2>): Tensor<S, D, V2>
  }
}

// installed here, beside the function, so the method exists wherever `to` does
Object.defineProperty(Tensor.prototype, "to", {
  value: function (this: AnyTensor, device: Device) {
    checkDevice(device, "to")
    return moveSync(this, device)
  },
  writable: true,
  configurable: true,
})
