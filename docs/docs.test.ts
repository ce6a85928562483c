/**
 * The docs' examples run as tests. From README.md, docs/getting-started.md and every other
 * `docs/*.md` that contains the line `<!-- docs-test: runnable -->`, each ```ts block is written to
 * its own module (under node_modules/.cache, so `effect` and friends resolve), with
 * `from "typegrad"` and `from "typegrad/testing"` rewritten to this checkout's src/index.ts and
 * src/testing.ts. A block without a `typegrad` import gets
 * `import * as tg from "typegrad"` prepended. All blocks are type-checked with TypeScript 5.9 and
 * TypeScript 7, then run in order in one tsx process; each block must finish without throwing.
 *
 * Blocks fenced as ```ts nocheck (for example, ones that show a compile error) are skipped.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const work = join(root, "node_modules", ".cache", `typegrad-docs-${process.pid}`) // one per run: runs may overlap
// NodeNext: `.js` names the `.ts` source, for tsc and tsx alike
const entries = { typegrad: join(root, "src", "index.js"), "typegrad/testing": join(root, "src", "testing.js") }

export interface Block {
  readonly doc: string
  readonly line: number
  readonly code: string
  readonly skip: boolean
}

/** The ```ts blocks of a markdown text, with the line each starts on. */
export const extractBlocks = (doc: string, text: string): Block[] => {
  const blocks: Block[] = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)\b(.*)$/.exec(lines[i]!.trim())
    if (open === null) continue
    const start = i + 1
    while (++i < lines.length && lines[i]!.trim() !== "```");
    blocks.push({ doc, line: start, code: lines.slice(start, i).join("\n"), skip: /\bnocheck\b/.test(open[2]!) })
  }
  return blocks
}

/** The block as a module: `typegrad(/testing)` imports point at this checkout; no import → `tg` is prepended. */
const prepare = (code: string): { readonly text: string; readonly added: number } => {
  const rewritten = code.replace(/from\s+["'](typegrad(?:\/testing)?)["']/g, (_, m: keyof typeof entries) => `from ${JSON.stringify(entries[m])}`)
  return rewritten !== code ? { text: rewritten, added: 0 } : { text: `import * as tg from ${JSON.stringify(entries.typegrad)}\n${code}`, added: 1 }
}

const docs = [
  "README.md",
  "docs/getting-started.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "getting-started.md")
    .map((f) => `docs/${f}`)
    .filter((f) => readFileSync(join(root, f), "utf8").includes("<!-- docs-test: runnable -->")),
]
const blocks = docs.flatMap((d) => extractBlocks(d, readFileSync(join(root, d), "utf8")))
const runnable = blocks.filter((b) => !b.skip)
const fileOf = (b: Block) => `${b.doc.replace(/[^A-Za-z0-9]+/g, "_")}_L${b.line}.ts`
const label = (b: Block) => `${b.doc}:${b.line}`

/** Outcome of each block by file name, from the single tsx run. */
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }))
  for (const b of runnable) writeFileSync(join(work, fileOf(b)), prepare(b.code).text)
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({ extends: relative(work, join(root, "tsconfig.json")), include: runnable.map(fileOf) }),
  )
  const runner = [
    "const results = {}",
    `for (const f of ${JSON.stringify(runnable.map(fileOf))}) {`,
    "  try { await import(`./${f}`); results[f] = null } catch (e) { results[f] = String(e?.stack ?? e) }",
    "}",
    "console.log(`@@results ${JSON.stringify(results)}`)",
  ].join("\n")
  writeFileSync(join(work, "run-all.ts"), runner)
  const r = await run(process.execPath, ["--import", "tsx", join(work, "run-all.ts")], { cwd: root, maxBuffer: 1 << 26 })
  const line = r.stdout.split("\n").find((l) => l.startsWith("@@results "))
  outcomes = line === undefined ? {} : JSON.parse(line.slice("@@results ".length))
}, 300_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("docs examples", () => {
  it("finds the examples and the skipped (nocheck) blocks", () => {
    expect(runnable.length).toBeGreaterThan(5)
    for (const b of blocks.filter((x) => x.skip)) expect(b.code.length).toBeGreaterThan(0)
  })

  for (const [name, bin] of [["TypeScript 5.9", "typescript"], ["TypeScript 7", "ts7"]] as const)
    it(`type-check under ${name}`, async () => {
      const out = await run(process.execPath, [join(root, "node_modules", bin, "bin", "tsc"), "-p", join(work, "tsconfig.json"), "--pretty", "false"], { cwd: root })
        .then(() => "")
        .catch((e: { stdout?: string }) => e.stdout ?? String(e))
      // name the doc and line of each diagnostic instead of the temp file
      const readable = out.replace(/^(?:.*[\\/])?([\w.]+_L(\d+)\.ts)\((\d+),(\d+)\)/gm, (all, f: string, _l, l: string, c: string) => {
        const b = runnable.find((x) => fileOf(x) === f)
        return b === undefined ? all : `${b.doc}:${b.line + Number(l) - prepare(b.code).added}:${c}`
      })
      // errors located in src/ are `npm run typecheck`'s to report; keep the docs' own and any
      // diagnostic without a location (a broken tsconfig, a crash)
      const entries = readable.split(/\n(?=\S)/).filter((d) => d.trim() !== "" &&
        (docs.some((doc) => d.startsWith(`${doc}:`)) || !/^[^\s(]+\(\d+,\d+\): error TS/.test(d)))
      expect(entries.join("\n")).toBe("")
    }, 300_000)

  for (const b of runnable)
    it(`runs ${label(b)}`, () => {
      expect(fileOf(b) in outcomes, "the block did not run").toBe(true)
      expect(outcomes[fileOf(b)]).toBeNull()
    })
})
