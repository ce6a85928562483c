/**
 * The logistics centre with Adam: the point whose summed distance to three cities is smallest,
 * found with `optim.adam(0.1)` from (1, 1) in 100 steps of `fit`, printing the distance every 10
 * steps → centre (2.11, 2.11), total distance 19.32 (PyTorch: 2.11228, 19.31852). `main` also
 * draws `out/facility.png`: the loss curve, and the path of the centre among the cities. Run with
 * `npx tsx examples/facility-adam.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { lines, savePng, type Figure } from "../src/plot.js"
import { sideBySide } from "./panels.js"
import { pickDevice } from "./pick-device.js"

/** The cities, as plain coordinates. */
export const CITIES: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [10, 0],
  [0, 10],
]

/** The result: the centre, its summed distance, the distance at every step and the centre's path. */
export interface FacilityRun {
  readonly centre: readonly [number, number]
  readonly distance: number
  readonly history: ReadonlyArray<number>
  /** the start (1, 1), then the centre after every step */
  readonly path: ReadonlyArray<readonly [number, number]>
}

/** Adam(lr) for `steps` steps on `device`, logging every 10 steps through `log`. */
export const run = (device: tg.Device = tg.cpu, log: (line: string) => void = console.log, steps = 100, lr = 0.1): Promise<FacilityRun> => {
  const cities = tg.tensor(CITIES as Array<[number, number]>, { device })
  const totalDistance = (centre: tg.Tensor<[2]>) => cities.sub(centre).norm({ axis: 1 }).sum()
  return Effect.runPromise(
    Effect.gen(function* () {
      const start = tg.tensor([1, 1], { device }) as tg.Tensor<[2]>
      const visited: tg.Tensor<[2]>[] = [start] // read back together at the end: one await, not one per step
      const r = yield* tg.fit({
        params: start,
        optimizer: tg.optim.adam(lr),
        loss: totalDistance,
        steps,
        progress: false,
        onStep: ({ step, loss, params }) => {
          visited.push(params)
          if (step % 10 === 0) log(`step ${String(step).padStart(3)}: total distance ${loss.toFixed(5)}`)
        },
      })
      const [x, y] = Array.from(yield* tg.data(r.params))
      const distance = (yield* tg.data(totalDistance(r.params)))[0]!
      const path = (yield* Effect.all(visited.map((p) => tg.data(p)))).map((p) => [p[0]!, p[1]!] as const)
      log(`centre (${x!.toFixed(2)}, ${y!.toFixed(2)}), total distance ${distance.toFixed(2)}`)
      return { centre: [x!, y!] as const, distance, history: r.history, path }
    }),
  )
}

/** The picture: the total distance per step (log scale), and the centre's path among the cities. */
export const figure = (r: FacilityRun): Figure =>
  sideBySide(
    [
      lines(
        { x: r.history.map((_, i) => i + 1), y: r.history },
        {
          title: "Total distance per step",
          xlabel: "step",
          ylabel: "distance",
          width: 480,
          height: 440,
        },
      ),
      lines(
        [
          { x: CITIES.map((c) => c[0]), y: CITIES.map((c) => c[1]), mode: "markers", label: "cities", color: "#d62728" },
          { x: r.path.map((p) => p[0]), y: r.path.map((p) => p[1]), mode: "line+markers", label: "centre", color: "#1f77b4" },
        ],
        { title: "Path of the centre", xlabel: "x", ylabel: "y", aspect: "equal", width: 480, height: 440 },
      ),
    ],
    `Logistics centre with Adam(0.1): (${r.centre.map((v) => v.toFixed(2)).join(", ")}), total distance ${r.distance.toFixed(2)}`,
  )

/** What `main` ran, drew and wrote. */
export interface FacilityPlot extends FacilityRun {
  readonly device: string
  /** the PNG written */
  readonly file: string
  readonly figure: Figure
}

/** Run on the best device (or `options.device`) and write the picture to `options.file` (default `out/facility.png`). */
export const main = async (
  options: { readonly file?: string; readonly device?: tg.Device; readonly log?: (line: string) => void } = {},
): Promise<FacilityPlot> => {
  const file = options.file ?? "out/facility.png",
    log = options.log ?? console.log
  const best = await pickDevice(options.device)
  try {
    const r = await run(best.device, log)
    const fig = figure(r)
    await savePng(fig, file)
    log(`wrote ${file}`)
    return { ...r, device: best.device.name, file, figure: fig }
  } finally {
    best.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run()
