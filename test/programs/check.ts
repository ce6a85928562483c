/**
 * The random-program property, shared by the CI test and the soak script: one program on one set
 * of inputs, run eager and under `jit` on the CPU and (given a device) on WebGPU, and its
 * gradient (of the sum of its outputs) on both; every result is compared with eager CPU f32.
 */
import * as fc from "fast-check"
import { cpu } from "../../src/device/cpu/index.js"
import { jit } from "../../src/grad/jit.js"
import { vjp } from "../../src/grad/vjp.js"
import { hostConvert } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import { Tensor, type AnyTensor } from "../../src/ops/core/tensor.js"
import "../../src/ops/prims/index.js"
import { evaluate, inputValues, programArb, show, total, type Program } from "./generate.js"

/** Tolerances against eager CPU f32 (elementwise, or relative to the largest element where `normwise`; see `agree`). */
export const TOL = {
  /** jit on the CPU (fused loops) vs eager CPU */
  jitCpu: { rtol: 1e-6, atol: 1e-6 },
  /** eager or jit WebGPU vs eager CPU (both f32; transcendental functions differ in the last bits) */
  gpu: { rtol: 1e-4, atol: 1e-5 },
  /**
   * jit of the gradient on the CPU vs eager, relative to the largest element: the staged backward
   * pass may sum cotangents in another order, and fused loops round the derivative of a saturated
   * tanh (1 − tanh², a cancellation) at another point than eager f32 ops
   */
  jitGradCpu: { rtol: 1e-5, atol: 1e-5, normwise: true },
  /** eager CPU f32 vs eager CPU f64 (the f32 roundings of a program of a few ops) */
  f64: { rtol: 1e-4, atol: 1e-5 },
  /** gradients on WebGPU vs on the CPU */
  grad: { rtol: 1e-4, atol: 1e-5, normwise: true },
} as const

const tensorOn = (dev: Device, data: ReadonlyArray<number>, shape: ReadonlyArray<number>, dtype: "f32" | "f64" = "f32"): AnyTensor => {
  const av = { shape: [...shape], dtype }
  return new Tensor(av, dev, dev.backend.upload(hostConvert(data, dtype), av))
}
const read = async (x: AnyTensor): Promise<number[]> =>
  Array.from((await x.device.backend.read(x._impl as never, x.aval)) as ArrayLike<number>)

/**
 * Throws naming `what`, the element and both values, when `got` and `want` disagree beyond the
 * tolerance: |got − want| ≤ atol + rtol·|want|, or with `normwise` ≤ atol + rtol·max|want| (for
 * gradients, whose elements are sums of cotangents that may cancel).
 */
const agree = async (
  got: ReadonlyArray<AnyTensor>,
  want: ReadonlyArray<AnyTensor>,
  tol: { rtol: number; atol: number; normwise?: boolean },
  what: string,
) => {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} results, expected ${want.length}`)
  for (let k = 0; k < want.length; k++) {
    if (got[k]!.shape.join() !== want[k]!.shape.join())
      throw new Error(`${what}: result ${k} has shape [${got[k]!.shape}], expected [${want[k]!.shape}]`)
    const [a, b] = [await read(got[k]!), await read(want[k]!)]
    const scale = tol.normwise === true ? b.reduce((m, y) => (Number.isFinite(y) ? Math.max(m, Math.abs(y)) : m), 0) : 0
    for (let i = 0; i < b.length; i++) {
      const x = a[i]!,
        y = b[i]!
      const ok = Number.isFinite(y) ? Math.abs(x - y) <= tol.atol + tol.rtol * Math.max(Math.abs(y), scale) : Object.is(x, y)
      if (!ok) throw new Error(`${what}: result ${k} element ${i}: ${x} vs reference ${y} (rtol ${tol.rtol}, atol ${tol.atol})`)
    }
  }
}

/** Gradient of the program's total with respect to every input, on the inputs' device. */
const gradOf = (p: Program, xs: ReadonlyArray<AnyTensor>): AnyTensor[] => {
  const [y, pull] = vjp((...a: AnyTensor[]) => total(p)(...a), ...xs)
  return pull(tensorOn(xs[0]!.device, [1], y.shape) as never) as AnyTensor[]
}

/** Run one program on `seed`'s inputs on every path; throws on the first disagreement. */
export const checkProgram = async (p: Program, seed: number, gpu: Device | null): Promise<void> => {
  const vals = inputValues(p, seed)
  const on = (dev: Device) => p.inputs.map((s, i) => tensorOn(dev, vals[i]!, s))
  const f = evaluate(p)
  const want = f(...on(cpu))
  await agree(want, f(...p.inputs.map((s, i) => tensorOn(cpu, vals[i]!, s, "f64"))), TOL.f64, "eager CPU f32 vs f64")
  await agree(jit(f)(...on(cpu)), want, TOL.jitCpu, "jit CPU")
  const gWant = gradOf(p, on(cpu))
  await agree(jit((...xs: AnyTensor[]) => gradOf(p, xs))(...on(cpu)), gWant, TOL.jitGradCpu, "jit grad CPU")
  // a data-dependent `cond` reads its predicate on the host, which WebGPU refuses by design (a
  // HostAccessError; docs/transforms.md): programs with one are checked on the CPU only
  if (gpu === null || p.ops.some((op) => op.op === "cond")) return
  await agree(f(...on(gpu)), want, TOL.gpu, "eager WebGPU")
  await agree(jit(f)(...on(gpu)), want, TOL.gpu, "jit WebGPU")
  await agree(gradOf(p, on(gpu)), gWant, TOL.grad, "grad WebGPU")
}

/** The property: programs of up to `maxOps` ops, any input seed. */
export const programProperty = (gpu: Device | null, maxOps = 8) =>
  fc.asyncProperty(programArb(maxOps), fc.integer(), async (p, seed) => {
    try {
      await checkProgram(p, seed, gpu)
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nseed ${seed}\n${show(p)}`)
    }
  })
