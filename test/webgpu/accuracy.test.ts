// Rounding of long reductions and matmuls on WebGPU (and the CPU beside it) against f64 references,
// at the bounds docs/numerics.md states: sums carry O(log n) roundings (multi-pass trees), matmuls
// split long inner dimensions (split-K), fused reductions under jit take the same passes.
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { splitK } from "../../src/device/webgpu/kernels/matmul.js"
import type { Device } from "../../src/ops/core/backend.js"
import * as lax from "../../src/ops/core/lax.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { jit } from "../../src/grad/jit.js"
import { gpu, gpuSuite, read, rng, tensorOn } from "./gpu.js"

gpuSuite()

const f32 = Math.fround
/** |got - want| / scale, the error measure of the bounds (scale: Σ|terms|). */
const relErr = (got: number, want: number, scale: number) => Math.abs(got - want) / scale

const devices = (): ReadonlyArray<Device> => [cpu, gpu!]

describe.skipIf(gpu === null)("long sums and products against f64", () => {
  it("[1, K] of 0.1 @ [K, 1] of ones: relative error ≤ 1e-5 from K = 1,024 to 1,000,000", async () => {
    for (const dev of devices())
      for (const K of [1024, 16_384, 262_144, 1_000_000]) {
        const a = tensorOn(dev, new Float32Array(K).fill(0.1), [1, K]),
          b = tensorOn(dev, new Float32Array(K).fill(1), [K, 1])
        const got = (await read(lax.matmul(a, b)))[0]!
        expect(relErr(got, K * f32(0.1), K * f32(0.1)), `${dev.name} K = ${K}`).toBeLessThanOrEqual(1e-5)
      }
  })
  it("full([1e7], 0.1).sum(): relative error ≤ 5e-7", async () => {
    for (const dev of devices()) {
      const n = 10_000_000
      const got = (await read(lax.reduceSum(tensorOn(dev, new Float32Array(n).fill(0.1), [n]), [0])))[0]!
      expect(relErr(got, n * f32(0.1), n * f32(0.1)), dev.name).toBeLessThanOrEqual(5e-7)
    }
  })
  it("random rows, columns and jitted (fused) sums: error ≤ 5e-7 · Σ|x|", async () => {
    const r = rng(3)
    for (const n of [4096, 262_144, 4_000_000]) {
      const xs = Float32Array.from({ length: n }, () => r.uniform(-1, 1))
      // f64 references: the whole sum, the sums of 4 interleaved columns, and their magnitudes
      let all = 0,
        mag = 0
      const col = [0, 0, 0, 0],
        colMag = [0, 0, 0, 0]
      xs.forEach((v, i) => ((all += v), (mag += Math.abs(v)), (col[i % 4]! += v), (colMag[i % 4]! += Math.abs(v))))
      for (const dev of devices()) {
        const x = tensorOn(dev, xs, [n])
        expect(relErr((await read(lax.reduceSum(x, [0])))[0]!, all, mag), `${dev.name} row n = ${n}`).toBeLessThanOrEqual(5e-7)
        const cols = await read(lax.reduceSum(lax.reshape(x, [n / 4, 4]), [0]))
        for (let j = 0; j < 4; j++)
          expect(relErr(cols[j]!, col[j]!, colMag[j]!), `${dev.name} column ${j} n = ${n}`).toBeLessThanOrEqual(5e-7)
        const fused = jit((t: AnyTensor) => lax.reduceSum(lax.mul(t, 2), [0]))
        expect(relErr((await read(fused(x)))[0]!, 2 * all, 2 * mag), `${dev.name} jit n = ${n}`).toBeLessThanOrEqual(5e-7)
      }
    }
  })
  it("batched split-K matmuls (vec4 and scalar loads, ragged tiles): error ≤ 1e-5 · Σ|a·b| per element", async () => {
    const r = rng(9)
    for (const [B, M, K, N] of [
      [2, 33, 2000, 17],
      [1, 3, 1500, 8],
      [2, 65, 600, 64],
    ] as const) {
      const as = Float32Array.from({ length: B * M * K }, () => r.uniform(-1, 1)),
        bs = Float32Array.from({ length: B * K * N }, () => r.uniform(-1, 1))
      for (const dev of devices()) {
        const got = await read(lax.matmul(tensorOn(dev, as, [B, M, K]), tensorOn(dev, bs, [B, K, N])))
        for (let q = 0; q < B; q++)
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = 0,
                m = 0
              for (let k = 0; k < K; k++) {
                const p = as[(q * M + i) * K + k]! * bs[(q * K + k) * N + j]!
                s += p
                m += Math.abs(p)
              }
              const e = relErr(got[(q * M + i) * N + j]!, s, m)
              if (!(e <= 1e-5))
                expect(e, `${dev.name} [${B}, ${M}, ${K}] @ [${B}, ${K}, ${N}] at (${q}, ${i}, ${j})`).toBeLessThanOrEqual(1e-5)
            }
      }
    }
  })
  it("split-K lengths: whole below 257, else multiples of 256 within the partials' memory budget", () => {
    expect(splitK(256, 1)).toBe(256)
    expect(splitK(257, 1)).toBe(256)
    expect(splitK(1_000_000, 1)).toBe(256)
    // 2²⁴ partial elements for 2²⁰ outputs: at most 16 splits
    const kc = splitK(65_536, 1 << 20)
    expect(kc % 256).toBe(0)
    expect(Math.ceil(65_536 / kc)).toBeLessThanOrEqual(16)
  })
})
