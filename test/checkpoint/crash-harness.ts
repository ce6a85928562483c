// The crash drill: a child process saves checkpoint versions to one path in a loop and is killed
// (SIGKILL) after a random delay, timed from its start, from a temporary file appearing, or from its
// first completed save; then the file at the path must load as one whole version — the
// last one the child reported saved, or the one it was writing — never garbage. The child is
// bundled once with esbuild, so a spawn starts in a fraction of a second rather than the two a TS loader takes.
import { spawn } from "node:child_process"
import { mkdirSync, readdirSync, rmSync, watch } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import { Effect } from "effect"
import * as tg from "../../src/index.js"
import { elements, skeleton, tensors, valueAt, versionTree } from "./crash-versions.js"

const root = resolve(fileURLToPath(import.meta.url), "../../..")

/** Bundle the child under node_modules/.cache (so its `webgpu` import still resolves); its path. */
export const buildChild = async (): Promise<string> => {
  const out = join(root, "node_modules", ".cache", `typegrad-crash-child-${process.pid}.mjs`)
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true })
  await build({
    entryPoints: [join(root, "test", "checkpoint", "crash-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: out,
    external: ["webgpu"],
    logLevel: "warning",
  })
  return out
}

export interface DrillStats {
  readonly kills: number
  /** kills after which a temporary file was left: the child died between creating it and the rename */
  readonly midWrite: number
  /** kills after which the target held the version the child was writing (renamed, not yet reported) */
  readonly unreported: number
  /** files at the target that did not load as one whole version (must be 0) */
  readonly garbage: ReadonlyArray<string>
  readonly versionsSaved: number
  readonly elapsedMs: number
}

/**
/**
 * When a kill is timed from: the child being ready (anywhere in its saves), a temporary file
 * appearing in the directory (the child is between creating it and the rename), or the child
 * reporting its first completed save (so the drill also sees saves that finish, however slow the
 * machine).
 */
type KillMode = "anywhere" | "in-write" | "after-save"
const killModes: ReadonlyArray<KillMode> = ["anywhere", "in-write", "after-save"]

/** Run one child until the kill, `delayMs` after the moment `mode` names; the versions it reported saved. */
const runChild = (bundle: string, dir: string, path: string, first: number, delayMs: number, mode: KillMode): Promise<number[]> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bundle, path, String(first)], { stdio: ["ignore", "pipe", "pipe"] })
    const saved: number[] = []
    let buffered = ""
    let stderr = ""
    let armed = false
    const kill = () => {
      if (armed) return
      armed = true
      setTimeout(() => child.kill("SIGKILL"), delayMs)
    }
    const watcher = mode === "in-write" ? watch(dir, (_event, name) => name?.endsWith(".tmp") && kill()) : undefined
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.stdout.on("data", (d: Buffer) => {
      buffered += d.toString()
      const lines = buffered.split("\n")
      buffered = lines.pop()!
      for (const line of lines) {
        if (line === "ready" && mode === "anywhere") kill()
        else if (line.startsWith("saved ")) {
          saved.push(Number(line.slice(6)))
          if (mode === "after-save") kill()
        }
      }
    })
    child.on("error", reject)
    child.on("exit", (_code, signal) => {
      watcher?.close()
      if (signal === "SIGKILL") resolvePromise(saved)
      else reject(new Error(`the writer exited by itself (${String(signal)}): ${stderr}`))
    })
  })

/** Whether `tree` is exactly version `v`; a description of the first difference otherwise. */
const differs = (tree: ReturnType<typeof skeleton>, v: number): string | null => {
  if (tree.step !== v) return `step ${tree.step} in version ${v}`
  if (tree.key.words[0] !== tg.key(v).words[0] || tree.key.words[1] !== tg.key(v).words[1]) return `key ${tree.key} in version ${v}`
  for (let t = 0; t < tensors; t++) {
    const data = tg.dataSync(tree.layers[t]!.weight)
    for (let i = 0; i < elements; i++) if (data[i] !== valueAt(v, t, i)) return `layers.${t}.weight[${i}] = ${data[i]} in version ${v}`
  }
  return null
}

interface Lane {
  midWrite: number
  unreported: number
  versionsSaved: number
  readonly garbage: string[]
}

/** One lane of the drill: its own directory and target, `kills` kills in sequence. */
const lane = async (bundle: string, dir: string, kills: number, maxDelayMs: number, log: (s: string) => void): Promise<Lane> => {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, "model.safetensors")
  const like = skeleton()
  await Effect.runPromise(tg.saveCheckpoint(path, versionTree(0)))
  const out: Lane = { midWrite: 0, unreported: 0, versionsSaved: 0, garbage: [] }
  let current = 0
  for (let k = 0; k < kills; k++) {
    // every other kill lands while a temporary file exists (0–12 ms after it appears), the rest anywhere
    const mode = killModes[k % killModes.length]!
    const delay = Math.random() * (mode === "in-write" ? 8 : maxDelayMs)
    const saved = await runChild(bundle, dir, path, current + 1, delay, mode)
    out.versionsSaved += saved.length
    const reported = saved.length > 0 ? saved[saved.length - 1]! : current
    const temps = readdirSync(dir).filter((f) => f.endsWith(".tmp"))
    if (temps.length > 0) out.midWrite++
    for (const f of temps) rmSync(join(dir, f))
    const loaded = await Effect.runPromise(Effect.result(tg.loadCheckpoint(path, like)))
    if (loaded._tag === "Failure") {
      out.garbage.push(`${dir} kill ${k}: ${loaded.failure.message}`)
      break
    }
    const v = loaded.success.step
    const problem =
      v === reported || v === reported + 1 ? differs(loaded.success, v) : `version ${v}, expected ${reported} or ${reported + 1}`
    if (problem !== null) {
      out.garbage.push(`${dir} kill ${k}: ${problem}`)
      break
    }
    if (v === reported + 1) out.unreported++
    current = v
    log(
      `${dir} kill ${k + 1}: ${delay.toFixed(0)} ms after ${mode === "anywhere" ? "start" : mode === "in-write" ? "the temp file appeared" : "the first save"}, ${saved.length} saved, target holds version ${v}${temps.length > 0 ? ", temp file left" : ""}`,
    )
  }
  return out
}

/**
 * Kill writers `kills` times in all, `lanes` at once (each lane its own target in a subdirectory
 * of `dir`), and check the target after each kill.
 */
export const crashDrill = async (options: {
  readonly kills: number
  readonly dir: string
  readonly lanes?: number
  readonly maxDelayMs?: number
  readonly log?: (s: string) => void
}): Promise<DrillStats> => {
  const t0 = Date.now()
  const bundle = await buildChild()
  const lanes = options.lanes ?? 1
  try {
    const results = await Promise.all(
      Array.from({ length: lanes }, (_, i) =>
        lane(
          bundle,
          join(options.dir, `lane${i}`),
          Math.floor(options.kills / lanes) + (i < options.kills % lanes ? 1 : 0),
          options.maxDelayMs ?? 150,
          options.log ?? (() => undefined),
        ),
      ),
    )
    const sum = (f: (l: Lane) => number) => results.reduce((s, l) => s + f(l), 0)
    return {
      kills: options.kills,
      midWrite: sum((l) => l.midWrite),
      unreported: sum((l) => l.unreported),
      versionsSaved: sum((l) => l.versionsSaved),
      garbage: results.flatMap((l) => l.garbage),
      elapsedMs: Date.now() - t0,
    }
  } finally {
    rmSync(bundle, { force: true })
  }
}
