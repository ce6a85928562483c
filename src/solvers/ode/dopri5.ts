/**
 * Adaptive Dormand–Prince 5(4) with error control: a step is accepted when the RMS of the
 * embedded error, scaled by atol + rtol·max(|y|, |y_new|), is ≤ 1, and the next step is
 * h·clamp(0.9·err^(−1/5), 0.2, 10). Two engines share the step: a host loop (plain values on a
 * host-readable device: stops as soon as t1 is reached), and a fixed-trip `scan` of `maxSteps`
 * masked attempts (under grad/jit/vmap, or on a GPU), which reverse mode can differentiate.
 *
 * @since 0.1.0
 */
import { SolverError } from "../../errors.js"
import { jit, scan, Tree } from "../../grad/index.js"
import { maximum, minimum, stopGradient, where, type Tensor } from "../../ops/index.js"
import { Tracer, type AnyTensor } from "../../ops/core/tensor.js"
import { combine, dopri5Tableau as DP, scalarLike, stages, stateInfo, type Time, type VectorField } from "./runge-kutta.js"

/**
 * Options of {@link odeDopri5}.
 * @example
 * import * as tg from "typegrad"
 * const options: tg.AdaptiveOptions = { t1: 5, rtol: 1e-6, atol: 1e-8, maxSteps: 500, mode: "auto" }
 * tg.odeDopri5((_t, y: tg.Tensor<[], "f32", "cpu">) => y.neg(), tg.scalar(1), options)
 * @since 0.1.0
 * @category solvers
 */
export interface AdaptiveOptions {
  /** start time (default 0) */
  readonly t0?: number
  /** end time (after t0) */
  readonly t1: number
  /** relative tolerance (default 1e-5) */
  readonly rtol?: number
  /** absolute tolerance (default 1e-7) */
  readonly atol?: number
  /** first step tried (default (t1 − t0)/100) */
  readonly h0?: number
  /** most step attempts, accepted or rejected (default 256); the trip count of the fixed-trip engine */
  readonly maxSteps?: number
  /** `"auto"` (default): the host loop for plain values on a host-readable device, else fixed-trip */
  readonly mode?: "auto" | "host" | "fixed-trip"
}

/** A scalar on the states' device. */
type ScalarOf<Y, D extends "i32" | "bool"> = Time<Y> extends Tensor<[], infer _D, infer V> ? Tensor<[], D, V> : never

/**
 * An adaptive solution: the state at t1 and the step counts. `reached` is false when `maxSteps`
 * attempts did not get to t1 (the host engine throws instead).
 * @example
 * import * as tg from "typegrad"
 * const sol: tg.AdaptiveSolution<tg.Tensor<[], "f32", "cpu">> = tg.odeDopri5((_t, y) => y.neg(), tg.scalar(1), { t1: 1 })
 * sol.reached.item() // true
 * sol.accepted.item() + sol.rejected.item() // attempts made
 * @since 0.1.0
 * @category solvers
 */
export interface AdaptiveSolution<Y> {
  readonly y: Y
  readonly accepted: ScalarOf<Y, "i32">
  readonly rejected: ScalarOf<Y, "i32">
  readonly reached: ScalarOf<Y, "bool">
}

interface Attempt<Y> {
  readonly y5: Y
  readonly k7: Y
  readonly err: AnyTensor
}

/** One Dormand–Prince attempt from (t, y) with step h and first stage k1 (FSAL: k7 is the next k1). */
const attempt =
  <Y>(f: VectorField<Y>, rtol: number, atol: number) =>
  (t: AnyTensor, h: AnyTensor, y: Y, k1: Y): Attempt<Y> => {
    const ks = stages(f, DP, t, y, h, k1)
    const y5 = combine(y, h, DP.b, ks)
    const [yl] = Tree.flatten(y),
      [nl] = Tree.flatten(y5),
      kl = ks.map((k) => Tree.flatten(k)[0])
    let sum: AnyTensor | null = null,
      n = 0
    yl.forEach((y0, i) => {
      let e: AnyTensor | null = null
      DP.e!.forEach((w, j) => {
        if (w !== 0) e = e === null ? kl[j]![i]!.mul(w) : (e as AnyTensor).add(kl[j]![i]!.mul(w))
      })
      const scale = maximum(y0.abs(), nl[i]!.abs()).mul(rtol).add(atol)
      const s = (e as unknown as AnyTensor).mul(h).div(scale).square().sum()
      sum = sum === null ? s : (sum as AnyTensor).add(s)
      n += y0.size
    })
    // the step-size controller is not differentiated: step sizes are treated as constants
    return { y5, k7: ks[6]!, err: stopGradient(((sum as unknown as AnyTensor).div(n) as AnyTensor).sqrt() as AnyTensor) }
  }

const factorOf = (err: number): number => Math.min(10, Math.max(0.2, err === 0 ? 10 : 0.9 * err ** -0.2))

/**
 * Integrate dy/dt = f(t, y) from `t0` to `t1` with adaptive Dormand–Prince 5(4) steps under
 * error control (`rtol`, `atol`). On plain values on the CPU a host loop takes only the steps it
 * needs; under `grad`/`jit`/`vmap` (or on a GPU) it runs a fixed-trip `scan` of `maxSteps`
 * attempts, each accepted, rejected or idle (once t1 is reached) by masking, which reverse mode
 * differentiates: gradients are those of the discrete steps taken, with the step sizes held
 * constant. Throws `SolverError` for bad options, and (host engine) when t1 is not reached
 * within `maxSteps` or the error estimate is not finite.
 *
 * @example
 * import * as tg from "typegrad"
 * // dy/dt = −2y, y(0) = 1: y(1) = e^−2
 * const sol = tg.odeDopri5((_t, y) => y.mul(-2), tg.scalar(1, { dtype: "f64" }), { t1: 1, rtol: 1e-8, atol: 1e-10 })
 * sol.y.item() // 0.1353352832…
 * sol.accepted.item() // the number of steps taken
 * @since 0.1.0
 * @category solvers
 */
export const odeDopri5 = <Y>(f: VectorField<Y>, y0: Y, options: AdaptiveOptions): AdaptiveSolution<Y> => {
  const op = "odeDopri5"
  const t0 = options.t0 ?? 0,
    t1 = options.t1
  const rtol = options.rtol ?? 1e-5,
    atol = options.atol ?? 1e-7,
    maxSteps = options.maxSteps ?? 256
  const h0 = options.h0 ?? (t1 - t0) / 100
  const bad = (parameter: string, value: number, expected: string) =>
    new SolverError({ op, parameter, value, message: `${op}: ${parameter} = ${value}, expected ${expected}` })
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) throw bad("t1", t1, `a finite end time after t0 = ${t0}`)
  if (!(rtol >= 0 && atol >= 0 && rtol + atol > 0))
    throw bad(rtol >= 0 ? "atol" : "rtol", rtol >= 0 ? atol : rtol, "non-negative tolerances, not both 0")
  if (!(h0 > 0 && Number.isFinite(h0))) throw bad("h0", h0, "a positive first step")
  if (!(Number.isInteger(maxSteps) && maxSteps >= 1)) throw bad("maxSteps", maxSteps, "a positive integer")
  const { like } = stateInfo(op, y0)
  const s = (v: number) => scalarLike(v, like)
  const k1 = f(s(t0) as Time<Y>, y0)
  const traced = [...Tree.leaves(y0), ...Tree.leaves(k1)].some((l) => l._impl instanceof Tracer)
  const hostable = !traced && like.device.backend.readSync !== undefined
  const mode = options.mode ?? "auto"
  if (mode === "host" && !hostable)
    throw new SolverError({
      op,
      parameter: "mode",
      value: 0,
      message: `${op}: mode "host" needs plain (untraced) values on a host-readable device; use "fixed-trip" under grad/jit/vmap or on ${like.device.name}`,
    })
  const step = attempt(f, rtol, atol)
  const done = (y: Y, acc: AnyTensor, rej: AnyTensor, reached: AnyTensor): AdaptiveSolution<Y> =>
    ({ y, accepted: acc, rejected: rej, reached }) as unknown as AdaptiveSolution<Y>

  if (mode === "host" || (mode === "auto" && hostable)) {
    const tryStep = jit((t: AnyTensor, h: AnyTensor, y: Y, k: Y) => {
      const r = step(t, h, y, k)
      return [r.y5, r.k7, r.err] as const
    })
    let t = t0,
      h = h0,
      y = y0,
      k = k1,
      accepted = 0,
      rejected = 0
    while (t < t1) {
      if (accepted + rejected >= maxSteps)
        throw new SolverError({
          op,
          parameter: "maxSteps",
          value: maxSteps,
          message: `${op}: ${maxSteps} attempts reached t = ${t}, not t1 = ${t1}; raise maxSteps or loosen rtol/atol`,
        })
      const hEff = Math.min(h, t1 - t)
      const [y5, k7, errT] = tryStep(s(t), s(hEff), y, k)
      const err = (errT as AnyTensor).item() as number
      if (!Number.isFinite(err))
        throw new SolverError({
          op,
          parameter: "err",
          value: err,
          message: `${op}: the error estimate at t = ${t} is ${err} (the solution blew up or f returned NaN)`,
        })
      if (err <= 1) {
        ;[y, k, t, accepted] = [y5 as Y, k7 as Y, hEff >= t1 - t ? t1 : t + hEff, accepted + 1]
      } else rejected++
      h = hEff * factorOf(err)
    }
    const i32 = (v: number) => scalarLike(v, like).cast("i32")
    return done(y, i32(accepted), i32(rejected), scalarLike(1, like).gt(0))
  }

  // fixed trip: maxSteps masked attempts; an idle attempt (t = t1) has h = 0 and changes nothing
  const T1 = s(t1)
  interface Carry {
    readonly t: AnyTensor
    readonly h: AnyTensor
    readonly y: Y
    readonly k: Y
    readonly acc: AnyTensor
    readonly rej: AnyTensor
  }
  const init: Carry = { t: s(t0), h: s(h0), y: y0, k: k1, acc: s(0), rej: s(0) }
  const [end] = scan(
    (c: Carry, _x: ReadonlyArray<never>) => {
      const remaining = T1.sub(c.t)
      const active = remaining.gt(0)
      const hEff = minimum(c.h, remaining)
      const r = step(c.t, hEff, c.y, c.k)
      const accept = where(active, r.err.le(1), active)
      const pick = <Z>(a: Z, b: Z): Z => Tree.zipWith(a, b, (x, z) => where(accept, x, z))
      const factor = minimum(maximum(r.err.pow(-0.2).mul(0.9), 0.2), 10) // err = 0 → ∞ → 10
      const next: Carry = {
        t: where(accept, where(c.h.ge(remaining), T1, c.t.add(hEff)), c.t),
        h: where(active, stopGradient(hEff.mul(factor)), c.h),
        y: pick(r.y5, c.y),
        k: pick(r.k7, c.k),
        acc: c.acc.add(accept.cast(like.dtype)),
        rej: c.rej.add(where(active, r.err.gt(1), active).cast(like.dtype)),
      }
      return [next, [] as AnyTensor[]] as const
    },
    init,
    [] as ReadonlyArray<never>,
    { length: maxSteps },
  )
  return done(end.y, end.acc.cast("i32"), end.rej.cast("i32"), end.t.ge(T1))
}
