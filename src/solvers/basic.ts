/**
 * The stateless building blocks and the step itself: the learning-rate step (with schedules),
 * constant scaling, weight decay and global-norm clipping, each as torch.optim applies it.
 *
 * @since 0.1.0
 */
import { Tree } from "../grad/index.js"
import type { AnyTensor } from "../ops/index.js"
import { constant, type Schedule } from "./schedules.js"
import { stateless, type EmptyKind, type GradientTransformation, type StateKind } from "./transform.js"
import { countOf, like, newCount, nonNeg, recip, requireOption, sqrt, type StepCount } from "./trees.js"

/**
 * State kind of `scaleByLearningRate`: the step counter the schedule reads.
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.CountKind, { w: tg.Tensor<[2]> }> // { count }
 * @since 0.1.0
 * @category optimizers
 */
export interface CountKind extends StateKind {
  readonly type: { readonly count: StepCount }
}

/**
 * Multiply updates by `−lr` (a number or a schedule of the step counter): the step itself.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.scaleByAdam(), tg.optim.scaleByLearningRate(tg.optim.schedules.cosine(0.1, 1000)))
 * @since 0.1.0
 * @category optimizers
 */
export const scaleByLearningRate = (lr: number | Schedule): GradientTransformation<CountKind> => {
  if (typeof lr === "number") nonNeg("scaleByLearningRate", "lr", lr)
  const sched = typeof lr === "number" ? constant(lr) : lr
  return {
    name: "scaleByLearningRate",
    init: (params) => ({ count: newCount(Tree.leaves(params)) }),
    update: (grads, state) => {
      const count = countOf("scaleByLearningRate", (state as { count?: unknown } | undefined)?.count)
      const rate = sched(count).neg()
      const [gs, def] = Tree.flatten(grads)
      return [
        Tree.unflatten(
          def,
          gs.map((g) => g.mul(like(rate, g))),
        ),
        { count: count.add(1) as StepCount },
      ] as const
    },
  }
}

/**
 * Multiply updates by a constant factor.
 *
 * @example
 * import * as tg from "typegrad"
 * const half = tg.optim.scale(0.5)
 * half.update({ w: tg.ones([2]) }, half.init({ w: tg.ones([2]) })) // w: [0.5, 0.5]
 * @since 0.1.0
 * @category optimizers
 */
export const scale = (factor: number): GradientTransformation<EmptyKind> => stateless("scale", (gs) => gs.map((g) => g.mul(factor)))

/**
 * Add `weightDecay · params` to the updates: L2 regularisation when chained before a moment
 * estimate (torch's `weight_decay` of SGD/Adam/RMSprop/Adagrad), decoupled decay when chained
 * after it (AdamW, Lion).
 *
 * @example
 * import * as tg from "typegrad"
 * const wd = tg.optim.addDecayedWeights(0.1)
 * const p = { w: tg.tensor([1, 2]) }
 * wd.update({ w: tg.zeros([2]) }, wd.init(p), p)[0].w.toArraySync() // [0.1, 0.2]
 * @since 0.1.0
 * @category optimizers
 */
export const addDecayedWeights = (weightDecay: number): GradientTransformation<EmptyKind> => {
  nonNeg("addDecayedWeights", "weightDecay", weightDecay)
  return stateless(
    "addDecayedWeights",
    (gs, ps) => (weightDecay === 0 ? gs : gs.map((g, i) => g.add(ps![i]!.mul(weightDecay)))),
    weightDecay !== 0,
  )
}

/**
 * Scale all updates so their global L2 norm is at most `maxNorm` (torch's
 * `clip_grad_norm_`: factor `min(1, maxNorm / (norm + 1e-6))`).
 *
 * @example
 * import * as tg from "typegrad"
 * const clip = tg.optim.clipByGlobalNorm(1)
 * clip.update({ w: tg.tensor([3, 4]) }, clip.init({ w: tg.zeros([2]) }))[0].w.toArraySync() // ≈ [0.6, 0.8]
 * @since 0.1.0
 * @category optimizers
 */
export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<EmptyKind> => {
  requireOption("clipByGlobalNorm", "maxNorm", maxNorm, maxNorm > 0 && Number.isFinite(maxNorm), "a finite number > 0")
  return stateless("clipByGlobalNorm", (gs) => {
    if (gs.length === 0) return gs
    const acc = gs.some((g) => g.dtype === "f64") ? "f64" : "f32"
    const sq = gs.map((g) => g.square().sum().cast(acc) as AnyTensor).reduce((a, b) => a.add(b))
    const factor = recip(sqrt(sq).add(1e-6)).mul(maxNorm).minimum(1)
    return gs.map((g) => g.mul(like(factor, g)))
  })
}
