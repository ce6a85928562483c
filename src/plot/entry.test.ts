// `typegrad` itself must not load rendering code: following every static and dynamic import from
// src/index.ts through the repository's own files reaches no plotting module and none of the
// rendering packages, while `typegrad/plot` does reach them.
import { readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { root } from "../../test/snippets.js"

const rendering = ["@resvg/resvg-js", "fast-png", "d3-scale", "dejavu-fonts-ttf", "@effect/platform-node-shared"]

/** Every repository file and every package reached from `entry` by import/export ... from / import(). */
const reach = (entry: string): { files: Set<string>; packages: Set<string> } => {
  const files = new Set<string>(),
    packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const text = readFileSync(file, "utf8")
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)import\s+["']([^"']+)["']/g,
    )) {
      const spec = m[1] ?? m[2] ?? m[3]!
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")))
      else packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!)
    }
  }
  visit(join(root, entry))
  return { files, packages }
}

describe("entry points", () => {
  it("typegrad reaches no plotting file and no rendering package", () => {
    const { files, packages } = reach("src/index.ts")
    expect(files.size).toBeGreaterThan(30)
    expect([...files].map((f) => relative(root, f)).filter((f) => f.startsWith("src/plot"))).toEqual([])
    expect(rendering.filter((p) => packages.has(p))).toEqual([])
  })

  it("typegrad/plot reaches the renderer, the PNG codec and the scales", () => {
    const { packages } = reach("src/plot.ts")
    for (const p of ["@resvg/resvg-js", "fast-png", "d3-scale", "@effect/platform-node-shared"]) expect(packages.has(p), p).toBe(true)
  })
})
