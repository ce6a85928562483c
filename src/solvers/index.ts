/**
 * Solvers: the `optim` namespace (optimizers, schedules, L-BFGS), `minimize` for scalar
 * objectives over pytrees, `newton` for nonlinear systems, and the `fit` training loop as an
 * Effect with progress output.
 *
 * @since 0.1.0
 */
export * as optim from "./optim.js"
export { minimize, type LbfgsOptions, type MinimizeOptions, type MinimizeResult, type Objective } from "./minimize.js"
export { newton, type NewtonOptions, type NewtonResult } from "./newton.js"
export { fit, fitPromise, fitSync, startFit, type FitError, type FitOptions, type FitResult, type FitRun, type StepInfo } from "./fit.js"
export type { ProgressOptions, ProgressStream } from "./progress.js"
