/**
 * The Node provider of `#webgpu-provider`: Dawn through the optional `webgpu` package, loaded on
 * first use. Plain JavaScript (typed by webgpu.d.ts) so the same file serves the sources and the build;
 * browser bundles get webgpu.browser.js instead, chosen by the package's `imports` conditions.
 */
export const name = "Dawn via the webgpu package"

/** A Dawn `GPU` created with `flags`; rejects when the package or its native binding is missing. */
export const createGpu = async (flags) => {
  const m = await import("webgpu")
  // Dawn's GPU* constants (GPUBufferUsage, GPUMapMode, …) are globals in browsers; install them here too
  Object.assign(globalThis, m.globals)
  return m.create([...flags])
}
