/**
 * Runtime twins of the windowed shape rules (`Conv2d`, `Pool2d`, `WindowOut`).
 * Output size per spatial axis: ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1.
 *
 * @since 0.1.0
 */
import { fail, fmtDim, fmtShape, kind, type RDim } from "./runtime-core.js"
import type { Pair } from "./types-window.js"

const p0 = (x: Pair) => (typeof x === "number" ? x : x[0])
const p1 = (x: Pair) => (typeof x === "number" ? x : x[1])

/**
 * Output size of one spatial axis (twin of `WindowOut`); `null` when an input is not a literal.
 * @example
 * import { windowOut } from "./runtime-window.js"
 * windowOut(224, 7, 2, 3, 1, "conv2d", "height") // 112
 * @since 0.1.0
 * @category shape functions
 */
export function windowOut(n: RDim, k: RDim, s: RDim, p: RDim, d: RDim, op: string, axis: string): RDim {
  if (![n, k, s, p, d].every((x) => kind(x) === "lit")) return null
  const [N, K, S, P, D] = [n, k, s, p, d] as [number, number, number, number, number]
  if (S === 0) fail(op, "stride must be positive")
  if (K === 0) fail(op, "kernel size must be positive")
  if (D === 0) fail(op, "dilation must be positive")
  const padded = N + 2 * P,
    span = D * (K - 1) + 1
  if (padded < span) fail(op, `kernel ${K}${D === 1 ? "" : ` (dilated to ${span})`} larger than padded ${axis} ${padded}`)
  return Math.floor((padded - span) / S) + 1
}

/**
 * `conv2d` output shape (twin of `Conv2d`): x = [N, C, H, W], w = [out, C/groups, kH, kW].
 * @example
 * import { conv2dShape } from "./runtime-window.js"
 * conv2dShape(["B", 3, 224, 224], [64, 3, 7, 7], { stride: 2, padding: 3 }) // ["B", 64, 112, 112]
 * @since 0.1.0
 * @category shape functions
 */
export function conv2dShape(
  x: ReadonlyArray<RDim>,
  w: ReadonlyArray<RDim>,
  opts: { readonly stride?: Pair; readonly padding?: Pair; readonly dilation?: Pair; readonly groups?: number } = {},
): RDim[] {
  if (x.length !== 4) fail("conv2d", `input must be [N, C, H, W], got ${fmtShape(x)}`, x, w)
  if (w.length !== 4) fail("conv2d", `weight must be [out, in/groups, kH, kW], got ${fmtShape(w)}`, x, w)
  const [N, C, H, W] = x as [RDim, RDim, RDim, RDim]
  const [Co, Cg, KH, KW] = w as [RDim, RDim, RDim, RDim]
  const g = opts.groups ?? 1,
    st = opts.stride ?? 1,
    pd = opts.padding ?? 0,
    dl = opts.dilation ?? 1
  // C = Cg·g when both are literal; with g = 1 a named C must be the same name
  const ok =
    kind(Cg) === "lit" && kind(C) === "lit" ? (Cg as number) * g === C : kind(C) === "dyn" || kind(Cg) === "dyn" || g !== 1 || C === Cg
  if (!ok)
    fail(
      "conv2d",
      `input has ${fmtDim(C)} channels but weight ${fmtShape(w)} expects ${fmtDim(Cg)}${g === 1 ? "" : ` x ${g} groups`}`,
      x,
      w,
    )
  if (g !== 1 && kind(Co) === "lit" && (Co as number) % g !== 0)
    fail("conv2d", `weight ${fmtShape(w)} has ${Co} output channels, not divisible by ${g} groups`, x, w)
  const ho = windowOut(H, KH, p0(st), p0(pd), p0(dl), "conv2d", "height")
  const wo = windowOut(W, KW, p1(st), p1(pd), p1(dl), "conv2d", "width")
  return [N, Co, ho, wo]
}

/**
 * 2-D pooling output shape for op `op` (twin of `Pool2d`): [N, C, H, W] or [C, H, W]; the
 * stride defaults to the kernel; padding may be at most half the kernel.
 * @example
 * import { pool2dShape } from "./runtime-window.js"
 * pool2dShape(["B", 64, 112, 112], 3, { stride: 2, padding: 1 }, "maxPool2d") // ["B", 64, 56, 56]
 * @since 0.1.0
 * @category shape functions
 */
export function pool2dShape(
  x: ReadonlyArray<RDim>,
  kernel: Pair,
  opts: { readonly stride?: Pair; readonly padding?: Pair; readonly dilation?: Pair } = {},
  op = "maxPool2d",
): RDim[] {
  if (x.length !== 3 && x.length !== 4) fail(op, `input must be [N, C, H, W] or [C, H, W], got ${fmtShape(x)}`, x)
  const st = opts.stride ?? kernel,
    pd = opts.padding ?? 0,
    dl = opts.dilation ?? 1
  for (const [p, k] of [
    [p0(pd), p0(kernel)],
    [p1(pd), p1(kernel)],
  ] as const)
    if (kind(p) === "lit" && kind(k) === "lit" && 2 * p > k) fail(op, `padding ${p} should be at most half of kernel ${k}`, x)
  const ho = windowOut(x[x.length - 2]!, p0(kernel), p0(st), p0(pd), p0(dl), op, "height")
  const wo = windowOut(x[x.length - 1]!, p1(kernel), p1(st), p1(pd), p1(dl), op, "width")
  return [...x.slice(0, -2), ho, wo]
}
