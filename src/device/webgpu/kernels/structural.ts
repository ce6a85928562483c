/**
 * Data movement: one strided-copy kernel serves broadcastTo, transpose, slice and concat; pad
 * (negative and interior padding included) gathers with a bounds test per axis.
 *
 * @since 0.1.0
 */
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { broadcastStrides, stridesOf as contiguous } from "../../../shape/index.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import { alloc, binding, collapse, enables, lit, main, T, uniforms, WG, Words, type GpuKernel } from "./common.js"

/** dst[dOff + Σ c_d·dStr_d] = src[sOff + Σ c_d·sStr_d] over `shape`. */
export const stridedCopy = (
  g: GpuContext,
  x: GpuStorage,
  y: GpuStorage,
  av: Aval,
  shape: ReadonlyArray<number>,
  sOff: number,
  sStr: ReadonlyArray<number>,
  dOff: number,
  dStr: ReadonlyArray<number>,
): void => {
  const n = numel(shape)
  if (n === 0) return
  const col = collapse(shape, [sStr, dStr])
  const r = col.shape.length
  const w = new Words().u(n, sOff, dOff, ...col.shape, ...col.strides[0]!, ...col.strides[1]!)
  let src = enables([av.dtype]) + uniforms(w.length) + binding(1, "x", T(av.dtype)) + binding(2, "y", T(av.dtype), true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  var r = gid;\n  var s = p(1);\n  var d = p(2);\n`
  for (let k = r - 1; k >= 0; k--) {
    src += k > 0 ? `  let c${k} = r % p(${3 + k}u); r = r / p(${3 + k}u);\n` : "  let c0 = r;\n"
    src += `  s += c${k} * p(${3 + r + k}u); d += c${k} * p(${3 + 2 * r + k}u);\n`
  }
  src += "  y[d] = x[s];\n}\n"
  g.dispatch(src, [x, y], w.build(), Math.ceil(n / WG))
}

const gather = (g: GpuContext, x: GpuStorage, av: Aval, out: Aval, sOff: number, sStr: ReadonlyArray<number>): GpuStorage => {
  const y = alloc(g, out)
  stridedCopy(g, x, y, av, out.shape, sOff, sStr, 0, contiguous(out.shape))
  return y
}

export const broadcastTo: GpuKernel<ParamsOf<"broadcastTo">> = (g, [x], [ax], _p, out) =>
  gather(g, x!, ax!, out, 0, broadcastStrides(ax!.shape, out.shape))

export const transpose: GpuKernel<ParamsOf<"transpose">> = (g, [x], [ax], { perm }, out) => {
  const st = contiguous(ax!.shape)
  return gather(
    g,
    x!,
    ax!,
    out,
    0,
    perm.map((p) => st[p]!),
  )
}

export const slice: GpuKernel<ParamsOf<"slice">> = (g, [x], [ax], { starts, steps }, out) => {
  const st = contiguous(ax!.shape)
  return gather(
    g,
    x!,
    ax!,
    out,
    starts.reduce((s, v, i) => s + v * st[i]!, 0),
    steps.map((s, i) => s * st[i]!),
  )
}

export const concat: GpuKernel<ParamsOf<"concat">> = (g, xs, avals, { axis }, out) => {
  const y = alloc(g, out)
  const os = contiguous(out.shape)
  let off = 0
  xs.forEach((x, k) => {
    const sh = avals[k]!.shape
    stridedCopy(g, x, y, avals[k]!, sh, 0, contiguous(sh), off * os[axis]!, os)
    off += sh[axis]!
  })
  return y
}

// out[o] = x[i] where o_d = lo_d + i_d·(interior_d + 1), else the fill value
// uniforms: n, out shape, input strides, lo, interior + 1, input shape
export const pad: GpuKernel<ParamsOf<"pad">> = (g, [x], [ax], { lo, interior, value }, out) => {
  const y = alloc(g, out)
  const n = numel(out.shape)
  if (n === 0) return y
  const r = out.shape.length
  const ist = contiguous(ax!.shape)
  const w = new Words().u(n, ...out.shape, ...ist, ...lo, ...interior.map((v) => v + 1), ...ax!.shape)
  let src = enables([ax!.dtype]) + uniforms(w.length) + binding(1, "x", T(ax!.dtype)) + binding(2, "y", T(ax!.dtype), true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  var r = gid;\n  var s = 0;\n  var ok = true;\n`
  for (let k = r - 1; k >= 0; k--) {
    src += k > 0 ? `  let c${k} = i32(r % p(${1 + k}u)); r = r / p(${1 + k}u);\n` : "  let c0 = i32(r);\n"
    src += `  { let t = c${k} - ps(${1 + 2 * r + k}u); let q = t / ps(${1 + 3 * r + k}u);
    ok = ok && t >= 0 && t % ps(${1 + 3 * r + k}u) == 0 && q < ps(${1 + 4 * r + k}u); s += q * ps(${1 + r + k}u); }\n`
  }
  src += `  if (ok) { y[gid] = x[s]; } else { y[gid] = ${lit(value, out.dtype)}; }\n}\n`
  g.dispatch(src, [x!, y], w.build(), Math.ceil(n / WG))
  return y
}
