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
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rewriteImports, root, snippetHarness, tgImport } from "../test/snippets.js"

interface Block {
  readonly doc: string
  readonly line: number
  readonly code: string
  readonly skip: boolean
}

/** The ```ts blocks of a markdown text, with the line each starts on. */
const extractBlocks = (doc: string, text: string): Block[] => {
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
// a block without a `typegrad` import gets `import * as tg from "typegrad"` prepended
const snippets = runnable.map((b) => {
  const text = rewriteImports(b.code)
  return { source: b.doc, line: b.line + 1, text: text ?? `${tgImport}\n${b.code}`, prologue: text === null ? 1 : 0 }
})
const harness = snippetHarness("docs", snippets)

/** Outcome of each block by file name, from the single tsx run. */
let outcomes: Record<string, string | null> = {}
beforeAll(async () => {
  outcomes = await harness.prepareAndRun()
}, 300_000)
afterAll(harness.cleanup)

describe("docs examples", () => {
  it("finds the examples and the skipped (nocheck) blocks", () => {
    expect(runnable.length).toBeGreaterThan(5)
    for (const b of blocks.filter((x) => x.skip)) expect(b.code.length).toBeGreaterThan(0)
  })

  for (const [name, bin] of [
    ["TypeScript 5.9", "typescript"],
    ["TypeScript 7", "ts7"],
  ] as const)
    it(`type-check under ${name}`, async () => expect(await harness.typecheck(bin)).toBe(""), 300_000)

  runnable.forEach((b, i) =>
    it(`runs ${b.doc}:${b.line}`, () => {
      const f = harness.fileOf(snippets[i]!)
      expect(f in outcomes, "the block did not run").toBe(true)
      expect(outcomes[f]).toBeNull()
    }),
  )
})
