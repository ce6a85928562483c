/**
 * im2col (`unfold`) and col2im (`fold`) on NCHW arrays: out[n,c,i,j,oh,ow] = x[n,c, oh·sh − pt + i·dh, ow·sw − pl + j·dw].
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/core/aval.js"
import type { UnfoldParams } from "../../ops/core/primitive.js"

export const unfold = (x: HostArray, xs: ReadonlyArray<number>, p: UnfoldParams, out: HostArray, os: ReadonlyArray<number>): void => {
  const [N, C, H, W] = xs as [number, number, number, number]
  const [, , kh, kw, OH, OW] = os as [number, number, number, number, number, number]
  const [sh, sw] = p.stride,
    [dh, dw] = p.dilation,
    pt = p.padding[0],
    pl = p.padding[2]
  let o = 0
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * H * W
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        // output columns whose input column ow·sw − pl + j·dw lies inside [0, W)
        const [lo, hi] = inside(j * dw - pl, sw, W, OW)
        for (let oh = 0; oh < OH; oh++, o += OW) {
          const h = oh * sh - pt + i * dh
          if (h < 0 || h >= H || lo >= hi) {
            out.fill(p.value, o, o + OW)
            continue
          }
          if (lo > 0) out.fill(p.value, o, o + lo)
          if (hi < OW) out.fill(p.value, o + hi, o + OW)
          const row = xb + h * W + j * dw - pl
          if (sw === 1) for (let ow = lo; ow < hi; ow++) out[o + ow] = x[row + ow]!
          else for (let ow = lo, s = row + lo * sw; ow < hi; ow++, s += sw) out[o + ow] = x[s]!
        }
      }
  }
}

/** The range [lo, hi) of `ow` in [0, OW) with 0 ≤ ow·stride + shift < W. */
const inside = (shift: number, stride: number, W: number, OW: number): [number, number] => {
  const lo = Math.min(OW, Math.max(0, Math.ceil(-shift / stride)))
  const hi = Math.max(lo, Math.min(OW, Math.floor((W - 1 - shift) / stride) + 1))
  return [lo, hi]
}

export const fold = (x: HostArray, xs: ReadonlyArray<number>, p: UnfoldParams, out: HostArray, os: ReadonlyArray<number>): void => {
  const [N, C, H, W] = os as [number, number, number, number]
  const [, , kh, kw, OH, OW] = xs as [number, number, number, number, number, number]
  const [sh, sw] = p.stride,
    [dh, dw] = p.dilation,
    pt = p.padding[0],
    pl = p.padding[2]
  out.fill(0)
  let o = 0
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * H * W
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        const [lo, hi] = inside(j * dw - pl, sw, W, OW)
        for (let oh = 0; oh < OH; oh++, o += OW) {
          const h = oh * sh - pt + i * dh
          if (h < 0 || h >= H) continue
          const row = xb + h * W + j * dw - pl
          for (let ow = lo, d = row + lo * sw; ow < hi; ow++, d += sw) out[d] = out[d]! + x[o + ow]!
        }
      }
  }
}
