/**
 * The CPU backend: pure TypeScript, synchronous, always available (the embedded default device).
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { OutOfMemory } from "../../errors.js"
import { hostBytes, hostCopy, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { Backend, Device, Storage } from "../../ops/core/backend.js"
import type { ElementwiseName, ParamsOf, PrimitiveName } from "../../ops/core/primitive.js"
import { compileCpu } from "./compile.js"
import { exprOf, isElementwise } from "./elementwise.js"
import { cpuKernels, matmulKernel, type CpuKernel } from "./kernels.js"
import { matmulLayout } from "./matmul.js"
import { CpuStorage } from "./storage.js"
import { mapElementwise, viewKernels } from "./views.js"

export { CpuStorage }

const data = (s: Storage): HostArray => (s as CpuStorage).data

/** A matmul operand: a view that is its base in order or with the last two axes swapped is read in place. */
const matmulOperand = (s: CpuStorage, shape: ReadonlyArray<number>): { data: HostArray; transposed: boolean } => {
  const v = s.view
  const layout = v === undefined ? undefined : matmulLayout(shape, v.strides)
  if (v === undefined || layout === undefined) return { data: s.data, transposed: false }
  const n = numel(shape)
  return {
    data: v.offset === 0 && n === v.base.length ? v.base : v.base.subarray(v.offset, v.offset + n),
    transposed: layout === "transposed",
  }
}

/**
 * The most elements one CPU tensor may have: the longest typed array JavaScript engines allow
 * (V8 on 64-bit hosts). A larger request fails with `OutOfMemory` before anything is allocated.
 */
export const cpuMaxElements = 2 ** 32

const checkAlloc = (aval: Aval, op: string): void => {
  const n = numel(aval.shape)
  if (n <= cpuMaxElements) return
  const per = hostBytes(aval.dtype)
  throw new OutOfMemory({
    bytes: n * per,
    limit: cpuMaxElements * per,
    message:
      `${op}: a ${aval.dtype} tensor of shape [${aval.shape.join(", ")}] needs ${n * per} bytes; ` +
      `one cpu tensor holds at most ${cpuMaxElements} elements (${cpuMaxElements * per} bytes of ${aval.dtype})`,
  })
}

export const cpuBackend: Backend = {
  kind: "cpu",
  upload: (h: HostArray) => new CpuStorage(h.slice()),
  adopt: (h: HostArray) => new CpuStorage(h),
  checkAlloc,
  run: <P extends PrimitiveName>(
    prim: P,
    inputs: ReadonlyArray<Storage>,
    inAvals: ReadonlyArray<Aval>,
    params: ParamsOf<P>,
    outAvals: ReadonlyArray<Aval>,
  ) => {
    if (isElementwise(prim)) {
      const e = exprOf(prim, params as ParamsOf<typeof prim>, outAvals[0]!.dtype)
      return [mapElementwise(e, inputs as ReadonlyArray<CpuStorage>, inAvals, outAvals[0]!)]
    }
    const v = viewKernels[prim]?.(inputs as ReadonlyArray<CpuStorage>, inAvals, params, outAvals[0]!)
    if (v !== undefined) return [v]
    if (prim === "matmul") {
      // a transposed (or offset) view is read in its stored layout: no copy of the operand
      const [a, b] = inputs.map((s, i) => matmulOperand(s as CpuStorage, inAvals[i]!.shape))
      return [new CpuStorage(matmulKernel(a!.data, a!.transposed, b!.data, b!.transposed, inAvals[0]!, inAvals[1]!, outAvals[0]!))]
    }
    const k = cpuKernels[prim as Exclude<P, ElementwiseName>] as CpuKernel<P>
    return [new CpuStorage(k(inputs.map(data), inAvals, params, outAvals[0]!))]
  },
  readSync: (s: Storage) => data(s),
  // a copy: tensors are immutable, and the caller may write into what it gets back
  read: (s: Storage) => Promise.resolve(hostCopy(data(s))),
  supports: (d: DType) => d !== "f16",
  compile: (program, consts) => compileCpu(program, consts),
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
