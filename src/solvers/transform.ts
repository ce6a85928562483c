/**
 * Gradient transformations in the Optax shape: `init(params) → state`, `update(grads, state,
 * params) → [updates, state]`, and `applyUpdates(params, updates)`. A transformation is pure, so
 * a whole training step (gradient, update, apply) can be jitted; the state's type is computed
 * from the parameter tree's type through a small type-level function (`StateKind`).
 *
 * @since 0.1.0
 */
import { InvalidHyperparameter } from "../errors.js"
import { Tree } from "../grad/index.js"
import { zerosLike, type AnyTensor } from "../ops/index.js"
import { leafPaths, leavesLike } from "./trees.js"

/**
 * A type-level function from a parameter tree type `P` to a state type: implement it as
 * `interface K extends StateKind { readonly type: MyState<this["P"]> }`.
 *
 * @example
 * import * as tg from "typegrad"
 * interface Twice<P> { readonly twice: P }
 * interface TwiceKind extends tg.optim.StateKind { readonly type: Twice<this["P"]> }
 * type S = tg.optim.StateOf<TwiceKind, { w: tg.Tensor<[2]> }> // Twice<{ w: Tensor<[2]> }>
 * @since 0.1.0
 * @category optimizers
 */
export interface StateKind {
  readonly P: unknown
  readonly type: unknown
}

/**
 * The state a transformation of kind `K` keeps for parameters of type `P`.
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.AdamKind, { w: tg.Tensor<[2]> }> // { count, mu: { w }, nu: { w } }
 * @since 0.1.0
 * @category optimizers
 */
export type StateOf<K extends StateKind, P> = (K & { readonly P: P })["type"]

/**
 * A pure gradient transformation: `init` builds the state for a parameter tree, `update` maps a
 * gradient tree (and the state, and the parameters when it needs them) to an update tree and the
 * next state. Updates are added to parameters by `applyUpdates`.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.adam(0.1) // chain(addDecayedWeights(0), scaleByAdam(), scaleByLearningRate(0.1))
 * const params = { w: tg.tensor([1, 2]) }
 * const grads = tg.grad((p: typeof params) => p.w.square().sum())(params)
 * const [updates, state] = opt.update(grads, opt.init(params), params)
 * const next = tg.optim.applyUpdates(params, updates) // w ≈ [0.9, 1.9]
 * @since 0.1.0
 * @category optimizers
 */
export interface GradientTransformation<K extends StateKind> {
  readonly name: string
  init<P>(params: P): StateOf<K, P>
  update<P>(grads: P, state: StateOf<K, P>, params?: P): readonly [P, StateOf<K, P>]
}

/**
 * The state kind of transformations that keep nothing (`clipByGlobalNorm`, `addDecayedWeights`).
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.EmptyKind, { w: tg.Tensor<[2]> }> // {}
 * @since 0.1.0
 * @category optimizers
 */
export interface EmptyKind extends StateKind {
  readonly type: EmptyState
}

/**
 * The empty state (a record without keys, so it is still a pytree that `jit` accepts).
 *
 * @example
 * import * as tg from "typegrad"
 * const s: tg.optim.EmptyState = tg.optim.clipByGlobalNorm(1).init({ w: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export type EmptyState = { readonly [k: string]: never }

/**
 * Add updates to parameters leaf by leaf (updates are already scaled and signed: `p + u`).
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.tensor([1, 2]) }
 * tg.optim.applyUpdates(params, { w: tg.tensor([-0.5, 0.5]) }).w.toArraySync() // [0.5, 2.5]
 * @since 0.1.0
 * @category optimizers
 */
export const applyUpdates = <P>(params: P, updates: P): P => {
  const [ps, def] = Tree.flatten(params)
  const us = leavesLike("applyUpdates", "the update tree", updates, def, ps)
  return Tree.unflatten<P>(
    def,
    ps.map((p, i) => p.add(us[i]!.dtype === p.dtype ? us[i]! : us[i]!.cast(p.dtype))),
  )
}

/**
 * A transformation without state from a function of the gradient leaves (and, when `needsParams`,
 * the parameter leaves, checked to match the gradients), all in canonical order.
 *
 * @example
 * import * as tg from "typegrad"
 * // sign SGD's direction: the sign of every gradient element
 * const signs = tg.optim.stateless("sign", (gs) => gs.map((g) => g.sign()))
 * const opt = tg.optim.chain(signs, tg.optim.scaleByLearningRate(0.01))
 * opt.update({ w: tg.tensor([3, -0.5]) }, opt.init({ w: tg.zeros([2]) }))[0].w // [-0.01, 0.01]
 * @since 0.1.0
 * @category optimizers
 */
export const stateless = (
  name: string,
  f: (grads: AnyTensor[], params: AnyTensor[] | undefined, def: Tree.TreeDef) => AnyTensor[],
  needsParams = false,
): GradientTransformation<EmptyKind> => ({
  name,
  init: () => ({}),
  update: <P>(grads: P, state: EmptyState, params?: P) => {
    const [gs, def] = Tree.flatten(grads)
    if (needsParams && params === undefined) {
      throw new InvalidHyperparameter({
        op: name,
        name: "params",
        value: undefined,
        message: `${name}: update needs the parameters (update(grads, state, params)), got none`,
      })
    }
    const ps = params === undefined ? undefined : leavesLike(name, "the parameter tree", params, def, gs)
    return [Tree.unflatten<P>(def, f(gs, ps, def)), state] as const
  },
})

/**
 * The state kind of `chain(t1, t2, …)`: a tuple of the parts' states.
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.ChainKind<[tg.optim.EmptyKind, tg.optim.AdamKind]>, { w: tg.Tensor<[2]> }>
 * @since 0.1.0
 * @category optimizers
 */
export interface ChainKind<Ks extends ReadonlyArray<StateKind>> extends StateKind {
  readonly type: { readonly [I in keyof Ks]: Ks[I] extends StateKind ? StateOf<Ks[I], this["P"]> : never }
}

type KindOf<T> = T extends GradientTransformation<infer K> ? K : never
type KindsOf<Ts extends ReadonlyArray<GradientTransformation<StateKind>>> = { readonly [I in keyof Ts]: KindOf<Ts[I]> }

/**
 * Run transformations one after the other: the updates of each are the gradients of the next.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.chain(tg.optim.clipByGlobalNorm(1), tg.optim.scaleByAdam(), tg.optim.scaleByLearningRate(0.01))
 * const state = opt.init({ w: tg.zeros([3]) }) // [{}, { count, mu, nu }, { count }]
 * @since 0.1.0
 * @category optimizers
 */
export const chain = <const Ts extends ReadonlyArray<GradientTransformation<StateKind>>>(
  ...parts: Ts
): GradientTransformation<ChainKind<KindsOf<Ts>>> => ({
  name: `chain(${parts.map((p) => p.name).join(", ")})`,
  init: (params) => parts.map((p) => p.init(params)) as never,
  update: (grads, state, params) => {
    const states = state as unknown as ReadonlyArray<unknown>
    if (!Array.isArray(states) || states.length !== parts.length) {
      throw new InvalidHyperparameter({
        op: "chain",
        name: "state",
        value: state,
        message: `chain: the state is not the ${parts.length}-tuple made by init`,
      })
    }
    let u = grads
    const next = parts.map((p, i) => {
      const [u2, s2] = p.update(u, states[i] as never, params)
      u = u2
      return s2
    })
    return [u, next as never] as const
  },
})

/**
 * The state kind of `masked` and of one group of `multiTransform`: the inner state over the
 * selected leaves (an array of tensors in canonical order).
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.MaskedKind<tg.optim.AdamKind>, { w: tg.Tensor<[2]> }>
 * @since 0.1.0
 * @category optimizers
 */
export interface MaskedKind<K extends StateKind> extends StateKind {
  readonly type: { readonly inner: StateOf<K, AnyTensor[]> }
}

/**
 * Selects leaves by their path in the tree (`"w"`, `"layers[0].b"`) and the leaf itself.
 *
 * @example
 * import * as tg from "typegrad"
 * const notBiases: tg.optim.LeafPredicate = (path) => !path.endsWith("b")
 * @since 0.1.0
 * @category optimizers
 */
export type LeafPredicate = (path: string, leaf: AnyTensor) => boolean

/**
 * Apply `inner` only to the leaves `mask` selects; other leaves pass through unchanged (Optax's
 * `masked`). With `setToZero()` as `inner` the selected leaves are frozen.
 *
 * @example
 * import * as tg from "typegrad"
 * // L2 weight decay on weights only, then SGD
 * const opt = tg.optim.chain(
 *   tg.optim.masked(tg.optim.addDecayedWeights(1e-4), (path) => path.endsWith("w")),
 *   tg.optim.scaleByLearningRate(0.1))
 * opt.init({ w: tg.ones([2, 2]), b: tg.zeros([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export const masked = <K extends StateKind>(
  inner: GradientTransformation<K>,
  mask: LeafPredicate,
): GradientTransformation<MaskedKind<K>> => {
  const select = (tree: unknown): number[] => {
    const [ls, def] = Tree.flatten(tree)
    const paths = leafPaths(def)
    return ls.flatMap((l, i) => (mask(paths[i]!, l) ? [i] : []))
  }
  return {
    name: `masked(${inner.name})`,
    init: (params) => {
      const ls = Tree.leaves(params)
      return { inner: inner.init(select(params).map((i) => ls[i]!)) } as never
    },
    update: <P>(grads: P, state: StateOf<MaskedKind<K>, P>, params?: P) => {
      const [gs, def] = Tree.flatten(grads)
      const ps = params === undefined ? undefined : leavesLike(inner.name, "the parameter tree", params, def, gs)
      const idx = select(grads)
      const [us, s] = inner.update(
        idx.map((i) => gs[i]!),
        (state as { inner: StateOf<K, AnyTensor[]> }).inner,
        ps === undefined ? undefined : idx.map((i) => ps[i]!),
      )
      const out = [...gs]
      idx.forEach((i, k) => (out[i] = us[k]!))
      return [Tree.unflatten<P>(def, out), { inner: s } as never] as const
    },
  }
}

/**
 * The state kind of `multiTransform`: one inner state per group label.
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.optim.StateOf<tg.optim.MultiKind<{ fast: tg.optim.AdamKind }>, { w: tg.Tensor<[2]> }>
 * @since 0.1.0
 * @category optimizers
 */
export interface MultiKind<Ks extends { readonly [label: string]: StateKind }> extends StateKind {
  readonly type: { readonly [L in keyof Ks]: StateOf<Ks[L], AnyTensor[]> }
}

/**
 * Per-group settings: `label(path, leaf)` puts each leaf in a group, and each group has its own
 * transformation (another learning rate or weight decay, or `setToZero()` to freeze it). Like
 * PyTorch's parameter groups, or Optax's `multi_transform`.
 *
 * @example
 * import * as tg from "typegrad"
 * const opt = tg.optim.multiTransform(
 *   { body: tg.optim.adam(1e-3), head: tg.optim.adam(1e-2), frozen: tg.optim.setToZero() },
 *   (path) => (path.startsWith("head") ? "head" : path.startsWith("embed") ? "frozen" : "body"))
 * const state = opt.init({ embed: tg.ones([4]), body: tg.ones([4]), head: tg.ones([2]) })
 * @since 0.1.0
 * @category optimizers
 */
export const multiTransform = <const T extends { readonly [label: string]: GradientTransformation<StateKind> }>(
  transforms: T,
  label: (path: string, leaf: AnyTensor) => keyof T & string,
): GradientTransformation<MultiKind<{ readonly [L in keyof T]: KindOf<T[L]> }>> => {
  const labels = Object.keys(transforms).sort()
  const groups = (tree: unknown): Record<string, number[]> => {
    const [ls, def] = Tree.flatten(tree)
    const paths = leafPaths(def)
    const out: Record<string, number[]> = Object.fromEntries(labels.map((l) => [l, []]))
    ls.forEach((l, i) => {
      const g = label(paths[i]!, l)
      if (!(g in transforms))
        throw new InvalidHyperparameter({
          op: "multiTransform",
          name: "label",
          value: g,
          message: `multiTransform: the leaf ${paths[i]} got the label "${g}", expected one of ${labels.map((x) => `"${x}"`).join(", ")}`,
        })
      out[g]!.push(i)
    })
    return out
  }
  return {
    name: `multiTransform(${labels.map((l) => `${l}: ${transforms[l]!.name}`).join(", ")})`,
    init: (params) => {
      const ls = Tree.leaves(params)
      const gs = groups(params)
      return Object.fromEntries(labels.map((l) => [l, transforms[l]!.init(gs[l]!.map((i) => ls[i]!))])) as never
    },
    update: <P>(grads: P, state: unknown, params?: P) => {
      const [gs, def] = Tree.flatten(grads)
      const ps = params === undefined ? undefined : leavesLike("multiTransform", "the parameter tree", params, def, gs)
      const byLabel = groups(grads)
      const st = state as Record<string, unknown>
      const out = [...gs]
      const next = Object.fromEntries(
        labels.map((l) => {
          const idx = byLabel[l]!
          const [us, s] = transforms[l]!.update(
            idx.map((i) => gs[i]!),
            st[l] as never,
            ps === undefined ? undefined : idx.map((i) => ps[i]!),
          )
          idx.forEach((i, k) => (out[i] = us[k]!))
          return [l, s]
        }),
      )
      return [Tree.unflatten<P>(def, out), next as never] as const
    },
  }
}

/**
 * Updates of zero: freezes the leaves it is applied to (inside `masked` or `multiTransform`).
 *
 * @example
 * import * as tg from "typegrad"
 * const frozen = tg.optim.setToZero()
 * const [u] = frozen.update({ w: tg.ones([2]) }, frozen.init({ w: tg.ones([2]) })) // u.w = [0, 0]
 * @since 0.1.0
 * @category optimizers
 */
export const setToZero = (): GradientTransformation<EmptyKind> => stateless("setToZero", (gs) => gs.map((g) => zerosLike(g)))

/**
 * Updates equal to the gradients (a no-op, for composing).
 *
 * @example
 * import * as tg from "typegrad"
 * const id = tg.optim.identity()
 * id.update({ w: tg.ones([2]) }, id.init({ w: tg.ones([2]) }))
 * @since 0.1.0
 * @category optimizers
 */
export const identity = (): GradientTransformation<EmptyKind> => stateless("identity", (gs) => gs)
