/**
 * Explicit Runge–Kutta steps over pytree states, from Butcher tableaus: forward Euler, classical
 * RK4 and Dormand–Prince 5(4) with its embedded error estimate. Everything is built from tensor
 * ops, so a step is differentiable and traceable (jit, vmap, scan bodies).
 *
 * @since 0.1.0
 */
import { SolverError } from "../../errors.js"
import { Tree } from "../../grad/index.js"
import { scalar, type Tensor } from "../../ops/index.js"
import type { AnyTensor } from "../../ops/core/tensor.js"
import type { DeviceKind, FloatDType } from "../../shape/index.js"

/** The first tensor type found in a pytree `Y`. */
type FirstLeaf<Y> =
  Y extends Tensor<infer _S, infer _D, infer _V>
    ? Y
    : Y extends readonly [infer H, ...ReadonlyArray<unknown>]
      ? FirstLeaf<H>
      : Y extends ReadonlyArray<infer E>
        ? FirstLeaf<E>
        : Y extends object
          ? FirstLeaf<Y[keyof Y]>
          : never

/**
 * The time argument of a vector field over states `Y`: a scalar of the states' dtype and device.
 * @example
 * import * as tg from "typegrad"
 * type State = { q: tg.Tensor<[3], "f64", "cpu">; p: tg.Tensor<[3], "f64", "cpu"> }
 * const t: tg.Time<State> = tg.scalar(0.5, { dtype: "f64" }) // Tensor<[], "f64", "cpu">
 * @since 0.1.0
 * @category solvers
 */
export type Time<Y> = [FirstLeaf<Y>] extends [Tensor<infer _S, infer D extends FloatDType, infer V extends DeviceKind>]
  ? Tensor<[], D, V>
  : Tensor<[], "f32", DeviceKind>

/**
 * A vector field: dy/dt = f(t, y) over a pytree of float tensors (a tensor, an array or record
 * of them). Parameters enter by closure, so gradients reach them.
 * @example
 * import * as tg from "typegrad"
 * type State = { q: tg.Tensor<[], "f32", "cpu">; p: tg.Tensor<[], "f32", "cpu"> }
 * const oscillator: tg.VectorField<State> = (_t, s) => ({ q: s.p, p: s.q.neg() })
 * tg.odeRk4(oscillator, { q: tg.scalar(1), p: tg.scalar(0) }, { t1: 1, steps: 10 })
 * @since 0.1.0
 * @category solvers
 */
export type VectorField<Y> = (t: Time<Y>, y: Y) => Y

/** An explicit tableau: stage nodes `c`, lower-triangular `a`, weights `b` (and error weights `e`). */
export interface Tableau {
  readonly c: ReadonlyArray<number>
  readonly a: ReadonlyArray<ReadonlyArray<number>>
  readonly b: ReadonlyArray<number>
  readonly e?: ReadonlyArray<number>
}

export const eulerTableau: Tableau = { c: [0], a: [[]], b: [1] }

export const rk4Tableau: Tableau = {
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
}

/**
 * Dormand & Prince (1980), RK5(4)7M: seven stages, the last evaluated at the new point (first
 * same as last), 5th-order weights `b` and `e` = b − b̂ against the embedded 4th-order solution.
 */
export const dopri5Tableau: Tableau = {
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  e: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
}

/** y + h Σ w_j k_j leaf by leaf, skipping zero weights (h a number or a scalar tensor). */
export const combine = <Y>(y: Y, h: number | AnyTensor, w: ReadonlyArray<number>, ks: ReadonlyArray<Y>): Y => {
  const [yl, def] = Tree.flatten(y)
  const kl = ks.map((k) => Tree.flatten(k)[0])
  return Tree.unflatten<Y>(
    def,
    yl.map((leaf, i) => {
      let acc: AnyTensor | null = null
      w.forEach((wj, j) => {
        if (wj === 0) return
        const term: AnyTensor = kl[j]![i]!.mul(wj)
        acc = acc === null ? term : acc.add(term)
      })
      return acc === null ? leaf : leaf.add((acc as AnyTensor).mul(h))
    }),
  )
}

/** The stages k_1..k_s of one step from (t, y) with step h; `k1` reuses a known first stage. */
export const stages = <Y>(f: VectorField<Y>, tab: Tableau, t: AnyTensor, y: Y, h: number | AnyTensor, k1?: Y): Y[] => {
  const ks: Y[] = []
  tab.c.forEach((ci, i) => {
    if (i === 0 && k1 !== undefined) return void ks.push(k1)
    const ti = ci === 0 ? t : t.add(typeof h === "number" ? h * ci : h.mul(ci))
    ks.push(f(ti as Time<Y>, i === 0 ? y : combine(y, h, tab.a[i]!, ks)))
  })
  return ks
}

/** One explicit step: y + h Σ b_j k_j. */
export const rkStep = <Y>(f: VectorField<Y>, tab: Tableau, t: AnyTensor, y: Y, h: number | AnyTensor): Y =>
  combine(y, h, tab.b, stages(f, tab, t, y, h))

/** The float leaves' dtype and device, checking the state is a non-empty tree of float tensors. */
export const stateInfo = (op: string, y: unknown): { readonly dtype: FloatDType; readonly like: AnyTensor } => {
  const leaves = Tree.leaves(y)
  const like = leaves[0]
  if (like === undefined || leaves.some((l) => !["f32", "f64", "f16"].includes(l.dtype)))
    throw new SolverError({
      op,
      parameter: "y0",
      value: leaves.length,
      message: `${op}: the state must be a non-empty pytree of float tensors, got ${leaves.length === 0 ? "no tensor" : leaves.map((l) => l.dtype).join(", ")}`,
    })
  return { dtype: like.dtype as FloatDType, like }
}

/** A scalar of the state's dtype on its device. */
export const scalarLike = (v: number, like: AnyTensor): AnyTensor => scalar(v, { dtype: like.dtype, device: like.device }) as AnyTensor
