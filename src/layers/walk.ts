/**
 * Walking a module tree with PyTorch's dotted paths (`conv.weight`, `layers.0.bias`): every verb
 * (`namedParameters`, `partition`, `freeze`, `loadStateDict`, …) is a fold or a rebuild over
 * these walks. Children are visited in declaration order, as PyTorch registers them.
 *
 * @since 0.1.0
 * @internal
 */
import * as Tree from "../grad/tree.js"
import { Tensor, type AnyTensor } from "../ops/index.js"
import { bufferNames, inlineField, rebuild } from "./module.js"

/**
 * One tensor of a module tree as the verbs see it: its dotted path, whether it is a parameter or
 * a buffer, and whether it is frozen (see `freeze`).
 *
 * @example
 * import * as tg from "typegrad"
 * const leaves: tg.nn.Leaf[] = tg.nn.leaves(tg.nn.batchNorm2d(4))
 * leaves.map((l) => `${l.path}:${l.kind}`) // ["weight:parameter", "bias:parameter", "running_mean:buffer", …]
 * @since 0.1.0
 * @category verbs
 */
export interface Leaf {
  readonly path: string
  readonly tensor: AnyTensor
  readonly kind: "parameter" | "buffer"
  readonly frozen: boolean
}

/** Field of a node that records which of its parameters are frozen (static, in the structure). */
export const frozenKey = "~frozen"

const join = (path: string, k: string | number): string => (path === "" ? String(k) : `${path}.${k}`)
const isPlain = (x: unknown): x is Record<string, unknown> => {
  if (typeof x !== "object" || x === null) return false
  const p = Object.getPrototypeOf(x)
  return p === Object.prototype || p === null
}
const fields = (n: object): string[] => Object.keys(n).filter((k) => k !== frozenKey)
const frozenOf = (n: object): ReadonlyArray<string> =>
  ((n as Record<string, unknown>)[frozenKey] as ReadonlyArray<string> | undefined) ?? []

interface Hooks {
  /** replace a tensor leaf (return it unchanged to keep it) */
  readonly leaf?: (leaf: Leaf) => unknown
  /** post-process a rebuilt node (its children already mapped) */
  readonly node?: (node: Tree.TreeNode, path: string, original: Tree.TreeNode) => Tree.TreeNode
  /** an empty slot (a leaf removed by `partition`) */
  readonly hole?: (path: string) => unknown
}

/** Rebuild tree `t` through the hooks (nodes on their own prototypes, arrays, plain records). */
export const mapTree = (t: unknown, hooks: Hooks, path = ""): unknown => {
  const go = (x: unknown, p: string, owner: Tree.TreeNode | undefined, field: string, order?: ReadonlyArray<string>): unknown => {
    if (x instanceof Tensor) {
      const kind = owner !== undefined && bufferNames(owner as never).includes(field) ? "buffer" : "parameter"
      const frozen = owner !== undefined && frozenOf(owner).includes(field)
      return hooks.leaf ? hooks.leaf({ path: p, tensor: x, kind, frozen }) : x
    }
    if (x === undefined) return hooks.hole ? hooks.hole(p) : x
    if (Array.isArray(x)) return x.map((c, i) => go(c, join(p, i), undefined, ""))
    if (isPlain(x)) {
      // a record's own key order, unless its owner recorded one (trees rebuild records with sorted keys)
      const keys = order !== undefined && order.length === Object.keys(x).length && order.every((k) => k in x) ? order : Object.keys(x)
      return Object.fromEntries(keys.map((k) => [k, go(x[k], join(p, k), undefined, "")]))
    }
    if (Tree.isNode(x)) {
      const changes: Record<string, unknown> = {}
      const inl = inlineField(x)
      const order = (x as unknown as { readonly keyOrder?: ReadonlyArray<string> }).keyOrder
      for (const k of fields(x))
        changes[k] = go((x as unknown as Record<string, unknown>)[k], k === inl ? p : join(p, k), x, k, k === inl ? order : undefined)
      const n = rebuild(x, changes)
      return hooks.node ? hooks.node(n, p, x) : n
    }
    return x
  }
  return go(t, path, undefined, "")
}

/** Every tensor leaf of a tree with its path, kind and frozen flag, in declaration order. */
export const leavesOf = (t: unknown): Leaf[] => {
  const out: Leaf[] = []
  mapTree(t, { leaf: (l) => (out.push(l), l.tensor) })
  return out
}

/** Every node of a tree (modules), with its path, parents after their children. */
export const nodesOf = (t: unknown): Array<[string, Tree.TreeNode]> => {
  const out: Array<[string, Tree.TreeNode]> = []
  mapTree(t, { node: (n, p, original) => (out.push([p, original]), n) })
  return out
}
