/**
 * The harness behind the tests that compile and run code taken out of prose (docs' ```ts blocks,
 * JSDoc `@example`s): each snippet becomes its own module under node_modules/.cache (so `effect`
 * and friends resolve), `from "typegrad"` and its subpaths (`/testing`, `/advanced`, `/plot`) point at this checkout's src,
 * the lot is type-checked with TypeScript 5.9 and 7, and run in order in one tsx process.
 */
import { execFile } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const run = promisify(execFile)
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
// NodeNext: `.js` names the `.ts` source, for tsc and tsx alike
const entries = {
  typegrad: join(root, "src", "index.js"),
  "typegrad/testing": join(root, "src", "testing.js"),
  "typegrad/advanced": join(root, "src", "advanced.js"),
  "typegrad/plot": join(root, "src", "plot.js"),
}

/** A snippet: `text` is the module to write; its line `prologue + 1` is line `line` of `source`. */
export interface Snippet {
  readonly source: string
  readonly line: number
  readonly text: string
  readonly prologue: number
}

/** `code` with its `typegrad(/testing|/advanced|/plot)` imports pointed at this checkout; null when it has none. */
export const rewriteImports = (code: string): string | null => {
  const out = code.replace(
    /from\s+["'](typegrad(?:\/testing|\/advanced|\/plot)?)["']/g,
    (_, m: keyof typeof entries) => `from ${JSON.stringify(entries[m])}`,
  )
  return out === code ? null : out
}

/** `import * as tg from "typegrad"` (this checkout), for snippets that import nothing. */
export const tgImport = `import * as tg from ${JSON.stringify(entries.typegrad)}`

export const snippetHarness = (name: string, snippets: ReadonlyArray<Snippet>) => {
  const work = join(root, "node_modules", ".cache", `typegrad-${name}-${process.pid}`) // one per run: runs may overlap
  const fileOf = (s: Snippet) => `${s.source.replace(/[^A-Za-z0-9]+/g, "_")}_L${s.line}.ts`
  const files = snippets.map(fileOf)
  return {
    fileOf,
    /** Write the modules and run them all; the error (stack) of each file, null when it finished. */
    prepareAndRun: async (): Promise<Record<string, string | null>> => {
      rmSync(work, { recursive: true, force: true })
      mkdirSync(work, { recursive: true })
      writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }))
      snippets.forEach((s, i) => writeFileSync(join(work, files[i]!), s.text))
      writeFileSync(join(work, "tsconfig.json"), JSON.stringify({ extends: relative(work, join(root, "tsconfig.json")), include: files }))
      writeFileSync(
        join(work, "run-all.ts"),
        [
          "const results = {}",
          `for (const f of ${JSON.stringify(files)}) {`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: generated source text: the placeholder belongs to the emitted program
          "  try { await import(`./${f}`); results[f] = null } catch (e) { results[f] = String(e?.stack ?? e) }",
          "}",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: generated source text: the placeholder belongs to the emitted program
          "console.log(`@@results ${JSON.stringify(results)}`)",
          // a snippet may leave handles open (a GPU device, a timer): the results are in, so end here
          "process.exit(0)",
        ].join("\n"),
      )
      const r = await run(process.execPath, ["--import", "tsx", join(work, "run-all.ts")], { cwd: root, maxBuffer: 1 << 26 })
      const line = r.stdout.split("\n").find((l) => l.startsWith("@@results "))
      return line === undefined ? {} : JSON.parse(line.slice("@@results ".length))
    },
    /**
     * Type-check with `bin` ("typescript" or "ts7"): the diagnostics located in snippets (as
     * `source:line:col`) and any without a location (a broken tsconfig, a crash). Errors located in
     * src/ are `npm run typecheck`'s to report.
     */
    typecheck: async (bin: "typescript" | "ts7"): Promise<string> => {
      const out = await run(
        process.execPath,
        [join(root, "node_modules", bin, "bin", "tsc"), "-p", join(work, "tsconfig.json"), "--pretty", "false"],
        { cwd: root },
      )
        .then(() => "")
        .catch((e: { stdout?: string }) => e.stdout ?? String(e))
      const readable = out.replace(/^(?:.*[\\/])?([\w.]+_L(\d+)\.ts)\((\d+),(\d+)\)/gm, (all, f: string, _l, l: string, c: string) => {
        const s = snippets[files.indexOf(f)]
        return s === undefined ? all : `${s.source}:${s.line + Number(l) - 1 - s.prologue}:${c}`
      })
      return readable
        .split(/\n(?=\S)/)
        .filter((d) => d.trim() !== "" && !/^[^\s(]+\(\d+,\d+\): error TS/.test(d))
        .join("\n")
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  }
}
