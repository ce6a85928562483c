/**
 * Checkpoint trees ↔ named leaves. A tensor leaf is named by its dotted path (`conv.weight`,
 * `layers.0.bias`), the PyTorch state-dict convention; the tree's structure and its non-tensor
 * leaves (numbers such as step counters, PRNG keys) are written as JSON into `__metadata__`.
 *
 * @since 0.1.0
 */
import { CheckpointError } from "../errors.js"
import { Key, Tensor, type AnyTensor } from "../ops/index.js"

/**
 * What a checkpoint holds: tensors, numbers and PRNG keys in nested arrays and plain records.
 *
 * @example
 * import * as tg from "typegrad"
 * const state: tg.CheckpointTree = { params: { w: tg.zeros([2, 2]) }, step: 10, key: tg.key(0) }
 * @since 0.1.0
 * @category checkpoints
 */
export type CheckpointTree = AnyTensor | number | Key | ReadonlyArray<CheckpointTree> | { readonly [k: string]: CheckpointTree }

/** A leaf with its dotted name. */
export type NamedLeaf =
  | { readonly name: string; readonly kind: "tensor"; readonly value: AnyTensor }
  | { readonly name: string; readonly kind: "number"; readonly value: number }
  | { readonly name: string; readonly kind: "key"; readonly value: Key }

/** Metadata keys typegrad writes; `format: pt` is what PyTorch-side loaders expect to find. */
export const metaKeys = { tree: "typegrad.tree", version: "typegrad.checkpoint" } as const
export const formatVersion = "1"

const isRecord = (x: unknown): x is { readonly [k: string]: unknown } => {
  if (typeof x !== "object" || x === null) return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}
const join = (prefix: string, k: string | number): string => (prefix === "" ? String(k) : `${prefix}.${k}`)
const describe = (x: unknown): string => (x === null ? "null" : typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x)

/** JSON of a number that survives the round trip (NaN, ±Infinity and −0 as strings). */
const numberJson = (x: number): number | string => (Number.isFinite(x) && !Object.is(x, -0) ? x : Object.is(x, -0) ? "-0" : String(x))

/**
 * The named leaves of a tree (depth first, keys in insertion order) and the JSON of its structure:
 * a tensor is `"T"`, an array a JSON array, a record `{"r": {...}}`, a number `{"n": x}` and a key
 * `{"k": [hi, lo]}` — every node's kind is read off its JSON type, so no record key is ambiguous.
 */
export const nameLeaves = (tree: unknown, path: string, op: string): { readonly leaves: NamedLeaf[]; readonly structure: unknown } => {
  const leaves: NamedLeaf[] = []
  const seen = new Map<string, string>()
  const add = (leaf: NamedLeaf, where: string) => {
    const before = seen.get(leaf.name)
    if (before !== undefined)
      throw new CheckpointError({
        reason: "names",
        path,
        message: `${op}: ${before} and ${where} both have the dotted name "${leaf.name}" (a record key contains a dot?)`,
      })
    seen.set(leaf.name, where)
    leaves.push(leaf)
  }
  const go = (t: unknown, name: string, where: string): unknown => {
    if (t instanceof Tensor) {
      if (name === "")
        throw new CheckpointError({
          reason: "structure",
          path,
          message: `${op}: the tree is a bare tensor; put it in a record (e.g. { weight: x }) so it has a name`,
        })
      add({ name, kind: "tensor", value: t }, where)
      return "T"
    }
    if (typeof t === "number") return (add({ name, kind: "number", value: t }, where), { n: numberJson(t) })
    if (t instanceof Key) return (add({ name, kind: "key", value: t }, where), { k: [...t.words] })
    if (Array.isArray(t)) return t.map((c, i) => go(c, join(name, i), `${where}[${i}]`))
    if (isRecord(t))
      return { r: Object.fromEntries(Object.keys(t).map((k) => [k, go(t[k], join(name, k), where === "the root" ? k : `${where}.${k}`)])) }
    throw new CheckpointError({
      reason: "structure",
      path,
      message: `${op}: the leaf at ${where} is a ${describe(t)}; a checkpoint holds tensors, numbers and PRNG keys in arrays and plain records`,
    })
  }
  const structure = go(tree, "", "the root")
  return { leaves, structure }
}

/** A stored non-tensor leaf or a tensor marker, by dotted name, read back from the structure JSON. */
export type StoredLeaf =
  | { readonly kind: "tensor" }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "key"; readonly value: Key }

const isWord = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < 2 ** 32

/** The leaves the structure JSON of `nameLeaves` describes, by dotted name; a `structure` error when it is malformed. */
export const storedLeaves = (structure: unknown, path: string): Map<string, StoredLeaf> => {
  const out = new Map<string, StoredLeaf>()
  const bad = (name: string): CheckpointError =>
    new CheckpointError({ reason: "structure", path, message: `${path}: the tree in __metadata__ is malformed at "${name || "the root"}"` })
  const go = (s: unknown, name: string, depth: number): void => {
    if (depth > 1000) throw bad(name)
    if (s === "T") {
      out.set(name, { kind: "tensor" })
      return
    }
    if (Array.isArray(s)) {
      s.forEach((c, i) => go(c, join(name, i), depth + 1))
      return
    }
    if (!isRecord(s)) throw bad(name)
    const keys = Object.keys(s)
    if (keys.length !== 1) throw bad(name)
    if ("n" in s) {
      const n = s.n
      if (typeof n === "number" || n === "NaN" || n === "Infinity" || n === "-Infinity" || n === "-0") {
        out.set(name, { kind: "number", value: Number(n) })
        return
      }
      throw bad(name)
    }
    if ("k" in s) {
      const k = s.k
      if (Array.isArray(k) && k.length === 2 && k.every(isWord)) {
        out.set(name, { kind: "key", value: new Key([k[0]!, k[1]!]) })
        return
      }
      throw bad(name)
    }
    if ("r" in s && isRecord(s.r)) {
      const r = s.r
      for (const k of Object.keys(r)) go(r[k], join(name, k), depth + 1)
      return
    }
    throw bad(name)
  }
  go(structure, "", 0)
  return out
}

/** Rebuild `skeleton`'s shape (its arrays, records and key order) with the leaves `pick` gives by name. */
export const rebuild = <T>(skeleton: T, pick: (name: string) => unknown): T => {
  const go = (t: unknown, name: string): unknown => {
    if (t instanceof Tensor || typeof t === "number" || t instanceof Key) return pick(name)
    if (Array.isArray(t)) return t.map((c, i) => go(c, join(name, i)))
    const r = t as { readonly [k: string]: unknown }
    return Object.fromEntries(Object.keys(r).map((k) => [k, go(r[k], join(name, k))]))
  }
  return go(skeleton, "") as T
}
