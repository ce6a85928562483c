/**
 * The published package, as a user gets it: `npm pack` (which builds first) into a temporary
 * folder, the tarball installed into a scratch ESM project (strict, `nodenext`,
 * `skipLibCheck: false`), type-checked there with TypeScript 5.9 and 7, compiled and run.
 */
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { root } from "../snippets.js"

const exec = promisify(execFile)
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
// npm passes its configuration to scripts as npm_* variables; the nested npm must not inherit them
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
const tsc = (bin: "typescript" | "ts7") => join(root, "node_modules", bin, "bin", "tsc")

const SIZE = 12
const STEPS = 5

/** The consumer: the README's heat stencil, a compile-time shape error, and `typegrad/testing`. */
const consumer = `import * as tg from "typegrad"
import { checkGrads, fromValues } from "typegrad/testing"

let grid = tg.zeros([${SIZE}, ${SIZE}]).at("5:7, 5:7").set(100)
for (let i = 0; i < ${STEPS}; i++) {
  const lap = grid.slice("2:, 1:-1").add(grid.slice(":-2, 1:-1")).add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2")).sub(grid.slice("1:-1, 1:-1").mul(4))
  grid = grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}
const kept: tg.Tensor<[${SIZE}, ${SIZE}], "f32", "cpu"> = grid
// the shapes come through the published declarations: this mismatch is a compile error
// @ts-expect-error [${SIZE}, ${SIZE}] does not broadcast with [5]
export const wrong = () => grid.add(tg.zeros([5]))

checkGrads((x: tg.Tensor<number[], tg.DType>) => x.mul(x).sum(), [fromValues([1, 2, 3], [3])])
console.log(JSON.stringify({ centre: kept.slice("6, 6").item(), corner: kept.slice("0, 0").item() }))
`

/** The same steps on a plain Float32Array, each operation rounded to f32 in the same order. */
const reference = (): Float32Array => {
  let g = new Float32Array(SIZE * SIZE)
  for (let i = 5; i < 7; i++) for (let j = 5; j < 7; j++) g[i * SIZE + j] = 100
  const at = (a: Float32Array, i: number, j: number) => a[i * SIZE + j]!
  const f = Math.fround
  for (let s = 0; s < STEPS; s++) {
    const next = Float32Array.from(g)
    for (let i = 1; i < SIZE - 1; i++)
      for (let j = 1; j < SIZE - 1; j++) {
        const sum = f(f(f(at(g, i + 1, j) + at(g, i - 1, j)) + at(g, i, j + 1)) + at(g, i, j - 1))
        const lap = f(sum - f(at(g, i, j) * 4))
        next[i * SIZE + j] = f(at(g, i, j) + f(lap * f(0.01)))
      }
    g = next
  }
  return g
}

const work = mkdtempSync(join(tmpdir(), "typegrad-pack-"))
const app = join(work, "app")
let files: string[] = []

beforeAll(async () => {
  const packed = await exec(npm, ["pack", "--json", "--pack-destination", work], { cwd: root, env, maxBuffer: 1 << 26 })
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>
  files = info[0]!.files.map((f) => f.path)
  mkdirSync(app, { recursive: true })
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", skipLibCheck: false, types: [], outDir: "out" },
      include: ["main.ts"],
    }),
  )
  writeFileSync(join(app, "main.ts"), consumer)
  await exec(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, info[0]!.filename)], {
    cwd: app,
    env,
    maxBuffer: 1 << 26,
  })
}, 600_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Type-check (or, with `emit`, compile) the consumer; the compiler's output, "" when clean. */
const compile = (bin: "typescript" | "ts7", emit: boolean) =>
  exec(process.execPath, [tsc(bin), "-p", join(app, "tsconfig.json"), "--pretty", "false", ...(emit ? [] : ["--noEmit"])], { cwd: app })
    .then(() => "")
    .catch((e: { stdout?: string }) => e.stdout ?? String(e))

describe("npm pack", () => {
  it("ships the build, the licence and the docs, and no tests or test helpers", () => {
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/testing.js", "dist/testing.d.ts", "LICENSE", "README.md", "package.json"])
      expect(files).toContain(f)
    expect(files.filter((f) => /\.test\.|test-util|^src\/|^test\//.test(f))).toEqual([])
    const licence = readFileSync(join(app, "node_modules", "typegrad", "LICENSE"), "utf8")
    expect(licence).toContain("Copyright (c) 2026 the typegrad authors")
  })

  it("resolves every relative link of the shipped README and docs inside the tarball", () => {
    const docs = files.filter((f) => f.endsWith(".md"))
    expect(docs).toContain("docs/getting-started.md")
    const missing = docs.flatMap((doc) => {
      const dir = doc.includes("/") ? doc.slice(0, doc.lastIndexOf("/") + 1) : ""
      const text = readFileSync(join(app, "node_modules", "typegrad", doc), "utf8")
      return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((l) => !/^[a-z]+:/.test(l))
        .map((l) => join(dir, l).replace(/\\/g, "/"))
        .filter((l) => !files.includes(l))
        .map((l) => `${doc} → ${l}`)
    })
    expect(missing).toEqual([])
  })

  for (const [name, bin] of [
    ["TypeScript 5.9", "typescript"],
    ["TypeScript 7", "ts7"],
  ] as const)
    it(
      `type-checks in a strict nodenext consumer with skipLibCheck false under ${name}`,
      async () => expect(await compile(bin, false)).toBe(""),
      300_000,
    )

  it("runs the heat stencil from the installed package", async () => {
    expect(await compile("ts7", true)).toBe("")
    const out = await exec(process.execPath, [join(app, "out", "main.js")], { cwd: app })
    const got = JSON.parse(out.stdout.trim().split("\n").pop()!) as { centre: number; corner: number }
    const ref = reference()
    const centre = ref[6 * SIZE + 6]!
    expect(centre).toBeGreaterThan(1) // heat has spread, but the plate is not uniform
    expect(centre).toBeLessThan(100)
    expect(Math.abs(got.centre - centre)).toBeLessThanOrEqual(1e-5 * centre)
    expect(got.corner).toBe(0)
  }, 300_000)
})
