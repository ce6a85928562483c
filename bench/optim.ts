/**
 * The facility problem with Adam(lr 0.1), 100 steps from (1, 1): µs per step for an eager
 * hand-written step, a jitted step, and `fitSync` (jitted step + loss readback + bookkeeping).
 * Each run is checked against PyTorch's result (2.11228, 19.31852). Run: `npx tsx bench/optim.ts`.
 */
import * as tg from "../src/index.js"

const cities = tg.tensor([
  [0, 0],
  [10, 0],
  [0, 10],
])
const total = (c: tg.Tensor<[2]>) => cities.sub(c).norm({ axis: 1 }).sum()
const opt = tg.optim.adam(0.1)
type S = ReturnType<typeof opt.init<tg.Tensor<[2]>>>
const STEPS = 100

const check = (c: tg.Tensor<[2]>, label: string) => {
  const x = (c as tg.Tensor<[2], "f32", "cpu">).toArraySync()[0]!
  if (Math.abs(x - 2.11228) > 1e-4) throw new Error(`${label}: centre ${x}, expected 2.11228`)
}

const eager = () => {
  let c: tg.Tensor<[2]> = tg.tensor([1, 1]),
    s: S = opt.init(c)
  for (let i = 0; i < STEPS; i++) {
    const [u, s2] = opt.update(tg.grad(total)(c), s)
    ;[c, s] = [tg.optim.applyUpdates(c, u), s2]
  }
  return c
}
const jitted = tg.jit((c: tg.Tensor<[2]>, s: S) => {
  const [u, s2] = opt.update(tg.grad(total)(c), s)
  return [tg.optim.applyUpdates(c, u), s2] as const
})
const withJit = () => {
  let c: tg.Tensor<[2]> = tg.tensor([1, 1]),
    s: S = opt.init(c)
  for (let i = 0; i < STEPS; i++) [c, s] = jitted(c, s)
  return c
}
const withFit = () =>
  tg.fitSync({ params: tg.tensor([1, 1]) as tg.Tensor<[2]>, optimizer: opt, loss: total, steps: STEPS, progress: false }).params

const rows: Array<[string, () => tg.Tensor<[2]>]> = [
  ["eager step", eager],
  ["jitted step", withJit],
  ["fitSync (jitted, loss read back)", withFit],
]
console.log(`| facility, Adam, ${STEPS} steps | µs/step |\n|---|---:|`)
for (const [label, run] of rows) {
  check(run(), label) // warm-up, and the answer
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    run()
    best = Math.min(best, performance.now() - t0)
  }
  console.log(`| ${label} | ${((best / STEPS) * 1000).toFixed(0)} |`)
}
