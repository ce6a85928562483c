/**
 * The general convolution behind `conv1d`/`conv2d`/`conv3d` and `convTranspose2d`: any number of
 * spatial axes (1–3), window strides, per-side padding or `"same"`, kernel (rhs) dilation, input
 * (lhs) dilation and groups — the options of `lax.conv_general_dilated`. It is a composition: the
 * input is padded/dilated with the `pad` primitive, 2-D windows go through `unfold` + a batched
 * matmul, 1-D runs as 2-D over a height of one, and 3-D sums one 2-D convolution per kernel depth.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor } from "../core/tensor.js"
import { windowCount } from "../prims/window.js"

/**
 * Padding of a convolution or window: one size for every side, `"valid"` (none), `"same"` (the
 * output has ⌈n / stride⌉ entries per axis; the odd entry of padding goes on the high side, as
 * PyTorch and JAX do), or one entry per spatial axis — a size for both sides or a `[lo, hi]` pair.
 *
 * @example
 * import * as tg from "typegrad"
 * const p: tg.ConvPadding = [[1, 0], 2] // axis 0: 1 before, 0 after; axis 1: 2 on both sides
 * @since 0.1.0
 * @category convolution
 */
export type ConvPadding = number | "same" | "valid" | ReadonlyArray<number | readonly [number, number]>

/**
 * Options of the N-d convolutions (`conv1d`, `conv3d`, and `conv2d`'s general form). Sizes are one
 * number for every spatial axis or one per axis; each defaults like PyTorch (stride 1, padding 0,
 * dilation 1, groups 1) and `lhsDilation` (input dilation: `lhsDilation − 1` zeros between input
 * entries, as `lax.conv_general_dilated`) defaults to 1.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.ConvOpts = { stride: [1, 2, 2], padding: "same", lhsDilation: 1, groups: 2 }
 * @since 0.1.0
 * @category convolution
 */
export interface ConvOpts {
  readonly stride?: number | ReadonlyArray<number>
  readonly padding?: ConvPadding
  readonly dilation?: number | ReadonlyArray<number>
  readonly lhsDilation?: number | ReadonlyArray<number>
  readonly groups?: number
}

const fmt = (s: ReadonlyArray<unknown>) => `[${s.join(", ")}]`

/** One value per spatial axis from a number or a list (checked: positive integers). @internal */
export const perAxis = (
  op: string,
  name: string,
  v: number | ReadonlyArray<number> | undefined,
  n: number,
  dflt: number,
  min = 1,
): number[] => {
  const xs = v === undefined ? new Array<number>(n).fill(dflt) : typeof v === "number" ? new Array<number>(n).fill(v) : [...v]
  if (xs.length !== n) throw ShapeError.of(op, `${name} ${fmt(xs)} has ${xs.length} entries for ${n} spatial axes`)
  for (const s of xs)
    if (!Number.isInteger(s) || s < min)
      throw ShapeError.of(
        op,
        `${name} must be ${min === 0 ? "non-negative" : "positive"} integers, got ${typeof v === "number" ? v : fmt(xs)}`,
      )
  return xs
}

/**
 * `[lo, hi]` padding per spatial axis; `"same"` pads so that the output has ⌈n / s⌉ entries
 * (total d·(k−1)+1 − n + (out−1)·s, the odd one on the high side). @internal
 */
export const padPairs = (
  op: string,
  p: ConvPadding | undefined,
  sizes: ReadonlyArray<number>,
  k: ReadonlyArray<number>,
  s: ReadonlyArray<number>,
  d: ReadonlyArray<number>,
): Array<[number, number]> => {
  const n = sizes.length
  if (p === undefined || p === "valid") return sizes.map(() => [0, 0])
  if (p === "same")
    return sizes.map((len, i) => {
      const out = Math.ceil(len / s[i]!)
      const total = Math.max((out - 1) * s[i]! + d[i]! * (k[i]! - 1) + 1 - len, 0)
      return [Math.floor(total / 2), total - Math.floor(total / 2)]
    })
  if (typeof p === "string") throw ShapeError.of(op, `padding must be a size, "same", "valid" or one entry per axis, got "${p}"`)
  const xs = typeof p === "number" ? new Array<number | readonly [number, number]>(n).fill(p) : p
  if (xs.length !== n) throw ShapeError.of(op, `padding has ${xs.length} entries for ${n} spatial axes`)
  return xs.map((e) => {
    const pr: [number, number] = typeof e === "number" ? [e, e] : [e[0], e[1]]
    if (!pr.every((v) => Number.isInteger(v) && v >= 0))
      throw ShapeError.of(op, `padding must be non-negative integers, got ${typeof p === "number" ? p : JSON.stringify(p)}`)
    return pr
  })
}

/** The resolved parameters of one convolution (per spatial axis). @internal */
export interface ConvParams {
  readonly stride: ReadonlyArray<number>
  /** `[lo, hi]` per axis, applied after input dilation; negative crops (used by the transpose) */
  readonly pads: ReadonlyArray<readonly [number, number]>
  readonly dilation: ReadonlyArray<number>
  readonly lhsDilation: ReadonlyArray<number>
  readonly groups: number
}

/** Check ranks and channels of `x: [N, C, ...sp]`, `w: [O, C/groups, ...k]` and resolve the options. @internal */
export const resolveConv = (op: string, x: AnyTensor, w: AnyTensor, nsp: number, o: ConvOpts): ConvParams => {
  const sp = nsp === 1 ? ["L"] : nsp === 2 ? ["H", "W"] : ["D", "H", "W"]
  if (x.shape.length !== nsp + 2) throw ShapeError.of(op, `input must be [N, C, ${sp.join(", ")}], got ${fmt(x.shape)}`, x.shape, w.shape)
  if (w.shape.length !== nsp + 2)
    throw ShapeError.of(op, `weight must be [out, in/groups, ${sp.map((a) => `k${a}`).join(", ")}], got ${fmt(w.shape)}`, x.shape, w.shape)
  const g = o.groups ?? 1
  if (!Number.isInteger(g) || g < 1) throw ShapeError.of(op, `groups must be a positive integer, got ${g}`, x.shape, w.shape)
  const C = x.shape[1]!,
    [Co, Cg] = w.shape as number[]
  if (Cg! * g !== C)
    throw ShapeError.of(
      op,
      `input has ${C} channels but weight ${fmt(w.shape)} expects ${Cg}${g === 1 ? "" : ` x ${g} groups`}`,
      x.shape,
      w.shape,
    )
  if (Co! % g !== 0)
    throw ShapeError.of(op, `weight ${fmt(w.shape)} has ${Co} output channels, not divisible by ${g} groups`, x.shape, w.shape)
  const stride = perAxis(op, "stride", o.stride, nsp, 1)
  const dilation = perAxis(op, "dilation", o.dilation, nsp, 1)
  const lhsDilation = perAxis(op, "lhsDilation", o.lhsDilation, nsp, 1)
  const k = w.shape.slice(2)
  const dilated = x.shape.slice(2).map((n, i) => (n === 0 ? 0 : (n - 1) * lhsDilation[i]! + 1))
  const pads = padPairs(op, o.padding, dilated, k, stride, dilation)
  return { stride, pads, dilation, lhsDilation, groups: g }
}

/** The name of spatial axis `i` of `n` in messages (the type's `ConvAxisOut` uses the same). @internal */
export const axisName = (n: number, i: number): string =>
  n === 1 ? "length" : n === 2 ? ["height", "width"][i]! : n === 3 ? ["depth", "height", "width"][i]! : `axis ${i}`

/** Output sizes of the spatial axes (an error naming `op` when a window does not fit). @internal */
export const convOutSizes = (op: string, xShape: ReadonlyArray<number>, k: ReadonlyArray<number>, p: ConvParams): number[] =>
  k.map((kk, i) => {
    const n = xShape[i + 2]!,
      nd = n === 0 ? 0 : (n - 1) * p.lhsDilation[i]! + 1
    const [lo, hi] = p.pads[i]!
    const o = windowCount(nd, kk, p.stride[i]!, p.dilation[i]!, lo, hi)
    if (o < 1) {
      const span = p.dilation[i]! * (kk - 1) + 1
      throw ShapeError.of(
        op,
        `kernel ${kk}${span === kk ? "" : ` (dilated to ${span})`} larger than padded ${axisName(k.length, i)} ${nd + lo + hi}`,
        xShape,
      )
    }
    return o
  })

/** 2-D core: `x [N, C, H, W]` (already padded/dilated when `pads` is null), `w [O, C/g, kh, kw]`. */
const conv2dCore = (
  x: AnyTensor,
  w: AnyTensor,
  stride: readonly [number, number],
  pads: readonly [number, number, number, number],
  dilation: readonly [number, number],
  g: number,
  out: readonly [number, number],
): AnyTensor => {
  const N = x.shape[0]!
  const [Oc, Cg, kh, kw] = w.shape as [number, number, number, number]
  const [OH, OW] = out
  const cols = lax.unfold(x, { kernel: [kh, kw], stride, dilation, padding: pads, value: 0 })
  // [N, C, kh, kw, OH, OW] -> [N, G, C/G·kh·kw, OH·OW];  w -> [G, O/G, C/G·kh·kw]
  const K = Cg * kh * kw
  const colsG = lax.reshape(cols, [N, g, K, OH * OW])
  const wG = lax.reshape(w, [1, g, Oc / g, K])
  const y = lax.matmul(lax.broadcastTo(wG, [N, g, Oc / g, K]), colsG)
  return lax.reshape(y, [N, Oc, OH, OW])
}

/**
 * The convolution of `x: [N, C, ...sp]` with `w: [O, C/groups, ...k]` (1–3 spatial axes) under
 * resolved parameters. @internal
 */
export const convGeneral = (op: string, x: AnyTensor, w: AnyTensor, p: ConvParams): AnyTensor => {
  commonDevice([x, w], op)
  const nsp = x.shape.length - 2
  const k = w.shape.slice(2)
  const out = convOutSizes(op, x.shape, k, p)
  // input dilation and cropping (negative padding) go through `pad`; plain padding is left to unfold
  let xp = x
  let pads = p.pads
  if (p.lhsDilation.some((v) => v > 1) || pads.some(([lo, hi]) => lo < 0 || hi < 0) || nsp === 3) {
    xp = lax.pad(x, [0, 0, ...pads.map((q) => q[0])], [0, 0, ...pads.map((q) => q[1])], [0, 0, ...p.lhsDilation.map((v) => v - 1)], 0)
    pads = pads.map(() => [0, 0] as const)
  }
  const [N, C] = xp.shape as number[]
  if (nsp === 1) {
    const [L] = xp.shape.slice(2)
    const y = conv2dCore(
      lax.reshape(xp, [N!, C!, 1, L!]),
      lax.reshape(w, [w.shape[0]!, w.shape[1]!, 1, k[0]!]),
      [1, p.stride[0]!],
      [0, 0, pads[0]![0], pads[0]![1]],
      [1, p.dilation[0]!],
      p.groups,
      [1, out[0]!],
    )
    return lax.reshape(y, [N!, w.shape[0]!, out[0]!])
  }
  if (nsp === 2)
    return conv2dCore(
      xp,
      w,
      [p.stride[0]!, p.stride[1]!],
      [pads[0]![0], pads[0]![1], pads[1]![0], pads[1]![1]],
      [p.dilation[0]!, p.dilation[1]!],
      p.groups,
      [out[0]!, out[1]!],
    )
  // 3-D: y[:, :, z] = Σ_i conv2d(x[:, :, z·s + i·d], w[:, :, i]); each depth slice joins the batch
  const [, , , H, W] = xp.shape as number[]
  const [OD, OH, OW] = out as [number, number, number]
  const [Oc, Cg, kd, kh, kw] = w.shape as number[]
  let acc: AnyTensor | undefined
  for (let i = 0; i < kd!; i++) {
    const xs = lax.slice(xp, [0, 0, i * p.dilation[0]!, 0, 0], [1, 1, p.stride[0]!, 1, 1], [N!, C!, OD, H!, W!])
    const xb = lax.reshape(lax.transpose(xs, [0, 2, 1, 3, 4]), [N! * OD, C!, H!, W!])
    const wi = lax.reshape(lax.slice(w, [0, 0, i, 0, 0], [1, 1, 1, 1, 1], [Oc!, Cg!, 1, kh!, kw!]), [Oc!, Cg!, kh!, kw!])
    const yi = conv2dCore(xb, wi, [p.stride[1]!, p.stride[2]!], [0, 0, 0, 0], [p.dilation[1]!, p.dilation[2]!], p.groups, [OH, OW])
    acc = acc === undefined ? yi : lax.add(acc, yi)
  }
  return lax.transpose(lax.reshape(acc!, [N!, OD, Oc!, OH, OW]), [0, 2, 1, 3, 4])
}
