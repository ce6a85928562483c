/**
 * Crash-safe file writes and whole-file reads as Effects over `node:fs`. A write goes to a fresh
 * temporary file in the target's directory, is flushed to disk (fsync), renamed over the target,
 * and the directory is fsynced so the rename itself is durable: a reader sees the old file or the
 * new one, never a mix, whenever the writing process dies.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { open, readFile, rename, rm, type FileHandle } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import { Effect, Exit } from "effect"
import { CheckpointError } from "../errors.js"

const ioError = (path: string, what: string) => (e: unknown) =>
  new CheckpointError({ reason: "io", path, message: `${path}: ${what} failed: ${e instanceof Error ? e.message : String(e)}` })

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
  process.platform === "win32"
    ? Effect.void
    : Effect.acquireUseRelease(
        io(dir, "opening the directory", () => open(dir, "r")),
        (fh) => io(dir, "fsync of the directory", () => fh.sync()),
        (fh) => Effect.promise(() => fh.close().catch(() => undefined)),
      )

/** The name of a temporary sibling of `path`: hidden, unique to this process and call. */
export const tempNameFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`)

/**
 * Write `parts` (in order) to `path` atomically: temp file, write, fsync, rename, fsync the
 * directory. On any failure or interruption the temp file is removed and the target is untouched.
 */
export const writeFileAtomic = (path: string, parts: ReadonlyArray<Uint8Array>): Effect.Effect<void, CheckpointError> => {
  const tmp = tempNameFor(path)
  const write = Effect.acquireUseRelease(
    io(tmp, "creating the temporary file", () => open(tmp, "wx")),
    (fh) => Effect.andThen(io(tmp, "writing", () => writeAll(fh, parts)), io(tmp, "fsync", () => fh.sync())),
    (fh) => Effect.promise(() => fh.close().catch(() => undefined)),
  )
  return write.pipe(
    Effect.andThen(io(path, "renaming the temporary file over the target", () => rename(tmp, path))),
    Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : Effect.promise(() => rm(tmp, { force: true }).catch(() => undefined)))),
    Effect.andThen(syncDirectory(dirname(path))),
  )
}

/** The bytes of the file at `path`. */
export const readFileBytes = (path: string): Effect.Effect<Uint8Array, CheckpointError> => io(path, "reading", () => readFile(path))
