/**
 * The heat plate, drawn: a 100 × 100 plate with a hot 10 × 10 square (100°) in the middle,
 * 500 explicit steps at α = 0.01 on the best device, then `out/heat.png` with the `hot`
 * colormap, a title and a colour bar. Run with `npx tsx examples/heat-plot.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { heatmap, savePng, type Figure } from "../src/plot.js"
import { pickDevice } from "./pick-device.js"

/** What one run computed and wrote. */
export interface HeatPlot {
  readonly device: string
  readonly centre: number
  readonly path: string
  readonly ms: number
  /** the picture as drawn (SVG), before rendering to PNG */
  readonly figure: Figure
}

/** Simulate on the best device (or `options.device`), read the plate back and write the picture to `path`. */
export const main = async (
  options: { readonly path?: string; readonly device?: tg.Device; readonly log?: (line: string) => void } = {},
): Promise<HeatPlot> => {
  const path = options.path ?? "out/heat.png",
    log = options.log ?? console.log
  const best = await pickDevice(options.device)
  log(`device: ${best.reason}`)
  try {
    const t0 = performance.now()
    const plate = tg.zeros([100, 100]).at("45:55, 45:55").set(100).to(best.device)
    const hot = tg.heat2d(plate, { alpha: 0.01, steps: 500 })
    const grid = await Effect.runPromise(tg.transfer(hot, tg.cpu)) // back to host memory for drawing
    const ms = performance.now() - t0
    const centre = grid.slice("50, 50").item()
    const figure = heatmap(grid, { cmap: "hot", title: `Heat plate, 500 steps (centre ${centre.toFixed(4)})`, colorbar: true })
    await savePng(figure, path)
    log(`heat plate: 500 steps in ${ms.toFixed(0)} ms, centre = ${centre.toFixed(4)}, wrote ${path}`)
    return { device: best.device.name, centre, path, ms, figure }
  } finally {
    best.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
