/**
 * Views shared by the jit compilers of every backend: how a re-indexing primitive (slice,
 * broadcastTo, transpose, reshape) or a pad reads its input, so a fused loop or kernel can read
 * the base buffer in place instead of materialising the intermediate.
 *
 * @since 0.1.0
 */
import type { ParamsOf } from "../ops/core/primitive.js"
import type { ProgramEqn, ProgramVar } from "../ops/core/backend.js"
import { sameShape, stridesOf as contiguous } from "../shape/index.js"

/** A pad seen from the output of a `pad`: input index `(i - lo) / step` when that is an integer in `[0, len)`, else `value`. */
export interface PadMap {
  readonly lo: ReadonlyArray<number>
  /** interior + 1 */
  readonly step: ReadonlyArray<number>
  /** the padded input's shape */
  readonly len: ReadonlyArray<number>
  readonly value: number
}

/** `base[offset + Σ i·strides]`, through `pad` when given. */
export interface View {
  readonly base: ProgramVar
  readonly offset: number
  readonly strides: ReadonlyArray<number>
  readonly pad?: PadMap
}

/**
 * The view an eqn's output is of its input when it is a re-indexing (slice, broadcastTo,
 * transpose, reshape) or a pad; `inner` is the input's own deferred view. Null when it does not
 * compose (anything over a pad, a reshape that merges or splits strided axes).
 */
export const viewOf = (e: ProgramEqn, inner: View | null = null): View | null => {
  const x = e.inputs[0]!
  if (inner?.pad !== undefined) return null
  const st = inner?.strides ?? contiguous(x.aval.shape)
  const base = inner?.base ?? x,
    off = inner?.offset ?? 0
  switch (e.prim.name) {
    case "slice": {
      const p = e.params as ParamsOf<"slice">
      return { base, offset: off + p.starts.reduce((s, v, i) => s + v * st[i]!, 0), strides: p.steps.map((s, i) => s * st[i]!) }
    }
    case "transpose":
      return { base, offset: off, strides: (e.params as ParamsOf<"transpose">).perm.map((p) => st[p]!) }
    case "broadcastTo": {
      const out = e.outs[0]!.aval.shape,
        lead = out.length - x.aval.shape.length
      return { base, offset: off, strides: out.map((d, i) => (i < lead || (x.aval.shape[i - lead] === 1 && d !== 1) ? 0 : st[i - lead]!)) }
    }
    case "reshape": {
      const out = e.outs[0]!.aval.shape
      if (inner === null) return { base, offset: off, strides: contiguous(out) }
      // through a strided view: only size-1 axes may come and go
      const kept = st.filter((_, i) => x.aval.shape[i] !== 1)
      if (
        !sameShape(
          x.aval.shape.filter((d) => d !== 1),
          out.filter((d) => d !== 1),
        )
      )
        return null
      let k = 0
      return { base, offset: off, strides: out.map((d) => (d === 1 ? 0 : kept[k++]!)) }
    }
    case "pad": {
      const p = e.params as ParamsOf<"pad">
      return { base, offset: off, strides: st, pad: { lo: p.lo, step: p.interior.map((i) => i + 1), len: x.aval.shape, value: p.value } }
    }
    default:
      return null
  }
}
