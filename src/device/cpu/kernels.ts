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

export type CpuKernel<P extends PrimitiveName> = (
  xs: ReadonlyArray<HostArray>,
  inAvals: ReadonlyArray<Aval>,
  params: ParamsOf<P>,
  out: Aval,
) => HostArray

const alloc = (av: Aval) => hostAlloc(av.dtype, numel(av.shape))

type Acc = (acc: number, v: number) => number
const reduce = <P extends "reduceSum" | "reduceMax" | "reduceMin" | "reduceProd">(init: number, f: Acc): CpuKernel<P> => ([x], [ax], params, out) => {
  const { axes } = params as { readonly axes: ReadonlyArray<number> }
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
      if (oi === 0) {
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

export const cpuKernels = {
  reduceSum: reduce(0, (a, v) => a + v),
  reduceProd: reduce(1, (a, v) => a * v),
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
    if (!(f32 && wasmGemm(a, b, y, batch, m, k, n))) gemm(a!, b!, y, batch, m, k, n)
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
  scatterAdd: scatterAddKernel,
  luPivots: luPivotsKernel,
  lu: luKernel,
  triangularSolve: triangularSolveKernel,
  cholesky: choleskyKernel,
  qr: qrKernel,
} satisfies { readonly [P in Exclude<PrimitiveName, ElementwiseName>]: CpuKernel<P> }

