/**
 * The CPU kernel of `argsort`: each row along the axis is sorted natively, by a comparator that
 * puts NaN after every number (before them descending) and breaks ties by index, so the order is
 * stable and unique.
 *
 * @since 0.1.0
 */
import { hostAlloc, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { ParamsOf } from "../../ops/core/primitive.js"

export const argsortKernel = (
  [x]: ReadonlyArray<HostArray>,
  [ax]: ReadonlyArray<Aval>,
  { axis, descending }: ParamsOf<"argsort">,
  out: Aval,
): HostArray => {
  const shape = ax!.shape
  const n = shape[axis]!,
    inner = numel(shape.slice(axis + 1)),
    outer = numel(shape.slice(0, axis))
  const y = hostAlloc(out.dtype, numel(out.shape))
  const row = new Float64Array(n)
  const order = new Int32Array(n)
  const sign = descending ? -1 : 1
  const cmp = (i: number, j: number): number => {
    const a = row[i]!,
      b = row[j]!
    if (a < b) return -sign
    if (a > b) return sign
    const na = Number.isNaN(a),
      nb = Number.isNaN(b)
    // NaN is the largest: last ascending, first descending; equal keys keep their order
    if (na !== nb) return (na ? 1 : -1) * sign
    return i - j
  }
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < inner; c++) {
      const base = o * n * inner + c
      for (let k = 0; k < n; k++) {
        row[k] = x![base + k * inner]!
        order[k] = k
      }
      order.sort(cmp)
      for (let k = 0; k < n; k++) y[base + k * inner] = order[k]!
    }
  return y
}
