/**
 * Types of a `#webgpu-provider` module: how this environment creates a WebGPU `GPU` object when
 * `navigator.gpu` is absent.
 */
/** What the provider uses, for `DeviceUnavailable`'s list of what was tried. */
export declare const name: string
/** A `GPU` created with the implementation's flags (Dawn toggles in Node); rejects when unavailable. */
export declare const createGpu: (flags: ReadonlyArray<string>) => Promise<GPU>
