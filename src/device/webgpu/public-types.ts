/**
 * The WebGPU names that typegrad's published declarations mention, declared so that a consumer
 * type-checks with `skipLibCheck: false` whatever WebGPU typings it has: none (TypeScript 5.9's
 * DOM library), TypeScript 7's DOM library, or `@webgpu/types` (which conflicts with the latter).
 *
 * @since 0.1.0
 */

declare global {
  /**
   * A WebGPU buffer. Declared empty so that it merges with the full declaration where the program
   * has one and stays an opaque handle where it has none.
   */
  interface GPUBuffer {}
}

/**
 * Which adapter to prefer when several exist (WebGPU's `GPUPowerPreference`).
 *
 * @example
 * import type { GpuPowerPreference } from "typegrad"
 * const preference: GpuPowerPreference = "high-performance"
 * @since 0.1.0
 * @category devices
 */
export type GpuPowerPreference = "low-power" | "high-performance"

/**
 * An optional WebGPU device feature for {@link WebGpuOptions.requiredFeatures}: the names of
 * WebGPU's `GPUFeatureName` that every WebGPU typing of the DOM agrees on.
 *
 * @example
 * import type { GpuFeatureName } from "typegrad"
 * const features: ReadonlyArray<GpuFeatureName> = ["shader-f16", "timestamp-query"]
 * @since 0.1.0
 * @category devices
 */
export type GpuFeatureName =
  | "core-features-and-limits"
  | "depth-clip-control"
  | "depth32float-stencil8"
  | "texture-compression-bc"
  | "texture-compression-bc-sliced-3d"
  | "texture-compression-etc2"
  | "texture-compression-astc"
  | "texture-compression-astc-sliced-3d"
  | "timestamp-query"
  | "indirect-first-instance"
  | "shader-f16"
  | "rg11b10ufloat-renderable"
  | "bgra8unorm-storage"
  | "float32-filterable"
  | "float32-blendable"
  | "clip-distances"
  | "dual-source-blending"
  | "subgroups"
  | "texture-formats-tier1"
  | "primitive-index"
