/**
 * Every public export is documented: for each entry of package.json's `exports`, the TypeScript
 * compiler API lists what the entry exports (following re-exports, `export *` and namespace
 * exports to the declarations), and each must carry a JSDoc summary and an `@example`. The API
 * reference (`npm run docs`) is generated from these comments.
 */
import { readFileSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { root } from "../snippets.js"

interface PackageJson {
  readonly exports: Record<string, { readonly types: string }>
}

/** `./dist/testing.d.ts` → `src/testing.ts`: the source of each published entry. */
const entries = (): Record<string, string> => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson
  return Object.fromEntries(
    Object.entries(pkg.exports).map(([sub, e]) => [
      sub === "." ? "typegrad" : `typegrad/${sub.slice(2)}`,
      join(root, e.types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts")),
    ]),
  )
}

interface Undocumented {
  readonly name: string
  readonly file: string
  readonly lacks: ReadonlyArray<string>
}

/** The exports of each entry that lack a summary or an `@example`, or are marked `@internal` (internal, yet public). */
const undocumented = (): Undocumented[] => {
  const files = entries()
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )
  const program = ts.createProgram(Object.values(files), config?.options ?? {})
  const checker = program.getTypeChecker()
  const out = new Map<string, Undocumented>()
  const visit = (name: string, symbol: ts.Symbol): void => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    const decls = target.declarations ?? []
    // `export * as Tree from "./tree.js"`: the namespace's members are the public names
    if (decls.some(ts.isSourceFile)) {
      for (const m of checker.getExportsOfModule(target)) visit(`${name}.${m.name}`, m)
      return
    }
    const docs = decls.flatMap((d) => ts.getJSDocCommentsAndTags(d).filter(ts.isJSDoc))
    const tags = docs.flatMap((d) => [...(d.tags ?? [])].map((t) => t.tagName.text))
    const lacks = [
      ...(docs.some((d) => (ts.getTextOfJSDocComment(d.comment) ?? "").trim() !== "") ? [] : ["summary"]),
      ...(tags.includes("example") ? [] : ["@example"]),
      ...(tags.includes("internal") ? ["is marked @internal yet exported"] : []),
    ]
    const file = decls[0] === undefined ? "?" : relative(root, decls[0].getSourceFile().fileName)
    if (lacks.length > 0 && !out.has(name)) out.set(name, { name, file, lacks })
  }
  for (const [entry, file] of Object.entries(files)) {
    const source = program.getSourceFile(file)
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    if (module === undefined) throw new Error(`no module symbol for ${entry} (${file})`)
    for (const s of checker.getExportsOfModule(module)) visit(entry === "typegrad" ? s.name : `${entry}:${s.name}`, s)
  }
  return [...out.values()].sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name))
}

describe("public exports", () => {
  it("every export of every package entry has a JSDoc summary and an @example", () => {
    const missing = undocumented().map((u) => `${u.name} (${u.file}): ${u.lacks.join(", ")}`)
    if (missing.length > 0) console.log(`undocumented public exports (${missing.length}):\n${missing.join("\n")}`)
    expect(missing).toEqual([])
  }, 120_000)
})
