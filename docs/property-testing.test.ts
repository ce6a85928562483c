/**
 * Runs the ```ts blocks of docs/property-testing.md, with `typegrad` and `typegrad/testing`
 * pointing at this checkout's sources, in one tsx process; each block must finish without throwing.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, expect, it } from "vitest"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const work = join(root, "node_modules", ".cache", `typegrad-property-docs-${process.pid}`)
const text = readFileSync(join(root, "docs", "property-testing.md"), "utf8")
const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

const rewrite = (code: string) =>
  code
    .replace(/from\s+"typegrad\/testing"/g, `from ${JSON.stringify(join(root, "src", "testing.js"))}`)
    .replace(/from\s+"typegrad"/g, `from ${JSON.stringify(join(root, "src", "index.js"))}`)

afterAll(() => rmSync(work, { recursive: true, force: true }))

it("docs/property-testing.md: every ts block runs", async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(3)
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }))
  const files = blocks.map((code, i) => {
    const f = `block${i}.ts`
    writeFileSync(join(work, f), rewrite(code))
    return f
  })
  writeFileSync(join(work, "main.ts"), files.map((f) => `await import("./${f}")`).join("\n"))
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(work, "main.ts")], { cwd: root })
  expect(stdout).toMatch(/checkGrads: forward mode \(JVP vs central finite differences\) is wrong for args\[1\]/)
}, 120_000)
