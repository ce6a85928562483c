/**
 * Strided loops shared by the CPU kernels: one N-d copy serves broadcastTo, transpose, slice, pad
 * and concat; one N-d map serves broadcasting elementwise ops.
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/aval.js"

/**
 * dst[dOff + Σ i_k·dStr_k] = src[sOff + Σ i_k·sStr_k] for every index i of `shape`.
 * The innermost axis runs as a tight loop.
 */
export const stridedCopy = (
  src: ArrayLike<number>, sOff: number, sStr: ReadonlyArray<number>,
  dst: HostArray, dOff: number, dStr: ReadonlyArray<number>,
  shape: ReadonlyArray<number>,
): void => {
  const r = shape.length
  if (r === 0) {
    dst[dOff] = src[sOff]!
    return
  }
  for (const n of shape) if (n === 0) return
  const inner = shape[r - 1]!, si = sStr[r - 1]!, di = dStr[r - 1]!
  const idx = new Array<number>(r - 1).fill(0)
  let s = sOff, d = dOff
  for (;;) {
    if (si === 1 && di === 1) for (let j = 0; j < inner; j++) dst[d + j] = src[s + j]!
    else for (let j = 0, sj = s, dj = d; j < inner; j++, sj += si, dj += di) dst[dj] = src[sj]!
    // advance the outer counter
    let k = r - 2
    for (; k >= 0; k--) {
      idx[k]!++
      s += sStr[k]!
      d += dStr[k]!
      if (idx[k]! < shape[k]!) break
      s -= sStr[k]! * shape[k]!
      d -= dStr[k]! * shape[k]!
      idx[k] = 0
    }
    if (k < 0) return
  }
}

/** Strides of `shape` (row-major) as seen from a broadcast output of rank `rank` (0 on broadcast axes). */
export const broadcastStrides = (shape: ReadonlyArray<number>, out: ReadonlyArray<number>): number[] => {
  const r = out.length, lead = r - shape.length
  const st = new Array<number>(r).fill(0)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i + lead] = shape[i] === 1 && out[i + lead] !== 1 ? 0 : acc
    acc *= shape[i]!
  }
  return st
}

/** out[i] = f(a[ia], b[ib]) over the broadcast output shape. */
export const broadcastMap2 = (
  a: ArrayLike<number>, aShape: ReadonlyArray<number>,
  b: ArrayLike<number>, bShape: ReadonlyArray<number>,
  out: HostArray, outShape: ReadonlyArray<number>,
  f: (x: number, y: number) => number,
): void => {
  const n = out.length
  if (n === 0) return
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!)
    return
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0]!
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, y)
    return
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0]!
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]!)
    return
  }
  const r = outShape.length
  const as = broadcastStrides(aShape, outShape), bs = broadcastStrides(bShape, outShape)
  const inner = outShape[r - 1]!, ai = as[r - 1]!, bi = bs[r - 1]!
  const idx = new Array<number>(Math.max(r - 1, 0)).fill(0)
  let ia = 0, ib = 0, o = 0
  for (;;) {
    for (let j = 0, x = ia, y = ib; j < inner; j++, x += ai, y += bi) out[o++] = f(a[x]!, b[y]!)
    let k = r - 2
    for (; k >= 0; k--) {
      idx[k]!++
      ia += as[k]!
      ib += bs[k]!
      if (idx[k]! < outShape[k]!) break
      ia -= as[k]! * outShape[k]!
      ib -= bs[k]! * outShape[k]!
      idx[k] = 0
    }
    if (k < 0) return
  }
}

/** Materialise `x` (shape `shape`) broadcast to `out` as a contiguous array. */
export const broadcastTo = (x: HostArray, shape: ReadonlyArray<number>, outShape: ReadonlyArray<number>, out: HostArray): HostArray => {
  stridedCopy(x, 0, broadcastStrides(shape, outShape), out, 0, contiguous(outShape), outShape)
  return out
}

export const contiguous = (shape: ReadonlyArray<number>): number[] => {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc
    acc *= shape[i]!
  }
  return s
}
