/**
 * 2-D convolution and pooling on NCHW tensors, composed from the `unfold` (im2col) primitive and
 * a batched matmul — so gradients, batching and both backends come from those two primitives.
 *
 * @since 0.1.0
 */
import {
  conv2dShape,
  pool2dShape,
  type Conv2d,
  type Conv2dOpts,
  type DeviceKind,
  type DType,
  type FloatDType,
  type Guard,
  type Pool2d,
  type Pool2dOpts,
  type SameDevice,
  type SameDType,
  type Shape,
} from "../../shape/index.js"
import type { Pair as PairT } from "../../shape/index.js"
import { requireFloat } from "../core/aval.js"
import { checkInt, checkOptions, checkTensor, invalidArgument } from "../core/check.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { UnfoldParams } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import { convGeneral, resolveConv } from "./conv-general.js"
import type { Out } from "./typing.js"

const pair = (p: PairT | undefined, d: number): readonly [number, number] =>
  p === undefined ? [d, d] : typeof p === "number" ? [p, p] : [p[0], p[1]]

/** One window parameter (a number or an `[h, w]` pair) of integers ≥ `min`, checked for untyped callers. */
const checkPair = (p: unknown, op: string, argument: string, min: number): void => {
  const ok = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= min
  if (p === undefined || (Array.isArray(p) ? p.length === 2 && ok(p[0]) && ok(p[1]) : ok(p))) return
  const what = min === 0 ? "a non-negative integer" : `an integer ≥ ${min}`
  throw invalidArgument(op, argument, p, `${what}, or an [h, w] pair of them`)
}
/** The options of a windowed op (conv2d, pooling): known keys, integer sizes in range. */
const checkWindowOpts = (o: unknown, op: string, conv: boolean): void => {
  checkOptions(o, op, conv ? ["stride", "padding", "dilation", "groups", "lhsDilation"] : ["stride", "padding", "dilation"])
  if (o === undefined) return
  const r = o as Conv2dOpts
  checkPair(r.stride, op, "options.stride", 1)
  // a convolution also takes "same", "valid" and per-side [[top, bottom], [left, right]] padding
  const sides = (p: unknown) =>
    Array.isArray(p) &&
    p.length === 2 &&
    p.every((q) => Array.isArray(q) && q.length === 2 && q.every((v) => Number.isInteger(v) && v >= 0))
  if (!(conv && (r.padding === "same" || r.padding === "valid" || sides(r.padding)))) checkPair(r.padding, op, "options.padding", 0)
  checkPair(r.dilation, op, "options.dilation", 1)
  if (conv) checkPair(r.lhsDilation, op, "options.lhsDilation", 1)
  if (r.groups !== undefined) checkInt(r.groups, op, "options.groups", 1)
}

const windows = (
  x: AnyTensor,
  kernel: readonly [number, number],
  o: Pool2dOpts,
  value: number,
  defaultStride: readonly [number, number],
): AnyTensor => {
  const [ph, pw] = pair(o.padding, 0)
  const p: UnfoldParams = {
    kernel,
    stride: o.stride === undefined ? defaultStride : pair(o.stride, 1),
    dilation: pair(o.dilation, 1),
    padding: [ph, ph, pw, pw],
    value,
  }
  return lax.unfold(x, p)
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch): `x: [N, C, H, W]`, `w: [O, C/groups, kh, kw]`
 * with stride, padding (a size, `[h, w]`, per-side `[[top, bottom], [left, right]]`, `"same"` or
 * `"valid"`), dilation, input dilation (`lhsDilation`, as `lax.conv_general_dilated`) and groups.
 * The output size is computed by the type.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.zeros([8, 3, 32, 32])
 * const w = tg.zeros([16, 3, 3, 3])
 * const y = tg.conv2d(x, w, { padding: 1 }) // Tensor<[8, 16, 32, 32]>
 * const s = tg.conv2d(x, w, { padding: "same", stride: 2 }) // Tensor<[8, 16, 16, 16]>
 * const a = tg.conv2d(x, w, { padding: [[1, 0], [0, 1]] }) // Tensor<[8, 16, 31, 31]>
 * @since 0.1.0
 * @category convolution
 */
export const conv2d = <
  X extends Shape,
  W extends Shape,
  D1 extends DType,
  D2 extends DType,
  V1 extends DeviceKind,
  V2 extends DeviceKind,
  const O extends Conv2dOpts = {},
>(
  x: Tensor<X, D1, V1>,
  w: Tensor<W, D2, V2> & NoInfer<Guard<SameDevice<V1, V2, "conv2d", SameDType<D1, D2, "conv2d", Conv2d<X, W, O>>>>>,
  options?: O,
): Out<Conv2d<X, W, O>, D1, V1> => {
  commonDevice([x, w], "conv2d")
  checkWindowOpts(options, "conv2d", true)
  const o: Conv2dOpts = options ?? {}
  // the plain PyTorch options keep the shape rule's own messages (the twin of the type)
  const plain =
    o.lhsDilation === undefined &&
    (o.padding === undefined ||
      typeof o.padding === "number" ||
      (typeof o.padding !== "string" && o.padding.every((e) => typeof e === "number")))
  if (plain) conv2dShape(x.shape, w.shape, o as { readonly padding?: PairT })
  const p = resolveConv("conv2d", x, w as AnyTensor, 2, o)
  return convGeneral("conv2d", x, w as AnyTensor, p) as never
}

const poolKernel = (k: PairT) => pair(k, 1)

/**
 * 2-D max pooling on `[N, C, H, W]` (stride defaults to the kernel; padding counts as −∞).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.maxPool2d(tg.zeros([1, 3, 32, 32]), 2) // Tensor<[1, 3, 16, 16]>
 * @since 0.1.0
 * @category convolution
 */
export const maxPool2d = <X extends Shape, D extends DType, V extends DeviceKind, const K extends PairT, const O extends Pool2dOpts = {}>(
  x: Tensor<X, D, V> & NoInfer<Guard<Pool2d<X, K, O, "maxPool2d">>>,
  kernel: K,
  options?: O,
): Out<Pool2d<X, K, O, "maxPool2d">, D, V> => {
  checkTensor(x, "maxPool2d")
  checkPair(kernel, "maxPool2d", "kernel", 1)
  checkWindowOpts(options, "maxPool2d", false)
  pool2dShape(x.shape, kernel, options ?? {}, "maxPool2d")
  const k = poolKernel(kernel)
  return lax.reduceMax(windows(x, k, options ?? {}, -Infinity, k), [2, 3]) as never
}

/**
 * 2-D average pooling on `[N, C, H, W]` (stride defaults to the kernel; zero padding is counted,
 * as PyTorch's default `count_include_pad`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.avgPool2d(tg.ones([1, 1, 4, 4]), 2).toArraySync() // [[[[1, 1], [1, 1]]]]
 * @since 0.1.0
 * @category convolution
 */
export const avgPool2d = <
  X extends Shape,
  D extends FloatDType,
  V extends DeviceKind,
  const K extends PairT,
  const O extends Pool2dOpts = {},
>(
  x: Tensor<X, D, V> & NoInfer<Guard<Pool2d<X, K, O, "avgPool2d">>>,
  kernel: K,
  options?: O,
): Out<Pool2d<X, K, O, "avgPool2d">, D, V> => {
  checkTensor(x, "avgPool2d")
  checkPair(kernel, "avgPool2d", "kernel", 1)
  checkWindowOpts(options, "avgPool2d", false)
  pool2dShape(x.shape, kernel, options ?? {}, "avgPool2d")
  requireFloat("avgPool2d", x.dtype)
  const k = poolKernel(kernel)
  return lax.div(lax.reduceSum(windows(x, k, options ?? {}, 0, k), [2, 3]), k[0] * k[1]) as never
}
