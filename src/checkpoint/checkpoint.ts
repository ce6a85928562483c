/**
 * Checkpoints of whole trees — parameters, optimizer state, step counters, PRNG keys — as
 * safetensors files: tensors under their dotted paths (readable by PyTorch and Hugging Face tools),
 * the structure and the other leaves in `__metadata__`. Loading checks the file against a skeleton
 * tree of the same structure and returns a tree of the skeleton's type.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { CheckpointError } from "../errors.js"
import type { AnyTensor, ReadbackError } from "../ops/index.js"
import { readDType } from "./codec.js"
import { layout, maxHeaderBytes, type RawFile } from "./format.js"
import { attempt, readRawFile, writeFileAtomic } from "./io.js"
import { rawTensors, tensorOf } from "./safetensors.js"
import { formatVersion, metaKeys, nameLeaves, rebuild, storedLeaves, type NamedLeaf, type StoredLeaf } from "./tree.js"

/**
 * Options for `saveCheckpoint`: extra `__metadata__` entries (the `typegrad.*` keys are reserved).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.SaveOptions = { metadata: { model: "mlp", epoch: "3" } }
 * @since 0.1.0
 * @category checkpoints
 */
export interface SaveOptions {
  readonly metadata?: Readonly<Record<string, string>>
}

/**
 * Options for `loadCheckpoint`: whether tensors in the file that the skeleton lacks fail the load
 * (`"error"`, the default) or are skipped (`"ignore"`, to load part of a larger model), and the
 * cap on the header length.
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.LoadOptions = { unexpected: "ignore" }
 * @since 0.1.0
 * @category checkpoints
 */
export interface LoadOptions {
  readonly unexpected?: "error" | "ignore"
  readonly maxHeaderBytes?: number
}

const list = (names: ReadonlyArray<string>): string =>
  names
    .slice(0, 8)
    .map((n) => JSON.stringify(n))
    .join(", ") + (names.length > 8 ? ` and ${names.length - 8} more` : "")

/** The stored leaves of a file: from typegrad's tree metadata, or every tensor of a plain file. */
const storedOf = (raw: RawFile, path: string): Map<string, StoredLeaf> => {
  const json = raw.metadata?.[metaKeys.tree]
  if (json === undefined) return new Map([...raw.tensors.keys()].map((n) => [n, { kind: "tensor" } as const]))
  let structure: unknown
  try {
    structure = JSON.parse(json)
  } catch {
    throw new CheckpointError({ reason: "structure", path, message: `${path}: the tree in __metadata__ is not JSON` })
  }
  const stored = storedLeaves(structure, path)
  const untracked = [...raw.tensors.keys()].filter((n) => stored.get(n)?.kind !== "tensor")
  const absent = [...stored].filter(([n, s]) => s.kind === "tensor" && !raw.tensors.has(n)).map(([n]) => n)
  if (untracked.length > 0 || absent.length > 0)
    throw new CheckpointError({
      reason: "names",
      path,
      message: `${path}: the tree in __metadata__ and the tensors disagree: ${untracked.length > 0 ? `tensors ${list(untracked)} are not in the tree` : `tensors ${list(absent)} of the tree have no data`}`,
    })
  return stored
}

const describeKind = (k: NamedLeaf["kind"]): string => (k === "tensor" ? "a tensor" : k === "number" ? "a number" : "a PRNG key")

/** The value of each skeleton leaf, checked against the file. */
const loadLeaves = (raw: RawFile, want: ReadonlyArray<NamedLeaf>, path: string, options: LoadOptions): Map<string, unknown> => {
  const stored = storedOf(raw, path)
  const wanted = new Set(want.map((l) => l.name))
  const missing = want.filter((l) => !stored.has(l.name)).map((l) => l.name)
  const unexpected = options.unexpected === "ignore" ? [] : [...stored.keys()].filter((n) => !wanted.has(n))
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${list(missing)}` : "",
      unexpected.length > 0 ? `unexpected ${list(unexpected)}` : "",
    ].filter((s) => s !== "")
    const hint =
      raw.metadata?.[metaKeys.tree] === undefined && want.some((l) => l.kind !== "tensor")
        ? " (the file has no typegrad tree, so only tensors are in it)"
        : ""
    throw new CheckpointError({
      reason: "names",
      path,
      message: `${path}: the file does not match the skeleton: ${parts.join("; ")}${hint}`,
    })
  }
  const out = new Map<string, unknown>()
  for (const leaf of want) {
    const s = stored.get(leaf.name)!
    if (s.kind !== leaf.kind)
      throw new CheckpointError({
        reason: "structure",
        path,
        message: `${path}: "${leaf.name}" is ${describeKind(leaf.kind)} in the skeleton and ${describeKind(s.kind)} in the file`,
      })
    if (s.kind !== "tensor") {
      out.set(leaf.name, s.value)
      continue
    }
    const like = leaf.value as AnyTensor
    const r = raw.tensors.get(leaf.name)!
    const dtype = readDType(r.dtype, like.device.backend.supports("f16"))
    if (dtype !== undefined && dtype !== like.dtype)
      throw new CheckpointError({
        reason: "dtype",
        path,
        message: `${path}: "${leaf.name}" is ${r.dtype} (read as ${dtype}) in the file, the skeleton expects ${like.dtype}`,
      })
    if (r.shape.length !== like.shape.length || r.shape.some((d, i) => d !== like.shape[i]))
      throw new CheckpointError({
        reason: "shape",
        path,
        message: `${path}: "${leaf.name}" has shape [${r.shape.join(", ")}] in the file, the skeleton expects [${like.shape.join(", ")}]`,
      })
    out.set(leaf.name, tensorOf(leaf.name, r, path, like.device))
  }
  return out
}

/**
 * Save a tree (tensors on any device, numbers, PRNG keys, in arrays and plain records) to a
 * safetensors file, atomically: a crash at any moment leaves the previous file or the new one.
 * Tensors are named by dotted path (`layers.0.weight`); `__metadata__` holds `format: pt`, the
 * tree's structure and its non-tensor leaves.
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "ckpt.safetensors")
 * const state = { params: { w: tg.ones([2, 2]), b: tg.zeros([2]) }, step: 100, key: tg.key(7) }
 * await Effect.runPromise(tg.saveCheckpoint(path, state))
 * @since 0.1.0
 * @category checkpoints
 */
export const saveCheckpoint = <T extends object>(
  path: string,
  tree: T,
  options: SaveOptions = {},
): Effect.Effect<void, CheckpointError | ReadbackError> =>
  Effect.gen(function* () {
    const user = options.metadata ?? {}
    const reserved = Object.keys(user).filter((k) => k.startsWith("typegrad."))
    if (reserved.length > 0)
      return yield* new CheckpointError({
        reason: "names",
        path,
        message: `saveCheckpoint: metadata keys ${list(reserved)} are reserved for typegrad`,
      })
    const { leaves, structure } = yield* attempt(path, () => nameLeaves(tree, path, "saveCheckpoint"))
    const tensors = leaves.filter((l) => l.kind === "tensor").map((l) => [l.name, l.value as AnyTensor] as const)
    const raw = yield* rawTensors(tensors, path)
    const metadata = { format: "pt", ...user, [metaKeys.version]: formatVersion, [metaKeys.tree]: JSON.stringify(structure) }
    const { header, chunks } = yield* attempt(path, () => layout(raw, metadata, path))
    yield* writeFileAtomic(path, [header, ...chunks])
  })

/**
 * Load a checkpoint into a tree shaped like `skeleton`: every tensor must be in the file with the
 * skeleton leaf's shape and dtype (it is created on that leaf's device); numbers and keys come from
 * the metadata. Any mismatch — a missing or unexpected name, another shape, dtype or kind of leaf —
 * fails with a `CheckpointError` naming it. A plain safetensors file (from PyTorch, say) loads into a
 * skeleton of tensors whose dotted paths are the file's names.
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "ckpt.safetensors")
 * const state = { params: { w: tg.tensor([[1, 2], [3, 4]]) }, step: 100 }
 * await Effect.runPromise(tg.saveCheckpoint(path, state))
 * const skeleton = { params: { w: tg.zeros([2, 2]) }, step: 0 }
 * const back = await Effect.runPromise(tg.loadCheckpoint(path, skeleton))
 * back.step // 100
 * tg.toArraySync(back.params.w) // [[1, 2], [3, 4]]
 * @since 0.1.0
 * @category checkpoints
 */
export const loadCheckpoint = <T extends object>(path: string, skeleton: T, options: LoadOptions = {}): Effect.Effect<T, CheckpointError> =>
  Effect.gen(function* () {
    const { leaves } = yield* attempt(path, () => nameLeaves(skeleton, path, "loadCheckpoint"))
    const raw = yield* readRawFile(path, options.maxHeaderBytes ?? maxHeaderBytes)
    return yield* attempt(path, () => {
      const values = loadLeaves(raw, leaves, path, options)
      return rebuild(skeleton, (name) => values.get(name))
    })
  })

/**
 * Promise twin of `saveCheckpoint` (rejects with the `CheckpointError` or readback error).
 *
 * @example
 * import * as tg from "typegrad"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "ckpt.safetensors")
 * await tg.saveCheckpointPromise(path, { w: tg.ones([3]), step: 1 })
 * @since 0.1.0
 * @category checkpoints
 */
export const saveCheckpointPromise = <T extends object>(path: string, tree: T, options: SaveOptions = {}): Promise<void> =>
  Effect.runPromise(saveCheckpoint(path, tree, options))

/**
 * Promise twin of `loadCheckpoint` (rejects with the `CheckpointError`).
 *
 * @example
 * import * as tg from "typegrad"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "ckpt.safetensors")
 * await tg.saveCheckpointPromise(path, { w: tg.ones([3]), step: 1 })
 * const { w, step } = await tg.loadCheckpointPromise(path, { w: tg.zeros([3]), step: 0 })
 * step // 1
 * @since 0.1.0
 * @category checkpoints
 */
export const loadCheckpointPromise = <T extends object>(path: string, skeleton: T, options: LoadOptions = {}): Promise<T> =>
  Effect.runPromise(loadCheckpoint(path, skeleton, options))
