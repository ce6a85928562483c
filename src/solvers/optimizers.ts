/**
 * The familiar optimizers, each a `chain` of the building blocks that reproduces the update of
 * the `torch.optim` class of the same name (same defaults, same place for weight decay and ε).
 * Lion, which torch does not ship, follows its paper.
 *
 * @since 0.1.0
 */
import { addDecayedWeights, scaleByLearningRate } from "./basic.js"
import { scaleByAdagrad, scaleByAdam, scaleByLion, scaleByRms, trace, type AdamOptions } from "./moments.js"
import type { Schedule } from "./schedules.js"
import { chain, identity } from "./transform.js"
import { recip, requireOption } from "./trees.js"

const lrOk = (op: string, lr: number | Schedule) =>
  requireOption(op, "lr", lr, typeof lr === "function" || (Number.isFinite(lr) && lr >= 0), "a finite number ≥ 0 or a schedule")

/**
 * Options of `sgd` (torch.optim.SGD).
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.SgdOptions = { momentum: 0.9, nesterov: true, weightDecay: 5e-4 }
 * @since 0.1.0
 * @category optimizers
 */
export interface SgdOptions {
  readonly momentum?: number
  readonly dampening?: number
  readonly nesterov?: boolean
  readonly weightDecay?: number
}

/**
 * Stochastic gradient descent as torch.optim.SGD: `g ← g + λp`; with momentum
 * `b ← μb + (1 − dampening)g` (`b = g` on the first step) and `g ← b` or, nesterov, `g + μb`;
 * `p ← p − lr·g`.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.sgd(0.1, { momentum: 0.9 })
 * let params = { w: tg.tensor([1, -2]) }
 * let state = opt.init(params)
 * for (let i = 0; i < 3; i++) {
 *   const grads = tg.grad((p: typeof params) => p.w.square().sum())(params)
 *   const [updates, next] = opt.update(grads, state, params)
 *   params = tg.optim.applyUpdates(params, updates)
 *   state = next
 * }
 * @since 0.1.0
 * @category optimizers
 */
export const sgd = (lr: number | Schedule, o: SgdOptions = {}) => {
  lrOk("sgd", lr)
  const momentum = o.momentum ?? 0
  requireOption(
    "sgd",
    "nesterov",
    o.nesterov,
    !(o.nesterov ?? false) || (momentum > 0 && (o.dampening ?? 0) === 0),
    "nesterov only with momentum > 0 and dampening = 0 (as torch.optim.SGD)",
  )
  return chain(
    addDecayedWeights(o.weightDecay ?? 0),
    momentum === 0 && (o.dampening ?? 0) === 0
      ? identity()
      : trace({ momentum, dampening: o.dampening ?? 0, nesterov: o.nesterov ?? false }),
    scaleByLearningRate(lr),
  )
}

/**
 * Options of `adam` and `adamw`.
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.AdamWOptions = { betas: [0.9, 0.95], weightDecay: 0.1 }
 * @since 0.1.0
 * @category optimizers
 */
export interface AdamWOptions extends AdamOptions {
  readonly weightDecay?: number
}

/**
 * Adam as torch.optim.Adam: L2 weight decay added to the gradient (`g ← g + λp`), bias-corrected
 * moments, `p ← p − lr·(m/(1 − β₁ᵗ)) / (√v/√(1 − β₂ᵗ) + ε)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const cities = tg.tensor([[0, 0], [10, 0], [0, 10]])
 * const total = (c: tg.Tensor<[2]>) => cities.sub(c).norm({ axis: 1 }).sum()
 * const opt = tg.optim.adam(0.1)
 * let centre = tg.tensor([1, 1])
 * let state = opt.init(centre)
 * for (let i = 0; i < 100; i++) {
 *   const [updates, next] = opt.update(tg.grad(total)(centre), state)
 *   centre = tg.optim.applyUpdates(centre, updates)
 *   state = next
 * }
 * centre.toArraySync() // ≈ [2.11228, 2.11228]
 * @since 0.1.0
 * @category optimizers
 */
export const adam = (lr: number | Schedule = 1e-3, o: AdamWOptions = {}) => {
  lrOk("adam", lr)
  return chain(addDecayedWeights(o.weightDecay ?? 0), scaleByAdam(o), scaleByLearningRate(lr))
}

/**
 * AdamW as torch.optim.AdamW: decoupled weight decay `p ← p − lr·λ·p` beside the Adam step
 * (default λ = 0.01).
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.adamw(1e-3, { weightDecay: 0.05 })
 * const state = opt.init({ w: tg.ones([4, 4]) })
 * @since 0.1.0
 * @category optimizers
 */
export const adamw = (lr: number | Schedule = 1e-3, o: AdamWOptions = {}) => {
  lrOk("adamw", lr)
  return chain(scaleByAdam(o), addDecayedWeights(o.weightDecay ?? 0.01), scaleByLearningRate(lr))
}

/**
 * Options of `rmsprop` (torch.optim.RMSprop).
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.RmspropOptions = { alpha: 0.9, centered: true, momentum: 0.5 }
 * @since 0.1.0
 * @category optimizers
 */
export interface RmspropOptions {
  readonly alpha?: number
  readonly eps?: number
  readonly weightDecay?: number
  readonly momentum?: number
  readonly centered?: boolean
}

/**
 * RMSprop as torch.optim.RMSprop: `v ← αv + (1 − α)g²`, `d = g/(√v + ε)` (centered:
 * `√(v − m̄²)`), with momentum `b ← μb + d`; `p ← p − lr·(b or d)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.rmsprop(0.01, { centered: true, momentum: 0.9 })
 * const state = opt.init({ w: tg.ones([3]) })
 * @since 0.1.0
 * @category optimizers
 */
export const rmsprop = (lr: number | Schedule = 0.01, o: RmspropOptions = {}) => {
  lrOk("rmsprop", lr)
  const momentum = o.momentum ?? 0
  return chain(
    addDecayedWeights(o.weightDecay ?? 0),
    scaleByRms(o),
    momentum === 0 ? identity() : trace({ momentum }),
    scaleByLearningRate(lr),
  )
}

/**
 * Options of `adagrad` (torch.optim.Adagrad).
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.AdagradOptions = { lrDecay: 1e-3, initialAccumulator: 0.1 }
 * @since 0.1.0
 * @category optimizers
 */
export interface AdagradOptions {
  readonly lrDecay?: number
  readonly weightDecay?: number
  readonly initialAccumulator?: number
  readonly eps?: number
}

/**
 * Adagrad as torch.optim.Adagrad: `s ← s + g²`, `p ← p − lrₜ·g/(√s + ε)` with
 * `lrₜ = lr / (1 + t·lrDecay)` for the update with 0-based index t.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.adagrad(0.1, { lrDecay: 0.01 })
 * const state = opt.init({ w: tg.ones([3]) })
 * @since 0.1.0
 * @category optimizers
 */
export const adagrad = (lr = 0.01, o: AdagradOptions = {}) => {
  lrOk("adagrad", lr)
  const decay = o.lrDecay ?? 0
  requireOption("adagrad", "lrDecay", decay, Number.isFinite(decay) && decay >= 0, "a finite number ≥ 0")
  const rate: number | Schedule = decay === 0 ? lr : (count) => recip(count.mul(decay).add(1)).mul(lr)
  return chain(addDecayedWeights(o.weightDecay ?? 0), scaleByAdagrad(o), scaleByLearningRate(rate))
}

/**
 * Lion (Chen et al. 2023): `p ← p(1 − lr·λ) − lr·sign(β₁m + (1 − β₁)g)`, then
 * `m ← β₂m + (1 − β₂)g`. Defaults lr 1e-4, β (0.9, 0.99), λ 0.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.lion(3e-4, { weightDecay: 0.1 })
 * const state = opt.init({ w: tg.ones([3]) })
 * @since 0.1.0
 * @category optimizers
 */
export const lion = (
  lr: number | Schedule = 1e-4,
  o: { readonly betas?: readonly [number, number]; readonly weightDecay?: number } = {},
) => {
  lrOk("lion", lr)
  return chain(scaleByLion(o), addDecayedWeights(o.weightDecay ?? 0), scaleByLearningRate(lr))
}
