/**
 * WebGPU kernels of the matrix factorisations. The factorisations are sequential per matrix, so
 * each invocation owns one matrix of the batch (one column of the right-hand side for triangular
 * solves) and runs the same algorithm as the CPU kernel in f32 registers: batches of small matrices
 * are parallel, one large matrix is not (it runs on a single GPU thread).
 *
 * @since 0.1.0
 */
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import { alloc, binding, enables, lit, main, T, uniforms, WG, type GpuKernel } from "./common.js"

const batchOf = (shape: ReadonlyArray<number>): number => numel(shape.slice(0, -2))

/** f32 scratch memory of `n` elements (released once the dispatch is enqueued). */
const scratch = (g: GpuContext, n: number): GpuStorage => alloc(g, { shape: [Math.max(1, n)], dtype: "f32" })

/** WGSL: Gaussian elimination of the n × n block at `o` of `w` (an f32 array or the output via `rd`/`wr`). */
const eliminate = (rd: (i: string) => string, wr: (i: string, v: string) => string, pivot: boolean): string => `
  for (var k = 0u; k < n; k++) {
${
  pivot
    ? `    var piv_row = k;
    var best = abs(${rd("o + k * n + k")});
    for (var i = k + 1u; i < n; i++) {
      let v = abs(${rd("o + i * n + k")});
      if (v > best) { best = v; piv_row = i; }
    }
    if (piv_row != k) {
      for (var j = 0u; j < n; j++) {
        let t = ${rd("o + k * n + j")};
        ${wr("o + k * n + j", rd("o + piv_row * n + j"))};
        ${wr("o + piv_row * n + j", "t")};
      }
      let t = perm[gid * n + k];
      perm[gid * n + k] = perm[gid * n + piv_row];
      perm[gid * n + piv_row] = t;
    }
`
    : ""
}    let piv = ${rd("o + k * n + k")};
    for (var i = k + 1u; i < n; i++) {
      let f = ${rd("o + i * n + k")} / piv;
      ${wr("o + i * n + k", "f")};
      if (f != 0.0) {
        for (var j = k + 1u; j < n; j++) { ${wr("o + i * n + j", `${rd("o + i * n + j")} - f * ${rd("o + k * n + j")}`)}; }
      }
    }
  }
`

// one invocation per matrix: copy to f32 scratch, eliminate with pivoting, write the row order
export const luPivots: GpuKernel<ParamsOf<"luPivots">> = (g, [a], [aa], _p, out) => {
  const y = alloc(g, out)
  const nb = batchOf(aa!.shape),
    n = aa!.shape[aa!.shape.length - 1]!
  if (nb === 0 || n === 0) return y
  const w = scratch(g, nb * n * n)
  let src =
    enables([aa!.dtype]) + uniforms(2) + binding(1, "a", T(aa!.dtype)) + binding(2, "w", "f32", true) + binding(3, "perm", "i32", true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let o = gid * n * n;\n`
  src +=
    "  for (var i = 0u; i < n * n; i++) { w[o + i] = f32(a[o + i]); }\n  for (var i = 0u; i < n; i++) { perm[gid * n + i] = i32(i); }\n"
  src += `${eliminate(
    (i) => `w[${i}]`,
    (i, v) => `w[${i}] = ${v}`,
    true,
  )}}\n`
  g.dispatch(src, [a!, w, y], new Uint32Array([nb, n]), Math.ceil(nb / WG))
  w.release()
  return y
}

// one invocation per matrix, eliminating in the output buffer
export const lu: GpuKernel<ParamsOf<"lu">> = (g, [a], [aa], _p, out) => {
  const y = alloc(g, out)
  const nb = batchOf(aa!.shape),
    n = aa!.shape[aa!.shape.length - 1]!
  if (nb === 0 || n === 0) return y
  const t = T(out.dtype)
  let src = enables([out.dtype]) + uniforms(2) + binding(1, "a", t) + binding(2, "y", t, true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let o = gid * n * n;\n`
  src += "  for (var i = 0u; i < n * n; i++) { y[o + i] = a[o + i]; }\n"
  src += `${eliminate(
    (i) => `f32(y[${i}])`,
    (i, v) => `y[${i}] = ${t}(${v})`,
    false,
  )}}\n`
  g.dispatch(src, [a!, y], new Uint32Array([nb, n]), Math.ceil(nb / WG))
  return y
}

// one invocation per (matrix, right-hand-side column): forward or back substitution
export const triangularSolve: GpuKernel<ParamsOf<"triangularSolve">> = (g, [a, b], [aa, ab], { lower, unitDiagonal, transposeA }, out) => {
  const y = alloc(g, out)
  const r = aa!.shape.length,
    n = aa!.shape[r - 1]!,
    k = ab!.shape[r - 1]!
  const total = batchOf(aa!.shape) * k
  if (total === 0 || n === 0) return y
  const t = T(out.dtype)
  // op(T) is lower when T is lower and not transposed, or upper and transposed
  const forward = lower !== transposeA
  let src = enables([out.dtype]) + uniforms(3) + binding(1, "a", t) + binding(2, "b", t) + binding(3, "y", t, true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let k = p(2);\n`
  src += "  let q = gid % k; let ao = (gid / k) * n * n; let xo = (gid / k) * n * k + q;\n"
  src += "  for (var s = 0u; s < n; s++) {\n"
  src += `    let i = ${forward ? "s" : "n - 1u - s"};\n    var v = f32(b[xo + i * k]);\n`
  src += `    for (var u = 0u; u < s; u++) {\n      let j = ${forward ? "u" : "n - 1u - u"};\n`
  src += `      let c = f32(a[ao + ${transposeA ? "j * n + i" : "i * n + j"}]);\n`
  src += "      if (c != 0.0) { v -= c * f32(y[xo + j * k]); }\n    }\n"
  if (!unitDiagonal) src += "    v = v / f32(a[ao + i * n + i]);\n"
  src += `    y[xo + i * k] = ${t}(v);\n  }\n}\n`
  g.dispatch(src, [a!, b!, y], new Uint32Array([total, n, k]), Math.ceil(total / WG))
  return y
}

// one invocation per matrix: Cholesky–Banachiewicz on the lower triangle, NaN when not positive definite
export const cholesky: GpuKernel<ParamsOf<"cholesky">> = (g, [a], [aa], _p, out) => {
  const y = alloc(g, out)
  const nb = batchOf(aa!.shape),
    n = aa!.shape[aa!.shape.length - 1]!
  if (nb === 0 || n === 0) return y
  const t = T(out.dtype)
  let src = enables([out.dtype]) + uniforms(2) + binding(1, "a", t) + binding(2, "y", t, true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let n = p(1); let o = gid * n * n;\n`
  src += `  for (var i = 0u; i < n * n; i++) { y[o + i] = ${t}(0); }\n`
  src += "  for (var j = 0u; j < n; j++) {\n    var s = f32(a[o + j * n + j]);\n"
  src += "    for (var q = 0u; q < j; q++) { let l = f32(y[o + j * n + q]); s -= l * l; }\n"
  src += `    if (!(s > 0.0)) {\n      for (var i = 0u; i < n * n; i++) { y[o + i] = ${lit(Number.NaN, out.dtype)}; }\n      return;\n    }\n`
  src += `    let d = sqrt(s);\n    y[o + j * n + j] = ${t}(d);\n`
  src += "    for (var i = j + 1u; i < n; i++) {\n      var v = f32(a[o + i * n + j]);\n"
  src += "      for (var q = 0u; q < j; q++) { v -= f32(y[o + i * n + q]) * f32(y[o + j * n + q]); }\n"
  src += `      y[o + i * n + j] = ${t}(v / d);\n    }\n  }\n}\n`
  g.dispatch(src, [a!, y], new Uint32Array([nb, n]), Math.ceil(nb / WG))
  return y
}

// one invocation per matrix: Householder reflections in f32 scratch (the reflected matrix, then
// the unit reflection vectors), then Q or R with R's diagonal made non-negative
export const qr: GpuKernel<ParamsOf<"qr">> = (g, [a], [aa], { output }, out: Aval) => {
  const y = alloc(g, out)
  const r = aa!.shape.length,
    m = aa!.shape[r - 2]!,
    n = aa!.shape[r - 1]!,
    nb = batchOf(aa!.shape)
  if (nb === 0 || n === 0) return y
  const t = T(out.dtype)
  const w = scratch(g, 2 * nb * m * n)
  let src = enables([out.dtype]) + uniforms(3) + binding(1, "a", t) + binding(2, "w", "f32", true) + binding(3, "y", t, true)
  src += `${main()}  if (gid >= p(0)) { return; }\n  let m = p(1); let n = p(2); let o = gid * m * n; let vo = p(0) * m * n + o;\n`
  src += "  for (var i = 0u; i < m * n; i++) { w[o + i] = f32(a[o + i]); w[vo + i] = 0.0; }\n"
  src += `  for (var k = 0u; k < n; k++) {
    var norm = 0.0;
    for (var i = k; i < m; i++) { let x = w[o + i * n + k]; norm += x * x; }
    norm = sqrt(norm);
    let x0 = w[o + k * n + k];
    let alpha = select(norm, -norm, x0 >= 0.0);
    var vn = 0.0;
    for (var i = k; i < m; i++) {
      let v = select(w[o + i * n + k], x0 - alpha, i == k);
      w[vo + i * n + k] = v;
      vn += v * v;
    }
    vn = sqrt(vn);
    if (vn == 0.0) { continue; }
    for (var i = k; i < m; i++) { w[vo + i * n + k] = w[vo + i * n + k] / vn; }
    for (var j = k; j < n; j++) {
      var d = 0.0;
      for (var i = k; i < m; i++) { d += w[vo + i * n + k] * w[o + i * n + j]; }
      d *= 2.0;
      for (var i = k; i < m; i++) { w[o + i * n + j] -= d * w[vo + i * n + k]; }
    }
  }
`
  if (output === "r") {
    src += `  let ro = gid * n * n;
  for (var i = 0u; i < n; i++) {
    let flip = select(1.0, -1.0, w[o + i * n + i] < 0.0);
    for (var j = 0u; j < n; j++) { y[ro + i * n + j] = ${t}(select(0.0, flip * w[o + i * n + j], j >= i)); }
  }
}
`
  } else {
    // Q = H₀·…·H_{n−1} applied to the first n columns of the identity, accumulated in the output
    src += `  for (var i = 0u; i < m * n; i++) { y[o + i] = ${t}(select(0.0, 1.0, i / n == i % n)); }
  for (var kk = 0u; kk < n; kk++) {
    let k = n - 1u - kk;
    for (var j = 0u; j < n; j++) {
      var d = 0.0;
      for (var i = k; i < m; i++) { d += w[vo + i * n + k] * f32(y[o + i * n + j]); }
      d *= 2.0;
      if (d != 0.0) {
        for (var i = k; i < m; i++) { y[o + i * n + j] = ${t}(f32(y[o + i * n + j]) - d * w[vo + i * n + k]); }
      }
    }
  }
  for (var i = 0u; i < n; i++) {
    if (w[o + i * n + i] < 0.0) {
      for (var q = 0u; q < m; q++) { y[o + q * n + i] = -y[o + q * n + i]; }
    }
  }
}
`
  }
  g.dispatch(src, [a!, w, y], new Uint32Array([nb, m, n]), Math.ceil(nb / WG))
  w.release()
  return y
}
