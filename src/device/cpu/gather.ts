/**
 * CPU kernels of the indexing primitives: `gather` along one axis and its adjoint `scatterAdd`.
 * Both see their operands as [outer, axis, inner] blocks and normalise indices the same way
 * (negative from the end, then clamped), so the pair stays adjoint for any index values.
 *
 * @since 0.1.0
 */
import { hostAlloc, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { ParamsOf } from "../../ops/core/primitive.js"

/** An index into an axis of `n` entries: negative counts from the end, the rest is clamped. */
const norm = (k: number, n: number): number => {
  const j = k < 0 ? k + n : k
  return j < 0 ? 0 : j >= n ? n - 1 : j
}

/** y[o, j, i] = x[o, idx[o, j, i], i]. */
export const gatherKernel = (
  [x, idx]: ReadonlyArray<HostArray>,
  [ax]: ReadonlyArray<Aval>,
  { axis }: ParamsOf<"gather">,
  out: Aval,
): HostArray => {
  const y = hostAlloc(out.dtype, numel(out.shape))
  const n = ax!.shape[axis]!,
    m = out.shape[axis]!
  const inner = numel(out.shape.slice(axis + 1)),
    outer = numel(out.shape.slice(0, axis))
  for (let o = 0, q = 0; o < outer; o++)
    for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++, q++) y[q] = x![(o * n + norm(idx![q]!, n)) * inner + i]!
  return y
}

/** y[o, idx[o, j, i], i] += u[o, j, i] (repeated indices accumulate). */
export const scatterAddKernel = (
  [u, idx]: ReadonlyArray<HostArray>,
  [au]: ReadonlyArray<Aval>,
  { axis, size }: ParamsOf<"scatterAdd">,
  out: Aval,
): HostArray => {
  const y = hostAlloc(out.dtype, numel(out.shape))
  const m = au!.shape[axis]!
  const inner = numel(au!.shape.slice(axis + 1)),
    outer = numel(au!.shape.slice(0, axis))
  for (let o = 0, q = 0; o < outer; o++)
    for (let j = 0; j < m; j++)
      for (let i = 0; i < inner; i++, q++) {
        const t = (o * size + norm(idx![q]!, size)) * inner + i
        y[t] = y[t]! + u![q]!
      }
  return y
}
