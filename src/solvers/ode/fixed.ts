/**
 * Fixed-step ODE integrators (forward Euler, classical RK4) as one `scan` over the step times:
 * the body is staged once, and reverse-mode gradients with respect to the initial state and any
 * closed-over parameter come from scan's transpose (a reverse sweep over the saved states).
 *
 * @since 0.1.0
 */
import { SolverError } from "../../errors.js"
import { scan } from "../../grad/index.js"
import type { Stacked } from "../../grad/typing.js"
import { tensor } from "../../ops/index.js"
import type { AnyTensor } from "../../ops/core/tensor.js"
import { eulerTableau, rk4Tableau, rkStep, stateInfo, type Tableau, type VectorField } from "./runge-kutta.js"

/**
 * Options of the fixed-step integrators.
 * @example
 * import * as tg from "typegrad"
 * const options: tg.FixedStepOptions = { t0: 0, t1: 2, steps: 40 }
 * tg.odeRk4((_t, y: tg.Tensor<[2], "f32", "cpu">) => y.neg(), tg.tensor([1, 2]), options).y // ≈ [e^−2, 2e^−2]
 * @since 0.1.0
 * @category solvers
 */
export interface FixedStepOptions {
  /** start time (default 0) */
  readonly t0?: number
  /** end time */
  readonly t1: number
  /** number of equal steps (a positive integer) */
  readonly steps: number
}

/**
 * A fixed-step solution: the state at `t1`, the state after every step (leading axis `steps`),
 * and those times.
 * @example
 * import * as tg from "typegrad"
 * const sol: tg.OdeSolution<tg.Tensor<[], "f32", "cpu">> = tg.odeEuler((_t, y) => y.neg(), tg.scalar(1), { t1: 1, steps: 4 })
 * sol.ys.shape // [4]
 * sol.ts // Float64Array [0.25, 0.5, 0.75, 1]
 * @since 0.1.0
 * @category solvers
 */
export interface OdeSolution<Y> {
  readonly y: Y
  readonly ys: Stacked<Y, number>
  readonly ts: Float64Array
}

const fixedStep =
  (op: string, tab: Tableau) =>
  <Y>(f: VectorField<Y>, y0: Y, options: FixedStepOptions): OdeSolution<Y> => {
    const t0 = options.t0 ?? 0,
      { t1, steps } = options
    if (!(Number.isInteger(steps) && steps >= 1))
      throw new SolverError({ op, parameter: "steps", value: steps, message: `${op}: steps = ${steps}, expected a positive integer` })
    if (!(Number.isFinite(t0) && Number.isFinite(t1)))
      throw new SolverError({ op, parameter: "t1", value: t1, message: `${op}: t0 = ${t0} and t1 = ${t1} must be finite` })
    const { like } = stateInfo(op, y0)
    const h = (t1 - t0) / steps
    // the start time of each step; the body steps from it
    const starts = Float64Array.from({ length: steps }, (_, i) => t0 + i * h)
    const times = tensor(starts, [steps], { dtype: like.dtype, device: like.device }) as AnyTensor
    const [y, ys] = scan(
      (yi: Y, t: AnyTensor) => {
        const next = rkStep(f, tab, t, yi, h)
        return [next, next] as const
      },
      y0,
      times,
    )
    return { y, ys: ys as Stacked<Y, number>, ts: Float64Array.from({ length: steps }, (_, i) => t0 + (i + 1) * h) }
  }

/**
 * Integrate dy/dt = f(t, y) from `t0` to `t1` with `steps` forward-Euler steps (first order:
 * the global error shrinks like h). Differentiable end to end (a `scan`).
 *
 * @example
 * import * as tg from "typegrad"
 * // dy/dt = −y, y(0) = 1: y(1) ≈ (1 − 1/1000)^1000 ≈ e^−1
 * const { y } = tg.odeEuler((_t, y) => y.neg(), tg.scalar(1), { t1: 1, steps: 1000 })
 * y.item() // ≈ 0.3677
 * @since 0.1.0
 * @category solvers
 */
export const odeEuler: <Y>(f: VectorField<Y>, y0: Y, options: FixedStepOptions) => OdeSolution<Y> = fixedStep("odeEuler", eulerTableau)

/**
 * Integrate dy/dt = f(t, y) from `t0` to `t1` with `steps` classical Runge–Kutta steps (fourth
 * order: the global error shrinks like h⁴). Differentiable end to end (a `scan`): gradients with
 * respect to `y0` and closed-over parameters are exact derivatives of the discrete scheme.
 *
 * @example
 * import * as tg from "typegrad"
 * // a harmonic oscillator: q' = p, p' = −q
 * const { y } = tg.odeRk4((_t, s) => ({ q: s.p, p: s.q.neg() }), { q: tg.scalar(1), p: tg.scalar(0) }, { t1: Math.PI, steps: 100 })
 * y.q.item() // ≈ −1
 * @since 0.1.0
 * @category solvers
 */
export const odeRk4: <Y>(f: VectorField<Y>, y0: Y, options: FixedStepOptions) => OdeSolution<Y> = fixedStep("odeRk4", rk4Tableau)
