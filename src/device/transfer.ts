/**
 * Moving tensors, and whole trees of them (modules, optimizer state), between devices.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { TreeNode } from "../grad/tree.js"
import { DeviceMismatch } from "../errors.js"
import type { Device } from "../ops/backend.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/tensor.js"
import { data as toArray, type ReadbackError } from "../ops/host.js"

// Tree node classes (modules) carry this marker on their prototype (see Tree.nodeTag).
const nodeTag = Symbol.for("typegrad/Tree.node")
const isNode = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[nodeTag] === true

/** Rebuild a tree (nested arrays, plain records and tree nodes) with every tensor mapped through `f`. */
const mapTree = (x: unknown, f: (t: AnyTensor) => unknown): unknown => {
  if (x instanceof Tensor) return f(x)
  if (Array.isArray(x)) return x.map((v) => mapTree(v, f))
  if (isNode(x)) {
    // a node (a module) is rebuilt on its own prototype, its static fields kept
    const o = Object.create(Object.getPrototypeOf(x) as object) as Record<string, unknown>
    for (const k of Object.keys(x)) o[k] = mapTree(x[k], f)
    return o
  }
  if (x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapTree(v, f)]))
  return x
}
const tensorsOf = (x: unknown, out: AnyTensor[] = []): AnyTensor[] => {
  mapTree(x, (t) => out.push(t))
  return out
}

/** A tree with its tensors moved to device kind `V`. */
export type OnDevice<T, V extends Device["kind"]> = T extends Tensor<infer S, infer D, infer _>
  ? Tensor<S, D, V>
  : T extends TreeNode ? T
  : T extends ReadonlyArray<unknown> ? { [K in keyof T]: OnDevice<T[K], V> }
  : T extends object ? { [K in keyof T]: OnDevice<T[K], V> }
  : T

const moveSync = (t: AnyTensor, device: Device): AnyTensor => {
  if (t.device === device) return t
  if (t._impl instanceof Tracer) throw new Error(`to: cannot move a traced value (inside ${t._impl.interpreter.transform}) between devices`)
  const read = t.device.backend.readSync
  if (read === undefined)
    throw new DeviceMismatch({
      op: "to", devices: [t.device.name, device.name],
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
export const to = <T, V extends Device["kind"]>(x: T, device: Device<V>): OnDevice<T, V> => mapTree(x, (t) => moveSync(t, device)) as OnDevice<T, V>

/**
 * Move a tensor or tree to `device` from any device, reading GPU memory back asynchronously.
 *
 * @example
 * import { Effect } from "effect"
import type { TreeNode } from "../grad/tree.js"
 * const onCpu = await Effect.runPromise(transfer(gpuParams, tg.cpu))
 * @since 0.1.0
 * @category devices
 */
export const transfer = <T, V extends Device["kind"]>(x: T, device: Device<V>): Effect.Effect<OnDevice<T, V>, ReadbackError> =>
  Effect.gen(function* () {
    const moved = new Map<AnyTensor, AnyTensor>()
    for (const t of tensorsOf(x)) {
      if (moved.has(t)) continue
      if (t.device === device || t.device.backend.readSync !== undefined) moved.set(t, moveSync(t, device))
      else moved.set(t, new Tensor(t.aval, device, device.backend.upload(yield* toArray(t), t.aval)))
    }
    return mapTree(x, (t) => moved.get(t)!) as OnDevice<T, V>
  })
