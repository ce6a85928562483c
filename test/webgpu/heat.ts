// The heat-equation scenario written with the public API, shared by tests and benchmarks.
import * as tg from "../../src/index.js"
import type { Device } from "../../src/ops/core/backend.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"

/** Initial grid: zeros with a hot square of 100 in the middle tenth. */
export const initGrid = (n: number, device: Device): AnyTensor => {
  const lo = Math.floor(n * 0.45),
    hi = Math.floor(n * 0.55)
  return (tg.zeros([n, n] as number[], { device }) as AnyTensor).at(`${lo}:${hi}, ${lo}:${hi}`).set(100)
}

/** One explicit Euler step of the 5-point Laplacian, α = 0.01. */
export const heatStep = (grid: AnyTensor): AnyTensor => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}
