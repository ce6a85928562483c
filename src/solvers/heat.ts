/**
 * The 2-D heat equation u_t = κ Δu on a grid, explicit (forward Euler in time, 5-point Laplacian
 * in space) with Dirichlet boundaries: the border cells keep their values. With α = κ Δt / Δx²
 * the scheme is stable only for α ≤ 1/4, so a larger α is refused before any work is done.
 *
 * @since 0.1.0
 */
import { SolverError } from "../errors.js"
import { iterate } from "../device/webgpu/index.js"
import { jit } from "../grad/index.js"
import type { Tensor } from "../ops/index.js"
import type { DeviceKind, FloatDType } from "../shape/index.js"

/**
 * α above this makes the explicit scheme amplify the highest-frequency mode: |1 − 8α| > 1.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.HEAT_ALPHA_LIMIT // 0.25: heat2d refuses a larger alpha with a SolverError
 * @since 0.1.0
 * @category solvers
 */
export const HEAT_ALPHA_LIMIT = 0.25

/**
 * Options of {@link heat2d}.
 * @example
 * import * as tg from "typegrad"
 * const options: tg.HeatOptions = { alpha: 0.2, steps: 10, jit: false }
 * tg.heat2d(tg.zeros([8, 8]).at("3:5, 3:5").set(1), options)
 * @since 0.1.0
 * @category solvers
 */
export interface HeatOptions {
  /** α = κ Δt / Δx², in [0, 0.25] */
  readonly alpha: number
  /** number of time steps (a non-negative integer) */
  readonly steps: number
  /** stage one step with `jit` (fused kernels, default true) or run it op by op */
  readonly jit?: boolean
}

type Grid<H extends number, W extends number, D extends FloatDType, V extends DeviceKind> = Tensor<[H, W], D, V>
type AnyGrid = Tensor<[number, number], FloatDType, DeviceKind>

const checkAlpha = (op: string, alpha: number): void => {
  if (!(alpha >= 0 && alpha <= HEAT_ALPHA_LIMIT))
    throw new SolverError({
      op,
      parameter: "alpha",
      value: alpha,
      message: `${op}: alpha = ${alpha}, expected 0 ≤ alpha ≤ ${HEAT_ALPHA_LIMIT} (the explicit 5-point scheme is unstable above 1/4)`,
    })
}

const checkGrid = (op: string, grid: { readonly shape: ReadonlyArray<number> }): void => {
  if (grid.shape.length !== 2 || grid.shape[0]! < 3 || grid.shape[1]! < 3)
    throw new SolverError({
      op,
      parameter: "grid",
      value: grid.shape.length,
      message: `${op}: needs a 2-D grid of at least 3 × 3 (a border and an interior), got shape [${grid.shape.join(", ")}]`,
    })
}

/** One step on the interior: u + α (u↓ + u↑ + u→ + u← − 4u), summed in that order. */
const step =
  (alpha: number) =>
  (u: AnyGrid): AnyGrid => {
    const lap = u
      .slice("2:, 1:-1")
      .add(u.slice(":-2, 1:-1"))
      .add(u.slice("1:-1, 2:"))
      .add(u.slice("1:-1, :-2"))
      .sub(u.slice("1:-1, 1:-1").mul(4))
    return u.at("1:-1, 1:-1").add(lap.mul(alpha)) as AnyGrid
  }

/**
 * One explicit step of the 2-D heat equation; the border is held fixed (Dirichlet). Throws
 * `SolverError` for α outside [0, 0.25]. Differentiable and usable under `jit`/`vmap`.
 *
 * @example
 * import * as tg from "typegrad"
 * const u = tg.zeros([5, 5]).at("2, 2").set(1)
 * tg.heatStep(u, 0.1).slice("2, 2").item() // 1 − 4·0.1 = 0.6
 * @since 0.1.0
 * @category solvers
 */
export const heatStep = <H extends number, W extends number, D extends FloatDType, V extends DeviceKind>(
  grid: Grid<H, W, D, V>,
  alpha: number,
): Grid<H, W, D, V> => {
  checkAlpha("heatStep", alpha)
  checkGrid("heatStep", grid)
  return step(alpha)(grid as unknown as AnyGrid) as unknown as Grid<H, W, D, V>
}

/**
 * `steps` explicit steps of the 2-D heat equation with a fixed border, on the grid's device. The
 * step is staged once with `jit` and the loop keeps memory flat (each old grid is released as the
 * next exists). Throws `SolverError` for α > 0.25 (unstable), α < 0, or a bad step count.
 *
 * @example
 * import * as tg from "typegrad"
 * const plate = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
 * const hot = tg.heat2d(plate, { alpha: 0.01, steps: 500 })
 * hot.slice("50, 50").item() // 78.1025…
 * @since 0.1.0
 * @category solvers
 */
export const heat2d = <H extends number, W extends number, D extends FloatDType, V extends DeviceKind>(
  grid: Grid<H, W, D, V>,
  options: HeatOptions,
): Grid<H, W, D, V> => {
  const { alpha, steps } = options
  checkAlpha("heat2d", alpha)
  checkGrid("heat2d", grid)
  if (!(Number.isInteger(steps) && steps >= 0))
    throw new SolverError({
      op: "heat2d",
      parameter: "steps",
      value: steps,
      message: `heat2d: steps = ${steps}, expected a non-negative integer`,
    })
  const f = options.jit === false ? step(alpha) : jit(step(alpha))
  return iterate(grid as unknown as AnyGrid, steps, (u) => f(u)) as unknown as Grid<H, W, D, V>
}
