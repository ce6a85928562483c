/**
 * The browser suite: typegrad bundled for the browser and run in headless Chromium (the system's,
 * driven by playwright-core) from pages served on 127.0.0.1. Every primitive of the registry on
 * the CPU and on WebGPU (SwiftShader) against references computed here in Node, the transforms,
 * the heat plate eager and jitted, and jit under a strict Content-Security-Policy. Without a
 * Chromium the suite is skipped locally and fails under CI=true.
 */
import * as fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import { cpu } from "../../src/device/cpu/index.js"
import { hostConvert } from "../../src/ops/core/aval.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import type { ParamsOf, Primitive, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import { Tensor } from "../../src/ops/core/tensor.js"
import { dataSync } from "../../src/ops/api/host.js"
import type { DType } from "../../src/shape/index.js"
import { atolOf, drawValues, erase, f32, specFor } from "../cases.js"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { bundleForBrowser as bundle, root } from "./bundle.js"
import { findChromium, html, launch, serve, type Site } from "./harness.js"
import type { Outcome, PrimCase, Suite } from "./page.js"

const chromiumPath = findChromium()
const ci = process.env.CI === "true"

describe("browser: Chromium is present where CI runs", () => {
  // CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip
  it.runIf(ci)("finds the Chromium binary", () => {
    expect(chromiumPath, "CI=true but no Chromium (apt-get install chromium, or set TYPEGRAD_CHROMIUM)").not.toBeNull()
  })
})

/** The ```ts blocks of docs/browser.md tagged `browser`: page scripts, run here in Chromium. */
const docBlocks = [...readFileSync(join(root, "docs", "browser.md"), "utf8").matchAll(/^```ts nocheck browser\n([\s\S]*?)^```$/gm)].map(
  (m) => m[1]!,
)

const CSP = "script-src 'self'"
/** WGSL's accuracy of sin and cos: absolute error 2⁻¹¹ on [-π, π] */
const WGSL_TRIG = 2 ** -11
let browser: Browser
let site: Site
let page: Page

beforeAll(async () => {
  if (chromiumPath === null) return
  const suiteJs = await bundle("test/browser/page.ts", { file: true, minify: false })
  if (suiteJs.errors.length + suiteJs.warnings.length > 0)
    throw new Error(`page bundle: ${[...suiteJs.errors, ...suiteJs.warnings].map((m) => m.text).join("; ")}`)
  const js = { body: suiteJs.code, type: "text/javascript" }
  const docPages = Object.fromEntries(
    await Promise.all(
      docBlocks.map(async (code, k) => {
        const b = await bundle(code, { format: "esm" })
        if (b.errors.length + b.warnings.length > 0)
          throw new Error(`docs/browser.md block ${k}: ${[...b.errors, ...b.warnings].map((m) => m.text).join("; ")}`)
        return [
          [`/doc-${k}.js`, { body: b.code, type: "text/javascript" }],
          [`/doc-${k}`, { body: html(`/doc-${k}.js`).replace("<script ", '<script type="module" '), type: "text/html" }],
        ] as const
      }),
    ).then((xs) => xs.flat()),
  )
  site = await serve({
    ...docPages,
    "/page.js": js,
    "/": { body: html("/page.js"), type: "text/html" },
    "/csp": { body: html("/page.js"), type: "text/html", headers: { "content-security-policy": CSP } },
  })
  browser = await launch(chromiumPath)
  page = await browser.newPage()
  await page.goto(site.url("/"))
  await page.waitForFunction(() => "suite" in globalThis)
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

/**
 * Call `window.suite[name](...args)` in `p`, from a task of the page's own: code that DevTools
 * evaluates directly may compile strings whatever the page's policy says, a timer callback may not.
 */
const call = <K extends keyof Suite>(p: Page, name: K, ...args: Parameters<Suite[K]>): Promise<Awaited<ReturnType<Suite[K]>>> =>
  p.evaluate(
    ([n, a]) =>
      new Promise((resolve, reject) =>
        setTimeout(() => {
          try {
            Promise.resolve((globalThis as unknown as { suite: Record<string, (...xs: unknown[]) => unknown> }).suite[n]!(...a)).then(
              resolve,
              reject,
            )
          } catch (e) {
            reject(e)
          }
        }, 0),
      ),
    [name, args] as const,
  ) as never

const all = (Object.values(primitives) as ReadonlyArray<Primitive<PrimitiveName>>).map(erase)

/** `runs` cases of every primitive from the shared table, inputs retyped by `retype`. */
const casesFor = (runs: number, retype: (d: DType) => DType): Array<PrimCase & { prim: Primitive; atol: number }> =>
  all.flatMap((prim) => {
    const seed = 0xb0 + prim.name.length * 7919 + prim.name.charCodeAt(0)
    return fc.sample(specFor(prim), { numRuns: runs, seed }).map((spec, run) => ({
      prim,
      name: prim.name,
      params: prim.name === "cast" ? { dtype: retype((spec.params as ParamsOf<"cast">).dtype) } : spec.params,
      inputs: spec.inputs.map((x) => ({ shape: x.shape, dtype: retype(x.dtype) })),
      values: drawValues(prim, spec, seed + run, run % 3 === 2),
      atol: atolOf(prim, spec),
    }))
  })

/** The reference: the case run here, in Node, on the CPU. */
const reference = (c: PrimCase & { prim: Primitive }): Outcome => {
  const args = c.inputs.map(
    (x, i) =>
      new Tensor(
        { shape: [...x.shape], dtype: x.dtype },
        cpu,
        cpu.backend.upload(hostConvert(c.values[i]!, x.dtype), { shape: [...x.shape], dtype: x.dtype }),
      ),
  )
  const y = bind1(c.prim, args, c.params as ParamsOf<PrimitiveName>)
  return { shape: [...y.shape], dtype: y.dtype, data: Array.from(dataSync(y)) }
}

/** What differs between `got` and `want` beyond atol + rtol·|want| (NaN matches NaN, infinities match exactly); null when nothing. */
const difference = (got: Outcome, want: Outcome, atol: number, rtol: number): string | null => {
  if ("error" in want || "error" in got)
    return JSON.stringify(got) === JSON.stringify(want) ? null : `${JSON.stringify(got)} vs ${JSON.stringify(want)}`
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape) || got.dtype !== want.dtype)
    return `${got.dtype}[${got.shape}] vs ${want.dtype}[${want.shape}]`
  for (const [i, x] of got.data.entries()) {
    const y = want.data[i]!
    const ok = Number.isFinite(y) ? Math.abs(x - y) <= atol + rtol * Math.abs(y) : Number.isNaN(y) ? Number.isNaN(x) : x === y
    if (!ok) return `element ${i}: ${x} vs ${y}`
  }
  return null
}

/** The cases whose page results differ from Node's references (all of them listed, not just the first). */
const mismatches = <C extends PrimCase & { prim: Primitive }>(
  cases: ReadonlyArray<C>,
  got: ReadonlyArray<Outcome>,
  tol: (c: C) => [number, number],
) =>
  cases.flatMap((c, k) => {
    const d = difference(got[k]!, reference(c), ...tol(c))
    return d === null ? [] : [`${describeCase(c)}: ${d}`]
  })

const describeCase = (c: PrimCase) =>
  `${c.name}(${c.inputs.map((x) => `${x.dtype}[${x.shape.join(", ")}]`).join(", ")}) ${JSON.stringify(c.params)}`

describe.skipIf(chromiumPath === null)("browser (headless Chromium)", () => {
  it("runs every primitive on the CPU as Node does (f64, same bits up to libm)", async () => {
    const cases = casesFor(4, (d) => d)
    const got = await call(
      page,
      "prims",
      cases.map(({ prim: _, atol: __, ...c }) => c),
      "cpu",
    )
    expect(new Set(cases.map((c) => c.name)).size).toBe(all.length)
    expect(mismatches(cases, got, () => [1e-12, 1e-12])).toEqual([])
  })

  it("computes grad, vmap and jit on the CPU", async () => {
    const xs = [0.5, -1.25, 2]
    const r = await call(page, "transforms", xs, "cpu")
    const close = (got: Outcome, want: number[], tol: number) => {
      if ("error" in got) throw new Error(got.error)
      got.data.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))))
    }
    const x32 = xs.map(Math.fround)
    // d/dx Σ x·sin x = sin x + x·cos x; Σ r² per row; Σ exp(2x + 1)
    close(
      r.grad,
      x32.map((x) => Math.sin(x) + x * Math.cos(x)),
      1e-6,
    )
    close(
      r.jitGrad,
      x32.map((x) => Math.sin(x) + x * Math.cos(x)),
      1e-6,
    )
    close(r.vmap, [14, 77], 0)
    close(r.jit, [x32.reduce((s, x) => s + Math.exp(2 * x + 1), 0)], 1e-6)
  })

  it("runs the heat plate to the documented centre, eager and jitted", async () => {
    expect(await call(page, "heat", "cpu", false, 500)).toBeCloseTo(78.1025, 3)
    expect(await call(page, "heat", "cpu", true, 500)).toBeCloseTo(78.1025, 3)
  })

  it("has WebGPU through navigator.gpu (SwiftShader with --enable-unsafe-webgpu)", async () => {
    const info = await call(page, "webgpu")
    expect(info, JSON.stringify(info)).toHaveProperty("name")
  })

  it("runs every primitive on WebGPU as Node's CPU does (f32, within the cross-backend tolerances)", async () => {
    const cases = casesFor(2, f32)
    const got = await call(
      page,
      "prims",
      cases.map(({ prim: _, atol: __, ...c }) => c),
      "webgpu",
    )
    // WGSL promises sin and cos only to an absolute 2⁻¹¹ on [-π, π], and SwiftShader's are that
    // coarse (errors near 2e-4 where lavapipe's are near 1e-7); every other primitive keeps the
    // cross-backend tolerances
    expect(mismatches(cases, got, (c) => [c.name === "sin" || c.name === "cos" ? Math.max(c.atol, WGSL_TRIG) : c.atol, 1e-4])).toEqual([])
  })

  it("computes grad, vmap, jit and the jitted heat plate on WebGPU", async () => {
    const xs = [0.5, -1.25, 2]
    const r = await call(page, "transforms", xs, "webgpu")
    const x32 = xs.map(Math.fround)
    for (const [got, want] of [
      [r.grad, x32.map((x) => Math.sin(x) + x * Math.cos(x))],
      [r.vmap, [14, 77]],
      [r.jitGrad, x32.map((x) => Math.sin(x) + x * Math.cos(x))],
    ] as const) {
      if ("error" in got) throw new Error(got.error)
      // sin x + x·cos x with sin and cos each within WGSL's 2⁻¹¹: |x| ≤ 2 here
      got.data.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(3 * WGSL_TRIG + 1e-5 * Math.abs(want[i]!)))
    }
    expect(await call(page, "heat", "webgpu", true, 500)).toBeCloseTo(78.1025, 3)
  })

  it("runs the browser examples of docs/browser.md", async () => {
    expect(docBlocks.length).toBe(2)
    const shown: string[] = []
    for (const k of docBlocks.keys()) {
      const p = await browser.newPage()
      const errors: string[] = []
      p.on("pageerror", (e) => errors.push(String(e)))
      await p.goto(site.url(`/doc-${k}`))
      await p.waitForFunction(() => document.body.textContent!.trim() !== "", null, { timeout: 60_000 })
      expect(errors).toEqual([])
      shown.push(await p.evaluate(() => document.body.textContent!.trim()))
      await p.close()
    }
    const want = [0.5, -1.25, 2]
      .map(Math.fround)
      .map((x) => (Math.sin(x) + x * Math.cos(x)).toFixed(4))
      .join(", ")
    expect(shown[0]).toBe(`d/dx Σ x·sin x = ${want}`)
    // the page's WebGPU adapter (SwiftShader here): [[1, 2], [3, 4]] · [1, 1]ᵀ
    expect(shown[1]).toMatch(/^on webgpu:.*: 3,7$/)
  })

  it("runs jit on the CPU and on WebGPU under Content-Security-Policy: script-src 'self'", async () => {
    const strict = await browser.newPage()
    const violations: string[] = []
    strict.on("console", (m) => m.type() === "error" && violations.push(m.text()))
    await strict.goto(site.url("/csp"))
    await strict.waitForFunction(() => "suite" in globalThis)
    // the policy is in force: the page itself may not compile strings
    expect(await call(strict, "evalAllowed")).toBe(false)
    expect(await call(page, "evalAllowed")).toBe(true)
    expect(await call(strict, "heat", "cpu", true, 500)).toBeCloseTo(78.1025, 3)
    expect(await call(strict, "heat", "webgpu", true, 500)).toBeCloseTo(78.1025, 3)
    const r = await call(strict, "transforms", [0.5, -1.25, 2], "cpu")
    expect(r.jit).toEqual(await call(page, "transforms", [0.5, -1.25, 2], "cpu").then((p) => p.jit))
    await strict.close()
  })
})
