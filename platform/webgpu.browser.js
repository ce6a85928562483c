/**
 * The browser provider of `#webgpu-provider`: browsers expose WebGPU as `navigator.gpu`, so there is
 * nothing to load. Keeping Dawn's Node binding out of this file is what lets a browser bundle build
 * without Node modules; the package's `imports` conditions pick it for the `browser` condition.
 */
export const name = "navigator.gpu"

/** Browsers have no other way to WebGPU than `navigator.gpu`: always rejects. */
export const createGpu = async () => {
  throw new Error("navigator.gpu is undefined (WebGPU disabled or unsupported in this browser; Chromium needs a secure context, and on Linux --enable-unsafe-webgpu)")
}
