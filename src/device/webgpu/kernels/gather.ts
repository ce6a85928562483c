/**
 * WebGPU kernels of the indexing primitives. `gather` reads one element per thread;
 * `scatterAdd` has one thread per output element that sums the updates whose index lands on it
 * (WGSL has no float atomics), so it costs O(size · m) per column: fine for the gradient of an
 * embedding lookup or a top-k, not meant for huge scatters.
 *
 * @since 0.1.0
 */
import { numel } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { alloc, binding, enables, main, T, uniforms, WG, type GpuKernel } from "./common.js"

/** WGSL: an index into an axis of `n` entries (negative from the end, then clamped), as on the CPU. */
const norm = "fn norm(k: i32, n: i32) -> i32 { return clamp(select(k, k + n, k < 0), 0, n - 1); }\n"

// y[o, j, i] = x[o, norm(idx[o, j, i]), i]; uniforms: count, n, m, inner
export const gather: GpuKernel<ParamsOf<"gather">> = (g, [x, idx], [ax], { axis }, out) => {
  const y = alloc(g, out)
  const total = numel(out.shape)
  if (total === 0) return y
  const n = ax!.shape[axis]!,
    m = out.shape[axis]!,
    inner = numel(out.shape.slice(axis + 1))
  let src =
    enables([ax!.dtype]) +
    uniforms(4) +
    binding(1, "x", T(ax!.dtype)) +
    binding(2, "idx", "i32") +
    binding(3, "y", T(out.dtype), true) +
    norm
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let m = p(2); let inner = p(3);\n`
  src += "  let i = gid % inner; let o = gid / (inner * m);\n"
  src += "  y[gid] = x[(o * n + u32(norm(idx[gid], i32(n)))) * inner + i];\n}\n"
  g.dispatch(src, [x!, idx!, y], new Uint32Array([total, n, m, inner]), Math.ceil(total / WG))
  return y
}

// y[o, k, i] = Σ_j [norm(idx[o, j, i]) = k] · u[o, j, i]; uniforms: count, size, m, inner
export const scatterAdd: GpuKernel<ParamsOf<"scatterAdd">> = (g, [u, idx], [au], { axis, size }, out) => {
  const y = alloc(g, out)
  const total = numel(out.shape)
  if (total === 0) return y
  const m = au!.shape[axis]!,
    inner = numel(au!.shape.slice(axis + 1))
  const t = T(out.dtype)
  let src = enables([out.dtype]) + uniforms(4) + binding(1, "u", t) + binding(2, "idx", "i32") + binding(3, "y", t, true) + norm
  src += `${main()}  if (gid >= p(0)) { return; }\n  let size = p(1); let m = p(2); let inner = p(3);\n`
  src += "  let i = gid % inner; let k = i32((gid / inner) % size); let o = gid / (inner * size);\n"
  src += `  var acc = ${t}(0);\n  for (var j = 0u; j < m; j++) {\n    let q = (o * m + j) * inner + i;\n`
  src += "    if (norm(idx[q], i32(size)) == k) { acc += u[q]; }\n  }\n  y[gid] = acc;\n}\n"
  g.dispatch(src, [u!, idx!, y], new Uint32Array([total, size, m, inner]), Math.ceil(total / WG))
  return y
}
