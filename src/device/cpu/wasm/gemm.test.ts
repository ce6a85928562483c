import { afterAll, describe, expect, it } from "vitest"
import * as tg from "../../../index.js"
import { wasmFeatures } from "./features.js"
import { configureWasm, shutdownWasm, WASM_MIN_MACS, wasmGemm, wasmSettings, type WasmSettings } from "./gemm.js"
import type { GemmMode } from "./gemm-codegen.js"

/** Deterministic values in [-1, 1) (an LCG), as f32. */
const rand = (n: number, seed: number): Float32Array => {
  const x = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    x[i] = s / 2 ** 31 - 1
  }
  return x
}

/** Plain f64 reference and, per element, Σ|a||b| (the scale of the f32 rounding error). */
const reference = (a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number) => {
  const c = new Float64Array(batch * m * n),
    mag = new Float64Array(batch * m * n)
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++) {
        const av = a[(q * m + i) * k + p]!
        for (let j = 0; j < n; j++) {
          const bv = b[(q * k + p) * n + j]!
          c[(q * m + i) * n + j]! += av * bv
          mag[(q * m + i) * n + j]! += Math.abs(av * bv)
        }
      }
  return { c, mag }
}

/** |wasm − f64| ≤ 2·k·ε_f32·Σ|a||b| (+ a denormal floor): the classic bound for an f32 dot product. */
const expectClose = (got: Float32Array, want: { c: Float64Array; mag: Float64Array }, k: number) => {
  let worst = 0
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - want.c[i]!)
    const bound = 2 * Math.max(k, 1) * 2 ** -24 * want.mag[i]! + 1e-30
    worst = Math.max(worst, err / bound)
  }
  expect(worst).toBeLessThanOrEqual(1)
}

const modes: GemmMode[] = (["relaxed", "simd", "scalar"] as const).filter((m) =>
  m === "relaxed" ? wasmFeatures().relaxed : m === "simd" ? wasmFeatures().simd : wasmFeatures().wasm,
)
const saved: WasmSettings = wasmSettings()
afterAll(() => {
  configureWasm(saved)
  shutdownWasm()
})

const edges = [1, 3, 17, 63, 64, 65, 257]
const shapes: Array<[number, number, number, number]> = [
  ...edges.flatMap((m, i) => [[1, m, edges[(i + 3) % 7]!, edges[(i + 5) % 7]!] as [number, number, number, number]]),
  [1, 65, 257, 17],
  [1, 257, 3, 64],
  [1, 64, 64, 64],
  [1, 97, 300, 263],
  [1, 3, 513, 5],
  [4, 17, 63, 65],
  [3, 64, 1, 257],
  [2, 200, 129, 300],
]

describe("wasm f32 GEMM", () => {
  it("runs on this engine (the tests below exercise it, not the JS fallback)", () => {
    expect(wasmFeatures().wasm).toBe(true)
    const c = new Float32Array(64 * 64)
    expect(wasmGemm(rand(64 * 64, 1), rand(64 * 64, 2), c, 1, 64, 64, 64)).toBe(true)
  })

  for (const mode of modes)
    it(`${mode}: equals an f64 reference within f32 rounding on edge and batched shapes`, () => {
      configureWasm({ mode, threads: 1 })
      expect(wasmSettings().mode).toBe(mode)
      shapes.forEach(([batch, m, k, n], s) => {
        const a = rand(batch * m * k, 10 + s),
          b = rand(batch * k * n, 100 + s)
        const c = new Float32Array(batch * m * n).fill(NaN)
        const took = wasmGemm(a, b, c, batch, m, k, n)
        // the tiniest problems stay on the JS path by design
        if (!took) return expect(batch * m * k * n).toBeLessThan(WASM_MIN_MACS)
        expectClose(c, reference(a, b, batch, m, k, n), k)
      })
    })

  it("gives bit-identical results on 1, 2 and 3 threads (the task split does not change the arithmetic)", () => {
    const cases: Array<[number, number, number, number]> = [
      [1, 300, 257, 520],
      [3, 129, 200, 257],
      [1, 1, 4096, 600],
    ]
    const inputs = cases.map(([batch, m, k, n], i) => [rand(batch * m * k, 7 + i), rand(batch * k * n, 8 + i)] as const)
    // threads outermost: each count starts its pool once
    const outs = [1, 2, 3].map((threads) => {
      configureWasm({ threads, mode: modes[0]! })
      return cases.map(([batch, m, k, n], i) => {
        const c = new Float32Array(batch * m * n)
        expect(wasmGemm(inputs[i]![0], inputs[i]![1], c, batch, m, k, n)).toBe(true)
        return c
      })
    })
    cases.forEach(([batch, m, k, n], i) => {
      expect(outs[1]![i]).toEqual(outs[0]![i])
      expect(outs[2]![i]).toEqual(outs[0]![i])
      expectClose(outs[0]![i]!, reference(inputs[i]![0], inputs[i]![1], batch, m, k, n), k)
    })
  })

  it("k = 0 gives zeros (an empty sum)", () => {
    configureWasm({ threads: 2, mode: modes[0]! })
    const c = new Float32Array(70 * 80).fill(5)
    expect(wasmGemm(new Float32Array(0), new Float32Array(0), c, 1, 70, 0, 80)).toBe(true)
    expect(c.every((v) => v === 0)).toBe(true)
  })

  it("disabled, it declines and leaves the output alone", () => {
    configureWasm({ enabled: false })
    const c = new Float32Array(64 * 64).fill(3)
    expect(wasmGemm(rand(64 * 64, 1), rand(64 * 64, 2), c, 1, 64, 64, 64)).toBe(false)
    expect(c.every((v) => v === 3)).toBe(true)
    configureWasm({ enabled: true })
  })
})

type M = tg.Tensor<number[], "f32", "cpu">
const host = (t: M) => Float32Array.from(t.dataSync() as ArrayLike<number>)

describe("CPU backend matmul on the Wasm kernel", () => {
  it("batched f32 matmul and transposed operands match the reference, with threads on and off", () => {
    const a = rand(3 * 70 * 90, 21),
      b = rand(3 * 90 * 65, 22)
    const want = reference(a, b, 3, 70, 90, 65)
    for (const threads of [1, 2]) {
      configureWasm({ threads, mode: modes[0]!, enabled: true })
      const ta = tg.tensor(a, [3, 70, 90]),
        tb = tg.tensor(b, [3, 90, 65])
      expectClose(host(tg.matmul(ta, tb) as unknown as M), want, 90)
      // a transposed twice (a strided view in between): the kernel sees the same matrices
      const back = ta.transpose().transpose()
      expectClose(host(tg.matmul(back, tb) as unknown as M), want, 90)
      // Bᵀ·Aᵀ = (A·B)ᵀ through transposed operands
      const tt = tg.matmul(tb.transpose(), ta.transpose()).transpose()
      expectClose(host(tt as unknown as M), want, 90)
    }
  })

  it("the gradient of sum((X·W)²) is 2·(X·W)·Wᵀ and 2·Xᵀ·(X·W)", () => {
    configureWasm({ threads: 2, mode: modes[0]!, enabled: true })
    const [m, k, n] = [40, 50, 30]
    const x = rand(m * k, 31),
      w = rand(k * n, 32)
    const { c: y } = reference(x, w, 1, m, k, n)
    const [gx, gw] = tg.grad(
      (xs: tg.Tensor<[40, 50], "f32", "cpu">, ws: tg.Tensor<[50, 30], "f32", "cpu">) => tg.matmul(xs, ws).square().sum(),
      { argnums: [0, 1] as const },
    )(tg.tensor(x, [40, 50]), tg.tensor(w, [50, 30])) as unknown as [M, M]
    // closed forms in f64 from the f64 product
    const gxRef = new Float64Array(m * k),
      gwRef = new Float64Array(k * n),
      gxMag = new Float64Array(m * k),
      gwMag = new Float64Array(k * n)
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++)
        for (let j = 0; j < n; j++) {
          gxRef[i * k + p]! += 2 * y[i * n + j]! * w[p * n + j]!
          gxMag[i * k + p]! += Math.abs(2 * y[i * n + j]! * w[p * n + j]!)
          gwRef[p * n + j]! += 2 * x[i * k + p]! * y[i * n + j]!
          gwMag[p * n + j]! += Math.abs(2 * x[i * k + p]! * y[i * n + j]!)
        }
    // two f32 products in a row: allow twice the single-product bound, over the longer depth
    const check = (got: Float32Array, want: Float64Array, mag: Float64Array) =>
      got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(8 * Math.max(k, m, n) * 2 ** -24 * mag[i]! + 1e-6))
    check(host(gx), gxRef, gxMag)
    check(host(gw), gwRef, gwMag)
  })
})
