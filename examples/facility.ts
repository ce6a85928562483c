/**
 * The facility-location problem: the point whose summed distance to three cities is smallest
 * (the Fermat point of the triangle), by plain gradient steps with `valueAndGrad`. Run with
 * `npx tsx examples/facility.ts`.
 *
 * @since 0.1.0
 */
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

/** Cities at (0, 0), (10, 0) and (0, 10). */
export const cities = tg.tensor([
  [0, 0],
  [10, 0],
  [0, 10],
])

/** Summed Euclidean distance from `centre` to every city. */
export const totalDistance = (centre: tg.Tensor<[2], "f32", "cpu">) => cities.sub(centre).norm({ axis: 1 }).sum()

/** Gradient descent from (1, 1): the point reached and the summed distance there. */
export const solve = (steps = 200, lr = 0.5): { readonly point: number[]; readonly distance: number } => {
  const step = tg.valueAndGrad(totalDistance)
  let centre = tg.tensor([1, 1])
  for (let i = 0; i < steps; i++) {
    const [, g] = step(centre)
    centre = centre.sub(g.mul(lr))
  }
  return { point: centre.toArraySync(), distance: totalDistance(centre).item() }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { point, distance } = solve()
  console.log(`Fermat point ≈ (${point.map((v) => v.toFixed(4)).join(", ")}), summed distance ${distance.toFixed(4)}`)
}
