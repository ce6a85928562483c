/**
 * Pytrees: nested arrays, tuples and plain records whose leaves are tensors. Transforms flatten
 * their inputs and outputs here, in a canonical order (record keys sorted), so `{ w, b }` and
 * `{ b, w }` agree. The fp-ts instances (Functor, Foldable, Traversable over the leaves; a Monoid
 * summing gradient trees) are defined over the flattened form `Flat<A>`.
 *
 * @since 0.1.0
 */
import type { Applicative } from "fp-ts/lib/Applicative.js"
import type { Foldable1 } from "fp-ts/lib/Foldable.js"
import type { Functor1 } from "fp-ts/lib/Functor.js"
import type { Monoid } from "fp-ts/lib/Monoid.js"
import type { Traversable1 } from "fp-ts/lib/Traversable.js"
import type { HKT } from "fp-ts/HKT"
import * as RA from "fp-ts/lib/ReadonlyArray.js"
import { ShapeError } from "../errors.js"
import { checkAcyclic } from "../ops/core/check.js"
import * as lax from "../ops/core/lax.js"
import { Tensor, type AnyTensor } from "../ops/core/tensor.js"

/**
 * A tree of tensors: a tensor, an array/tuple of trees, or a plain record of trees.
 *
 * @example
 * import * as tg from "typegrad"
 * const params: tg.Tree.PyTree = { w: tg.zeros([2, 2]), b: [tg.zeros([2])] }
 * @since 0.1.0
 * @category pytrees
 */
export type PyTree = AnyTensor | ReadonlyArray<PyTree> | { readonly [k: string]: PyTree } | TreeNode

/**
 * The marker of a tree node class: an object whose prototype carries `[Tree.nodeTag]: true` is a
 * node. Its own fields are its children; inside a node, a value that is not a tensor, an array, a
 * plain record or another node (a size, a mode, `undefined`) is static: kept in the structure by
 * value, never a leaf, never traced. Unflattening rebuilds the node on its prototype without
 * calling the constructor. Modules (`tg.nn`) are nodes.
 *
 * @example
 * import * as tg from "typegrad"
 * class Scale { declare readonly [tg.Tree.nodeTag]: true; constructor(readonly w: tg.Tensor<[2]>, readonly name: string) {} }
 * Object.defineProperty(Scale.prototype, tg.Tree.nodeTag, { value: true })
 * tg.Tree.leaves(new Scale(tg.ones([2]), "s")).length // 1: the name is static
 * @since 0.1.0
 * @category pytrees
 */
export const nodeTag: unique symbol = Symbol.for("typegrad/Tree.node") as never

/**
 * An instance of a tree node class (see `nodeTag`).
 *
 * @example
 * import * as tg from "typegrad"
 * const isNode = (x: object): x is tg.Tree.TreeNode => tg.Tree.isNode(x)
 * @since 0.1.0
 * @category pytrees
 */
export interface TreeNode {
  readonly [nodeTag]: true
}

/**
 * Whether `x` is a tree node (an instance of a class marked with `nodeTag`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.Tree.isNode({ w: tg.ones([2]) }) // false: a plain record
 * @since 0.1.0
 * @category pytrees
 */
export const isNode = (x: unknown): x is TreeNode =>
  typeof x === "object" && x !== null && (x as { readonly [nodeTag]?: unknown })[nodeTag] === true

/**
 * The structure of a tree without its leaves.
 *
 * @example
 * import * as tg from "typegrad"
 * const def: tg.Tree.TreeDef = tg.Tree.structure({ w: tg.ones([2]), b: [tg.zeros([1])] })
 * def.kind // "record"
 * @since 0.1.0
 * @category pytrees
 */
export type TreeDef =
  | { readonly kind: "leaf" }
  | { readonly kind: "array"; readonly children: ReadonlyArray<TreeDef> }
  | { readonly kind: "record"; readonly keys: ReadonlyArray<string>; readonly children: ReadonlyArray<TreeDef> }
  | { readonly kind: "node"; readonly proto: object; readonly keys: ReadonlyArray<string>; readonly children: ReadonlyArray<TreeDef> }
  | { readonly kind: "static"; readonly value: unknown }

const leafDef: TreeDef = { kind: "leaf" }

const isRecord = (x: unknown): x is { readonly [k: string]: unknown } => {
  if (typeof x !== "object" || x === null) return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

// Objects and functions kept as static values compare by identity: give each a stable number.
const ids = new WeakMap<object, number>()
let nextId = 0
const identity = (x: object): number => {
  let id = ids.get(x)
  if (id === undefined) ids.set(x, (id = nextId++))
  return id
}
const showStatic = (v: unknown): string =>
  typeof v === "string"
    ? JSON.stringify(v)
    : typeof v === "object" && v !== null
      ? `#${identity(v)}`
      : typeof v === "function"
        ? `fn#${identity(v)}`
        : String(v)

const describe = (x: unknown): string => (x === null ? "null" : typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x)

/**
 * Leaves in canonical order and the structure.
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.ones([2, 2]), b = tg.zeros([2])
 * const [leaves, def] = tg.Tree.flatten({ w, b }) // leaves = [b, w] (sorted keys)
 * @since 0.1.0
 * @category pytrees
 */
export const flatten = (tree: unknown): [AnyTensor[], TreeDef] => {
  const leaves: AnyTensor[] = []
  const path: unknown[] = []
  const within = <D>(t: unknown, f: () => D): D => {
    checkAcyclic(t, path, "pytree")
    path.push(t)
    const d = f()
    path.pop()
    return d
  }
  const go = (t: unknown, inNode: boolean): TreeDef => {
    if (t instanceof Tensor) {
      leaves.push(t)
      return leafDef
    }
    if (Array.isArray(t)) return within(t, () => ({ kind: "array", children: t.map((c) => go(c, inNode)) }))
    if (isRecord(t)) {
      const keys = Object.keys(t).sort()
      return within(t, () => ({ kind: "record", keys, children: keys.map((k) => go(t[k], inNode)) }))
    }
    if (isNode(t)) {
      // own fields in declaration order: a class fixes it, so equal classes give equal structures
      const keys = Object.keys(t)
      return within(t, () => ({
        kind: "node",
        proto: Object.getPrototypeOf(t) as object,
        keys,
        children: keys.map((k) => go((t as unknown as Record<string, unknown>)[k], true)),
      }))
    }
    if (inNode) return { kind: "static", value: t }
    const [path, bad] = findBad(tree, "")!
    throw ShapeError.of("pytree", `the leaf at ${path || "the root"} is a ${describe(bad)}, expected a tensor, an array or a plain record`)
  }
  const def = go(tree, false)
  return [leaves, def]
}

/** Path and value of the first node that is neither a tensor, an array nor a plain record. */
const findBad = (t: unknown, path: string): [string, unknown] | undefined => {
  if (t instanceof Tensor || isNode(t)) return undefined
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) {
      const r = findBad(t[i], `${path}[${i}]`)
      if (r) return r
    }
    return undefined
  }
  if (isRecord(t)) {
    for (const k of Object.keys(t).sort()) {
      const r = findBad(t[k], path ? `${path}.${k}` : k)
      if (r) return r
    }
    return undefined
  }
  return [path, t]
}

/**
 * Rebuild a tree of structure `def` from leaves in canonical order.
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * const [leaves, def] = tg.Tree.flatten(params)
 * const same = tg.Tree.unflatten<typeof params>(def, leaves)
 * @since 0.1.0
 * @category pytrees
 */
export const unflatten = <T = PyTree>(def: TreeDef, leaves: ReadonlyArray<unknown>): T => {
  let i = 0
  const go = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[i++]
      case "array":
        return d.children.map(go)
      case "record":
        return Object.fromEntries(d.keys.map((k, j) => [k, go(d.children[j]!)]))
      case "node": {
        const o = Object.create(d.proto) as Record<string, unknown>
        d.keys.forEach((k, j) => (o[k] = go(d.children[j]!)))
        return o
      }
      case "static":
        return d.value
    }
  }
  const out = go(def)
  if (i !== leaves.length) throw ShapeError.of("pytree", `unflatten: ${leaves.length} leaves for a structure with ${i}`)
  return out as T
}

/**
 * The leaves of a tree, in canonical order.
 *
 * @example
 * import * as tg from "typegrad"
 * const a1 = tg.scalar(1), a2 = tg.scalar(2), b = tg.scalar(3)
 * tg.Tree.leaves({ b, a: [a1, a2] }) // [a1, a2, b]
 * @since 0.1.0
 * @category pytrees
 */
export const leaves = (tree: unknown): AnyTensor[] => flatten(tree)[0]

/**
 * The structure of a tree (its `TreeDef`).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.ones([2, 2]), b = tg.zeros([2])
 * tg.Tree.structureEquals(tg.Tree.structure({ w, b }), tg.Tree.structure({ b, w })) // true
 * @since 0.1.0
 * @category pytrees
 */
export const structure = (tree: unknown): TreeDef => flatten(tree)[1]

/**
 * Printable form of a structure, e.g. `{b: *, w: [*, *]}`; equal strings mean equal structures.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.scalar(1), y = tg.scalar(2)
 * tg.Tree.show(tg.Tree.structure({ w: [x, y] })) // "{w: [*, *]}"
 * @since 0.1.0
 * @category pytrees
 */
export const show = (def: TreeDef): string => {
  switch (def.kind) {
    case "leaf":
      return "*"
    case "array":
      return `[${def.children.map(show).join(", ")}]`
    case "record":
      return `{${def.keys.map((k, i) => `${k}: ${show(def.children[i]!)}`).join(", ")}}`
    case "node": {
      const name = (def.proto as { constructor?: { name?: string } }).constructor?.name ?? "node"
      return `${name}#${identity(def.proto)}(${def.keys.map((k, i) => `${k}: ${show(def.children[i]!)}`).join(", ")})`
    }
    case "static":
      return `=${showStatic(def.value)}`
  }
}

/**
 * Whether two structures are equal.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.scalar(1), y = tg.ones([3])
 * tg.Tree.structureEquals(tg.Tree.structure([x]), tg.Tree.structure([y])) // true: shapes are not structure
 * @since 0.1.0
 * @category pytrees
 */
export const structureEquals = (a: TreeDef, b: TreeDef): boolean => show(a) === show(b)

/**
 * Number of leaves of a structure.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.Tree.numLeaves(tg.Tree.structure({ w: tg.ones([2]), b: [tg.zeros([2]), tg.zeros([1])] })) // 3
 * @since 0.1.0
 * @category pytrees
 */
export const numLeaves = (def: TreeDef): number =>
  def.kind === "leaf" ? 1 : def.kind === "static" ? 0 : def.children.reduce((s, c) => s + numLeaves(c), 0)

/**
 * Apply `f` to every leaf, keeping the structure (and the type, for shape-preserving `f`).
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * const halved = tg.Tree.map(params, (p) => p.mul(0.5))
 * @since 0.1.0
 * @category pytrees
 */
export const map = <T>(tree: T, f: (leaf: AnyTensor, index: number) => AnyTensor): T => {
  const [ls, def] = flatten(tree)
  return unflatten<T>(def, ls.map(f))
}

/**
 * Apply `f` leaf-wise over trees of equal structure (e.g. an optimizer step over params and grads).
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * const grads = tg.grad((p: typeof params) => p.w.sum().add(p.b.square().sum()))(params)
 * const next = tg.Tree.zipWith(params, grads, (p, g) => p.sub(g.mul(0.1)))
 * @since 0.1.0
 * @category pytrees
 */
export const zipWith = <T>(a: T, b: unknown, f: (x: AnyTensor, y: AnyTensor, index: number) => AnyTensor): T => {
  const [la, da] = flatten(a)
  const [lb, db] = flatten(b)
  if (!structureEquals(da, db)) throw ShapeError.of("Tree.zipWith", `structures differ: ${show(da)} vs ${show(db)}`)
  return unflatten<T>(
    da,
    la.map((x, i) => f(x, lb[i]!, i)),
  )
}

/**
 * Pair up leaves of trees of equal structure.
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * const grads = tg.Tree.map(params, (p) => p.mul(2))
 * tg.Tree.zip([params, grads]) // [[params.b, grads.b], [params.w, grads.w]]
 * @since 0.1.0
 * @category pytrees
 */
export const zip = (trees: ReadonlyArray<unknown>): AnyTensor[][] => {
  const flat = trees.map(flatten)
  const d0 = flat[0]![1]
  flat.forEach(([, d]) => {
    if (!structureEquals(d, d0)) throw ShapeError.of("Tree.zip", `structures differ: ${show(d0)} vs ${show(d)}`)
  })
  return flat[0]![0].map((_, i) => flat.map(([ls]) => ls[i]!))
}

// ------------------------------------------------------------------ fp-ts instances

/**
 * URI of the flattened-tree functor (fp-ts higher-kinded type tag).
 *
 * @example
 * import * as tg from "typegrad"
 * const uri: tg.Tree.URI = tg.Tree.URI // "typegrad/Tree.Flat"
 * @since 0.1.0
 * @category instances
 */
export const URI = "typegrad/Tree.Flat"
export type URI = typeof URI

/**
 * A tree in flattened form: a structure and its leaves of any type `A` (sizes, names, tensors…).
 *
 * @example
 * import * as tg from "typegrad"
 * const shapes: tg.Tree.Flat<ReadonlyArray<number>> = tg.Tree.Functor.map(tg.Tree.toFlat({ w: tg.ones([2, 3]) }), (t) => t.shape)
 * @since 0.1.0
 * @category instances
 */
export interface Flat<A> {
  readonly def: TreeDef
  readonly leaves: ReadonlyArray<A>
}

declare module "fp-ts/HKT" {
  interface URItoKind<A> {
    readonly "typegrad/Tree.Flat": Flat<A>
  }
}

/**
 * Flatten into the `Flat` form the fp-ts instances work on.
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * tg.Tree.Functor.map(tg.Tree.toFlat(params), (p) => p.size)
 * @since 0.1.0
 * @category instances
 */
export const toFlat = (tree: unknown): Flat<AnyTensor> => {
  const [ls, def] = flatten(tree)
  return { def, leaves: ls }
}

/**
 * Rebuild a tree (any leaf type) from its flat form.
 *
 * @example
 * import * as tg from "typegrad"
 * const sizes = tg.Tree.fromFlat<{ w: number }>(tg.Tree.Functor.map(tg.Tree.toFlat({ w: tg.ones([2, 3]) }), (t) => t.size)) // { w: 6 }
 * @since 0.1.0
 * @category instances
 */
export const fromFlat = <T = PyTree>(fa: Flat<unknown>): T => unflatten<T>(fa.def, fa.leaves)

/**
 * Functor over the leaves.
 * @example
 * import * as tg from "typegrad"
 * tg.Tree.Functor.map(tg.Tree.toFlat({ a: tg.ones([2]) }), (t) => t.shape)
 * @since 0.1.0
 * @category instances
 */
export const Functor: Functor1<URI> = { URI, map: (fa, f) => ({ def: fa.def, leaves: fa.leaves.map((a) => f(a)) }) }

/**
 * Foldable over the leaves (canonical order).
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * tg.Tree.Foldable.reduce(tg.Tree.toFlat(params), 0, (n, t) => n + t.size) // 6 parameters
 * @since 0.1.0
 * @category instances
 */
export const Foldable: Foldable1<URI> = {
  URI,
  reduce: (fa, b, f) => fa.leaves.reduce(f, b),
  foldMap: (M) => (fa, f) => fa.leaves.reduce((acc, a) => M.concat(acc, f(a)), M.empty),
  reduceRight: (fa, b, f) => fa.leaves.reduceRight((acc, a) => f(a, acc), b),
}

const traverse =
  <F>(F: Applicative<F>) =>
  <A, B>(ta: Flat<A>, f: (a: A) => HKT<F, B>): HKT<F, Flat<B>> =>
    F.map(RA.traverse(F)(f)(ta.leaves), (leaves) => ({ def: ta.def, leaves }))

/**
 * Traversable over the leaves: effectful leaf maps (validation with `Either`, all-or-nothing with `Option`).
 * @example
 * import * as O from "fp-ts/lib/Option.js"
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * tg.Tree.Traversable.traverse(O.Applicative)(tg.Tree.toFlat(params), (t) => (t.size > 0 ? O.some(t) : O.none))
 * @since 0.1.0
 * @category instances
 */
export const Traversable: Traversable1<URI> = {
  ...Functor,
  ...Foldable,
  traverse: traverse as Traversable1<URI>["traverse"],
  sequence: (<F>(F: Applicative<F>) =>
    <A>(ta: Flat<HKT<F, A>>) =>
      traverse(F)(ta, (x) => x)) as Traversable1<URI>["sequence"],
}

/**
 * The Monoid summing trees leaf-wise (gradient accumulation); `empty` is the zero tree shaped like `like`.
 *
 * @example
 * import { concatAll } from "fp-ts/lib/Monoid.js"
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([2, 2]), b: tg.zeros([2]) }
 * const g = (p: typeof params) => tg.grad((q: typeof params) => q.w.sum().add(q.b.sum()))(p)
 * const total = concatAll(tg.Tree.sumMonoid(params))([g(params), g(params), g(params)]) // every leaf 3
 * @since 0.1.0
 * @category instances
 */
export const sumMonoid = <T>(like: T): Monoid<T> => ({
  concat: (a, b) => zipWith(a, b, (x, y) => lax.add(x, y)),
  empty: map(like, (x) => lax.zerosLike(x)),
})
