/**
 * Test helpers for `src/grad` tests (CPU tensors at the lax level, host reads).
 * @internal
 */
import { cpu, type CpuStorage } from "../device/cpu/index.js"
import { hostConvert } from "../ops/core/aval.js"
import "../ops/prims/index.js"
import { setDefaultDevice } from "../ops/core/defaults.js"
import { Tensor, type AnyTensor } from "../ops/core/tensor.js"
import type { DType } from "../shape/index.js"

setDefaultDevice(cpu)

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number])
const shapeOf = (x: unknown): number[] => (Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : [])

/** A CPU tensor from nested arrays (f64 by default: gradient checks want precision). */
export const t = (x: unknown, dtype: DType = "f64"): AnyTensor => {
  const shape = shapeOf(x)
  return new Tensor({ shape, dtype }, cpu, cpu.backend.upload(hostConvert(flat(x), dtype), { shape, dtype }))
}

/** Host values of a concrete CPU tensor. */
export const arr = (x: AnyTensor): number[] => Array.from((x._impl as CpuStorage).data)
export const item = (x: AnyTensor): number => arr(x)[0]!

/** Expect arrays equal within `tol` (absolute + relative). */
export const close = (a: ReadonlyArray<number>, b: ReadonlyArray<number>, tol = 1e-6): boolean =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol * (1 + Math.abs(b[i]!)))

/** Central finite-difference gradient of a scalar function of one tensor (f64). */
export const fdGrad = (f: (x: AnyTensor) => AnyTensor, x: AnyTensor, eps = 1e-6): number[] => {
  const base = arr(x)
  return base.map((_, i) => {
    const up = base.slice(),
      dn = base.slice()
    up[i]! += eps
    dn[i]! -= eps
    const mk = (v: number[]) => new Tensor(x.aval, cpu, cpu.backend.upload(hostConvert(v, x.dtype), x.aval))
    return (item(f(mk(up))) - item(f(mk(dn)))) / (2 * eps)
  })
}
