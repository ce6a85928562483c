/**
 * Picking where to compute: a hardware WebGPU adapter when there is one, otherwise the CPU, with
 * the reason. A software adapter (Mesa's lavapipe, SwiftShader, a fallback adapter) is passed
 * over unless asked for: it exists for correctness and is slower than the CPU backend.
 *
 * @since 0.1.0
 */
import { DeviceUnavailable } from "../errors.js"
import type { Device } from "../ops/core/backend.js"
import { cpu } from "./cpu/index.js"
import { contextOf } from "./webgpu/backend.js"
import { acquireWebGpu, releaseWebGpu } from "./webgpu/service.js"

/**
 * The device {@link bestDevice} chose, why, and how to let it go.
 * @example
 * import * as tg from "typegrad"
 * const best: tg.BestDevice = await tg.bestDevice()
 * if (best.fellBack) console.log(`falling back: ${best.reason}`)
 * best.release()
 * @since 0.1.0
 * @category devices
 */
export interface BestDevice {
  readonly device: Device
  /** a sentence: the adapter's name, or why the CPU was chosen */
  readonly reason: string
  /** true when WebGPU was passed over or unavailable */
  readonly fellBack: boolean
  /** release the WebGPU device (a no-op for the CPU) */
  readonly release: () => void
}

/**
 * Options of {@link bestDevice}.
 * @example
 * import * as tg from "typegrad"
 * const options: tg.BestDeviceOptions = { allowSoftware: true, env: { TYPEGRAD_DEVICE: "cpu" } }
 * const best = await tg.bestDevice(options) // the CPU: the environment says so
 * best.release()
 * @since 0.1.0
 * @category devices
 */
export interface BestDeviceOptions {
  /** take a software WebGPU adapter rather than the CPU (default false) */
  readonly allowSoftware?: boolean
  /** where `TYPEGRAD_DEVICE` is read (default `process.env`): `cpu` skips the probe, `webgpu` allows software adapters */
  readonly env?: Readonly<Record<string, string | undefined>>
}

const softwareName = /llvmpipe|lavapipe|swiftshader|software|microsoft basic render/i

/**
 * The best device on this machine: a hardware WebGPU adapter if there is one, else the CPU.
 * A software adapter is not chosen by default, because it is slower than the CPU backend; the
 * `reason` says so (and why WebGPU was unavailable, when it was). `TYPEGRAD_DEVICE=cpu` skips
 * the probe; `TYPEGRAD_DEVICE=webgpu` or `allowSoftware` takes a software adapter too.
 *
 * @example
 * import * as tg from "typegrad"
 * const best = await tg.bestDevice()
 * console.log(`computing on ${best.device.name}: ${best.reason}`)
 * const y = tg.tensor([1, 2, 3]).to(best.device).mul(2)
 * best.release()
 * @since 0.1.0
 * @category devices
 */
export const bestDevice = async (options: BestDeviceOptions = {}): Promise<BestDevice> => {
  const env = options.env ?? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {} // no `process` in browsers
  const onCpu = (reason: string): BestDevice => ({ device: cpu, reason: `cpu: ${reason}`, fellBack: true, release: () => {} })
  const wanted = env.TYPEGRAD_DEVICE ?? env.TYPEGRAD_DEMO_DEVICE
  if (wanted === "cpu") return onCpu("TYPEGRAD_DEVICE=cpu")
  let gpu: Device<"webgpu">
  try {
    gpu = await acquireWebGpu({ powerPreference: "high-performance" })
  } catch (e) {
    return onCpu(e instanceof DeviceUnavailable ? `no WebGPU adapter (${e.message})` : `WebGPU failed (${String(e)})`)
  }
  const ctx = contextOf(gpu)
  const software = ctx.isFallback || softwareName.test(ctx.description)
  if (software && !(options.allowSoftware ?? wanted === "webgpu")) {
    releaseWebGpu(gpu)
    return onCpu(`the only WebGPU adapter, ${ctx.description}, is a software one, slower than the CPU backend`)
  }
  const kind = software ? "software WebGPU adapter, taken on request" : "hardware WebGPU adapter"
  return { device: gpu, reason: `${gpu.name}: ${kind}`, fellBack: false, release: () => releaseWebGpu(gpu) }
}
