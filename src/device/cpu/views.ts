/**
 * Kernels that read and make strided views instead of copying: `slice`, `broadcastTo` and a
 * `transpose` of the last two axes (the matrix transpose `mT`, which matmul reads in place) return
 * views; elementwise primitives read views in place (`mapElementwise`). The stencil's slices thus
 * cost no pass of their own. The backend tries these first; everything else goes through
 * `kernels.ts`.
 *
 * @since 0.1.0
 */
import { hostAlloc, hostDType, numel, type Aval, type HostArray } from "../../ops/core/aval.js"
import type { ParamsOf, PrimitiveName } from "../../ops/core/primitive.js"
import { broadcastStrides } from "../../shape/index.js"
import { contiguous, copyExpr, stridedMap, type Expr, type Operand } from "./codegen.js"
import { CpuStorage } from "./storage.js"

type ViewKernel<P extends PrimitiveName> = (
  xs: ReadonlyArray<CpuStorage>,
  inAvals: ReadonlyArray<Aval>,
  params: ParamsOf<P>,
  out: Aval,
) => CpuStorage | undefined

/** `x` as an operand over the broadcast shape `outShape` (stride 0 on broadcast axes). */
const broadcastOperand = (x: CpuStorage, shape: ReadonlyArray<number>, outShape: ReadonlyArray<number>): Operand => {
  const o = x.operand(shape)
  const bs = broadcastStrides(shape, outShape),
    lead = outShape.length - shape.length
  return { data: o.data, offset: o.offset, strides: bs.map((s, d) => (s === 0 ? 0 : o.strides[d - lead]!)) }
}

/** An elementwise expression over (views of) its inputs, broadcast to `out`. */
export const mapElementwise = (e: Expr, xs: ReadonlyArray<CpuStorage>, avals: ReadonlyArray<Aval>, out: Aval): CpuStorage => {
  const n = numel(out.shape)
  const y = hostAlloc(out.dtype, n)
  // one element (scalar arithmetic): the expression's function on each input's only element, with
  // the store rounding as the generated loop's would; no loop to look up, no operands to build
  if (n === 1) {
    y[0] = e.f(...xs.map(scalarOf))
    return new CpuStorage(y)
  }
  stridedMap(
    e,
    y,
    0,
    contiguous(out.shape),
    xs.map((x, k) => broadcastOperand(x, avals[k]!.shape, out.shape)),
    out.shape,
  )
  return new CpuStorage(y)
}

/** The single element of a one-element storage (a view reads its base at its offset). */
const scalarOf = (x: CpuStorage): number => {
  const v = x.view
  return v === undefined ? x.data[0]! : v.base[v.offset]!
}

/** A view is kept only while it covers a fair share of its base (else a small slice would pin a large array). */
const keepsBase = (base: HostArray, n: number) => 4 * n >= base.length

const view = (base: HostArray, offset: number, strides: ReadonlyArray<number>, shape: ReadonlyArray<number>): CpuStorage => {
  if (keepsBase(base, numel(shape))) return CpuStorage.view({ base, offset, strides, shape })
  const y = hostAlloc(hostDType(base)!, numel(shape))
  stridedMap(copyExpr, y, 0, contiguous(shape), [{ data: base, offset, strides }], shape)
  return new CpuStorage(y)
}

export const viewKernels: { readonly [P in PrimitiveName]?: ViewKernel<P> } = {
  slice: ([x], [ax], { starts, steps }, out) => {
    const o = x!.operand(ax!.shape)
    let offset = o.offset
    starts.forEach((s, d) => (offset += s * o.strides[d]!))
    return view(
      o.data as HostArray,
      offset,
      steps.map((s, d) => s * o.strides[d]!),
      out.shape,
    )
  },
  // only a swap of the last two axes: matmul reads it without a copy, and elementwise kernels read
  // any view in place; other permutations stay copies, as every other reader would copy them anyway
  transpose: ([x], [ax], { perm }, out) => {
    const r = perm.length
    if (r < 2 || perm[r - 2] !== r - 1 || perm[r - 1] !== r - 2 || perm.some((p, i) => i < r - 2 && p !== i)) return undefined
    const o = x!.operand(ax!.shape)
    return view(
      o.data as HostArray,
      o.offset,
      perm.map((p) => o.strides[p]!),
      out.shape,
    )
  },
  broadcastTo: ([x], [ax], _p, out) => {
    const o = broadcastOperand(x!, ax!.shape, out.shape)
    return view(o.data as HostArray, o.offset, o.strides, out.shape)
  },
}
