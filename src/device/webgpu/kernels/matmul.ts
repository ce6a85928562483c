/**
 * Batched matmul [B, M, K] @ [B, K, N]: workgroup tiles of BM×BN staged through workgroup memory
 * in BK-deep slices, each thread accumulating a TM×TN register block (rows and columns
 * interleaved across threads so workgroup-memory reads and global stores stay contiguous), with
 * vec4 global loads when K and N allow. A long inner dimension is split (split-K): each split
 * accumulates at most a few hundred products sequentially and the splits' partial products are
 * summed by the reductions' trees, so rounding grows like log K rather than K.
 *
 * @since 0.1.0
 */
import type { DType } from "../../../shape/index.js"
import { numel, type Aval } from "../../../ops/core/aval.js"
import type { GpuContext } from "../context.js"
import type { GpuStorage } from "../memory.js"
import type { ParamsOf } from "../../../ops/core/primitive.js"
import { alloc, binding, enables, T, uniforms, type GpuKernel } from "./common.js"
import { reduceRows } from "./reduce.js"

interface Tile {
  readonly BM: number
  readonly BN: number
  readonly BK: number
  readonly TM: number
  readonly TN: number
}
const BIG: Tile = { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 }
const MID: Tile = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 }
const SMALL: Tile = { BM: 32, BN: 32, BK: 16, TM: 2, TN: 2 }

const pick = (m: number, n: number): Tile => (m >= 512 && n >= 512 ? BIG : m >= 64 && n >= 64 ? MID : SMALL)

/**
 * The WGSL of one tile configuration (uniforms: M, N, K, tilesN, tilesM, kc, batches, splits).
 * Workgroup z = split·batches + batch computes the products over k in [split·kc, split·kc + kc)
 * into output block z.
 */
export const matmulWgsl = (t: Tile, d: DType, vec: boolean): string => {
  const { BM, BN, BK, TM, TN } = t
  const WX = BN / TN,
    WY = BM / TM,
    threads = WX * WY
  const et = T(d)
  let s = enables([d]) + uniforms(8)
  s += binding(1, "A", vec ? `vec4<${et}>` : et) + binding(2, "B", vec ? `vec4<${et}>` : et) + binding(3, "C", et, true)
  s += `var<workgroup> As: array<${et}, ${BK * BM}>;\nvar<workgroup> Bs: array<${et}, ${BK * BN}>;\n`
  s += `@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = p(0); let N = p(1); let K = p(2); let tilesN = p(3); let tilesM = p(4);
  let tile = wid.x + wid.y * nwg.x;
  let bn = tile % tilesN; let bm = (tile / tilesN) % tilesM; let z = tile / (tilesN * tilesM);
  if (z >= p(6) * p(7)) { return; }
  let batch = z % p(6);
  let kBeg = (z / p(6)) * p(5); let kEnd = min(K, kBeg + p(5));
  let row0 = bm * ${BM}u; let col0 = bn * ${BN}u;
  let aBase = batch * M * K; let bBase = batch * K * N;
  let tx = lid % ${WX}u; let ty = lid / ${WX}u;
  var acc: array<array<${et}, ${TN}>, ${TM}>;
  var a: array<${et}, ${TM}>;
  var b: array<${et}, ${TN}>;
  for (var k0 = kBeg; k0 < kEnd; k0 += ${BK}u) {
`
  if (vec) {
    // A tile: BM rows × BK/4 vec4; B tile: BK rows × BN/4 vec4
    s += `    for (var e = lid; e < ${(BM * BK) / 4}u; e += ${threads}u) {
      let r = e / ${BK / 4}u; let kk = (e % ${BK / 4}u) * 4u;
      var v = vec4<${et}>();
      if (row0 + r < M && k0 + kk < kEnd) { v = A[(aBase + (row0 + r) * K + k0 + kk) / 4u]; }
      As[kk * ${BM}u + r] = v.x; As[(kk + 1u) * ${BM}u + r] = v.y; As[(kk + 2u) * ${BM}u + r] = v.z; As[(kk + 3u) * ${BM}u + r] = v.w;
    }
    for (var e = lid; e < ${(BK * BN) / 4}u; e += ${threads}u) {
      let kk = e / ${BN / 4}u; let c = (e % ${BN / 4}u) * 4u;
      var v = vec4<${et}>();
      if (k0 + kk < kEnd && col0 + c < N) { v = B[(bBase + (k0 + kk) * N + col0 + c) / 4u]; }
      Bs[kk * ${BN}u + c] = v.x; Bs[kk * ${BN}u + c + 1u] = v.y; Bs[kk * ${BN}u + c + 2u] = v.z; Bs[kk * ${BN}u + c + 3u] = v.w;
    }
`
  } else {
    s += `    for (var e = lid; e < ${BM * BK}u; e += ${threads}u) {
      let r = e / ${BK}u; let kk = e % ${BK}u;
      var v = ${et}(0);
      if (row0 + r < M && k0 + kk < kEnd) { v = A[aBase + (row0 + r) * K + k0 + kk]; }
      As[kk * ${BM}u + r] = v;
    }
    for (var e = lid; e < ${BK * BN}u; e += ${threads}u) {
      let kk = e / ${BN}u; let c = e % ${BN}u;
      var v = ${et}(0);
      if (k0 + kk < kEnd && col0 + c < N) { v = B[bBase + (k0 + kk) * N + col0 + c]; }
      Bs[kk * ${BN}u + c] = v;
    }
`
  }
  s += `    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      for (var i = 0u; i < ${TM}u; i++) { a[i] = As[kk * ${BM}u + ty + i * ${WY}u]; }
      for (var j = 0u; j < ${TN}u; j++) { b[j] = Bs[kk * ${BN}u + tx + j * ${WX}u]; }
      for (var i = 0u; i < ${TM}u; i++) {
        for (var j = 0u; j < ${TN}u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${TM}u; i++) {
    let r = row0 + ty + i * ${WY}u;
    if (r >= M) { break; }
    for (var j = 0u; j < ${TN}u; j++) {
      let c = col0 + tx + j * ${WX}u;
      if (c < N) { C[z * M * N + r * N + c] = acc[i][j]; }
    }
  }
}
`
  return d === "i32" ? s.replace("fma(a[i], b[j], acc[i][j])", "acc[i][j] + a[i] * b[j]") : s
}

/** Inner dimensions up to this run in one pass. */
export const SPLIT_K_MIN = 256
/** Products one split accumulates sequentially (a multiple of every tile's BK). */
const SPLIT_K_CHUNK = 256
/** Partial products held at once (f32 elements): longer splits past this. */
const SPLIT_K_BUDGET = 1 << 24

/** The split length over K for `outputs` output elements: K itself when one pass is accurate enough. */
export const splitK = (K: number, outputs: number): number => {
  if (K <= SPLIT_K_MIN) return K
  const maxSplits = Math.max(2, Math.floor(SPLIT_K_BUDGET / Math.max(1, outputs)))
  const kc = Math.max(SPLIT_K_CHUNK, Math.ceil(K / maxSplits))
  return Math.ceil(kc / SPLIT_K_CHUNK) * SPLIT_K_CHUNK
}

export const matmul: GpuKernel<ParamsOf<"matmul">> = (g, [a, b], [aa, ab], _p, out) => {
  const n = numel(out.shape)
  if (n === 0 || aa!.shape[aa!.shape.length - 1] === 0) return matmulPass(g, a!, b!, aa!.shape, ab!.shape, out, 0)
  const r = aa!.shape.length
  const K = aa!.shape[r - 1]!
  const kc = splitK(K, n)
  if (kc >= K) return matmulPass(g, a!, b!, aa!.shape, ab!.shape, out, K)
  // split-K: [splits, B·M·N] partial products, summed over the splits by the reduction's tree
  const splits = Math.ceil(K / kc)
  const part = matmulPass(g, a!, b!, aa!.shape, ab!.shape, { shape: [splits, n], dtype: out.dtype }, kc)
  const y = reduceRows(g, [part], [out.dtype], out, "sum", [1, splits, n])
  part.release()
  return y
}

/** One dispatch: splits of `kc` products (0: no inner dimension) into `out` ([splits, B·M·N] or the output itself). */
const matmulPass = (
  g: GpuContext,
  a: GpuStorage,
  b: GpuStorage,
  sa: ReadonlyArray<number>,
  sb: ReadonlyArray<number>,
  out: Aval,
  kc: number,
): GpuStorage => {
  const y = alloc(g, out)
  if (numel(out.shape) === 0) return y
  const r = sa.length
  const M = sa[r - 2]!,
    K = sa[r - 1]!,
    N = sb[r - 1]!
  const batch = numel(sa.slice(0, r - 2))
  const splits = kc === 0 ? 1 : Math.ceil(K / kc)
  const t = pick(M, N)
  const vec = out.dtype !== "f16" && K % 4 === 0 && N % 4 === 0
  const tilesN = Math.ceil(N / t.BN),
    tilesM = Math.ceil(M / t.BM)
  g.dispatch(
    matmulWgsl(t, out.dtype, vec),
    [a, b, y],
    new Uint32Array([M, N, K, tilesN, tilesM, kc, batch, splits]),
    tilesN * tilesM * batch * splits,
  )
  return y
}
