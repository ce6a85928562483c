/**
 * Learning-rate schedules: functions of the step counter (a scalar tensor, 0 on the first update)
 * built from tensor ops, so a jitted training step reads the rate from its state instead of
 * recompiling. The formulas follow `torch.optim.lr_scheduler` stepped once per update.
 *
 * @since 0.1.0
 */
import { InvalidHyperparameter } from "../errors.js"
import { cos, exp } from "./trees.js"
import { scalar, where, type AnyTensor, type Tensor } from "../ops/index.js"

/**
 * A learning-rate schedule: the rate for the update with 0-based index `count` (a scalar tensor).
 *
 * @example
 * import * as tg from "typegrad"
 * const linear: tg.optim.Schedule = (count) => count.mul(-0.001).add(0.1) // 0.1 − 0.001·t
 * tg.optim.scheduleValue(linear, 3) // 0.097
 * @since 0.1.0
 * @category schedules
 */
export type Schedule = (count: AnyTensor) => AnyTensor

/**
 * The value of a schedule at step `step` (evaluated in f64 on the CPU), for plots and checks.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.optim.scheduleValue(tg.optim.schedules.exponential(0.1, 0.5), 2) // 0.025
 * @since 0.1.0
 * @category schedules
 */
export const scheduleValue = (schedule: Schedule | number, step: number): number =>
  typeof schedule === "number" ? schedule : (schedule(scalar(step, { dtype: "f64" })).cast("f64") as Tensor<[], "f64", "cpu">).item()

const check = (op: string, name: string, value: number, ok: boolean, expected: string): void => {
  if (!ok) throw new InvalidHyperparameter({ op, name, value, message: `${op}: ${name} = ${value}, expected ${expected}` })
}
const finite = (op: string, name: string, v: number) => check(op, name, v, Number.isFinite(v), "a finite number")
const positiveInt = (op: string, name: string, v: number) => check(op, name, v, Number.isInteger(v) && v > 0, "a positive integer")

/** ⌊x⌋ for x ≥ 0 by a round trip through i32 (truncation), as no floor op exists. */
const floorNonNeg = (x: AnyTensor): AnyTensor => x.cast("i32").cast(x.dtype)

/**
 * A constant rate.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.optim.scheduleValue(tg.optim.schedules.constant(0.01), 1000) // 0.01
 * @since 0.1.0
 * @category schedules
 */
export const constant = (value: number): Schedule => {
  finite("schedules.constant", "value", value)
  return (count) => count.mul(0).add(value)
}

/**
 * `init · gamma^⌊t / stepSize⌋` (torch `StepLR`).
 *
 * @example
 * import * as tg from "typegrad"
 * const s = tg.optim.schedules.step(0.1, 30, 0.1)
 * tg.optim.scheduleValue(s, 29) // 0.1
 * tg.optim.scheduleValue(s, 30) // 0.01
 * @since 0.1.0
 * @category schedules
 */
export const step = (init: number, stepSize: number, gamma = 0.1): Schedule => {
  finite("schedules.step", "init", init)
  positiveInt("schedules.step", "stepSize", stepSize)
  check("schedules.step", "gamma", gamma, gamma > 0 && Number.isFinite(gamma), "a positive number")
  return (count) => exp(floorNonNeg(count.div(stepSize)).mul(Math.log(gamma))).mul(init)
}

/**
 * `init · gamma^t` (torch `ExponentialLR`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.optim.scheduleValue(tg.optim.schedules.exponential(1, 0.9), 2) // 0.81
 * @since 0.1.0
 * @category schedules
 */
export const exponential = (init: number, gamma: number): Schedule => {
  finite("schedules.exponential", "init", init)
  check("schedules.exponential", "gamma", gamma, gamma > 0 && Number.isFinite(gamma), "a positive number")
  return (count) => exp(count.mul(Math.log(gamma))).mul(init)
}

/**
 * Cosine annealing from `init` to `min` over `steps` updates, then `min`
 * (torch `CosineAnnealingLR`'s closed form: `min + (init − min)(1 + cos(π t / steps)) / 2`).
 *
 * @example
 * import * as tg from "typegrad"
 * const s = tg.optim.schedules.cosine(0.1, 100)
 * tg.optim.scheduleValue(s, 50) // 0.05
 * tg.optim.scheduleValue(s, 100) // 0
 * @since 0.1.0
 * @category schedules
 */
export const cosine = (init: number, steps: number, min = 0): Schedule => {
  finite("schedules.cosine", "init", init)
  finite("schedules.cosine", "min", min)
  positiveInt("schedules.cosine", "steps", steps)
  return (count) =>
    cos(count.minimum(steps).mul(Math.PI / steps))
      .add(1)
      .mul((init - min) / 2)
      .add(min)
}

/**
 * Linear warm-up from `init` to `peak` over `warmup` updates, then cosine decay to `end` at
 * update `steps` (Optax's `warmup_cosine_decay_schedule`).
 *
 * @example
 * import * as tg from "typegrad"
 * const s = tg.optim.schedules.warmupCosine({ init: 0, peak: 1, warmup: 10, steps: 110 })
 * tg.optim.scheduleValue(s, 5) // 0.5
 * tg.optim.scheduleValue(s, 60) // 0.5
 * @since 0.1.0
 * @category schedules
 */
export const warmupCosine = (o: {
  readonly init?: number
  readonly peak: number
  readonly warmup: number
  readonly steps: number
  readonly end?: number
}): Schedule => {
  const init = o.init ?? 0,
    end = o.end ?? 0
  finite("schedules.warmupCosine", "peak", o.peak)
  positiveInt("schedules.warmupCosine", "warmup", o.warmup)
  check(
    "schedules.warmupCosine",
    "steps",
    o.steps,
    Number.isInteger(o.steps) && o.steps > o.warmup,
    `an integer above warmup (${o.warmup})`,
  )
  const decay = o.steps - o.warmup
  return (count) => {
    const warm = count
      .minimum(o.warmup)
      .mul((o.peak - init) / o.warmup)
      .add(init)
    const t = count.sub(o.warmup).maximum(0).minimum(decay)
    const decayed = cos(t.mul(Math.PI / decay))
      .add(1)
      .mul((o.peak - end) / 2)
      .add(end)
    return where(count.lt(o.warmup), warm, decayed) as AnyTensor
  }
}

/**
 * Piecewise constant: `values[0]` before `boundaries[0]`, `values[i]` from `boundaries[i − 1]`
 * (torch `MultiStepLR` with explicit values; Optax's `piecewise_constant_schedule`).
 *
 * @example
 * import * as tg from "typegrad"
 * const s = tg.optim.schedules.piecewise([100, 200], [0.1, 0.01, 0.001])
 * tg.optim.scheduleValue(s, 150) // 0.01
 * @since 0.1.0
 * @category schedules
 */
export const piecewise = (boundaries: ReadonlyArray<number>, values: ReadonlyArray<number>): Schedule => {
  check(
    "schedules.piecewise",
    "values.length",
    values.length,
    values.length === boundaries.length + 1,
    `boundaries.length + 1 = ${boundaries.length + 1}`,
  )
  boundaries.forEach((b, i) =>
    check(
      "schedules.piecewise",
      `boundaries[${i}]`,
      b,
      Number.isInteger(b) && b >= 0 && (i === 0 || b > boundaries[i - 1]!),
      "increasing non-negative integers",
    ),
  )
  values.forEach((v, i) => finite("schedules.piecewise", `values[${i}]`, v))
  // v0 + Σ_i [t ≥ b_i] (v_{i+1} − v_i)
  return (count) =>
    boundaries.reduce(
      (acc: AnyTensor, b, i) =>
        acc.add(
          count
            .ge(b)
            .cast(count.dtype)
            .mul(values[i + 1]! - values[i]!),
        ),
      count.mul(0).add(values[0]!),
    )
}
