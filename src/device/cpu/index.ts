/**
 * The CPU backend: pure TypeScript, synchronous, always available (the embedded default device).
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { Aval, HostArray } from "../../ops/aval.js"
import type { Backend, Device, Storage } from "../../ops/backend.js"
import type { ParamsOf, PrimitiveName } from "../../ops/primitive.js"
import { cpuKernels, type CpuKernel } from "./kernels.js"

/** CPU storage: a contiguous typed array, never mutated once a tensor owns it. */
export class CpuStorage implements Storage {
  declare readonly __storage: true
  constructor(readonly data: HostArray) {}
}

const data = (s: Storage): HostArray => (s as CpuStorage).data

export const cpuBackend: Backend = {
  kind: "cpu",
  upload: (h: HostArray) => new CpuStorage(h.slice()),
  run: <P extends PrimitiveName>(prim: P, inputs: ReadonlyArray<Storage>, inAvals: ReadonlyArray<Aval>, params: ParamsOf<P>, outAvals: ReadonlyArray<Aval>) => {
    const k = cpuKernels[prim] as CpuKernel<P>
    return [new CpuStorage(k(inputs.map(data), inAvals, params, outAvals[0]!))]
  },
  readSync: (s: Storage) => data(s),
  read: (s: Storage) => Promise.resolve(data(s)),
  supports: (d: DType) => d !== "f16",
}

/**
 * The CPU device: always present, synchronous, the default for every factory.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.zeros([2, 2], { device: tg.cpu }).device.name // "cpu"
 * @since 0.1.0
 * @category devices
 */
export const cpu: Device<"cpu"> = { kind: "cpu", name: "cpu", backend: cpuBackend }
