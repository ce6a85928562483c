/**
 * The `@example` of every JSDoc in `src/checkpoint` is a program: each is written to its own module
 * (`from "typegrad"` pointing at this checkout), type-checked with TypeScript 5.9 and 7, and run.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { extractExamples, rewriteImports, snippetHarness } from "../../test/snippets.js"

const here = dirname(fileURLToPath(import.meta.url))
const sources = readdirSync(here).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
const examples = sources.flatMap((f) => extractExamples(`src/checkpoint/${f}`, readFileSync(join(here, f), "utf8")))
const snippets = examples.map((e) => ({ source: e.file, line: e.line, text: `${rewriteImports(e.code) ?? e.code}\nexport {}\n`, prologue: 0 }))
const harness = snippetHarness("checkpoint-examples", snippets)
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  outcomes = await harness.prepareAndRun()
}, 300_000)
afterAll(harness.cleanup)

describe("src/checkpoint @examples", () => {
  it("finds them", () => expect(examples.length).toBeGreaterThan(12))

  for (const [name, bin] of [["TypeScript 5.9", "typescript"], ["TypeScript 7", "ts7"]] as const)
    it(`type-check under ${name}`, async () => expect(await harness.typecheck(bin)).toBe(""), 300_000)

  snippets.forEach((s) =>
    it(`runs ${s.source}:${s.line}`, () => {
      expect(harness.fileOf(s) in outcomes, "the example did not run").toBe(true)
      expect(outcomes[harness.fileOf(s)]).toBeNull()
    }))
})
