/**
 * "One line moves data to the GPU": a tensor made from a typed array, moved with `to(x, gpu)`,
 * computed on there and read back with `toArray` (an Effect). Without a WebGPU adapter the same
 * program runs on the CPU and says why. Run with `npx tsx examples/gpu.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

/** Four samples of three features, as they might arrive from a file or a socket. */
export const samples = new Float32Array([1.0, 20, 0.5, 2.0, 22, 0.1, 1.5, 19, 0.9, 3.5, 23, 0.3])

/** The standard deviation of each feature (column): the work that runs on the device. */
export const featureStd = <V extends tg.DeviceKind>(x: tg.Tensor<[4, 3], "f32", V>): tg.Tensor<[3], "f32", V> =>
  x
    .sub(x.mean({ axis: 0 }))
    .square()
    .mean({ axis: 0 })
    .sqrt()

/** What a run computed, where, and why it fell back to the CPU (`null` when it did not). */
export interface GpuRun {
  readonly device: string
  readonly fallback: string | null
  readonly std: number[]
}

/**
 * Acquire a WebGPU device for the duration of the run (released when it ends); on
 * `DeviceUnavailable`, log the reason and use the CPU.
 */
export const run = (options: tg.WebGpuOptions = {}, log: (line: string) => void = console.log): Promise<GpuRun> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        let fallback: string | null = null
        const device: tg.Device<"webgpu"> | tg.Device<"cpu"> = yield* tg.WebGpu.acquire(options).pipe(
          Effect.catchTag("DeviceUnavailable", (e) =>
            Effect.sync(() => {
              fallback = e.message
              log(`no WebGPU device, running on the CPU instead: ${e.message}`)
              return tg.cpu
            }),
          ),
        )
        const x = tg.tensor(samples, [4, 3]) // Tensor<[4, 3], "f32", "cpu">
        const onDevice = tg.to(x, device) // the one line: now on the GPU (when there is one)
        const std = yield* featureStd(onDevice).toArray()
        log(`feature std on ${device.name}: ${std.map((v) => v.toFixed(4)).join(", ")}`)
        return { device: device.name, fallback, std }
      }),
    ),
  )

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run()
