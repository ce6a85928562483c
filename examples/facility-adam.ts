/**
 * The logistics centre with Adam: the point whose summed distance to three cities is smallest,
 * found with `optim.adam(0.1)` from (1, 1) in 100 steps of `fit`, printing the distance every 10
 * steps → centre (2.11, 2.11), total distance 19.32 (PyTorch: 2.11228, 19.31852). Run with
 * `npx tsx examples/facility-adam.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

/** The result: the centre, its summed distance, and the distance at every step. */
export interface FacilityRun {
  readonly centre: readonly [number, number]
  readonly distance: number
  readonly history: ReadonlyArray<number>
}

/** Adam(lr) for `steps` steps on `device`, logging every 10 steps through `log`. */
export const run = (device: tg.Device = tg.cpu, log: (line: string) => void = console.log, steps = 100, lr = 0.1): Promise<FacilityRun> => {
  const cities = tg.tensor([[0, 0], [10, 0], [0, 10]], { device })
  const totalDistance = (centre: tg.Tensor<[2]>) => cities.sub(centre).norm({ axis: 1 }).sum()
  return Effect.runPromise(Effect.gen(function* () {
    const r = yield* tg.fit({
      params: tg.tensor([1, 1], { device }) as tg.Tensor<[2]>,
      optimizer: tg.optim.adam(lr),
      loss: totalDistance,
      steps,
      progress: false,
      onStep: ({ step, loss }) => (step % 10 === 0 ? log(`step ${String(step).padStart(3)}: total distance ${loss.toFixed(5)}`) : undefined),
    })
    const [x, y] = Array.from(yield* tg.data(r.params))
    const distance = (yield* tg.data(totalDistance(r.params)))[0]!
    log(`centre (${x!.toFixed(2)}, ${y!.toFixed(2)}), total distance ${distance.toFixed(2)}`)
    return { centre: [x!, y!] as const, distance, history: r.history }
  }))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run()
