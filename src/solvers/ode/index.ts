/**
 * ODE integrators over pytree states: fixed-step Euler and RK4, adaptive Dormand–Prince 5(4).
 *
 * @since 0.1.0
 */
export { odeEuler, odeRk4, type FixedStepOptions, type OdeSolution } from "./fixed.js"
export type { Time, VectorField } from "./runge-kutta.js"
export { odeDopri5, type AdaptiveOptions, type AdaptiveSolution } from "./dopri5.js"
