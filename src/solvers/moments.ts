/**
 * The moment estimates optimizers are chained from: torch SGD's momentum trace, Adam's bias-
 * corrected moments, RMSprop, Adagrad and Lion. Each follows the per-element arithmetic of the
 * matching `torch.optim` class (or paper), so chaining it with the step reproduces that class.
 *
 * @since 0.1.0
 */
import { Tree } from "../grad/index.js"
import { fullLike, where, zerosLike, type AnyTensor } from "../ops/index.js"
import type { GradientTransformation, StateKind } from "./transform.js"
import { beta, countOf, leavesLike, like, newCount, nonNeg, requireOption, sqrt, type StepCount } from "./trees.js"

/** Flatten `grads`, check each named state field against it, run `f` on leaves, rebuild. */
const leafwise = <P, S>(
  op: string,
  grads: P,
  state: S,
  fields: ReadonlyArray<keyof S & string>,
  f: (gs: AnyTensor[], fs: Record<string, AnyTensor[]>) => { readonly updates: AnyTensor[]; readonly state: Record<string, AnyTensor[]> },
  extra: (next: Record<string, unknown>) => Record<string, unknown> = (n) => n,
): readonly [P, S] => {
  const [gs, def] = Tree.flatten(grads)
  const st = (state ?? {}) as Record<string, unknown>
  const fs = Object.fromEntries(fields.map((k) => [k, leavesLike(op, `state.${k}`, st[k], def, gs)]))
  const r = f(gs, fs)
  const next = Object.fromEntries(Object.entries(r.state).map(([k, ls]) => [k, Tree.unflatten(def, ls)]))
  return [Tree.unflatten<P>(def, r.updates), extra(next) as S] as const
}

/**
 * State kind of `trace`: the step counter and the momentum buffer.
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.TraceKind, { w: tg.Tensor<[2]> }> // { count, trace: { w } }
 * @since 0.1.0
 * @category optimizers
 */
export interface TraceKind extends StateKind {
  readonly type: TraceState<this["P"]>
}

/**
 * The state of `trace` for parameters `P`.
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.TraceState<{ w: tg.Tensor<[2]> }> = tg.optim.trace({ momentum: 0.9 }).init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export interface TraceState<P> {
  readonly count: StepCount
  readonly trace: P
}

/**
 * Options of `trace` (torch SGD's momentum settings).
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.TraceOptions = { momentum: 0.9, nesterov: true }
 * @since 0.1.0
 * @category optimizers
 */
export interface TraceOptions {
  readonly momentum: number
  readonly dampening?: number
  readonly nesterov?: boolean
}

/**
 * Momentum as torch SGD defines it: `b₁ = g`, `bₜ = μ bₜ₋₁ + (1 − dampening) g`; the update is
 * `bₜ`, or `g + μ bₜ` with nesterov.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.trace({ momentum: 0.9 }), tg.optim.scaleByLearningRate(0.01))
 * @since 0.1.0
 * @category optimizers
 */
export const trace = (o: TraceOptions): GradientTransformation<TraceKind> => {
  const mu = o.momentum,
    damp = o.dampening ?? 0,
    nesterov = o.nesterov ?? false
  nonNeg("trace", "momentum", mu)
  nonNeg("trace", "dampening", damp)
  requireOption(
    "trace",
    "nesterov",
    nesterov,
    !nesterov || (mu > 0 && damp === 0),
    "nesterov only with momentum > 0 and dampening = 0 (as torch.optim.SGD)",
  )
  return {
    name: "trace",
    init: (params) => ({ count: newCount(Tree.leaves(params)), trace: Tree.map(params, (p) => zerosLike(p)) }),
    update: (grads, state) => {
      const count = countOf("trace", state?.count)
      const first = count.eq(0)
      return leafwise(
        "trace",
        grads,
        state,
        ["trace"],
        (gs, { trace: bs }) => {
          const next = gs.map((g, i) => where(first, g, bs![i]!.mul(mu).add(g.mul(1 - damp))) as AnyTensor)
          return { updates: nesterov ? gs.map((g, i) => g.add(next[i]!.mul(mu))) : next, state: { trace: next } }
        },
        (n) => ({ count: count.add(1), ...n }),
      )
    },
  }
}

/**
 * State kind of `scaleByAdam`: counter, first and second moments (and their running maximum
 * with amsgrad).
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.AdamKind, { w: tg.Tensor<[2]> }> // { count, mu, nu, nuMax? }
 * @since 0.1.0
 * @category optimizers
 */
export interface AdamKind extends StateKind {
  readonly type: AdamState<this["P"]>
}

/**
 * The state of `scaleByAdam` for parameters `P`: step counter, first and second moments, and
 * with amsgrad the running maximum of the second.
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.AdamState<{ w: tg.Tensor<[2]> }> = tg.optim.scaleByAdam().init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export interface AdamState<P> {
  readonly count: StepCount
  readonly mu: P
  readonly nu: P
  readonly nuMax?: P
}

/**
 * Options of Adam's moment estimates (torch defaults).
 * @example
 * import * as tg from "typegrad"
 * const o: tg.optim.AdamOptions = { betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }
 * @since 0.1.0
 * @category optimizers
 */
export interface AdamOptions {
  readonly betas?: readonly [number, number]
  readonly eps?: number
  readonly amsgrad?: boolean
}

/**
 * Adam's direction `(m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε)` with torch's epsilon placement
 * (ε added after the bias-corrected square root).
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.scaleByAdam({ betas: [0.9, 0.99] }), tg.optim.scaleByLearningRate(1e-3))
 * @since 0.1.0
 * @category optimizers
 */
export const scaleByAdam = (o: AdamOptions = {}): GradientTransformation<AdamKind> => {
  const [b1, b2] = o.betas ?? [0.9, 0.999],
    eps = o.eps ?? 1e-8,
    ams = o.amsgrad ?? false
  beta("scaleByAdam", "betas[0]", b1)
  beta("scaleByAdam", "betas[1]", b2)
  nonNeg("scaleByAdam", "eps", eps)
  return {
    name: "scaleByAdam",
    init: (params) => {
      const z = () => Tree.map(params, (p) => zerosLike(p))
      return { count: newCount(Tree.leaves(params)), mu: z(), nu: z(), ...(ams ? { nuMax: z() } : {}) }
    },
    update: (grads, state) => {
      const count = countOf("scaleByAdam", state?.count)
      const t = count.add(1)
      const bc1 = fullLike(t, b1).pow(t).neg().add(1)
      const bc2sqrt = sqrt(fullLike(t, b2).pow(t).neg().add(1))
      return leafwise(
        "scaleByAdam",
        grads,
        state,
        ams ? ["mu", "nu", "nuMax"] : ["mu", "nu"],
        (gs, f) => {
          const mu = gs.map((g, i) => f.mu![i]!.add(g.sub(f.mu![i]!).mul(1 - b1))) // torch: lerp(m, g, 1 − β₁)
          const nu = gs.map((g, i) => f.nu![i]!.mul(b2).add(g.mul(g).mul(1 - b2)))
          const nuMax = ams ? nu.map((v, i) => f.nuMax![i]!.maximum(v) as AnyTensor) : undefined
          const updates = gs.map((g, i) => {
            const denom = sqrt((nuMax ?? nu)[i]!)
              .div(like(bc2sqrt, g))
              .add(eps)
            return mu[i]!.div(like(bc1, g)).div(denom)
          })
          return { updates, state: nuMax === undefined ? { mu, nu } : { mu, nu, nuMax } }
        },
        (n) => ({ count: t, ...n }),
      )
    },
  }
}

/**
 * State kind of `scaleByRms`: the running mean of squares (and of gradients when centered).
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.RmsKind, { w: tg.Tensor<[2]> }> // { nu, mu? }
 * @since 0.1.0
 * @category optimizers
 */
export interface RmsKind extends StateKind {
  readonly type: RmsState<this["P"]>
}

/**
 * The state of `scaleByRms` for parameters `P`.
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.RmsState<{ w: tg.Tensor<[2]> }> = tg.optim.scaleByRms().init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export interface RmsState<P> {
  readonly nu: P
  readonly mu?: P
}

/**
 * RMSprop's direction `g / (√(v − m̄²) + ε)` (centered) or `g / (√v + ε)`, with
 * `v = α v + (1 − α) g²` and `m̄ = α m̄ + (1 − α) g`, as torch.optim.RMSprop.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.scaleByRms({ alpha: 0.9, centered: true }), tg.optim.scaleByLearningRate(0.01))
 * @since 0.1.0
 * @category optimizers
 */
export const scaleByRms = (
  o: { readonly alpha?: number; readonly eps?: number; readonly centered?: boolean } = {},
): GradientTransformation<RmsKind> => {
  const alpha = o.alpha ?? 0.99,
    eps = o.eps ?? 1e-8,
    centered = o.centered ?? false
  beta("scaleByRms", "alpha", alpha)
  nonNeg("scaleByRms", "eps", eps)
  return {
    name: "scaleByRms",
    init: (params) => ({ nu: Tree.map(params, (p) => zerosLike(p)), ...(centered ? { mu: Tree.map(params, (p) => zerosLike(p)) } : {}) }),
    update: (grads, state) =>
      leafwise("scaleByRms", grads, state, centered ? ["nu", "mu"] : ["nu"], (gs, f) => {
        const nu = gs.map((g, i) => f.nu![i]!.mul(alpha).add(g.mul(g).mul(1 - alpha)))
        const mu = centered ? gs.map((g, i) => f.mu![i]!.add(g.sub(f.mu![i]!).mul(1 - alpha))) : undefined
        const updates = gs.map((g, i) => g.div(sqrt(mu === undefined ? nu[i]! : nu[i]!.sub(mu[i]!.square())).add(eps)))
        return { updates, state: mu === undefined ? { nu } : { nu, mu } }
      }),
  }
}

/**
 * State kind of `scaleByAdagrad`: the running sum of squared gradients.
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.AdagradKind, { w: tg.Tensor<[2]> }> // { sum }
 * @since 0.1.0
 * @category optimizers
 */
export interface AdagradKind extends StateKind {
  readonly type: AdagradState<this["P"]>
}

/**
 * The state of `scaleByAdagrad` for parameters `P`.
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.AdagradState<{ w: tg.Tensor<[2]> }> = tg.optim.scaleByAdagrad().init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export interface AdagradState<P> {
  readonly sum: P
}

/**
 * Adagrad's direction `g / (√Σg² + ε)` (torch.optim.Adagrad).
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.scaleByAdagrad(), tg.optim.scaleByLearningRate(0.01))
 * @since 0.1.0
 * @category optimizers
 */
export const scaleByAdagrad = (
  o: { readonly eps?: number; readonly initialAccumulator?: number } = {},
): GradientTransformation<AdagradKind> => {
  const eps = o.eps ?? 1e-10,
    init = o.initialAccumulator ?? 0
  nonNeg("scaleByAdagrad", "eps", eps)
  nonNeg("scaleByAdagrad", "initialAccumulator", init)
  return {
    name: "scaleByAdagrad",
    init: (params) => ({ sum: Tree.map(params, (p) => fullLike(p, init)) }),
    update: (grads, state) =>
      leafwise("scaleByAdagrad", grads, state, ["sum"], (gs, f) => {
        const sum = gs.map((g, i) => f.sum![i]!.add(g.mul(g)))
        return { updates: gs.map((g, i) => g.div(sqrt(sum[i]!).add(eps))), state: { sum } }
      }),
  }
}

/**
 * State kind of `scaleByLion`: the momentum.
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.LionKind, { w: tg.Tensor<[2]> }> // { mu }
 * @since 0.1.0
 * @category optimizers
 */
export interface LionKind extends StateKind {
  readonly type: LionState<this["P"]>
}

/**
 * The state of `scaleByLion` for parameters `P`.
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.LionState<{ w: tg.Tensor<[2]> }> = tg.optim.scaleByLion().init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export interface LionState<P> {
  readonly mu: P
}

/**
 * Lion's direction `sign(β₁ m + (1 − β₁) g)`, then `m ← β₂ m + (1 − β₂) g` (Chen et al. 2023).
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.scaleByLion(), tg.optim.scaleByLearningRate(1e-4))
 * @since 0.1.0
 * @category optimizers
 */
export const scaleByLion = (o: { readonly betas?: readonly [number, number] } = {}): GradientTransformation<LionKind> => {
  const [b1, b2] = o.betas ?? [0.9, 0.99]
  beta("scaleByLion", "betas[0]", b1)
  beta("scaleByLion", "betas[1]", b2)
  return {
    name: "scaleByLion",
    init: (params) => ({ mu: Tree.map(params, (p) => zerosLike(p)) }),
    update: (grads, state) =>
      leafwise("scaleByLion", grads, state, ["mu"], (gs, f) => ({
        updates: gs.map((g, i) =>
          f
            .mu![i]!.mul(b1)
            .add(g.mul(1 - b1))
            .sign(),
        ),
        state: { mu: gs.map((g, i) => f.mu![i]!.mul(b2).add(g.mul(1 - b2))) },
      })),
  }
}
