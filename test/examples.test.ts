/**
 * Every `@example` of a JSDoc comment in `src/` is a program: each is written to its own module
 * (under node_modules/.cache, `from "typegrad"` pointing at this checkout), type-checked with
 * TypeScript 5.9 and 7, and run. An example must be self-contained and finish without throwing:
 * it imports what it uses from `typegrad` or `typegrad/testing`, or, for a module that is not
 * public, from that module by a relative path (`from "./runtime.js"`). Examples are read with the
 * TypeScript parser, so one-line comments (`/** Sum. @example tg.sum(x) *\/`) count too.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rewriteImports, tgImport, root, snippetHarness } from "./snippets.js"

interface Example {
  readonly file: string
  readonly line: number
  readonly code: string
}

/** The `@example`s of the JSDoc comments in a TypeScript source, with the line each code starts on. */
const extractExamples = (file: string, text: string): Example[] => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const docs = new Set<ts.JSDoc>()
  const walk = (node: ts.Node): void => {
    for (const d of ts.getJSDocCommentsAndTags(node)) if (ts.isJSDoc(d)) docs.add(d)
    ts.forEachChild(node, walk)
  }
  walk(source)
  const lines = text.split("\n")
  return [...docs]
    .flatMap((d) => [...(d.tags ?? [])])
    .filter((t) => t.tagName.text === "example")
    .map((t) => {
      const at = source.getLineAndCharacterOfPosition(t.tagName.end).line
      // the code starts after `@example` on the same line, or on the next one
      const sameLine =
        lines[at]!.slice(lines[at]!.indexOf("@example") + "@example".length)
          .replace(/\*\/.*$/, "")
          .trim() !== ""
      return { file, line: at + (sameLine ? 1 : 2), code: ts.getTextOfJSDocComment(t.comment) ?? "" }
    })
    .sort((a, b) => a.line - b.line)
}

/** The library sources under `dir`: every `.ts` file but tests and test helpers. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && e.name !== "test-util.ts"
        ? [join(dir, e.name)]
        : [],
  )

const examples = sources(join(root, "src")).flatMap((f) => extractExamples(relative(root, f), readFileSync(f, "utf8")))
/** `from "./x.js"` in an internal module's example names that module's sibling: point it there. */
const rewriteRelative = (code: string, file: string): string =>
  code.replace(/from\s+["'](\.\.?\/[^"']+)["']/g, (_, spec: string) => `from ${JSON.stringify(join(root, dirname(file), spec))}`)
// an example with no typegrad import (a one-line `@example tg.add(…)`) reads `tg` as the package
const snippets = examples.map((e) => {
  const own = rewriteImports(e.code)
  return {
    source: e.file,
    line: e.line,
    text: own === null ? `${tgImport}\n${rewriteRelative(e.code, e.file)}\nexport {}\n` : `${rewriteRelative(own, e.file)}\nexport {}\n`,
    prologue: own === null ? 1 : 0,
  }
})
const harness = snippetHarness("examples", snippets)
let outcomes: Record<string, string | null> = {}

beforeAll(async () => {
  outcomes = await harness.prepareAndRun()
}, 600_000)
afterAll(harness.cleanup)

describe("@examples in src/", () => {
  it("finds them in every part of the library", () => {
    for (const dir of ["src/grad/", "src/ops/", "src/device/", "src/testing/", "src/shape/"])
      expect(examples.filter((e) => e.file.startsWith(dir)).length, dir).toBeGreaterThan(0)
  })

  for (const [name, bin] of [
    ["TypeScript 5.9", "typescript"],
    ["TypeScript 7", "ts7"],
  ] as const)
    it(`type-check under ${name}`, async () => expect(await harness.typecheck(bin)).toBe(""), 600_000)

  snippets.forEach((s) =>
    it(`runs ${s.source}:${s.line}`, () => {
      expect(harness.fileOf(s) in outcomes, "the example did not run").toBe(true)
      expect(outcomes[harness.fileOf(s)]).toBeNull()
    }),
  )
})
