/** The workloads on typegrad's CPU backend (eager). */
import * as tg from "../src/index.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import { best, type Workloads } from "./workloads.js"

const rand = (shape: number[]): AnyTensor => tg.uniform(tg.key(0), shape as never) as unknown as AnyTensor
const sync = (t: AnyTensor) => (t as tg.Tensor<number[], "f32", "cpu">).dataSync()

export const typegrad: Workloads = {
  matmul: (n, reps) => {
    const a = rand([n, n]), b = rand([n, n])
    return best(reps, () => sync(tg.matmul(a as never, b as never)))
  },
  conv2d: (x, w, reps) => {
    const xs = rand([...x]), ws = rand([...w])
    return best(reps, () => sync(tg.conv2d(xs as never, ws as never, { padding: (w[2] - 1) / 2 } as never)))
  },
  heat: (n, steps, reps) => {
    let centre = 0
    const t = best(reps, () => {
      let grid: AnyTensor = tg.zeros([n, n]).at(`${n / 2 - 5}:${n / 2 + 5}, ${n / 2 - 5}:${n / 2 + 5}` as never).set(100)
      for (let i = 0; i < steps; i++) {
        const lap = grid.slice("2:, 1:-1").add(grid.slice(":-2, 1:-1")).add(grid.slice("1:-1, 2:"))
          .add(grid.slice("1:-1, :-2")).sub(grid.slice("1:-1, 1:-1").mul(4))
        grid = grid.at("1:-1, 1:-1").add(lap.mul(0.01))
      }
      centre = sync(grid)[(n / 2) * n + n / 2]!
    })
    return { ms: t * 1000, centre }
  },
  heatJit: (n, steps, reps) => {
    // the step as a function of the grid: staged once, compiled to one fused loop (src/device/cpu/compile.ts)
    const step = tg.jit((grid: tg.Tensor<[number, number], "f32", "cpu">) => {
      const lap = grid.slice("2:, 1:-1").add(grid.slice(":-2, 1:-1")).add(grid.slice("1:-1, 2:"))
        .add(grid.slice("1:-1, :-2")).sub(grid.slice("1:-1, 1:-1").mul(4))
      return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
    })
    let centre = 0
    const t = best(reps, () => {
      let grid = tg.zeros([n, n]).at(`${n / 2 - 5}:${n / 2 + 5}, ${n / 2 - 5}:${n / 2 + 5}` as never).set(100) as unknown as tg.Tensor<[number, number], "f32", "cpu">
      for (let i = 0; i < steps; i++) grid = step(grid)
      centre = sync(grid as unknown as AnyTensor)[(n / 2) * n + n / 2]!
    })
    return { ms: t * 1000, centre }
  },
  add: (n, reps) => {
    const a = rand([n]), b = rand([n])
    return best(reps, () => sync(a.add(b)))
  },
}
