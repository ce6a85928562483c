/**
 * The heat equation on a square plate: a hot square in the middle of a cold grid, explicit
 * finite differences (5-point Laplacian, `alpha = 0.01`), fixed cold edges. Shapes are checked by
 * the compiler on every line: `[100, 100]` flows through the loop.
 *
 * @since 0.1.0
 */
import * as tg from "../src/index.js"

/** The starting grid: zeros with a 10 × 10 square at 100 in the centre. */
export const initialGrid = (): tg.Tensor<[100, 100], "f32", "cpu"> => tg.zeros([100, 100]).at("45:55, 45:55").set(100)

/** One explicit Euler step of `u_t = Δu` on the interior; the border stays at its value. */
export const heatStep = <V extends tg.DeviceKind>(grid: tg.Tensor<[100, 100], "f32", V>): tg.Tensor<[100, 100], "f32", V> => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}

/** `steps` steps from `grid`. */
export const heat = <V extends tg.DeviceKind>(grid: tg.Tensor<[100, 100], "f32", V>, steps = 500): tg.Tensor<[100, 100], "f32", V> => {
  for (let i = 0; i < steps; i++) grid = heatStep(grid)
  return grid
}
