/**
 * PyTorch's `nn.Module` verbs as pure functions over any module tree: listing parameters and
 * buffers by dotted path, switching train/eval, state dicts, partitioning into trainable and
 * frozen parts, and running a forward pass that returns the updated state instead of mutating it.
 *
 * @since 0.1.0
 */
import { ShapeError, StateDictError } from "../errors.js"
import type * as Tree from "../grad/tree.js"
import { to as toDevice } from "../device/transfer.js"
import { cast, type AnyTensor, type Device, type Key } from "../ops/index.js"
import { className, rebuild, withScope } from "./module.js"
import { frozenKey, leavesOf, mapTree, nodesOf, type Leaf } from "./walk.js"

/**
 * Every tensor of a module tree as a `Leaf` (path, parameter or buffer, frozen or not).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.leaves(tg.nn.linear(tg.key(0), 3, 2)).map((l) => l.path) // ["weight", "bias"]
 * @since 0.1.0
 * @category verbs
 */
export const leaves = (m: unknown): Leaf[] => leavesOf(m)

/**
 * The parameters with their dotted paths, as PyTorch's `named_parameters()` (frozen ones included).
 *
 * @example
 * import * as tg from "typegrad"
 * const net = tg.nn.sequential(tg.nn.linear(tg.key(0), 3, 4), tg.nn.relu(), tg.nn.linear(tg.key(1), 4, 2))
 * tg.nn.namedParameters(net).map(([k, p]) => `${k} ${JSON.stringify(p.shape)}`) // ["0.weight [4,3]", …]
 * @since 0.1.0
 * @category verbs
 */
export const namedParameters = (m: unknown): Array<[string, AnyTensor]> =>
  leavesOf(m)
    .filter((l) => l.kind === "parameter")
    .map((l) => [l.path, l.tensor])

/**
 * The parameters, as PyTorch's `parameters()`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.parameters(tg.nn.linear(tg.key(0), 3, 2)).length // 2
 * @since 0.1.0
 * @category verbs
 */
export const parameters = (m: unknown): AnyTensor[] => namedParameters(m).map(([, t]) => t)

/**
 * The buffers (running statistics, constants such as camera intrinsics) with their paths.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.namedBuffers(tg.nn.batchNorm2d(4)).map(([k]) => k) // ["running_mean", "running_var", "num_batches_tracked"]
 * @since 0.1.0
 * @category verbs
 */
export const namedBuffers = (m: unknown): Array<[string, AnyTensor]> =>
  leavesOf(m)
    .filter((l) => l.kind === "buffer")
    .map((l) => [l.path, l.tensor])

/**
 * The buffers, as PyTorch's `buffers()`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.buffers(tg.nn.batchNorm2d(4)).length // 3
 * @since 0.1.0
 * @category verbs
 */
export const buffers = (m: unknown): AnyTensor[] => namedBuffers(m).map(([, t]) => t)

/**
 * The number of parameter elements (`sum(p.numel() for p in m.parameters())`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.numParameters(tg.nn.linear(tg.key(0), 3, 2)) // 8
 * @since 0.1.0
 * @category verbs
 */
export const numParameters = (m: unknown): number => parameters(m).reduce((n, p) => n + p.size, 0)

/**
 * Move every parameter and buffer to `device` (a new tree; the static structure is kept).
 *
 * @example
 * import * as tg from "typegrad"
 * const lin = tg.nn.to(tg.nn.linear(tg.key(0), 3, 2), tg.cpu)
 * @since 0.1.0
 * @category verbs
 */
export const to = <M>(m: M, device: Device): M => toDevice(m, device) as M

const setMode = <M>(m: M, training: boolean): M => mapTree(m, { node: (n) => ("training" in n ? rebuild(n, { training }) : n) }) as M

/**
 * A copy of the tree with every sub-module in training mode (BatchNorm uses batch statistics,
 * Dropout drops).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.train(tg.nn.eval(tg.nn.batchNorm2d(4))).training // true
 * @since 0.1.0
 * @category verbs
 */
export const train = <M>(m: M): M => setMode(m, true)

/**
 * A copy of the tree with every sub-module in evaluation mode (running statistics, no dropout).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.eval(tg.nn.batchNorm2d(4)).training // false
 * @since 0.1.0
 * @category verbs
 */
export const eval_ = <M>(m: M): M => setMode(m, false)
export { eval_ as eval }

/**
 * Parameters and buffers by dotted path, the keys of PyTorch's `state_dict()`.
 *
 * @example
 * import * as tg from "typegrad"
 * Object.keys(tg.nn.stateDict(tg.nn.batchNorm2d(4))) // ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
 * @since 0.1.0
 * @category verbs
 */
export const stateDict = (m: unknown): Record<string, AnyTensor> => Object.fromEntries(leavesOf(m).map((l) => [l.path, l.tensor]))

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

/**
 * A copy of the tree with every parameter and buffer taken from `dict` (cast to the module's
 * dtype and moved to its device). Throws `StateDictError` naming the missing, unexpected and
 * mis-shaped keys; nothing is loaded then.
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.nn.linear(tg.key(0), 3, 2), b = tg.nn.linear(tg.key(1), 3, 2)
 * const c = tg.nn.loadStateDict(b, tg.nn.stateDict(a)) // c has a's weights
 * @since 0.1.0
 * @category verbs
 */
export const loadStateDict = <M>(m: M, dict: Readonly<Record<string, AnyTensor>>): M => {
  const own = leavesOf(m)
  const names = new Set(own.map((l) => l.path))
  const missing = own.filter((l) => !(l.path in dict)).map((l) => l.path)
  const unexpected = Object.keys(dict).filter((k) => !names.has(k))
  const mismatched = own
    .filter((l) => l.path in dict && fmt(dict[l.path]!.shape as number[]) !== fmt(l.tensor.shape as number[]))
    .map((l) => `${l.path}: expected ${fmt(l.tensor.shape as number[])}, got ${fmt(dict[l.path]!.shape as number[])}`)
  if (missing.length + unexpected.length + mismatched.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(", ")}` : "",
      unexpected.length > 0 ? `unexpected ${unexpected.join(", ")}` : "",
      mismatched.length > 0 ? `mis-shaped ${mismatched.join("; ")}` : "",
    ].filter((s) => s !== "")
    throw new StateDictError({ missing, unexpected, mismatched, message: `loadStateDict(${className(m as object)}): ${parts.join("; ")}` })
  }
  return mapTree(m, {
    leaf: (l) => {
      const v = dict[l.path]!
      const typed = v.dtype === l.tensor.dtype ? v : cast(v, l.tensor.dtype)
      return typed.device === l.tensor.device ? typed : toDevice(typed, l.tensor.device)
    },
  }) as M
}

/**
 * Rebuild the tree with `fn` applied to every sub-module, children before parents (PyTorch's
 * `apply`); `fn` returns the module to put in its place (e.g. re-initialised).
 *
 * @example
 * import * as tg from "typegrad"
 * const net = tg.nn.sequential(tg.nn.linear(tg.key(0), 3, 4), tg.nn.relu())
 * const zeroBias = tg.nn.apply(net, (m) => (m instanceof tg.nn.Linear ? tg.nn.loadStateDict(m, { weight: m.weight, bias: tg.zeros([m.outFeatures]) }) : m))
 * @since 0.1.0
 * @category verbs
 */
export const apply = <M>(m: M, fn: (module: Tree.TreeNode, path: string) => Tree.TreeNode): M =>
  mapTree(m, { node: (n, p) => fn(n, p) }) as M

/**
 * Leaf filters for `partition`: trainable parameters (not frozen), all parameters, buffers.
 *
 * @example
 * import * as tg from "typegrad"
 * const [params, rest] = tg.nn.partition(tg.nn.batchNorm2d(4), tg.nn.isTrainable)
 * @since 0.1.0
 * @category verbs
 */
export const isTrainable = (l: Leaf): boolean => l.kind === "parameter" && !l.frozen
/**
 * Whether a leaf is a parameter (frozen or not).
 * @example
 * import * as tg from "typegrad"
 * const [ps] = tg.nn.partition(tg.nn.batchNorm2d(4), tg.nn.isParameter)
 * @since 0.1.0
 * @category verbs
 */
export const isParameter = (l: Leaf): boolean => l.kind === "parameter"
/**
 * Whether a leaf is a buffer.
 * @example
 * import * as tg from "typegrad"
 * const [state] = tg.nn.partition(tg.nn.batchNorm2d(4), tg.nn.isBuffer)
 * @since 0.1.0
 * @category verbs
 */
export const isBuffer = (l: Leaf): boolean => l.kind === "buffer"

/**
 * Split a tree into `[selected, rest]`: two trees of the same structure, each holding only its
 * leaves (the others are empty slots, no leaves for the transforms). `grad` over `selected`
 * differentiates only those; `combine` puts the parts back together.
 *
 * @example
 * import * as tg from "typegrad"
 * const bn = tg.nn.batchNorm2d(4)
 * const [params, rest] = tg.nn.partition(bn, tg.nn.isTrainable)
 * tg.Tree.leaves(params).length // 2: weight and bias
 * @since 0.1.0
 * @category verbs
 */
export const partition = <M>(m: M, filter: (leaf: Leaf) => boolean): [M, M] => [
  mapTree(m, { leaf: (l) => (filter(l) ? l.tensor : undefined) }) as M,
  mapTree(m, { leaf: (l) => (filter(l) ? undefined : l.tensor) }) as M,
]

/**
 * Merge trees of one structure (parts from `partition`): each slot takes the first tree's leaf
 * that fills it, so `combine(newParams, newState, rest)` overrides in that order.
 *
 * @example
 * import * as tg from "typegrad"
 * const bn = tg.nn.batchNorm2d(4)
 * const [params, rest] = tg.nn.partition(bn, tg.nn.isTrainable)
 * const again = tg.nn.combine(params, rest) // bn's leaves
 * @since 0.1.0
 * @category verbs
 */
export const combine = <M>(first: M, ...others: ReadonlyArray<M>): M => {
  const maps = others.map((o) => new Map(leavesOf(o).map((l) => [l.path, l.tensor])))
  return mapTree(first, {
    hole: (p) => {
      for (const mp of maps) if (mp.has(p)) return mp.get(p)
      return undefined
    },
  }) as M
}

const matcher = (what: string | ((leaf: Leaf) => boolean)) =>
  typeof what === "string" ? (l: Leaf) => l.path === what || l.path.startsWith(`${what}.`) : what

const setFrozen = <M>(m: M, what: string | ((leaf: Leaf) => boolean), frozen: boolean): M => {
  const match = matcher(what)
  const hits = leavesOf(m)
    .filter((l) => l.kind === "parameter" && match(l))
    .map((l) => l.path)
  if (typeof what === "string" && hits.length === 0) throw ShapeError.of("freeze", `no parameter at or under "${what}"`)
  const hit = new Set(hits)
  return mapTree(m, {
    node: (n, p) => {
      const own = Object.keys(n).filter((k) => hit.has(p === "" ? k : `${p}.${k}`))
      if (own.length === 0) return n
      const before = ((n as unknown as Record<string, unknown>)[frozenKey] as ReadonlyArray<string> | undefined) ?? []
      const next = frozen ? [...new Set([...before, ...own])] : before.filter((k) => !own.includes(k))
      return rebuild(n, { [frozenKey]: next })
    },
  }) as M
}

/**
 * Freeze the parameters at or under a dotted path (`"backbone"`, `"conv.weight"`), or those a
 * predicate picks: `isTrainable` excludes them, so `partition` leaves them out of the gradient.
 *
 * @example
 * import * as tg from "typegrad"
 * const net = tg.nn.sequential(tg.nn.linear(tg.key(0), 3, 4), tg.nn.linear(tg.key(1), 4, 2))
 * const head = tg.nn.freeze(net, "0")
 * tg.nn.leaves(head).filter(tg.nn.isTrainable).map((l) => l.path) // ["1.weight", "1.bias"]
 * @since 0.1.0
 * @category verbs
 */
export const freeze = <M>(m: M, what: string | ((leaf: Leaf) => boolean)): M => setFrozen(m, what, true)

/**
 * Undo `freeze` for the parameters at or under a path, or picked by a predicate.
 *
 * @example
 * import * as tg from "typegrad"
 * const lin = tg.nn.unfreeze(tg.nn.freeze(tg.nn.linear(tg.key(0), 3, 2), "weight"), "weight")
 * @since 0.1.0
 * @category verbs
 */
export const unfreeze = <M>(m: M, what: string | ((leaf: Leaf) => boolean)): M => setFrozen(m, what, false)

/**
 * Options of `forward`: the key that Dropout layers draw from (each folds in its own path).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.ForwardOptions = { key: tg.key(0) }
 * @since 0.1.0
 * @category verbs
 */
export interface ForwardOptions {
  readonly key?: Key
}

/**
 * Run `f` on module `m` and return `[result, state]`: `state` is `m`'s buffers after the run
 * (BatchNorm running statistics updated by train-mode calls), as a `partition` part, so
 * `combine(newParams, state, rest)` is the next model. Pure: `m` is not changed, and it works
 * under `grad` (return `[loss, state]` with `hasAux`), `jit`, `vmap` and `scan`.
 *
 * @example
 * import * as tg from "typegrad"
 * const bn = tg.nn.batchNorm2d(3)
 * const [y, state] = tg.nn.forward(bn, (m) => m.call(tg.ones([2, 3, 4, 4])))
 * const next = tg.nn.combine(state, bn) // running_mean moved towards the batch mean
 * @since 0.1.0
 * @category verbs
 */
export const forward = <M, R>(m: M, f: (m: M) => R, options?: ForwardOptions): [R, M] => {
  const paths = new Map<object, string>(nodesOf(m).map(([p, n]) => [n, p === "" ? className(n) : p]))
  const [r, updates] = withScope({ paths, key: options?.key }, () => f(m))
  const next = mapTree(m, {
    node: (n, _p, original) => {
      const u = updates.get(original)
      return u === undefined ? n : rebuild(n, u)
    },
  }) as M
  return [r, partition(next, isBuffer)[0]]
}
