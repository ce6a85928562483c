/**
 * Crash-safe writes and validated reads of safetensors files, as Effects over `node:fs`. A write
 * goes to a fresh temporary file in the target's directory, is flushed to disk (fsync), renamed
 * over the target, and the directory is fsynced so the rename itself is durable: a reader sees the
 * old file or the new one, never a mix, whenever the writing process dies. (Effect's platform
 * `FileSystem` for Node requires Node 22, and typegrad supports Node 20.) Node's modules are reached
 * at run time, so browser bundles build; there, file checkpoints fail with an `io` error and
 * in-memory ones (bytes) work.
 *
 * @since 0.1.0
 */
import type { FileHandle } from "node:fs/promises"
import { Effect, Exit } from "effect"
import { CheckpointError, DTypeError } from "../errors.js"
import { nodeBuiltin } from "../platform/builtin.js"
import { headerLength, parseHeader, rawFile, type RawFile } from "./format.js"

const ioError = (path: string, what: string) => (e: unknown) =>
  new CheckpointError({ reason: "io", path, message: `${path}: ${what} failed: ${e instanceof Error ? e.message : String(e)}` })

type Fs = typeof import("node:fs/promises")
type Path = typeof import("node:path")

/** Node's file system, or a rejection saying there is none (a browser: use the in-memory bytes). */
const fs = (): Fs => {
  const m = nodeBuiltin<Fs>("node:fs/promises")
  if (m === undefined)
    throw new Error("no file system in this environment (checkpoints to files need Node; in-memory checkpoints work everywhere)")
  return m
}
const path_ = (): Path =>
  nodeBuiltin<Path>("node:path") ??
  ({
    basename: (p: string) => p.slice(p.lastIndexOf("/") + 1),
    dirname: (p: string) => p.slice(0, Math.max(0, p.lastIndexOf("/"))) || ".",
    join: (...ps: string[]) => ps.join("/"),
  } as Path)
const open = (p: string, flags: string): Promise<FileHandle> => fs().open(p, flags)
const randomHex = (n: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("")

const io = <A>(path: string, what: string, f: () => Promise<A>): Effect.Effect<A, CheckpointError> =>
  Effect.tryPromise({ try: f, catch: ioError(path, what) })

/** Slices of at most this many bytes per write call (one call caps near 2 GiB). */
const slice = 1 << 24

const writeAll = async (fh: FileHandle, parts: ReadonlyArray<Uint8Array>): Promise<void> => {
  for (const p of parts)
    for (let at = 0; at < p.length; ) {
      const { bytesWritten } = await fh.write(p, at, Math.min(slice, p.length - at))
      at += bytesWritten
    }
}

/** fsync a directory so a rename in it survives a power loss (directories cannot be opened on Windows). */
const syncDirectory = (dir: string): Effect.Effect<void, CheckpointError> =>
  (globalThis as { process?: { platform: string } }).process?.platform === "win32"
    ? Effect.void
    : Effect.acquireUseRelease(
        io(dir, "opening the directory", () => open(dir, "r")),
        (fh) => io(dir, "fsync of the directory", () => fh.sync()),
        (fh) => Effect.promise(() => fh.close().catch(() => undefined)),
      )

/** The name of a temporary sibling of `path`: hidden, unique to this process and call. */
export const tempNameFor = (path: string): string =>
  path_().join(
    path_().dirname(path),
    `.${path_().basename(path)}.${(globalThis as { process?: { pid: number } }).process?.pid ?? 0}-${randomHex(6)}.tmp`,
  )

/**
 * Write `parts` (in order) to `path` atomically: temp file, write, fsync, rename, fsync the
 * directory. On any failure or interruption the temp file is removed and the target is untouched.
 */
export const writeFileAtomic = (path: string, parts: ReadonlyArray<Uint8Array>): Effect.Effect<void, CheckpointError> => {
  const tmp = tempNameFor(path)
  const write = Effect.acquireUseRelease(
    io(tmp, "creating the temporary file", () => open(tmp, "wx")),
    (fh) =>
      Effect.andThen(
        io(tmp, "writing", () => writeAll(fh, parts)),
        io(tmp, "fsync", () => fh.sync()),
      ),
    (fh) => Effect.promise(() => fh.close().catch(() => undefined)),
  )
  return write.pipe(
    Effect.andThen(io(path, "renaming the temporary file over the target", () => fs().rename(tmp, path))),
    Effect.onExit((exit) =>
      Exit.isSuccess(exit)
        ? Effect.void
        : Effect.promise(() =>
            fs()
              .rm(tmp, { force: true })
              .catch(() => undefined),
          ),
    ),
    Effect.andThen(syncDirectory(path_().dirname(path))),
  )
}

/** Fill `buf` from `fh` at file position `position` (short reads are retried; end of file is an error). */
const readAt = async (fh: FileHandle, buf: Uint8Array, position: number): Promise<void> => {
  for (let at = 0; at < buf.length; ) {
    const len = Math.min(slice, buf.length - at)
    const { bytesRead } = await fh.read(buf, at, len, position + at)
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + at} while it was being read`)
    at += bytesRead
  }
}

/**
 * Read and validate a safetensors file in steps: the length field, then the header (checked
 * against the cap and the file's size), then — only once the header is valid — the data region,
 * whose size the file itself bounds. A hostile header costs no allocation beyond the header.
 */
export const readRawFile = (path: string, cap: number): Effect.Effect<RawFile, CheckpointError> =>
  Effect.acquireUseRelease(
    io(path, "reading", () => open(path, "r")),
    (fh) =>
      Effect.gen(function* () {
        const { size } = yield* io(path, "reading", () => fh.stat())
        const first = new Uint8Array(Math.min(8, size))
        yield* io(path, "reading", () => readAt(fh, first, 0))
        const n = yield* attempt(path, () => headerLength(first, size, path, cap))
        const header = new Uint8Array(n)
        yield* io(path, "reading", () => readAt(fh, header, 8))
        const { spans, metadata } = yield* attempt(path, () => parseHeader(header, size - 8 - n, path))
        const data = new Uint8Array(size - 8 - n)
        yield* io(path, "reading", () => readAt(fh, data, 8 + n))
        return rawFile(spans, metadata, data)
      }),
    (fh) => Effect.promise(() => fh.close().catch(() => undefined)),
  )

/**
 * Run `f`, failing with the `CheckpointError` it throws; a `DTypeError` (creating a tensor of a
 * dtype the target device lacks) becomes a `dtype` CheckpointError; anything else is a defect.
 */
export const attempt = <A>(path: string, f: () => A): Effect.Effect<A, CheckpointError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (e instanceof CheckpointError) return Effect.fail(e)
      if (e instanceof DTypeError) return Effect.fail(new CheckpointError({ reason: "dtype", path, message: `${path}: ${e.message}` }))
      throw e
    }
  })
