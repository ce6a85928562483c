/**
 * Loss functions with PyTorch's definitions and reductions (`"mean" | "sum" | "none"`):
 * cross-entropy (class labels or probabilities, label smoothing, ignore index), NLL, binary
 * cross-entropy with logits, MSE, L1, smooth L1 and Huber. Class scores are on axis 1, as in PyTorch.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { cast, eq, logSoftmax, type AnyTensor, type Tensor } from "../ops/index.js"
import { fromHost } from "../ops/core/host.js"
import type { DeviceKind, FloatDType, Shape } from "../shape/index.js"

/**
 * How a loss reduces over elements: the mean (default), the sum, or none (one value per element).
 *
 * @example
 * import * as tg from "typegrad"
 * const r: tg.nn.Reduction = "sum"
 * @since 0.1.0
 * @category losses
 */
export type Reduction = "mean" | "sum" | "none"

/**
 * The result type of a loss: a scalar, or the per-element shape `S` with `"none"`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type L = tg.nn.LossOut<[8], "f32", "cpu", "mean"> // Tensor<[], "f32", "cpu">
 * @since 0.1.0
 * @category losses
 */
export type LossOut<S extends Shape, D extends FloatDType, V extends DeviceKind, R> = R extends "none" ? Tensor<S, D, V> : Tensor<[], D, V>

const reduce = (x: AnyTensor, r: Reduction | undefined): AnyTensor => (r === "none" ? x : r === "sum" ? x.sum() : x.mean())

/**
 * One-hot encoding of integer `labels` as floats of dtype `like` (`labels[..., None] == arange(C)`).
 * A gather primitive would replace this comparison with an index read.
 * @internal
 */
export const oneHot = (labels: AnyTensor, classes: number, like: AnyTensor): AnyTensor => {
  const range = fromHost(
    Int32Array.from({ length: classes }, (_, i) => i),
    [classes],
    "i32",
    labels.device,
  )
  return cast(eq(cast(labels, "i32").unsqueeze(-1) as AnyTensor, range as AnyTensor) as AnyTensor, like.dtype)
}

/** Move the class axis (1) of `[N, C, d...]` last; `[C]` and `[N, C]` stay. */
const classesLast = (x: AnyTensor): AnyTensor =>
  x.shape.length <= 2 ? x : x.permute([0, ...Array.from({ length: x.shape.length - 2 }, (_, i) => i + 2), 1])

/**
 * Options of `crossEntropy`.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.CrossEntropyOptions = { labelSmoothing: 0.1, ignoreIndex: -100 }
 * @since 0.1.0
 * @category losses
 */
export interface CrossEntropyOptions {
  readonly reduction?: Reduction
  readonly labelSmoothing?: number
  readonly ignoreIndex?: number
}

/**
 * Cross-entropy of `logits [N, C, ...]` against integer class `target [N, ...]` or class
 * probabilities shaped like `logits` (PyTorch's `F.cross_entropy`). With label smoothing ε the
 * target is `(1−ε)·onehot + ε/C`; rows whose label is `ignoreIndex` are left out (and out of the mean).
 *
 * @example
 * import * as tg from "typegrad"
 * const logits = tg.tensor([[2, 0, 0], [0, 2, 0]])
 * tg.nn.crossEntropy(logits, tg.tensor([0, 1], { dtype: "i32" })).item() // 0.2395
 * @since 0.1.0
 * @category losses
 */
export const crossEntropy = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  logits: Tensor<S, D, V>,
  target: AnyTensor,
  options?: CrossEntropyOptions & { readonly reduction?: R },
): LossOut<Shape, D, V, R> => {
  const x = logits as AnyTensor
  if (x.shape.length < 1) throw ShapeError.of("crossEntropy", `logits must be [N, C, ...], got []`, [])
  const C = (x.shape.length === 1 ? x.shape[0] : x.shape[1]) as number
  const eps = options?.labelSmoothing ?? 0
  const logp = classesLast(logSoftmax(x as never, { axis: x.shape.length === 1 ? 0 : 1 }) as AnyTensor)
  if (target.dtype === "i32") {
    const want = [x.shape[0], ...x.shape.slice(2)].slice(0, x.shape.length === 1 ? 0 : undefined)
    if ((target.shape as number[]).join() !== (want as number[]).join())
      throw ShapeError.of(
        "crossEntropy",
        `class labels must be [${want.join(", ")}] for logits [${x.shape.join(", ")}], got [${target.shape.join(", ")}]`,
        x.shape as number[],
        target.shape as number[],
      )
    const ignore = options?.ignoreIndex ?? -100
    const valid = cast(target.ne(ignore) as AnyTensor, x.dtype) as AnyTensor
    const hot = oneHot(target, C, x)
    const nll = logp.mul(hot).sum({ axis: -1 }).neg()
    const smooth = logp.mean({ axis: -1 }).neg()
    const per = (eps === 0 ? nll : nll.mul(1 - eps).add(smooth.mul(eps))).mul(valid)
    if (options?.reduction === "mean" || options?.reduction === undefined) return per.sum().div(valid.sum()) as never
    return reduce(per, options.reduction) as never
  }
  if ((target.shape as number[]).join() !== (x.shape as number[]).join())
    throw ShapeError.of(
      "crossEntropy",
      `probability targets must be shaped like logits [${x.shape.join(", ")}], got [${target.shape.join(", ")}]`,
      x.shape as number[],
      target.shape as number[],
    )
  const t = classesLast(target)
  const soft = eps === 0 ? t : t.mul(1 - eps).add(eps / C)
  return reduce(logp.mul(soft).sum({ axis: -1 }).neg(), options?.reduction) as never
}

/**
 * Negative log-likelihood of log-probabilities `logp [N, C, ...]` at integer `target [N, ...]`
 * (PyTorch's `F.nll_loss`), with `ignoreIndex`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.nllLoss(tg.tensor([[-0.1, -2.3]]), tg.tensor([0], { dtype: "i32" })).item() // 0.1
 * @since 0.1.0
 * @category losses
 */
export const nllLoss = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  logp: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R; readonly ignoreIndex?: number },
): LossOut<Shape, D, V, R> => {
  const x = logp as AnyTensor
  const C = (x.shape.length === 1 ? x.shape[0] : x.shape[1]) as number
  const valid = cast(target.ne(options?.ignoreIndex ?? -100) as AnyTensor, x.dtype) as AnyTensor
  const per = classesLast(x)
    .mul(oneHot(target, C, x))
    .sum({ axis: -1 })
    .neg()
    .mul(valid)
  if (options?.reduction === "mean" || options?.reduction === undefined) return per.sum().div(valid.sum()) as never
  return reduce(per, options.reduction) as never
}

const same = (op: string, a: AnyTensor, b: AnyTensor) => {
  if ((a.shape as number[]).join() !== (b.shape as number[]).join())
    throw ShapeError.of(
      op,
      `input [${a.shape.join(", ")}] and target [${b.shape.join(", ")}] differ`,
      a.shape as number[],
      b.shape as number[],
    )
}

/**
 * Binary cross-entropy on logits (PyTorch's `F.binary_cross_entropy_with_logits`), stable:
 * `max(x, 0) − x·y + log(1 + e^−|x|)`; `posWeight` scales the positive term.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.binaryCrossEntropyWithLogits(tg.tensor([0]), tg.tensor([1])).item() // ln 2
 * @since 0.1.0
 * @category losses
 */
export const binaryCrossEntropyWithLogits = <
  S extends Shape,
  D extends FloatDType,
  V extends DeviceKind,
  const R extends Reduction = "mean",
>(
  logits: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R; readonly posWeight?: number },
): LossOut<S, D, V, R> => {
  const x = logits as AnyTensor,
    y = target as AnyTensor
  same("binaryCrossEntropyWithLogits", x, y)
  const softplusNeg = x.abs().neg().exp().log1p().add(x.neg().maximum(0)) // log(1 + e^−x)
  const pw = options?.posWeight ?? 1
  // (1 − y)·x + (1 + (pw − 1)·y)·log(1 + e^−x)
  const per = y
    .neg()
    .add(1)
    .mul(x)
    .add(
      y
        .mul(pw - 1)
        .add(1)
        .mul(softplusNeg),
    )
  return reduce(per, options?.reduction) as never
}

/**
 * Mean squared error (PyTorch's `F.mse_loss`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.mse(tg.tensor([1, 2]), tg.tensor([1, 4])).item() // 2
 * @since 0.1.0
 * @category losses
 */
export const mse = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  input: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R },
): LossOut<S, D, V, R> => {
  same("mse", input as AnyTensor, target as AnyTensor)
  return reduce((input as AnyTensor).sub(target as AnyTensor).square(), options?.reduction) as never
}

/**
 * Mean absolute error (PyTorch's `F.l1_loss`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.l1(tg.tensor([1, 2]), tg.tensor([1, 4])).item() // 1
 * @since 0.1.0
 * @category losses
 */
export const l1 = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  input: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R },
): LossOut<S, D, V, R> => {
  same("l1", input as AnyTensor, target as AnyTensor)
  return reduce((input as AnyTensor).sub(target as AnyTensor).abs(), options?.reduction) as never
}

/**
 * Smooth L1 (PyTorch's `F.smooth_l1_loss`): `0.5·d²/β` where `|d| < β`, else `|d| − 0.5·β` (β = 1).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.smoothL1(tg.tensor([0, 3]), tg.tensor([0.5, 0])).item() // (0.125 + 2.5) / 2
 * @since 0.1.0
 * @category losses
 */
export const smoothL1 = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  input: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R; readonly beta?: number },
): LossOut<S, D, V, R> => {
  same("smoothL1", input as AnyTensor, target as AnyTensor)
  const beta = options?.beta ?? 1
  const a = (input as AnyTensor).sub(target as AnyTensor).abs()
  // min(|d|, β) carries the quadratic part: q²/(2β) + (|d| − q) equals both branches
  const q = a.minimum(beta)
  return reduce(
    q
      .square()
      .div(2 * beta)
      .add(a.sub(q)),
    options?.reduction,
  ) as never
}

/**
 * Huber loss (PyTorch's `F.huber_loss`): `0.5·d²` where `|d| < δ`, else `δ·(|d| − 0.5·δ)` (δ = 1).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.huber(tg.tensor([0, 3]), tg.tensor([0.5, 0]), { delta: 2 }).item() // (0.125 + 4) / 2
 * @since 0.1.0
 * @category losses
 */
export const huber = <S extends Shape, D extends FloatDType, V extends DeviceKind, const R extends Reduction = "mean">(
  input: Tensor<S, D, V>,
  target: AnyTensor,
  options?: { readonly reduction?: R; readonly delta?: number },
): LossOut<S, D, V, R> => {
  same("huber", input as AnyTensor, target as AnyTensor)
  const delta = options?.delta ?? 1
  const a = (input as AnyTensor).sub(target as AnyTensor).abs()
  const q = a.minimum(delta)
  return reduce(q.square().mul(0.5).add(a.sub(q).mul(delta)), options?.reduction) as never
}
