/**
 * The browser bundle: a page importing typegrad builds with esbuild for `platform: "browser"` with
 * no externals, no errors and no warnings, and Dawn's Node binding (and every Node built-in) stays
 * out of it; a CPU-only page tree-shakes the WebGPU backend away.
 */
import { describe, expect, it } from "vitest"
import { bundleForBrowser, pages, viteBuild } from "./bundle.js"

describe("browser bundle (esbuild, platform browser)", () => {
  it("builds the whole API with no errors, no warnings and no Node modules", async () => {
    const b = await bundleForBrowser(pages.everything)
    expect(b.errors).toEqual([])
    expect(b.warnings).toEqual([])
    // nothing from the webgpu package, no node: built-ins, and the browser provider instead of the Node one
    expect(b.inputs.filter((p) => p.includes("node_modules/webgpu/") || p.startsWith("node:"))).toEqual([])
    expect(b.inputs).toContain("platform/webgpu.browser.js")
    expect(b.inputs).not.toContain("platform/webgpu.node.js")
    expect(b.code).not.toMatch(/require\(|import\("webgpu"\)/)
  })

  it("leaves the WebGPU backend out of a CPU-only page", async () => {
    const cpu = await bundleForBrowser(pages["tensors + grad on CPU"])
    const all = await bundleForBrowser(pages.everything)
    expect(cpu.errors).toEqual([])
    expect(cpu.warnings).toEqual([])
    expect(cpu.inputs.filter((p) => p.startsWith("src/device/webgpu/"))).toEqual([])
    expect(cpu.bytes).toBeLessThan(all.bytes)
  })
})

describe("browser bundle (Vite production build)", () => {
  it("builds a page importing typegrad with no warnings and no Node modules", async () => {
    const b = await viteBuild(pages.everything)
    expect(b.messages).toEqual([])
    expect(b.modules).toContain("platform/webgpu.browser.js")
    expect(b.modules.filter((m) => m.includes("node_modules/webgpu/") || m.includes("provider/node.js") || m.startsWith("node:"))).toEqual(
      [],
    )
    expect(b.bytes).toBeGreaterThan(0)
  })
})
