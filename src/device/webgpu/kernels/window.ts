/**
 * unfold (im2col) and fold (col2im) as gathers, one thread per output element (fold sums the
 * windows that cover a pixel, so no atomics are needed).
 *
 * @since 0.1.0
 */
import { numel } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { alloc, binding, enables, lit, main, T, uniforms, WG, Words, type GpuKernel } from "./common.js"

// uniforms: n, H, W, kh, kw, OH, OW, sh, sw, dh, dw, pt, pl
const header = 13
const words = (n: number, H: number, W: number, s: ReadonlyArray<number>, p: ParamsOf<"unfold">) =>
  new Words()
    .u(n, H, W, p.kernel[0], p.kernel[1], s[4]!, s[5]!, p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.padding[0], p.padding[2])
    .build()
const names =
  "let H = ps(1u); let W = ps(2u); let kh = ps(3u); let kw = ps(4u); let OH = ps(5u); let OW = ps(6u); let sh = ps(7u); let sw = ps(8u); let dh = ps(9u); let dw = ps(10u); let pt = ps(11u); let pl = ps(12u);\n"

// out[nc, i, j, oh, ow] = x[nc, oh·sh − pt + i·dh, ow·sw − pl + j·dw] (or the fill value)
export const unfold: GpuKernel<ParamsOf<"unfold">> = (g, [x], [ax], p, out) => {
  const y = alloc(g, out)
  const n = numel(out.shape)
  if (n === 0) return y
  const d = ax!.dtype
  let src = enables([d]) + uniforms(header) + binding(1, "x", T(d)) + binding(2, "y", T(d), true) + main()
  src += `  if (gid >= p(0)) { return; }\n  ${names}`
  src += `  var r = i32(gid);
  let ow = r % OW; r = r / OW; let oh = r % OH; r = r / OH; let j = r % kw; r = r / kw; let i = r % kh; let nc = r / kh;
  let h = oh * sh - pt + i * dh; let w = ow * sw - pl + j * dw;
  if (h >= 0 && h < H && w >= 0 && w < W) { y[gid] = x[(nc * H + h) * W + w]; } else { y[gid] = ${lit(p.value, d)}; }
}
`
  g.dispatch(src, [x!, y], words(n, ax!.shape[2]!, ax!.shape[3]!, out.shape, p), Math.ceil(n / WG))
  return y
}

// out[nc, h, w] = Σ_{i,j} x[nc, i, j, oh, ow] over windows with oh·sh − pt + i·dh = h (and likewise w)
export const fold: GpuKernel<ParamsOf<"fold">> = (g, [x], [ax], p, out) => {
  const y = alloc(g, out)
  const n = numel(out.shape)
  if (n === 0) return y
  const d = out.dtype,
    A = d === "f16" ? "f32" : T(d)
  let src = enables([d]) + uniforms(header) + binding(1, "x", T(d)) + binding(2, "y", T(d), true) + main()
  src += `  if (gid >= p(0)) { return; }\n  ${names}`
  src += `  var r = i32(gid);
  let w = r % W; r = r / W; let h = r % H; let nc = r / H;
  var acc = ${A}(0);
  for (var i = 0; i < kh; i++) {
    let th = h + pt - i * dh;
    if (th < 0 || th % sh != 0 || th / sh >= OH) { continue; }
    for (var j = 0; j < kw; j++) {
      let tw = w + pl - j * dw;
      if (tw < 0 || tw % sw != 0 || tw / sw >= OW) { continue; }
      acc += ${A}(x[(((nc * kh + i) * kw + j) * OH + th / sh) * OW + tw / sw]);
    }
  }
  y[gid] = ${T(d)}(acc);
}
`
  g.dispatch(src, [x!, y], words(n, out.shape[2]!, out.shape[3]!, ax!.shape, p), Math.ceil(n / WG))
  return y
}
