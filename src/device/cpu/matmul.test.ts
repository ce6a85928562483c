import { afterAll, describe, expect, it } from "vitest"
import * as tg from "../../index.js"
import type { Program, Storage } from "../../ops/core/backend.js"
import * as lax from "../../ops/core/lax.js"
import { fromHost } from "../../ops/core/host.js"
import { hostAlloc } from "../../ops/core/aval.js"
import type { AnyTensor } from "../../ops/core/tensor.js"
import { cpu } from "./index.js"
import { compileCpu } from "./compile.js"
import { matmulKernel, matmulTrace } from "./kernels.js"
import { gemm, matmulLayout } from "./matmul.js"
import { wasmFeatures } from "./wasm/features.js"
import { configureWasm, shutdownWasm, wasmGemm, wasmSettings, type WasmSettings } from "./wasm/gemm.js"
import type { GemmMode } from "./wasm/gemm-codegen.js"

type D = "f32" | "f64" | "i32"
type Dims = readonly [batch: number, m: number, k: number, n: number]

/** Deterministic values (an LCG): in [-1, 1) for floats, integers in [-2¹⁹, 2¹⁹) for i32 (products overflow i32). */
const values = (n: number, seed: number, dtype: D): number[] => {
  let s = seed >>> 0
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return dtype === "i32" ? (s >>> 12) - 2 ** 19 : s / 2 ** 31 - 1
  })
}

/** The [batch, r, c] matrices `x` stored transposed ([batch, c, r]). */
const transposed = (x: ReadonlyArray<number>, batch: number, r: number, c: number): number[] => {
  const y = new Array<number>(x.length)
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[q * r * c + j * r + i] = x[q * r * c + i * c + j]!
  return y
}

/** Plain triple loop over the logical (row-major) A and B: f64 sums and Σ|a·b|, or i32 sums wrapping at every step. */
const reference = (a: ReadonlyArray<number>, b: ReadonlyArray<number>, [batch, m, k, n]: Dims, dtype: D) => {
  const c = new Float64Array(batch * m * n),
    mag = new Float64Array(batch * m * n)
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0,
          t = 0
        for (let p = 0; p < k; p++) {
          const x = a[(q * m + i) * k + p]!,
            y = b[(q * k + p) * n + j]!
          if (dtype === "i32") s = (s + Math.imul(x, y)) | 0
          else (s += x * y), (t += Math.abs(x * y))
        }
        c[(q * m + i) * n + j] = s
        mag[(q * m + i) * n + j] = t
      }
  return { c, mag }
}

/** i32 exact; f64 within 1e-12·Σ|a·b|; f32 within the classic 2·k·ε_f32·Σ|a·b| (inputs are exact f32 values). */
const expectMatches = (got: ArrayLike<number>, want: { c: Float64Array; mag: Float64Array }, k: number, dtype: D) => {
  expect(got.length).toBe(want.c.length)
  let worst = 0
  for (let i = 0; i < got.length; i++) {
    if (dtype === "i32") {
      if (got[i] !== want.c[i]) worst = Math.max(worst, 2)
      continue
    }
    const eps = dtype === "f32" ? 2 * Math.max(k, 1) * 2 ** -24 : 1e-12
    worst = Math.max(worst, Math.abs(got[i]! - want.c[i]!) / (eps * want.mag[i]! + 1e-30))
  }
  expect(worst).toBeLessThanOrEqual(1)
}

/** m, k, n off the tiles (3×12 Wasm, 4×4 JS) and blocks, 1 and 0, batched; k > 1024 takes the f32 long-K path. */
const shapes: Dims[] = [
  [1, 1, 1, 1],
  [1, 0, 3, 4],
  [1, 3, 0, 4],
  [1, 3, 4, 0],
  [1, 1, 7, 13],
  [1, 13, 7, 1],
  [1, 5, 1, 9],
  [1, 17, 33, 25],
  [3, 14, 9, 27],
  [2, 65, 130, 37],
  [1, 200, 300, 530],
  [2, 7, 1100, 5],
]
const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const
const av = (dtype: D, shape: ReadonlyArray<number>) => ({ dtype, shape }) as never

/** The kernel on A, B stored as the flags say, against the reference on the logical A, B. */
const checkKernel = (dtype: D, dims: Dims, ta: boolean, tb: boolean, seed: number) => {
  const [batch, m, k, n] = dims
  const a = values(batch * m * k, seed, dtype),
    b = values(batch * k * n, seed + 1, dtype)
  const store = (x: number[]) => {
    const h = hostAlloc(dtype, x.length)
    h.set(x)
    return h
  }
  const sa = store(ta ? transposed(a, batch, m, k) : a),
    sb = store(tb ? transposed(b, batch, k, n) : b)
  const y = matmulKernel(sa, ta, sb, tb, av(dtype, [batch, m, k]), av(dtype, [batch, k, n]), av(dtype, [batch, m, n]))
  expectMatches(y, reference(a, b, dims, dtype), k, dtype)
}

const saved: WasmSettings = wasmSettings()
afterAll(() => {
  configureWasm(saved)
  shutdownWasm()
})

const modes: GemmMode[] = (["relaxed", "simd", "scalar"] as const).filter((m) =>
  m === "relaxed" ? wasmFeatures().relaxed : m === "simd" ? wasmFeatures().simd : wasmFeatures().wasm,
)

describe("cpu matmul with transposed operands (read in place)", () => {
  it("the Wasm kernel takes transposed operands (these tests exercise it, not the JS fallback)", () => {
    configureWasm({ enabled: true, threads: 1 })
    const a = new Float32Array(values(64 * 64, 1, "f32")),
      b = new Float32Array(values(64 * 64, 2, "f32"))
    expect(wasmGemm(a, b, new Float32Array(64 * 64), 1, 64, 64, 64, true, true)).toBe(true)
  })

  const settings: Array<[string, Partial<WasmSettings>]> = [
    ...modes.map((mode): [string, Partial<WasmSettings>] => [`wasm ${mode}, 1 thread`, { enabled: true, mode, threads: 1 }]),
    ["wasm, 2 threads", { enabled: true, mode: modes[0]!, threads: 2 }],
    ["JS kernel (wasm disabled)", { enabled: false, threads: 1 }],
  ]
  for (const [name, s] of settings)
    it(`f32, ${name}: every combination of transposed A and B equals a triple loop`, () => {
      configureWasm(s)
      shapes.forEach((dims, i) => flags.forEach(([ta, tb], f) => checkKernel("f32", dims, ta, tb, 10 * i + f)))
    })

  for (const dtype of ["f64", "i32"] as const)
    it(`${dtype}: every combination of transposed A and B equals a triple loop`, () => {
      shapes.forEach((dims, i) => flags.forEach(([ta, tb], f) => checkKernel(dtype, dims, ta, tb, 10 * i + f)))
    })

  it("the JS gemm reads transposed layouts across several K and N panels (k=600, n=1100)", () => {
    const dims: Dims = [1, 6, 600, 1100]
    const [, m, k, n] = dims
    const a = values(m * k, 5, "f64"),
      b = values(k * n, 6, "f64")
    for (const [ta, tb] of flags) {
      const c = new Float64Array(m * n)
      gemm(Float64Array.from(ta ? transposed(a, 1, m, k) : a), Float64Array.from(tb ? transposed(b, 1, k, n) : b), c, 1, m, k, n, ta, tb)
      expectMatches(c, reference(a, b, dims, "f64"), k, "f64")
    }
  })

  it("matmulLayout: contiguous, last-two-swapped and other strides", () => {
    expect(matmulLayout([2, 3, 4], [12, 4, 1])).toBe("plain")
    expect(matmulLayout([2, 3, 4], [12, 1, 3])).toBe("transposed")
    expect(matmulLayout([3, 4], [1, 3])).toBe("transposed")
    // size-1 axes may carry any stride
    expect(matmulLayout([1, 3, 4], [99, 1, 3])).toBe("transposed")
    expect(matmulLayout([3, 1], [1, 7])).toBe("plain")
    // a batch axis that is not outermost-contiguous, a broadcast, a strided slice
    expect(matmulLayout([2, 3, 4], [1, 8, 2])).toBeUndefined()
    expect(matmulLayout([2, 3, 4], [0, 4, 1])).toBeUndefined()
    expect(matmulLayout([3, 4], [8, 2])).toBeUndefined()
  })
})

const tensor = (x: ReadonlyArray<number>, shape: number[], dtype: D) => fromHost(x as number[], shape, dtype, cpu)
const read = (t: AnyTensor) => Array.from(tg.dataSync(t as never) as ArrayLike<number>)
const compiled = (f: (...xs: AnyTensor[]) => unknown, ...xs: AnyTensor[]) => {
  const j = tg.jit(f as (...xs: unknown[]) => unknown).lower(...xs)
  return compileCpu(
    j as unknown as Program,
    j.consts.map((c) => c._impl as Storage),
  )
}

describe("cpu matmul of mT views: eager and jit read the base in place", () => {
  const cases: Array<[D, Dims]> = [
    ["f32", [1, 33, 70, 21]],
    ["f32", [3, 5, 17, 9]],
    ["f64", [2, 6, 5, 7]],
    ["i32", [1, 9, 4, 6]],
  ]
  for (const [dtype, dims] of cases)
    for (const [ta, tb] of flags) {
      const [batch, m, k, n] = dims
      const lead = batch === 1 ? [] : [batch]
      // the stored operands: Aᵀ, Bᵀ as contiguous tensors when flagged; the product reads mT of them
      const f = (x: AnyTensor, y: AnyTensor) => lax.matmul(ta ? lax.mT(x) : x, tb ? lax.mT(y) : y)
      it(`${dtype} ${ta ? "Aᵀ" : "A"}·${tb ? "Bᵀ" : "B"} at [${dims.join(", ")}] equals a triple loop, eager and jitted, without copies`, () => {
        configureWasm({ enabled: true, threads: 1 })
        const a = values(batch * m * k, 3, dtype),
          b = values(batch * k * n, 4, dtype)
        const x = tensor(ta ? transposed(a, batch, m, k) : a, [...lead, ...(ta ? [k, m] : [m, k])], dtype),
          y = tensor(tb ? transposed(b, batch, k, n) : b, [...lead, ...(tb ? [n, k] : [k, n])], dtype)
        const want = reference(a, b, dims, dtype)
        const before = { ...matmulTrace }
        const eager = f(x, y)
        expect(matmulTrace.transposedA - before.transposedA).toBe(ta ? 1 : 0)
        expect(matmulTrace.transposedB - before.transposedB).toBe(tb ? 1 : 0)
        expect(eager.shape).toEqual([...lead, m, n])
        expectMatches(read(eager), want, k, dtype)

        const jf = tg.jit(f)
        const mid = { ...matmulTrace }
        const jitted = jf(x, y)
        expectMatches(read(jitted), want, k, dtype)
        expect(matmulTrace.transposedA - mid.transposedA).toBe(ta ? 1 : 0)
        expect(matmulTrace.transposedB - mid.transposedB).toBe(tb ? 1 : 0)
        // the compiled program is the matmul alone: no copy loop through the transpose
        const p = compiled(f, x, y)
        expect(p.loops).toBe(0)
        expect(p.steps).toBe(1)
      })
    }

  it("a Linear layer's step (x·Wᵀ forward; g·W and xᵀ·g backward) under grad and jit matches eager and runs no copy loop", () => {
    const [bs, din, dout] = [6, 5, 4]
    const x = tensor(values(bs * din, 7, "f64"), [bs, din], "f64"),
      w = tensor(values(dout * din, 8, "f64"), [dout, din], "f64")
    const loss = (w: AnyTensor, x: AnyTensor) => lax.reduceSum(lax.mul(lax.matmul(x, lax.mT(w)), lax.matmul(x, lax.mT(w))), [0, 1])
    const g = tg.grad(loss as never) as unknown as (w: AnyTensor, x: AnyTensor) => AnyTensor
    // dL/dW = 2·(x·Wᵀ)ᵀ·x, by hand on the host
    const xh = read(x),
      wh = read(w)
    const y = Array.from({ length: bs * dout }, (_, i) => {
      let s = 0
      for (let p = 0; p < din; p++) s += xh[Math.floor(i / dout) * din + p]! * wh[(i % dout) * din + p]!
      return s
    })
    const want = Array.from({ length: dout * din }, (_, i) => {
      let s = 0
      for (let q = 0; q < bs; q++) s += 2 * y[q * dout + Math.floor(i / din)]! * xh[q * din + (i % din)]!
      return s
    })
    const eager = read(g(w, x))
    const before = matmulTrace.transposedA + matmulTrace.transposedB
    const jitted = read(tg.jit(g)(w, x))
    // forward x·Wᵀ and the backward products read their mT operands in place
    expect(matmulTrace.transposedA + matmulTrace.transposedB - before).toBeGreaterThanOrEqual(2)
    eager.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
    jitted.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
    // no generated loop is a bare copy (a loop without arithmetic); a program returning mT(x) is one
    const copies = (f: (...xs: AnyTensor[]) => unknown, ...xs: AnyTensor[]) =>
      compiled(f, ...xs).sources.filter((s) => !/const t0 =/.test(s))
    expect(copies((x) => [lax.mT(x)], x)).toHaveLength(1)
    expect(copies(g as never, w, x)).toEqual([])
  })
})

describe("eager mT is a view", () => {
  it("transpose of the last two axes reads through its base; other permutations copy; values match", () => {
    const x = tensor(values(24, 9, "f64"), [2, 3, 4], "f64")
    const t = lax.mT(x)
    const xh = read(x)
    expect(read(t)).toEqual(transposed(xh, 2, 3, 4))
    // composed with a slice (a view of a view), then an elementwise op reading it in place
    const s = lax.mul(lax.mT(lax.slice(x, [0, 1, 0], [1, 1, 2], [2, 2, 2])), 2)
    const want: number[] = []
    for (let q = 0; q < 2; q++) for (let j = 0; j < 4; j += 2) for (let i = 1; i < 3; i++) want.push(2 * xh[q * 12 + i * 4 + j]!)
    expect(read(s)).toEqual(want)
    const other = lax.transpose(x, [1, 0, 2])
    const w2: number[] = []
    for (let i = 0; i < 3; i++) for (let q = 0; q < 2; q++) for (let j = 0; j < 4; j++) w2.push(xh[q * 12 + i * 4 + j]!)
    expect(read(other)).toEqual(w2)
  })
})
