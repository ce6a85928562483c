/**
 * The WebGPU kernel table: one kernel per primitive that is not elementwise (elementwise ones are
 * generated from the WGSL table in `elementwise.ts`). `satisfies` makes a missing kernel a compile
 * error, exactly like the CPU table.
 *
 * @since 0.1.0
 */
import type { ElementwiseName, ParamsOf, PrimitiveName } from "../../../ops/core/primitive.js"
import type { GpuKernel } from "./common.js"
import { ewKernel, isElementwise } from "./elementwise.js"
import { matmul } from "./matmul.js"
import { argReduce, reduceMax, reduceMin, reduceProd, reduceSum } from "./reduce.js"
import { broadcastTo, concat, pad, slice, transpose } from "./structural.js"
import { fold, unfold } from "./window.js"
import { gather, scatterAdd } from "./gather.js"
import { cholesky, lu, luPivots, qr, triangularSolve } from "./linalg.js"
import { argsort } from "./sort.js"
import { threefry } from "./random.js"

export const gpuKernels = {
  // immutable storage: a reshape shares its input's buffer
  reshape: (g, [x]) => g.pool.share(x!),
  reduceSum,
  reduceMax,
  reduceMin,
  reduceProd,
  argReduce,
  broadcastTo,
  transpose,
  slice,
  pad,
  concat,
  matmul,
  unfold,
  fold,
  gather,
  scatterAdd,
  argsort,
  threefry,
  luPivots,
  lu,
  triangularSolve,
  cholesky,
  qr,
} satisfies { readonly [P in Exclude<PrimitiveName, ElementwiseName>]: GpuKernel<ParamsOf<P>> }

/** The kernel of any primitive. */
export const gpuKernel = <P extends PrimitiveName>(prim: P): GpuKernel<ParamsOf<P>> =>
  // immutable storage: stopGradient shares its input's buffer
  prim === "stopGradient"
    ? (g, [x]) => g.pool.share(x!)
    : isElementwise(prim)
      ? (ewKernel(prim) as GpuKernel<ParamsOf<P>>)
      : (gpuKernels[prim as Exclude<P, ElementwiseName>] as GpuKernel<ParamsOf<P>>)
