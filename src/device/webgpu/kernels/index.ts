/**
 * The WebGPU kernel table, one entry per primitive. `satisfies` makes a missing kernel a compile
 * error, exactly like the CPU table.
 *
 * @since 0.1.0
 */
import type { ParamsOf, PrimitiveName } from "../../../ops/core/primitive.js"
import type { GpuKernel } from "./common.js"
import { ewKernel } from "./elementwise.js"
import { matmul } from "./matmul.js"
import { argReduce, reduceMax, reduceMin, reduceProd, reduceSum } from "./reduce.js"
import { broadcastTo, concat, pad, slice, transpose } from "./structural.js"
import { fold, unfold } from "./window.js"

export const gpuKernels = {
  neg: ewKernel("neg"), exp: ewKernel("exp"), log: ewKernel("log"), log1p: ewKernel("log1p"), sin: ewKernel("sin"), cos: ewKernel("cos"),
  sqrt: ewKernel("sqrt"), tanh: ewKernel("tanh"), sigmoid: ewKernel("sigmoid"), abs: ewKernel("abs"), sign: ewKernel("sign"),
  add: ewKernel("add"), sub: ewKernel("sub"), mul: ewKernel("mul"), div: ewKernel("div"), pow: ewKernel("pow"), max: ewKernel("max"), min: ewKernel("min"),
  compare: ewKernel("compare"), where: ewKernel("where"), cast: ewKernel("cast"),
  // immutable storage: these share their input's buffer
  stopGradient: (g, [x]) => g.pool.share(x!),
  reshape: (g, [x]) => g.pool.share(x!),
  reduceSum, reduceMax, reduceMin, reduceProd, argReduce,
  broadcastTo, transpose, slice, pad, concat,
  matmul, unfold, fold,
} satisfies { readonly [P in PrimitiveName]: GpuKernel<ParamsOf<P>> }
