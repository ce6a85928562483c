/**
 * The `@example` of every JSDoc in `src/grad` is a program: each is written to its own module
 * (under node_modules/.cache, `from "typegrad"` pointing at this checkout), type-checked with
 * TypeScript 5.9 and 7, and run. An example must be self-contained and finish without throwing.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, "..", "..")
const work = join(root, "node_modules", ".cache", `typegrad-grad-examples-${process.pid}`)
const entry = JSON.stringify(join(root, "src", "index.js"))

interface Example {
  readonly file: string
  readonly line: number
  readonly code: string
}

/** The `@example` blocks of the JSDoc comments in `text`, with the line each starts on. */
export const extractExamples = (file: string, text: string): Example[] => {
  const out: Example[] = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue
    const start = i + 1
    const body: string[] = []
    while (++i < lines.length && !/^\s*\*\s*@\w+/.test(lines[i]!) && !/\*\//.test(lines[i]!)) body.push(lines[i]!.replace(/^\s*\* ?/, ""))
    i--
    out.push({ file, line: start + 1, code: body.join("\n") })
  }
  return out
}

const sources = readdirSync(here).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "test-util.ts")
const examples = sources.flatMap((f) => extractExamples(`src/grad/${f}`, readFileSync(join(here, f), "utf8")))
const fileOf = (e: Example) => `${e.file.replace(/[^A-Za-z0-9]+/g, "_")}_L${e.line}.ts`
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }))
  for (const e of examples) writeFileSync(join(work, fileOf(e)), `${e.code.replace(/from\s+["']typegrad["']/g, `from ${entry}`)}\nexport {}\n`)
  writeFileSync(join(work, "tsconfig.json"), JSON.stringify({ extends: relative(work, join(root, "tsconfig.json")), include: examples.map(fileOf) }))
  writeFileSync(join(work, "run-all.ts"), [
    "const results = {}",
    `for (const f of ${JSON.stringify(examples.map(fileOf))}) {`,
    "  try { await import(`./${f}`); results[f] = null } catch (e) { results[f] = String(e?.stack ?? e) }",
    "}",
    "console.log(`@@results ${JSON.stringify(results)}`)",
  ].join("\n"))
  const r = await run(process.execPath, ["--import", "tsx", join(work, "run-all.ts")], { cwd: root, maxBuffer: 1 << 26 })
  const line = r.stdout.split("\n").find((l) => l.startsWith("@@results "))
  outcomes = line === undefined ? {} : JSON.parse(line.slice("@@results ".length))
}, 300_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("src/grad @examples", () => {
  it("finds them", () => expect(examples.length).toBeGreaterThan(20))

  for (const [name, bin] of [["TypeScript 5.9", "typescript"], ["TypeScript 7", "ts7"]] as const)
    it(`type-check under ${name}`, async () => {
      const out = await run(process.execPath, [join(root, "node_modules", bin, "bin", "tsc"), "-p", join(work, "tsconfig.json"), "--pretty", "false"], { cwd: root })
        .then(() => "")
        .catch((e: { stdout?: string }) => e.stdout ?? String(e))
      const readable = out.replace(/^(?:.*[\\/])?([\w.]+_L(\d+)\.ts)\((\d+),(\d+)\)/gm, (all, f: string, _l, l: string, c: string) => {
        const e = examples.find((x) => fileOf(x) === f)
        return e === undefined ? all : `${e.file}:${e.line + Number(l) - 1}:${c}`
      })
      const entries = readable.split(/\n(?=\S)/).filter((d) => d.trim() !== "" && !/^[^\s(]+\(\d+,\d+\): error TS/.test(d))
      expect(entries.join("\n")).toBe("")
    }, 300_000)

  for (const e of examples)
    it(`runs ${e.file}:${e.line}`, () => {
      expect(fileOf(e) in outcomes, "the example did not run").toBe(true)
      expect(outcomes[fileOf(e)]).toBeNull()
    })
})
