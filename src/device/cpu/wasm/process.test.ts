import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

// Each case runs in a fresh Node process: environment variables are read once, and the point of
// the last cases is that the process exits by itself while the worker threads exist.
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const node = (script: string, env: Record<string, string> = {}): string =>
  execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  }).trim()

const gemmModule = "./src/device/cpu/wasm/gemm.ts"
// a product big enough for the worker pool: C = A·B with A = 1, B = 2 → every entry is 2·k
const threaded = `
const m = await import("${gemmModule}")
const n = 300, a = new Float32Array(n * n).fill(1), b = new Float32Array(n * n).fill(2), c = new Float32Array(n * n)
const took = m.wasmGemm(a, b, c, 1, n, n, n)
console.log(JSON.stringify({ took, settings: m.wasmSettings(), pool: m.poolThreads(), ok: c.every((v) => v === 2 * n) }))
`

describe("Wasm kernels in a fresh process", () => {
  it("TYPEGRAD_WASM=0 keeps matmul on the JS path; TYPEGRAD_THREADS sets the thread count", () => {
    const r = JSON.parse(node(threaded, { TYPEGRAD_WASM: "0", TYPEGRAD_THREADS: "3" })) as {
      took: boolean
      settings: { enabled: boolean; threads: number }
    }
    expect(r.took).toBe(false)
    expect(r.settings).toMatchObject({ enabled: false, threads: 3 })
  })

  it("the process exits on its own after a threaded GEMM (workers are unref'd)", () => {
    // the pool is running when the script ends; execFileSync would time out if its workers held the process
    const r = JSON.parse(node(threaded, { TYPEGRAD_THREADS: "2" })) as {
      took: boolean
      ok: boolean
      pool: number
      settings: { threads: number }
    }
    expect(r).toMatchObject({ took: true, ok: true, pool: 2, settings: { threads: 2 } })
  })

  it("shutdownWasm stops the workers, and a later GEMM starts them again", () => {
    const out = node(
      `${threaded}
m.shutdownWasm()
const stopped = m.poolThreads()
const c2 = new Float32Array(n * n)
m.wasmGemm(a, b, c2, 1, n, n, n)
const restarted = m.poolThreads()
m.shutdownWasm()
console.log(JSON.stringify([stopped, restarted, c2.every((v) => v === 2 * n)]))`,
      { TYPEGRAD_THREADS: "2" },
    )
    expect(JSON.parse(out.split("\n").pop()!)).toEqual([0, 2, true])
  })
})
