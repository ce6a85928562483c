/**
 * The WebGPU kernel of `argsort`, by ranking: one thread per entry counts the entries of its row
 * that sort before it (smaller keys, then equal keys at smaller indices: stable) and writes its
 * index at that rank. O(n²) comparisons per row of n, every entry in parallel and in one pass:
 * fine for the moderate rows it is used on (the public `sort` switches to a sorting network of
 * primitives for long rows on this backend).
 *
 * @since 0.1.0
 */
import { numel } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { alloc, binding, enables, main, isNan, T, uniforms, WG, type GpuKernel } from "./common.js"

// y[o, rank(k), c] = k; uniforms: count, n, inner
export const argsort: GpuKernel<ParamsOf<"argsort">> = (g, [x], [ax], { axis, descending }, out) => {
  const y = alloc(g, out)
  const total = numel(out.shape)
  if (total === 0) return y
  const n = ax!.shape[axis]!,
    inner = numel(ax!.shape.slice(axis + 1))
  const float = ax!.dtype !== "i32"
  const [lo, hi] = descending ? ["b", "a"] : ["a", "b"]
  // a sorts before b: by key (NaN the largest, tested on its bits), then by index
  const keyBefore = float ? `(${lo} < ${hi} && !${isNan(lo)} && !${isNan(hi)}) || (${isNan(hi)} && !${isNan(lo)})` : `${lo} < ${hi}`
  const keyEq = float ? `(a == b && !${isNan("a")} && !${isNan("b")}) || (${isNan("a")} && ${isNan("b")})` : "a == b"
  let src = enables([ax!.dtype]) + uniforms(3) + binding(1, "x", T(ax!.dtype)) + binding(2, "y", "i32", true)
  src += `fn before(a: ${T(ax!.dtype)}, b: ${T(ax!.dtype)}, i: u32, j: u32) -> bool { return ${keyBefore} || ((${keyEq}) && i < j); }\n`
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let inner = p(2);\n`
  src += "  let c = gid % inner; let k = (gid / inner) % n; let base = (gid / (inner * n)) * n * inner + c;\n"
  src += "  let v = x[gid];\n  var rank = 0u;\n"
  src += "  for (var j = 0u; j < n; j++) {\n    if (before(x[base + j * inner], v, j, k)) { rank++; }\n  }\n"
  src += "  y[base + rank * inner] = i32(k);\n}\n"
  g.dispatch(src, [x!, y], new Uint32Array([total, n, inner]), Math.ceil(total / WG))
  return y
}
