/**
 * im2col (`unfold`) and col2im (`fold`) on NCHW arrays: out[n,c,i,j,oh,ow] = x[n,c, oh·sh − pt + i·dh, ow·sw − pl + j·dw].
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../ops/aval.js"
import type { UnfoldParams } from "../../ops/primitive.js"

export const unfold = (x: HostArray, xs: ReadonlyArray<number>, p: UnfoldParams, out: HostArray, os: ReadonlyArray<number>): void => {
  const [N, C, H, W] = xs as [number, number, number, number]
  const [, , kh, kw, OH, OW] = os as [number, number, number, number, number, number]
  const [sh, sw] = p.stride, [dh, dw] = p.dilation, pt = p.padding[0], pl = p.padding[2]
  let o = 0
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * H * W
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let oh = 0; oh < OH; oh++) {
          const h = oh * sh - pt + i * dh
          if (h < 0 || h >= H) {
            out.fill(p.value, o, o + OW)
            o += OW
            continue
          }
          const row = xb + h * W
          for (let ow = 0; ow < OW; ow++) {
            const w = ow * sw - pl + j * dw
            out[o++] = w >= 0 && w < W ? x[row + w]! : p.value
          }
        }
  }
}

export const fold = (x: HostArray, xs: ReadonlyArray<number>, p: UnfoldParams, out: HostArray, os: ReadonlyArray<number>): void => {
  const [N, C, H, W] = os as [number, number, number, number]
  const [, , kh, kw, OH, OW] = xs as [number, number, number, number, number, number]
  const [sh, sw] = p.stride, [dh, dw] = p.dilation, pt = p.padding[0], pl = p.padding[2]
  out.fill(0)
  let o = 0
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * H * W
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let oh = 0; oh < OH; oh++) {
          const h = oh * sh - pt + i * dh
          if (h < 0 || h >= H) {
            o += OW
            continue
          }
          const row = xb + h * W
          for (let ow = 0; ow < OW; ow++, o++) {
            const w = ow * sw - pl + j * dw
            if (w >= 0 && w < W) out[row + w] = out[row + w]! + x[o]!
          }
        }
  }
}
