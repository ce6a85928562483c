/**
 * The `@example` of every JSDoc in the solvers (`src/solvers`), the plotting entry (`src/plot`,
 * `src/plot.ts`) and `bestDevice` is a program: each is written to its own module, type-checked
 * with TypeScript 5.9 and 7, and run; it must finish without throwing.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { extractExamples, rewriteImports, root, snippetHarness } from "../../test/snippets.js"

const tsIn = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => `${dir}/${f}`)
const sources = [...tsIn("src/solvers"), ...tsIn("src/plot"), "src/plot.ts", "src/device/best.ts"]
const examples = sources.flatMap((f) => extractExamples(f, readFileSync(join(root, f), "utf8")))
// an example without a typegrad import gets `tg` (as in the docs)
const snippets = examples.map((e) => {
  const text = rewriteImports(e.code)
  return { source: e.file, line: e.line, text: `${text ?? `import * as tg from ${JSON.stringify(join(root, "src", "index.js"))}\n${e.code}`}\nexport {}\n`, prologue: text === null ? 1 : 0 }
})
const harness = snippetHarness("sci-examples", snippets)
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  outcomes = await harness.prepareAndRun()
}, 300_000)
afterAll(harness.cleanup)

describe("solvers, plot and bestDevice @examples", () => {
  it("finds them", () => expect(examples.length).toBeGreaterThan(12))

  for (const [name, bin] of [["TypeScript 5.9", "typescript"], ["TypeScript 7", "ts7"]] as const)
    it(`type-check under ${name}`, async () => expect(await harness.typecheck(bin)).toBe(""), 300_000)

  snippets.forEach((s) =>
    it(`runs ${s.source}:${s.line}`, () => {
      expect(harness.fileOf(s) in outcomes, "the example did not run").toBe(true)
      expect(outcomes[harness.fileOf(s)]).toBeNull()
    }))
})
