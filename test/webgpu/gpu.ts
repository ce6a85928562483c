// Shared by the WebGPU suites: one device per test file, acquired at import. With
// TYPEGRAD_REQUIRE_WEBGPU=1 a missing adapter fails the suite; otherwise the suites skip.
import { afterAll, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import { acquireWebGpu, releaseWebGpu } from "../../src/device/webgpu/index.js"
import { hostConvert, type HostArray } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import "../../src/ops/prims/index.js"
import { setDefaultDevice } from "../../src/ops/core/defaults.js"
import type { DType } from "../../src/shape/index.js"
import { Tensor, type AnyTensor } from "../../src/ops/core/tensor.js"

setDefaultDevice(cpu)
export const required = process.env.TYPEGRAD_REQUIRE_WEBGPU === "1"

let device: Device<"webgpu"> | null = null
let reason = ""
try {
  device = await acquireWebGpu()
} catch (e) {
  reason = String(e)
}
export const gpu = device
export const noGpu = gpu === null

/** Call at the top of a suite file: fails without an adapter when required, releases the device at the end. */
export const gpuSuite = (): void => {
  it.skipIf(!required)("has a WebGPU adapter (TYPEGRAD_REQUIRE_WEBGPU=1)", () => {
    expect(reason, "no WebGPU adapter").toBe("")
  })
  afterAll(() => {
    if (gpu !== null) releaseWebGpu(gpu)
  })
}

/** A tensor of `dtype` holding `data` on `dev`. */
export const tensorOn = (dev: Device, data: ArrayLike<number>, shape: ReadonlyArray<number>, dtype: DType = "f32"): AnyTensor => {
  const av = { shape: [...shape], dtype }
  return new Tensor(av, dev, dev.backend.upload(hostConvert(data, dtype), av))
}

export const read = (x: AnyTensor): Promise<HostArray> => x.device.backend.read(x._impl as never, x.aval)

/** Seeded generator (mulberry32). */
export const rng = (seed: number) => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!,
    uniform: (lo: number, hi: number) => lo + (hi - lo) * next(),
  }
}
export type Rng = ReturnType<typeof rng>

/** Max |a - b| / (atol + rtol·|b|) over elements (NaN and ±inf must match exactly); ≤ 1 passes. */
export const mismatch = (a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { worst: number; at: number } => {
  let worst = 0,
    at = -1
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!,
      y = b[i]!
    let e: number
    if (Number.isNaN(y) || !Number.isFinite(y)) e = Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Infinity
    else e = Math.abs(x - y) / (atol + rtol * Math.abs(y))
    if (!(e <= worst)) (worst = e), (at = i)
  }
  return { worst, at }
}
