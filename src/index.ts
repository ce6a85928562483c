/**
 * typegrad: differentiable tensor computing for TypeScript — shapes, dtypes and devices in the
 * type system; JAX-style transforms; CPU and WebGPU backends.
 *
 * @example
 * import * as tg from "typegrad"
 * let grid = tg.zeros([100, 100]).at("45:55, 45:55").set(100)
 * @since 0.1.0
 * @module typegrad
 */
import { cpu } from "./device/cpu/index.js"
import { setDefaultDevice } from "./ops/core/defaults.js"

setDefaultDevice(cpu)

export * from "./ops/index.js"
export { cpu } from "./device/cpu/index.js"
export * from "./device/webgpu/index.js"
export { to, transfer, type OnDevice } from "./device/transfer.js"
export type { ReadbackError } from "./ops/api/host.js"
export * from "./errors.js"
export type * from "./shape/types.js"
export * from "./grad/index.js"
export * from "./solvers/index.js"
export * from "./solvers/heat.js"
export { bestDevice, type BestDevice, type BestDeviceOptions } from "./device/best.js"
export * from "./solvers/ode/index.js"
export * from "./checkpoint/index.js"
export * as nn from "./layers/index.js"
