/**
 * Plain safetensors files: a record of named tensors (and a string metadata map) to and from bytes
 * or a file, for weights exchanged with PyTorch and Hugging Face tools. GPU tensors are read back
 * first, so these are Effects; each file operation has a Promise twin.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { CheckpointError } from "../errors.js"
import { getDefaultDevice } from "../ops/core/defaults.js"
import { data, tensor, type AnyTensor, type Device, type ReadbackError } from "../ops/index.js"
import type { DType } from "../shape/index.js"
import { fromBytes, safeDType, toBytes, type HostData } from "./codec.js"
import { decodeRaw, encodeRaw, layout, maxHeaderBytes, type RawFile, type RawTensor } from "./format.js"
import { attempt, readRawFile, writeFileAtomic } from "./io.js"

/**
 * A safetensors file's contents: tensors by name and the `__metadata__` string map (`{}` when absent).
 *
 * @example
 * import * as tg from "typegrad"
 * const file: tg.SafetensorsFile = { tensors: { "fc.weight": tg.zeros([2, 2]) }, metadata: { format: "pt" } }
 * @since 0.1.0
 * @category checkpoints
 */
export interface SafetensorsFile {
  readonly tensors: Readonly<Record<string, AnyTensor>>
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * Options for reading: the device the tensors are created on (the default device when absent) and
 * the cap on the header length (100 MB, as in the reference implementation).
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.ReadOptions = { device: tg.cpu, maxHeaderBytes: 1 << 20 }
 * @since 0.1.0
 * @category checkpoints
 */
export interface ReadOptions {
  readonly device?: Device
  readonly maxHeaderBytes?: number
}

/** @internal raw tensors of named typegrad tensors, read back from any device */
export const rawTensors = (
  named: ReadonlyArray<readonly [string, AnyTensor]>,
  path: string,
): Effect.Effect<Map<string, RawTensor>, CheckpointError | ReadbackError> =>
  Effect.forEach(
    named,
    ([name, t]): Effect.Effect<readonly [string, RawTensor], CheckpointError | ReadbackError> =>
      t.isTracer
        ? Effect.fail(
            new CheckpointError({
              reason: "value",
              path,
              message: `${path}: tensor "${name}" is traced by a transform; save concrete values, outside grad/vmap/jit`,
            }),
          )
        : Effect.map(
            data(t),
            (host) =>
              [name, { dtype: safeDType[t.dtype as DType], shape: t.shape, bytes: toBytes(t.dtype as DType, host as HostData) }] as const,
          ),
    { concurrency: 8 },
  ).pipe(Effect.map((entries) => new Map(entries)))

/** @internal typegrad tensors of raw ones */
export const tensorOf = (name: string, raw: RawTensor, path: string, device: Device): AnyTensor => {
  const { dtype, data: host } = fromBytes(name, raw, path, device.backend.supports("f16"))
  return tensor(host, raw.shape, { dtype, device })
}

const fileOf = (raw: RawFile, path: string, options: ReadOptions): SafetensorsFile => {
  const tensors = Object.fromEntries(
    [...raw.tensors].map(([name, r]) => [name, tensorOf(name, r, path, options.device ?? getDefaultDevice())]),
  )
  return { tensors, metadata: raw.metadata ?? {} }
}

const entriesOf = (tensors: Readonly<Record<string, AnyTensor>>): Array<readonly [string, AnyTensor]> => Object.entries(tensors)

/**
 * The safetensors bytes of named tensors (and optional metadata), laid out as the reference
 * implementation writes them.
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * const bytes = await Effect.runPromise(tg.encodeSafetensors({ "fc.bias": tg.tensor([1, 2]) }))
 * bytes.length // 8-byte length + padded JSON header + 8 data bytes
 * @since 0.1.0
 * @category checkpoints
 */
export const encodeSafetensors = (
  tensors: Readonly<Record<string, AnyTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Effect.Effect<Uint8Array, CheckpointError | ReadbackError> =>
  Effect.flatMap(rawTensors(entriesOf(tensors), "<bytes>"), (raw) => attempt("<bytes>", () => encodeRaw(raw, metadata)))

/**
 * Parse safetensors bytes into tensors (validated: a malformed buffer fails with `CheckpointError`).
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * const bytes = await Effect.runPromise(tg.encodeSafetensors({ w: tg.tensor([1, 2]) }))
 * const { tensors } = await Effect.runPromise(tg.decodeSafetensors(bytes))
 * tg.toArraySync(tensors["w"]!) // [1, 2]
 * @since 0.1.0
 * @category checkpoints
 */
export const decodeSafetensors = (bytes: Uint8Array, options: ReadOptions = {}): Effect.Effect<SafetensorsFile, CheckpointError> =>
  attempt("<bytes>", () => fileOf(decodeRaw(bytes, "<bytes>", options.maxHeaderBytes ?? maxHeaderBytes), "<bytes>", options))

/**
 * Write named tensors to a safetensors file, atomically (temp file, fsync, rename, fsync of the directory).
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "weights.safetensors")
 * await Effect.runPromise(tg.writeSafetensors(path, { "fc.weight": tg.ones([2, 3]) }, { format: "pt" }))
 * @since 0.1.0
 * @category checkpoints
 */
export const writeSafetensors = (
  path: string,
  tensors: Readonly<Record<string, AnyTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Effect.Effect<void, CheckpointError | ReadbackError> =>
  Effect.flatMap(rawTensors(entriesOf(tensors), path), (raw) =>
    Effect.flatMap(
      attempt(path, () => layout(raw, metadata, path)),
      ({ header, chunks }) => writeFileAtomic(path, [header, ...chunks]),
    ),
  )

/**
 * Read a safetensors file written by any tool into tensors by name. Dtypes typegrad lacks are
 * widened when exact (BF16 → f32; I8, U8, I16, U16 → i32; I64, U32, U64 → i32 when every value fits).
 *
 * @example
 * import * as tg from "typegrad"
 * import { Effect } from "effect"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "weights.safetensors")
 * await Effect.runPromise(tg.writeSafetensors(path, { "fc.bias": tg.tensor([0.5, -1]) }))
 * const { tensors } = await Effect.runPromise(tg.readSafetensors(path))
 * tg.toArraySync(tensors["fc.bias"]!) // [0.5, -1]
 * @since 0.1.0
 * @category checkpoints
 */
export const readSafetensors = (path: string, options: ReadOptions = {}): Effect.Effect<SafetensorsFile, CheckpointError> =>
  Effect.flatMap(readRawFile(path, options.maxHeaderBytes ?? maxHeaderBytes), (raw) => attempt(path, () => fileOf(raw, path, options)))

/**
 * Promise twin of `writeSafetensors` (rejects with the `CheckpointError` or readback error).
 *
 * @example
 * import * as tg from "typegrad"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "weights.safetensors")
 * await tg.writeSafetensorsPromise(path, { "fc.weight": tg.ones([2, 3]) })
 * @since 0.1.0
 * @category checkpoints
 */
export const writeSafetensorsPromise = (
  path: string,
  tensors: Readonly<Record<string, AnyTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> => Effect.runPromise(writeSafetensors(path, tensors, metadata))

/**
 * Promise twin of `readSafetensors` (rejects with the `CheckpointError`).
 *
 * @example
 * import * as tg from "typegrad"
 * import { mkdtempSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * const path = join(mkdtempSync(join(tmpdir(), "tg-")), "weights.safetensors")
 * await tg.writeSafetensorsPromise(path, { b: tg.tensor([1, 2], { dtype: "i32" }) })
 * const { tensors } = await tg.readSafetensorsPromise(path)
 * tensors["b"]!.dtype // "i32"
 * @since 0.1.0
 * @category checkpoints
 */
export const readSafetensorsPromise = (path: string, options: ReadOptions = {}): Promise<SafetensorsFile> =>
  Effect.runPromise(readSafetensors(path, options))
