/**
 * WebGPU kernel of the `threefry` primitive: Threefry-2x32 in u32 arithmetic (wrapping adds, as
 * the CPU's `>>> 0`), one thread per output key or uniform sample; the uniform mapping keeps the
 * CPU's bits (24 of one word, exact in f32). f64 does not exist on WebGPU.
 *
 * @since 0.1.0
 */
import { numel } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { BITS_SALT, PARITY, ROTATIONS } from "../../../ops/core/threefry.js"
import { alloc, binding, enables, main, T, uniforms, WG, type GpuKernel } from "./common.js"

const fn = `fn rotl(x: u32, r: u32) -> u32 { return (x << r) | (x >> (32u - r)); }
fn threefry(k0: u32, k1: u32, x0: u32, x1: u32) -> vec2<u32> {
  var ks = array<u32, 3>(k0, k1, ${PARITY}u ^ k0 ^ k1);
  var rot = array<u32, 8>(${ROTATIONS.map((r) => `${r}u`).join(", ")});
  var a = x0 + k0;
  var b = x1 + k1;
  for (var i = 0u; i < 5u; i++) {
    for (var j = 0u; j < 4u; j++) {
      a = a + b;
      b = rotl(b, rot[(i % 2u) * 4u + j]) ^ a;
    }
    a = a + ks[(i + 1u) % 3u];
    b = b + ks[(i + 2u) % 3u] + i + 1u;
  }
  return vec2<u32>(a, b);
}
`

// uniforms: total, count, x0, start, mode (0 key, 1 uniform)
export const threefry: GpuKernel<ParamsOf<"threefry">> = (g, [k], _in, { mode, x0, start, count }, out) => {
  const y = alloc(g, out)
  const total = numel(out.shape)
  if (total === 0) return y
  const t = T(out.dtype)
  let src = enables([out.dtype]) + uniforms(5) + binding(1, "k", "i32") + binding(2, "y", t, true) + fn
  src += `${main()}  if (gid >= p(0)) { return; }\n  let count = p(1);\n`
  if (mode === "key") {
    // thread per output key: y[2·(b·count + i) + {0, 1}]
    src += "  let i = gid % count; let b = gid / count;\n"
    src += "  let w = threefry(bitcast<u32>(k[2u * b]), bitcast<u32>(k[2u * b + 1u]), p(2), p(3) + i);\n"
    src += "  y[2u * gid] = bitcast<i32>(w.x); y[2u * gid + 1u] = bitcast<i32>(w.y);\n}\n"
    g.dispatch(src, [k!, y], new Uint32Array([total / 2, count, x0 >>> 0, start >>> 0, 0]), Math.ceil(total / 2 / WG))
  } else {
    // thread per sample: word (i mod 2) of pair ⌊i/2⌋, its top 24 bits over 2²⁴
    src += "  let i = gid % count; let b = gid / count;\n"
    src += `  let w = threefry(bitcast<u32>(k[2u * b]), bitcast<u32>(k[2u * b + 1u]), ${BITS_SALT >>> 0}u, i / 2u);\n`
    src += `  let word = select(w.x, w.y, (i & 1u) == 1u);\n  y[gid] = ${t}(f32(word >> 8u) / 16777216.0);\n}\n`
    g.dispatch(src, [k!, y], new Uint32Array([total, count, 0, 0, 1]), Math.ceil(total / WG))
  }
  return y
}
