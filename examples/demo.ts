/**
 * `npm run demo`: the heat equation on the best device found (CPU, the embedded default, when
 * there is no WebGPU adapter), with timings and the centre value.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { heat, initialGrid } from "./heat.js"

/** The device the demo runs on, and why it was picked. */
export interface Picked {
  readonly device: tg.Device
  readonly why: string
}

/**
 * BEST DEVICE: the one place that picks where the demo runs.
 * TODO(webgpu): try WebGPU acquisition first once it is exported from src/index.ts.
 */
export const bestDevice = async (): Promise<Picked> =>
  ({ device: tg.cpu, why: "cpu (WebGPU is not wired into the demo yet)" })

/** What one run of the demo measured. */
export interface DemoResult {
  readonly device: string
  readonly centre: number
  readonly heatMs: number
}

/** Run the demo; `log` receives each line of the report. */
export const main = async (options: { readonly steps?: number; readonly log?: (line: string) => void } = {}): Promise<DemoResult> => {
  const log = options.log ?? console.log
  const steps = options.steps ?? 500
  const { device, why } = await bestDevice()
  log(`device: ${why}`)

  const t0 = performance.now()
  const grid = heat(initialGrid(), steps)
  const centre = (await Effect.runPromise(grid.slice("50, 50").toArray())) as number
  const heatMs = performance.now() - t0
  log(`heat equation, 100×100, ${steps} steps: ${heatMs.toFixed(0)} ms (${((heatMs * 1000) / steps).toFixed(0)} µs/step); centre = ${centre.toFixed(4)}`)
  return { device: device.name, centre, heatMs }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
