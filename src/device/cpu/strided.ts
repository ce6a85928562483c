/**
 * Strided copies shared by the CPU kernels: one N-d copy serves broadcastTo, transpose, slice, pad
 * and concat. It is the identity expression of the generated map in `codegen.ts`.
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/core/aval.js"
import { broadcastStrides } from "../../shape/index.js"
import { contiguous, copyExpr, stridedMap } from "./codegen.js"

/** dst[dOff + Σ i_k·dStr_k] = src[sOff + Σ i_k·sStr_k] for every index i of `shape`. */
export const stridedCopy = (
  src: ArrayLike<number>,
  sOff: number,
  sStr: ReadonlyArray<number>,
  dst: HostArray,
  dOff: number,
  dStr: ReadonlyArray<number>,
  shape: ReadonlyArray<number>,
): void => stridedMap(copyExpr, dst, dOff, dStr, [{ data: src, offset: sOff, strides: sStr }], shape)

/** Materialise `x` (shape `shape`) broadcast to `out` as a contiguous array. */
export const broadcastTo = (x: HostArray, shape: ReadonlyArray<number>, outShape: ReadonlyArray<number>, out: HostArray): HostArray => {
  stridedCopy(x, 0, broadcastStrides(shape, outShape), out, 0, contiguous(outShape), outShape)
  return out
}
