/**
 * The `@example` of every JSDoc in `src/layers` is a program: each is written to its own module
 * (under node_modules/.cache, `from "typegrad"` pointing at this checkout), type-checked with
 * TypeScript 5.9 and 7, and run. An example must be self-contained and finish without throwing.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rewriteImports, snippetHarness } from "../../test/snippets.js"

const here = dirname(fileURLToPath(import.meta.url))

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

const sources = readdirSync(here).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") )
const examples = sources.flatMap((f) => extractExamples(`src/layers/${f}`, readFileSync(join(here, f), "utf8")))
const snippets = examples.map((e) => ({ source: e.file, line: e.line, text: `${rewriteImports(e.code) ?? e.code}\nexport {}\n`, prologue: 0 }))
const harness = snippetHarness("layers-examples", snippets)
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  outcomes = await harness.prepareAndRun()
}, 300_000)
afterAll(harness.cleanup)

describe("src/layers @examples", () => {
  it("finds them", () => expect(examples.length).toBeGreaterThan(20))

  for (const [name, bin] of [["TypeScript 5.9", "typescript"], ["TypeScript 7", "ts7"]] as const)
    it(`type-check under ${name}`, async () => expect(await harness.typecheck(bin)).toBe(""), 300_000)

  snippets.forEach((s) =>
    it(`runs ${s.source}:${s.line}`, () => {
      expect(harness.fileOf(s) in outcomes, "the example did not run").toBe(true)
      expect(outcomes[harness.fileOf(s)]).toBeNull()
    }))
})
