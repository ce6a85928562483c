/**
 * Acquiring a WebGPU device: `navigator.gpu` in browsers, Dawn (the optional `webgpu` package) in Node.
 * Which fallback exists is the `#webgpu-provider` import, resolved by the package's `imports`
 * conditions (browser bundles never see Dawn).
 * As an Effect resource (`WebGpu.layer`, `WebGpu.acquire`: the device is destroyed when the
 * scope closes) or as a Promise (`acquireWebGpu`) for code that does not use Effect.
 *
 * @since 0.1.0
 */
import * as provider from "#webgpu-provider"
import { Context, Effect, Layer, type Scope } from "effect"
import { DeviceLost, DeviceUnavailable } from "../../errors.js"
import type { Device } from "../../ops/core/backend.js"
import { contextOf, makeBackend } from "./backend.js"
import { GpuContext } from "./context.js"
import type { MemoryStats } from "./memory.js"
import type { GpuFeatureName, GpuPowerPreference } from "./public-types.js"

/**
 * How to pick and configure the device.
 *
 * @since 0.1.0
 * @category devices
 *
 * @example
 * import * as tg from "typegrad"
 * const options: tg.WebGpuOptions = { powerPreference: "high-performance" }
 * const gpu = await tg.acquireWebGpu(options)
 * tg.releaseWebGpu(gpu)
 */
export interface WebGpuOptions {
  readonly powerPreference?: GpuPowerPreference
  /** features the device must have (fails with DeviceUnavailable otherwise); `shader-f16` and `subgroups` are enabled whenever available */
  readonly requiredFeatures?: ReadonlyArray<GpuFeatureName>
  /** limits to request; by default the adapter's own maxima for buffer sizes, bindings and workgroups */
  readonly requiredLimits?: Readonly<Record<string, number>>
  /** Dawn toggles for Node (`create([...])`), e.g. `["backend=vulkan"]`; ignored in browsers */
  readonly dawnFlags?: ReadonlyArray<string>
}

const OPTIONAL_FEATURES: ReadonlyArray<GPUFeatureName> = ["shader-f16", "subgroups"]
const LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupStorageSize",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
  "maxUniformBufferBindingSize",
] as const

const unavailable = (tried: ReadonlyArray<string>, why: string) =>
  new DeviceUnavailable({ tried, message: `webgpu: no device (${why}); tried ${tried.join(", ")}` })

/**
 * Dawn GPU objects by flag set, kept for the life of the process. NOTE: a collected Dawn instance
 * takes its native threads down with it (seen as SIGSEGV/abort seconds after a device was released
 * on lavapipe), so instances are never dropped; each acquisition still gets a fresh adapter.
 */
const dawnInstances = new Map<string, GPU>()

const findGpu = async (options: WebGpuOptions, tried: string[]): Promise<GPU> => {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator
  if (nav?.gpu !== undefined) {
    tried.push("navigator.gpu")
    return nav.gpu
  }
  const flags = [...(options.dawnFlags ?? [])]
  tried.push(`${provider.name}, create([${flags.map((f) => JSON.stringify(f)).join(", ")}])`)
  try {
    const key = JSON.stringify(flags)
    const cached = dawnInstances.get(key)
    if (cached !== undefined) return cached
    const gpu = await provider.createGpu(flags)
    dawnInstances.set(key, gpu)
    return gpu
  } catch (e) {
    throw unavailable(tried, `${provider.name} failed: ${String(e)}`)
  }
}

/** Acquire adapter + device and wrap them (Promise; rejects with DeviceUnavailable). */
const acquireContext = async (options: WebGpuOptions): Promise<GpuContext> => {
  const tried: string[] = []
  const gpu = await findGpu(options, tried)
  const pp = options.powerPreference
  let adapter: GPUAdapter | null
  try {
    adapter = await gpu.requestAdapter(pp === undefined ? {} : { powerPreference: pp })
  } catch (e) {
    throw unavailable(tried, `requestAdapter threw: ${String(e)}`)
  }
  tried.push(`requestAdapter(${pp === undefined ? "" : JSON.stringify({ powerPreference: pp })})`)
  if (adapter === null)
    throw unavailable(tried, "requestAdapter returned null (no GPU, or no Vulkan/Metal/D3D driver; on Linux install mesa-vulkan-drivers)")
  const missing = (options.requiredFeatures ?? []).filter((f) => !adapter.features.has(f))
  if (missing.length > 0) throw unavailable(tried, `the adapter lacks required features ${missing.join(", ")}`)
  const features = [...new Set([...(options.requiredFeatures ?? []), ...OPTIONAL_FEATURES.filter((f) => adapter.features.has(f))])]
  const limits: Record<string, number> = {}
  for (const k of LIMITS) limits[k] = adapter.limits[k]
  Object.assign(limits, options.requiredLimits)
  try {
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: limits })
    const info = adapter.info
    return new GpuContext(device, info.description || info.device || info.vendor || "adapter", info.isFallbackAdapter, gpu)
  } catch (e) {
    throw unavailable([...tried, "requestDevice"], `requestDevice failed: ${String(e)}`)
  }
}

// devices acquired so far: the second and later ones get a number, so that two devices of one
// adapter have distinct names (in DeviceMismatch messages, and in jit's cache keys)
let acquired = 0
const deviceOf = (ctx: GpuContext): Device<"webgpu"> => {
  const n = acquired++
  return {
    kind: "webgpu",
    name: n === 0 ? `webgpu:${ctx.description}` : `webgpu:${ctx.description} (#${n + 1})`,
    backend: makeBackend(ctx),
  }
}

/**
 * A fresh WebGPU device as a Promise, for code without Effect. Release it with
 * {@link releaseWebGpu} (or let the process end).
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const x = tg.to(tg.tensor([1, 2, 3]), gpu)
 * @since 0.1.0
 * @category devices
 */
export const acquireWebGpu = (options: WebGpuOptions = {}): Promise<Device<"webgpu">> => acquireContext(options).then(deviceOf)

/**
 * Destroy a device from {@link acquireWebGpu}; later use fails with `DeviceLost`.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category devices
 */
export const releaseWebGpu = (device: Device<"webgpu">): void => contextOf(device).destroy()

/**
 * Live and pooled GPU memory of a WebGPU device.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const x = tg.to(tg.ones([1024]), gpu)
 * tg.memoryStats(gpu).liveBytes // ≥ 4096
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category memory
 */
export const memoryStats = (device: Device): MemoryStats => contextOf(device).pool.stats()

/**
 * Submit the device's pending work and wait until the GPU finished it (for timing). On the
 * CPU it resolves at once: CPU ops have finished when they return.
 *
 * @example
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * tg.to(tg.ones([1024]), gpu).mul(2)
 * await tg.synchronize(gpu) // the multiplication has finished
 * await tg.synchronize(tg.cpu) // a no-op
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category devices
 */
export const synchronize = (device: Device): Promise<void> => (device.kind === "cpu" ? Promise.resolve() : contextOf(device).sync()) // CPU ops finish before they return

/**
 * The acquired device as an Effect service.
 *
 * @example
 * import { Effect } from "effect"
 * import { WebGpu } from "typegrad"
 * const program = Effect.gen(function* () {
 *   const { device } = yield* WebGpu
 *   return device.name
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(WebGpu.layer())))
 * @since 0.1.0
 * @category devices
 */
export class WebGpu extends Context.Service<
  WebGpu,
  {
    readonly device: Device<"webgpu">
    /** the adapter's description and whether it is a software (fallback) adapter */
    readonly adapter: { readonly description: string; readonly isFallbackAdapter: boolean }
    readonly memoryStats: () => MemoryStats
    /** Fails with `DeviceLost` once the device is lost (never succeeds): race work against it. */
    readonly lost: Effect.Effect<never, DeviceLost>
  }
>()("typegrad/WebGpu") {
  /**
   * A device scoped to the enclosing `Scope`: destroyed when it closes.
   *
   * @example
   * import { Effect } from "effect"
   * import { WebGpu } from "typegrad"
   * await Effect.runPromise(Effect.scoped(Effect.map(WebGpu.acquire(), (gpu) => gpu.name)))
   */
  static acquire = (options: WebGpuOptions = {}): Effect.Effect<Device<"webgpu">, DeviceUnavailable, Scope.Scope> =>
    Effect.map(acquireScoped(options), deviceOf)

  /**
   * The service layer: acquires the device when built, destroys it when the layer's scope closes.
   *
   * @example
   * import { Effect } from "effect"
   * import { WebGpu } from "typegrad"
   * const name = Effect.gen(function* () {
   *   return (yield* WebGpu).device.name
   * })
   * await Effect.runPromise(name.pipe(Effect.provide(WebGpu.layer({ powerPreference: "high-performance" }))))
   */
  static layer = (options: WebGpuOptions = {}): Layer.Layer<WebGpu, DeviceUnavailable> =>
    Layer.effect(
      WebGpu,
      Effect.map(acquireScoped(options), (ctx) =>
        WebGpu.of({
          device: deviceOf(ctx),
          adapter: { description: ctx.description, isFallbackAdapter: ctx.isFallback },
          memoryStats: () => ctx.pool.stats(),
          lost: Effect.flatMap(
            Effect.promise(() => ctx.device.lost),
            () => Effect.fail(ctx.lost ?? new DeviceLost({ reason: "unknown", message: `webgpu: the device ${ctx.description} was lost` })),
          ),
        }),
      ),
    )
}

const acquireScoped = (options: WebGpuOptions): Effect.Effect<GpuContext, DeviceUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => acquireContext(options),
      catch: (e) => (e instanceof DeviceUnavailable ? e : unavailable([], String(e))),
    }),
    (ctx) => Effect.sync(() => ctx.destroy()),
  )
