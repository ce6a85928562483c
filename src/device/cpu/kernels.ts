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
const add: Acc = (a, v) => a + v
/** Σ x[i .. i + n): blocks of 64 in order, halves (at block boundaries) added pairwise. */
const pairwiseSum = (x: HostArray, i: number, n: number): number => {
  if (n <= 64) {
    let s = 0
    for (let j = i; j < i + n; j++) s += x[j]!
    return s
  }
  const h = 64 * Math.ceil(n / 128)
  return pairwiseSum(x, i, h) + pairwiseSum(x, i + h, n - h)
}

type ReduceName = "reduceSum" | "reduceMax" | "reduceMin" | "reduceProd"
/**
 * A reduction accumulating in f64 (an f32 result carries one rounding for any length below 2²⁹);
 * `fi` is the i32 step when it differs (sums and products wrap modulo 2³² at every step, as the
 * WebGPU kernels do, which f64 cannot past 2⁵³).
 */
const reduce = <P extends ReduceName>(init: number, f0: Acc, fi: Acc = f0): CpuKernel<P> => ([x], [ax], params, out) => {
  const { axes } = params as { readonly axes: ReadonlyArray<number> }
  const f = out.dtype === "i32" ? fi : f0
  // float sums along contiguous rows go pairwise (f64 tensors then carry O(log n) roundings too)
  const pair = f0 === add && (out.dtype === "f64" || out.dtype === "f32")
  const shape = ax!.shape
  // reducing over no axes is the identity (this also covers rank-0 inputs)
  if (axes.length === 0) return hostConvert(x!, out.dtype)
  const acc = new Float64Array(numel(out.shape)).fill(init)
  const r = shape.length
  if (x!.length > 0) {
    // output strides seen from the input's index space (0 on reduced axes)
    const os = new Array<number>(r).fill(0)
    let s = 1
    for (let i = r - 1; i >= 0; i--) if (!axes.includes(i)) ((os[i] = s), (s *= shape[i]!))
    const inner = shape[r - 1]!, oi = os[r - 1]!
    const idx = new Array<number>(r - 1).fill(0)
    let o = 0, i = 0
    for (;;) {
      if (oi === 0 && pair) {
        acc[o] = acc[o]! + pairwiseSum(x!, i, inner)
        i += inner
      } else if (oi === 0) {
        let a = acc[o]!
        for (let j = 0; j < inner; j++) a = f(a, x![i++]!)
        acc[o] = a
      } else for (let j = 0, oj = o; j < inner; j++, oj += oi) acc[oj] = f(acc[oj]!, x![i++]!)
      let k = r - 2
      for (; k >= 0; k--) {
        idx[k]!++
        o += os[k]!
        if (idx[k]! < shape[k]!) break
        o -= os[k]! * shape[k]!
        idx[k] = 0
      }
      if (k < 0) break
    }
  }
  return hostConvert(acc, out.dtype)
}
const maxAcc: Acc = (a, v) => (v > a || v !== v ? v : a)
const minAcc: Acc = (a, v) => (v < a || v !== v ? v : a)

/** Inner-dimension slices of the f32 Wasm GEMM: it accumulates in f32, so longer products are summed over slices in f64. */
const WASM_K_CHUNK = 1024

/**
 * f32 GEMM with a long inner dimension: the Wasm kernel (f32 accumulators) on slices of
 * WASM_K_CHUNK products, the slices summed in f64, so the rounding error stays that of one slice
 * whatever K (the JS kernel, which accumulates in f64, takes a slice the Wasm one declines).
 */
const f32GemmLongK = (a: Float32Array, b: Float32Array, y: Float32Array, batch: number, m: number, k: number, n: number): void => {
  const kc = WASM_K_CHUNK
  const acc = new Float64Array(y.length)
  const ta = new Float32Array(batch * m * kc), tb = new Float32Array(batch * kc * n), ty = new Float32Array(y.length)
  for (let k0 = 0; k0 < k; k0 += kc) {
    const w = Math.min(kc, k - k0)
    // A[:, :, k0:k0+w] and B[:, k0:k0+w, :] as contiguous operands
    for (let p = 0; p < batch; p++) {
      for (let i = 0; i < m; i++) ta.set(a.subarray((p * m + i) * k + k0, (p * m + i) * k + k0 + w), (p * m + i) * w)
      tb.set(b.subarray((p * k + k0) * n, (p * k + k0 + w) * n), p * w * n)
    }
    const sa = ta.subarray(0, batch * m * w), sb = tb.subarray(0, batch * w * n)
    if (!wasmGemm(sa, sb, ty, batch, m, w, n)) gemm(sa, sb, ty, batch, m, w, n)
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + ty[i]!
  }
  y.set(acc)
}

/** i32 GEMM wrapping modulo 2³² at every step (exact, as WebGPU's i32 arithmetic; f64 sums of i32 products lose low bits). */
const gemmI32 = (a: HostArray, b: HostArray, c: HostArray, batch: number, m: number, k: number, n: number): void => {
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++) {
      const ci = (q * m + i) * n
      for (let j = 0; j < n; j++) c[ci + j] = 0
      for (let p = 0; p < k; p++) {
        const av = a[(q * m + i) * k + p]!, bo = (q * k + p) * n
        for (let j = 0; j < n; j++) c[ci + j] = (c[ci + j]! + Math.imul(av, b[bo + j]!)) | 0
      }
    }
}

export const cpuKernels = {
  reduceSum: reduce(0, add, (a, v) => (a + v) | 0),
  reduceProd: reduce(1, (a, v) => a * v, Math.imul),
  reduceMax: reduce(-Infinity, maxAcc),
  reduceMin: reduce(Infinity, minAcc),
  argReduce: ([x], [ax], { axis, op }, out) => {
    const shape = ax!.shape
    const n = shape[axis]!, inner = numel(shape.slice(axis + 1)), outer = numel(shape.slice(0, axis))
    const y = alloc(out)
    const better = op === "max" ? (v: number, b: number) => v > b || (v !== v && b === b) : (v: number, b: number) => v < b || (v !== v && b === b)
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let best = x![o * n * inner + i]!, arg = 0
        for (let k = 1; k < n; k++) {
          const v = x![(o * n + k) * inner + i]!
          if (better(v, best)) ((best = v), (arg = k))
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
    stridedCopy(x!, 0, perm.map((p) => st[p]!), y, 0, contiguous(out.shape), out.shape)
    return y
  },
  slice: ([x], [ax], { starts, steps }, out) => {
    const st = contiguous(ax!.shape)
    const y = alloc(out)
    stridedCopy(x!, starts.reduce((s, v, i) => s + v * st[i]!, 0), steps.map((s, i) => s * st[i]!), y, 0, contiguous(out.shape), out.shape)
    return y
  },
  pad: ([x], [ax], { lo, interior, value }, out) => {
    const y = alloc(out).fill(value)
    const ins = contiguous(ax!.shape), outs = contiguous(out.shape)
    // per axis, the input indices whose destination lo + i·(interior+1) lands inside the output
    const first: number[] = [], count: number[] = []
    ax!.shape.forEach((n, d) => {
      const step = interior[d]! + 1
      const i0 = Math.max(0, Math.ceil(-lo[d]! / step))
      const i1 = Math.min(n, Math.floor((out.shape[d]! - 1 - lo[d]!) / step) + 1)
      first.push(i0)
      count.push(Math.max(0, i1 - i0))
    })
    stridedCopy(
      x!, first.reduce((s, v, d) => s + v * ins[d]!, 0), ins,
      y, first.reduce((s, v, d) => s + (lo[d]! + v * (interior[d]! + 1)) * outs[d]!, 0), outs.map((s, d) => s * (interior[d]! + 1)),
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
  matmul: ([a, b], [aa, ab], _p, out) => {
    const r = aa!.shape.length
    const m = aa!.shape[r - 2]!, k = aa!.shape[r - 1]!, n = ab!.shape[r - 1]!
    const y = alloc(out), batch = numel(aa!.shape.slice(0, r - 2))
    // f32 above a size threshold runs on WebAssembly (SIMD, threads); f64 and the fallback stay in JS
    const f32 = out.dtype === "f32" && a instanceof Float32Array && b instanceof Float32Array && y instanceof Float32Array
    if (out.dtype === "i32") gemmI32(a!, b!, y, batch, m, k, n)
    else if (f32 && k > WASM_K_CHUNK) f32GemmLongK(a, b, y, batch, m, k, n)
    else if (!(f32 && wasmGemm(a, b, y, batch, m, k, n))) gemm(a!, b!, y, batch, m, k, n)
    return y
  },
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

