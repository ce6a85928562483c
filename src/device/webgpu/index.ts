/**
 * The WebGPU device: acquisition (Effect service, layer, Promise), memory scopes and statistics.
 *
 * @since 0.1.0
 */
export { acquireWebGpu, memoryStats, releaseWebGpu, synchronize, WebGpu, type WebGpuOptions } from "./service.js"
export { iterate, scope, type MemoryStats } from "./memory.js"
export { own } from "./own.js"
export type { GpuFeatureName, GpuPowerPreference } from "./public-types.js"
