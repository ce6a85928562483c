/**
 * The `optim` namespace: pure gradient transformations over pytrees (Optax's shape) with the
 * update rules of `torch.optim`, learning-rate schedules, and the full-batch L-BFGS solver.
 *
 * @since 0.1.0
 */
export * from "./transform.js"
export * from "./basic.js"
export * from "./moments.js"
export * from "./optimizers.js"
export { scheduleValue, type Schedule } from "./schedules.js"
export * as schedules from "./schedules.js"
export type { StepCount } from "./trees.js"
export { lbfgs } from "./minimize.js"
