/**
 * `newton(f, x0)`: Newton's method for square nonlinear systems f(x) = 0 over a pytree of CPU
 * float tensors. Each step flattens the unknowns into one vector, takes the Jacobian with `jacfwd`
 * and the step from `solve` (LU with partial pivoting); the result is SciPy-like.
 *
 * @since 0.1.0
 */
import { DeviceMismatch, ShapeError, SingularMatrix, SolverError } from "../errors.js"
import { jacfwd, Tree } from "../grad/index.js"
import { numel } from "../ops/core/aval.js"
import * as lax from "../ops/core/lax.js"
import { solve, type AnyTensor } from "../ops/index.js"

/**
 * Options of {@link newton}.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.NewtonOptions = { tol: 1e-12, maxSteps: 20 }
 * @since 0.1.0
 * @category solvers
 */
export interface NewtonOptions {
  /** converged when max |f(x)| ≤ tol (default 1e-10) */
  readonly tol?: number
  /** converged when the last step has max |Δx| ≤ xtol·(1 + max |x|) (default 1e-12) */
  readonly xtol?: number
  /** Newton steps at most (default 50) */
  readonly maxSteps?: number
}

/**
 * The result of {@link newton}, in SciPy's terms (`optimize.root`).
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.Tensor<[], "f64", "cpu">
 * const r: tg.NewtonResult<S, S> = tg.newton((x: S) => x.square().sub(2), tg.scalar(1, { dtype: "f64" }))
 * r.x.item() // 1.41421356237469: stopped once |x² − 2| ≤ tol (1e-10)
 * @since 0.1.0
 * @category solvers
 */
export interface NewtonResult<P, R> {
  /** the point reached */
  readonly x: P
  /** f at `x` (the residuals) */
  readonly value: R
  /** max |f(x)| */
  readonly residual: number
  /** Newton steps taken */
  readonly steps: number
  /** whether a tolerance was met (rather than the step limit, a singular Jacobian or a non-finite value) */
  readonly converged: boolean
  /** why it stopped */
  readonly message: string
}

const positive = (name: string, v: number, integer = false): number => {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    const message = `newton: ${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`
    throw new SolverError({ op: "newton", parameter: name, value: v, message })
  }
  return v
}

const maxAbs = (x: AnyTensor): number =>
  Array.from(x.dataSync() as ArrayLike<number>).reduce((m, v) => (Math.abs(v) > m || Number.isNaN(v) ? Math.abs(v) : m), 0)

/**
 * Find a root of a square system `f(x) = 0` by Newton's method: x ← x − J(x)⁻¹·f(x), with the
 * Jacobian `J` from `jacfwd` and the step from `solve`. `x0` is a tensor (a scalar for one
 * equation, a vector for a system) or a pytree of them; `f` returns a tensor or pytree with as
 * many elements in total. Leaves must be float CPU tensors (values are read every step; use f64
 * for tight tolerances). Converges quadratically near a simple root; it can diverge from a poor
 * start, and stops with `converged: false` at a singular Jacobian or a non-finite value.
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.Tensor<[], "f64", "cpu">
 * // x³ − 2x − 5 = 0, Newton's own example
 * const r = tg.newton((x: S) => x.pow(3).sub(x.mul(2)).sub(5), tg.scalar(2, { dtype: "f64" }))
 * r.x.item() // 2.0945514815423265
 * r.converged // true, after r.steps = 4
 * @since 0.1.0
 * @category solvers
 */
export const newton = <P, R>(f: (x: P) => R, x0: P, options: NewtonOptions = {}): NewtonResult<P, R> => {
  const tol = positive("tol", options.tol ?? 1e-10)
  const xtol = positive("xtol", options.xtol ?? 1e-12)
  const maxSteps = positive("maxSteps", options.maxSteps ?? 50, true)
  const [leaves, def] = Tree.flatten(x0)
  if (leaves.length === 0) throw ShapeError.of("newton", "x0 has no tensor leaves")
  const far = leaves.filter((l) => l.device.backend.readSync === undefined)
  if (far.length > 0) {
    const devices = [...new Set(far.map((l) => l.device.name))]
    const message = `newton: x0 has leaves on ${devices.join(", ")}, expected CPU tensors (the solver reads values every step); move them with tg.to(x, tg.cpu)`
    throw new DeviceMismatch({ op: "newton", devices, message })
  }
  const dtype = leaves[0]!.dtype
  if (leaves.some((l) => l.dtype !== dtype || (dtype !== "f32" && dtype !== "f64")))
    throw ShapeError.of("newton", `x0's leaves must share one float dtype (f32 or f64), got ${leaves.map((l) => l.dtype).join(", ")}`)
  const shapes = leaves.map((l) => l.shape as number[])
  const sizes = shapes.map(numel)
  const n = sizes.reduce((a, b) => a + b, 0)
  const ravel = (xs: ReadonlyArray<AnyTensor>): AnyTensor =>
    lax.concat(
      xs.map((x) => lax.reshape(x, [numel(x.shape)])),
      0,
    )
  const unravel = (v: AnyTensor): P => {
    let off = 0
    return Tree.unflatten<P>(
      def,
      shapes.map((s, i) => {
        const part = lax.reshape(lax.slice(v, [off], [1], [sizes[i]!]), s)
        off += sizes[i]!
        return part
      }),
    )
  }
  // the residuals as one vector, checked to be as many as the unknowns
  const F = (v: AnyTensor): AnyTensor => {
    const r = ravel(Tree.leaves(f(unravel(v))))
    if (r.shape[0] !== n)
      throw ShapeError.of("newton", `f maps ${n} unknowns to ${r.shape[0]} residuals; Newton's method needs a square system`)
    return r
  }
  let v = ravel(leaves)
  let steps = 0
  const result = (converged: boolean, message: string): NewtonResult<P, R> => {
    const x = unravel(v),
      value = f(x)
    return { x, value, residual: maxAbs(ravel(Tree.leaves(value))), steps, converged, message }
  }
  for (;;) {
    const r = F(v)
    const res = maxAbs(r)
    if (!Number.isFinite(res)) return result(false, `f(x) is not finite after ${steps} steps`)
    if (res <= tol) return result(true, `max |f(x)| = ${res.toExponential(2)} ≤ tol`)
    if (steps >= maxSteps) return result(false, `maxSteps (${maxSteps}) reached with max |f(x)| = ${res.toExponential(2)}`)
    const jac = (jacfwd(F) as (v: AnyTensor) => AnyTensor)(v)
    let dx: AnyTensor
    try {
      dx = solve(jac, r) as AnyTensor
    } catch (e) {
      if (e instanceof SingularMatrix) return result(false, `singular Jacobian after ${steps} steps`)
      throw e
    }
    v = lax.sub(v, dx)
    steps++
    const size = maxAbs(dx)
    if (!Number.isFinite(size)) return result(false, `the step is not finite after ${steps} steps`)
    if (size <= xtol * (1 + maxAbs(v))) return result(true, `step ${size.toExponential(2)} ≤ xtol·(1 + max |x|)`)
  }
}
