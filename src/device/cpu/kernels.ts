/**
 * CPU kernels for every primitive that is not elementwise (those are generated loops over the
 * expressions of `elementwise.ts`). `satisfies` makes a missing kernel a compile error.
 *
 * @since 0.1.0
 */
import { hostAlloc, hostConvert, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { ElementwiseName, ParamsOf, PrimitiveName } from "../../ops/core/primitive.js"
import { gemm } from "./matmul.js"
import { contiguous } from "./codegen.js"
import { canGenerate } from "./eval.js"
import { broadcastTo, stridedCopy } from "./strided.js"
import { wasmGemm } from "./wasm/gemm.js"
import { fold, unfold } from "./window.js"
import { gatherKernel, scatterAddKernel } from "./gather.js"
import { choleskyKernel, luKernel, luPivotsKernel, qrKernel, triangularSolveKernel } from "./linalg.js"
import { argsortKernel } from "./sort.js"
import { threefry2x32, uniformFromKey } from "../../ops/core/threefry.js"

export type CpuKernel<P extends PrimitiveName> = (
  xs: ReadonlyArray<HostArray>,
  inAvals: ReadonlyArray<Aval>,
  params: ParamsOf<P>,
  out: Aval,
) => HostArray

const alloc = (av: Aval) => hostAlloc(av.dtype, numel(av.shape))

type Acc = (acc: number, v: number) => number
/** Σ x[i .. i + n): blocks of 64 in order, halves (at block boundaries) added pairwise. */
const pairwiseSum = (x: ArrayLike<number>, i: number, n: number): number => {
  if (n <= 64) {
    let s = 0
    for (let j = i; j < i + n; j++) s += x[j]!
    return s
  }
  const h = 64 * Math.ceil(n / 128)
  return pairwiseSum(x, i, h) + pairwiseSum(x, i + h, n - h)
}

/** A reduction's accumulate step as a closure (the fallback) and as JS over `a` and `v` (the generated loop). */
interface Reducer {
  readonly name: string
  readonly init: number
  readonly f: Acc
  readonly js: string
}
type ReduceLoop = (x: ArrayLike<number>, acc: Float64Array, shape: ReadonlyArray<number>, os: ReadonlyArray<number>) => void

/**
 * The reduction loop over a (merged) shape: `acc[Σ i·os] ⊕= x[i]` in input order, a tight inner
 * loop with the accumulator in a local when the innermost axis is reduced. Generated once per
 * (reducer, input array type), so V8 sees a monomorphic load and the step inlined; the closure
 * version runs where code generation is unavailable.
 */
const reduceSource = (r: Reducer): string => `
const rank = shape.length, inner = shape[rank - 1], oi = os[rank - 1], n = x.length
const idx = new Array(rank).fill(0)
let o = 0, i = 0
while (i < n) {
  if (oi === 0) {
    let a = acc[o]
    for (let j = 0; j < inner; j++) { const v = x[i++]; a = ${r.js} }
    acc[o] = a
  } else for (let j = 0, oj = o; j < inner; j++, oj += oi) { const a = acc[oj], v = x[i++]; acc[oj] = ${r.js} }
  for (let k = rank - 2; k >= 0; k--) {
    o += os[k]
    if (++idx[k] < shape[k]) break
    o -= os[k] * shape[k]
    idx[k] = 0
  }
}`
const reduceClosure = (r: Reducer): ReduceLoop => {
  const f = r.f
  return (x, acc, shape, os) => {
    const rank = shape.length,
      inner = shape[rank - 1]!,
      oi = os[rank - 1]!,
      n = x.length
    const idx = new Array<number>(rank).fill(0)
    let o = 0,
      i = 0
    while (i < n) {
      if (oi === 0) {
        let a = acc[o]!
        for (let j = 0; j < inner; j++) a = f(a, x[i++]!)
        acc[o] = a
      } else for (let j = 0, oj = o; j < inner; j++, oj += oi) acc[oj] = f(acc[oj]!, x[i++]!)
      for (let k = rank - 2; k >= 0; k--) {
        o += os[k]!
        if (++idx[k]! < shape[k]!) break
        o -= os[k]! * shape[k]!
        idx[k] = 0
      }
    }
  }
}
const reduceLoops = new Map<string, ReduceLoop>()
const reduceLoop = (r: Reducer, x: ArrayLike<number>): ReduceLoop => {
  if (!canGenerate()) return reduceClosure(r)
  const key = `${r.name}|${(x as object).constructor.name}`
  let loop = reduceLoops.get(key)
  if (loop === undefined) {
    loop = new Function(`return function reduce_${r.name}(x, acc, shape, os) {\n${reduceSource(r)}\n}`)() as ReduceLoop
    reduceLoops.set(key, loop)
  }
  return loop
}

/**
 * A reduction accumulating in f64 (an f32 result carries one rounding for any length below 2²⁹);
 * `ri` is the i32 step when it differs (sums and products wrap modulo 2³² at every step, as the
 * WebGPU kernels do, which f64 cannot past 2⁵³). Float sums along contiguous rows go pairwise, so
 * f64 tensors too carry O(log n) roundings.
 */
const reduce =
  <P extends "reduceSum" | "reduceMax" | "reduceMin" | "reduceProd">(r0: Reducer, ri: Reducer = r0): CpuKernel<P> =>
  ([x], [ax], params, out) => {
    const { axes } = params as { readonly axes: ReadonlyArray<number> }
    const r = out.dtype === "i32" ? ri : r0
    const shape = ax!.shape
    // reducing over no axes is the identity (this also covers rank-0 inputs)
    if (axes.length === 0) return hostConvert(x!, out.dtype)
    const acc = new Float64Array(numel(out.shape)).fill(r.init)
    if (x!.length === 0) return hostConvert(acc, out.dtype)
    // merge neighbouring axes that are both reduced or both kept (size-1 axes dropped): a BatchNorm
    // statistic over [N, C, H, W] → [C] becomes [N, C, H·W] with a contiguous inner reduction
    const sh: number[] = [],
      red: boolean[] = []
    shape.forEach((n, d) => {
      if (n === 1) return
      const reduced = axes.includes(d),
        m = sh.length - 1
      if (m >= 0 && red[m] === reduced) sh[m] = sh[m]! * n
      else sh.push(n), red.push(reduced)
    })
    if (sh.length === 0) sh.push(1), red.push(true)
    // output strides seen from the input's index space (0 on reduced axes)
    const os = new Array<number>(sh.length).fill(0)
    for (let i = sh.length - 1, s = 1; i >= 0; i--) if (!red[i]) (os[i] = s), (s *= sh[i]!)
    const last = sh.length - 1
    if (r.name === "sum" && (out.dtype === "f32" || out.dtype === "f64") && red[last]) {
      // each contiguous row of the innermost (reduced) axis summed pairwise, then the row sums in order
      const inner = sh[last]!,
        rows = new Float64Array(x!.length / inner)
      for (let k = 0; k < rows.length; k++) rows[k] = pairwiseSum(x!, k * inner, inner)
      if (last === 0) acc[0] = acc[0]! + rows[0]!
      else reduceLoop(r, rows)(rows, acc, sh.slice(0, last), os.slice(0, last))
    } else reduceLoop(r, x!)(x!, acc, sh, os)
    return hostConvert(acc, out.dtype)
  }
const maxAcc: Acc = (a, v) => (v > a || Number.isNaN(v) ? v : a)
const minAcc: Acc = (a, v) => (v < a || Number.isNaN(v) ? v : a)

/** Inner-dimension slices of the f32 Wasm GEMM: it accumulates in f32, so longer products are summed over slices in f64. */
const WASM_K_CHUNK = 1024

/**
 * f32 GEMM with a long inner dimension: the Wasm kernel (f32 accumulators) on slices of
 * WASM_K_CHUNK products, the slices summed in f64, so the rounding error stays that of one slice
 * whatever K (the JS kernel, which accumulates in f64, takes a slice the Wasm one declines). A
 * transposed operand (`ta`: A stored [batch, k, m], `tb`: B stored [batch, n, k]) is sliced in its
 * own layout and handed on transposed: every slice is a set of contiguous runs, never a transpose.
 */
const f32GemmLongK = (
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): void => {
  const kc = WASM_K_CHUNK
  const acc = new Float64Array(y.length)
  const sa = new Float32Array(batch * m * kc),
    sb = new Float32Array(batch * kc * n),
    ty = new Float32Array(y.length)
  for (let k0 = 0; k0 < k; k0 += kc) {
    const w = Math.min(kc, k - k0)
    // A[:, :, k0:k0+w] and B[:, k0:k0+w, :] as contiguous operands, each in its stored layout
    for (let p = 0; p < batch; p++) {
      if (ta) sa.set(a.subarray((p * k + k0) * m, (p * k + k0 + w) * m), p * w * m)
      else for (let i = 0; i < m; i++) sa.set(a.subarray((p * m + i) * k + k0, (p * m + i) * k + k0 + w), (p * m + i) * w)
      if (tb) for (let j = 0; j < n; j++) sb.set(b.subarray((p * n + j) * k + k0, (p * n + j) * k + k0 + w), (p * n + j) * w)
      else sb.set(b.subarray((p * k + k0) * n, (p * k + k0 + w) * n), p * w * n)
    }
    const xa = sa.subarray(0, batch * m * w),
      xb = sb.subarray(0, batch * w * n)
    if (!wasmGemm(xa, xb, ty, batch, m, w, n, ta, tb)) gemm(xa, xb, ty, batch, m, w, n, ta, tb)
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + ty[i]!
  }
  y.set(acc)
}

/**
 * i32 GEMM wrapping modulo 2³² at every step (exact, as WebGPU's i32 arithmetic; f64 sums of i32
 * products lose low bits); `ta`/`tb` read A as [batch, k, m], B as [batch, n, k].
 */
const gemmI32 = (
  a: HostArray,
  b: HostArray,
  c: HostArray,
  batch: number,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): void => {
  const ars = ta ? 1 : k,
    acs = ta ? m : 1,
    brs = tb ? 1 : n,
    bcs = tb ? k : 1
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++) {
      const ci = (q * m + i) * n
      for (let j = 0; j < n; j++) c[ci + j] = 0
      for (let p = 0; p < k; p++) {
        const av = a[q * m * k + i * ars + p * acs]!,
          bo = q * k * n + p * brs
        for (let j = 0; j < n; j++) c[ci + j] = (c[ci + j]! + Math.imul(av, b[bo + j * bcs]!)) | 0
      }
    }
}

/** How many matmul operands were read in their transposed layout in place (no copy); for tests. */
export const matmulTrace = { transposedA: 0, transposedB: 0 }

/**
 * The matmul kernel, either operand possibly stored transposed: with `ta`, `a` holds A's matrices
 * transposed ([…batch, k, m], contiguous) while `aa` stays A's logical aval ([…batch, m, k]);
 * likewise `tb` for B ([…batch, n, k]). Every path (Wasm f32, long-K f32, JS f64/f32, i32) reads
 * the stored layout while packing, so transposed operands are never copied into place.
 */
export const matmulKernel = (a: HostArray, ta: boolean, b: HostArray, tb: boolean, aa: Aval, ab: Aval, out: Aval): HostArray => {
  const r = aa.shape.length
  const m = aa.shape[r - 2]!,
    k = aa.shape[r - 1]!,
    n = ab.shape[r - 1]!
  const y = alloc(out),
    batch = numel(aa.shape.slice(0, r - 2))
  if (ta) matmulTrace.transposedA++
  if (tb) matmulTrace.transposedB++
  // f32 above a size threshold runs on WebAssembly (SIMD, threads); f64 and the fallback stay in JS
  const f32 = out.dtype === "f32" && a instanceof Float32Array && b instanceof Float32Array && y instanceof Float32Array
  if (out.dtype === "i32") gemmI32(a, b, y, batch, m, k, n, ta, tb)
  else if (f32 && k > WASM_K_CHUNK) f32GemmLongK(a, b, y, batch, m, k, n, ta, tb)
  else if (!(f32 && wasmGemm(a, b, y, batch, m, k, n, ta, tb))) gemm(a, b, y, batch, m, k, n, ta, tb)
  return y
}

export const cpuKernels = {
  reduceSum: reduce(
    { name: "sum", init: 0, f: (a, v) => a + v, js: "a + v" },
    { name: "sum_i32", init: 0, f: (a, v) => (a + v) | 0, js: "(a + v) | 0" },
  ),
  reduceProd: reduce(
    { name: "prod", init: 1, f: (a, v) => a * v, js: "a * v" },
    { name: "prod_i32", init: 1, f: Math.imul, js: "Math.imul(a, v)" },
  ),
  reduceMax: reduce({ name: "max", init: -Infinity, f: maxAcc, js: "v > a || Number.isNaN(v) ? v : a" }),
  reduceMin: reduce({ name: "min", init: Infinity, f: minAcc, js: "v < a || Number.isNaN(v) ? v : a" }),
  argReduce: ([x], [ax], { axis, op }, out) => {
    const shape = ax!.shape
    const n = shape[axis]!,
      inner = numel(shape.slice(axis + 1)),
      outer = numel(shape.slice(0, axis))
    const y = alloc(out)
    const better =
      op === "max"
        ? (v: number, b: number) => v > b || (Number.isNaN(v) && !Number.isNaN(b))
        : (v: number, b: number) => v < b || (Number.isNaN(v) && !Number.isNaN(b))
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let best = x![o * n * inner + i]!,
          arg = 0
        for (let k = 1; k < n; k++) {
          const v = x![(o * n + k) * inner + i]!
          if (better(v, best)) (best = v), (arg = k)
        }
        y[o * inner + i] = arg
      }
    return y
  },
  // contiguous storage is immutable: a reshape shares it
  reshape: ([x]) => x!,
  broadcastTo: ([x], [ax], _p, out) => broadcastTo(x!, ax!.shape, out.shape, alloc(out)),
  transpose: ([x], [ax], { perm }, out) => {
    const st = contiguous(ax!.shape)
    const y = alloc(out)
    stridedCopy(
      x!,
      0,
      perm.map((p) => st[p]!),
      y,
      0,
      contiguous(out.shape),
      out.shape,
    )
    return y
  },
  slice: ([x], [ax], { starts, steps }, out) => {
    const st = contiguous(ax!.shape)
    const y = alloc(out)
    stridedCopy(
      x!,
      starts.reduce((s, v, i) => s + v * st[i]!, 0),
      steps.map((s, i) => s * st[i]!),
      y,
      0,
      contiguous(out.shape),
      out.shape,
    )
    return y
  },
  pad: ([x], [ax], { lo, interior, value }, out) => {
    const y = alloc(out).fill(value)
    const ins = contiguous(ax!.shape),
      outs = contiguous(out.shape)
    // per axis, the input indices whose destination lo + i·(interior+1) lands inside the output
    const first: number[] = [],
      count: number[] = []
    ax!.shape.forEach((n, d) => {
      const step = interior[d]! + 1
      const i0 = Math.max(0, Math.ceil(-lo[d]! / step))
      const i1 = Math.min(n, Math.floor((out.shape[d]! - 1 - lo[d]!) / step) + 1)
      first.push(i0)
      count.push(Math.max(0, i1 - i0))
    })
    stridedCopy(
      x!,
      first.reduce((s, v, d) => s + v * ins[d]!, 0),
      ins,
      y,
      first.reduce((s, v, d) => s + (lo[d]! + v * (interior[d]! + 1)) * outs[d]!, 0),
      outs.map((s, d) => s * (interior[d]! + 1)),
      count,
    )
    return y
  },
  concat: (xs, avals, { axis }, out) => {
    const y = alloc(out)
    const outs = contiguous(out.shape)
    let off = 0
    xs.forEach((x, k) => {
      const sh = avals[k]!.shape
      stridedCopy(x, 0, contiguous(sh), y, off * outs[axis]!, outs, sh)
      off += sh[axis]!
    })
    return y
  },
  matmul: ([a, b], [aa, ab], _p, out) => matmulKernel(a!, false, b!, false, aa!, ab!, out),
  unfold: ([x], [ax], p, out) => {
    const y = alloc(out)
    unfold(x!, ax!.shape, p, y, out.shape)
    return y
  },
  fold: ([x], [ax], p, out) => {
    const y = alloc(out)
    fold(x!, ax!.shape, p, y, out.shape)
    return y
  },
  gather: gatherKernel,
  argsort: argsortKernel,
  scatterAdd: scatterAddKernel,
  luPivots: luPivotsKernel,
  lu: luKernel,
  triangularSolve: triangularSolveKernel,
  cholesky: choleskyKernel,
  qr: qrKernel,
  // per key [w0, w1]: keys threefry(k, x0, start + i), or the uniform stream (core/threefry.ts)
  threefry: ([k], _in, { mode, x0, start, count, dtype }, out) => {
    const y = alloc(out)
    const keys = numel(out.shape) / (mode === "key" ? 2 * count : count)
    for (let b = 0; b < keys; b++) {
      const key = [k![2 * b]! >>> 0, k![2 * b + 1]! >>> 0] as const
      if (mode === "uniform") uniformFromKey(key, count, dtype === "f64", y, b * count)
      else
        for (let i = 0; i < count; i++) {
          const [a, c] = threefry2x32(key, x0, (start + i) >>> 0)
          y[2 * (b * count + i)] = a | 0
          y[2 * (b * count + i) + 1] = c | 0
        }
    }
    return y
  },
} satisfies { readonly [P in Exclude<PrimitiveName, ElementwiseName>]: CpuKernel<P> }
