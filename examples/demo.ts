/**
 * `npm run demo`: the heat equation on the best device found, then a small gradient-descent
 * problem (the facility-location / Fermat point of three cities), with timings.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { solve } from "./facility.js"
import { heatStep, initialGrid } from "./heat.js"

/**
 * The heat equation, 100 × 100, on `device`: milliseconds and the centre cell. The step is
 * jitted (fused loops on the CPU, fused kernels and one submission per step on WebGPU) and
 * `iterate` releases each old grid as soon as the next exists, so memory stays flat.
 */
export const runHeat = async (device: tg.Device, steps = 500): Promise<{ readonly ms: number; readonly centre: number }> => {
  const step = tg.jit(heatStep<tg.DeviceKind>)
  const t0 = performance.now()
  const grid = tg.iterate(tg.to(initialGrid(), device), steps, (g) => step(g))
  const centre = (await Effect.runPromise(grid.slice("50, 50").toArray())) as number
  return { ms: performance.now() - t0, centre }
}

/** Plain gradient descent to the point minimising the summed distance to three cities (CPU; see facility.ts). */
export const fermatPoint = (steps = 200, lr = 0.5): { readonly point: number[]; readonly loss: number; readonly ms: number } => {
  const t0 = performance.now()
  const { point, distance } = solve(steps, lr)
  return { point, loss: distance, ms: performance.now() - t0 }
}

/** What one run of the demo measured. */
export interface DemoResult {
  readonly device: string
  readonly centre: number
  readonly heatMs: number
  readonly fermat: { readonly point: number[]; readonly loss: number }
}

/** Run the demo; `log` receives each line of the report. */
export const main = async (options: { readonly log?: (line: string) => void } = {}): Promise<DemoResult> => {
  const log = options.log ?? console.log
  const picked = await tg.bestDevice()
  log(`device: ${picked.reason}`)
  try {
    const h = await runHeat(picked.device)
    log(`heat equation, 100×100, 500 steps: ${h.ms.toFixed(0)} ms (${(h.ms / 500).toFixed(2)} ms/step); centre = ${h.centre.toFixed(4)}`)
    const f = fermatPoint()
    log(`gradient descent, Fermat point of (0,0) (10,0) (0,10), 200 steps on cpu: ${f.ms.toFixed(0)} ms; ` +
      `point = (${f.point.map((v) => v.toFixed(4)).join(", ")}), summed distance = ${f.loss.toFixed(4)}`)
    return { device: picked.device.name, centre: h.centre, heatMs: h.ms, fermat: f }
  } finally {
    picked.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
