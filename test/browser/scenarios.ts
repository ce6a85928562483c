/**
 * The heat plate as the browser pages run it: the 100 × 100 grid with a hot centre square,
 * 500 explicit steps of the 5-point Laplacian (α = 0.01), eager or jitted, on any device. The
 * documented centre value after 500 steps is 78.1025.
 */
import * as tg from "../../src/index.js"
import type { Device } from "../../src/ops/core/backend.js"

type Grid = tg.Tensor<[100, 100], "f32", "cpu" | "webgpu">

/** One explicit Euler step on the interior; the border stays cold. */
export const heatStep = (grid: Grid): Grid => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}

/** The starting grid on `device`. */
export const initialGrid = (device: Device): Grid =>
  tg.to(tg.zeros([100, 100]).at("45:55, 45:55").set(100), device as Device<"cpu" | "webgpu">)

/** The grid after `steps` steps on `device`, eager or through `jit`. */
export const heat = (device: Device, steps: number, jit: boolean): Grid => {
  const step = jit ? tg.jit(heatStep) : heatStep
  let grid = initialGrid(device)
  for (let i = 0; i < steps; i++) grid = step(grid)
  return grid
}
