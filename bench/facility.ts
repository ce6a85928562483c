/**
 * W3, the facility problem (`examples/facility-adam.ts`): the point whose summed distance to the
 * cities (0, 0), (10, 0), (0, 10) is least, by Adam (lr 0.1) from (1, 1). Each library runs `steps`
 * steps and reports ms per step and the centre's x, checked against PyTorch's 2.11228 (1e-4) at 100 steps.
 */
import * as tg from "../src/index.js"
import type { Array as JArray } from "@jax-js/jax"
import type { Jax, Tf } from "./peers.js"
import { timeMedian } from "./harness.js"

/** ms per step and the final centre's first coordinate. */
export interface FacilityResult {
  readonly msPerStep: number
  readonly x: number
}

const B1 = 0.9,
  B2 = 0.999,
  EPS = 1e-8,
  LR = 0.1

/** typegrad's step with `tg.optim.adam`, eager or the whole step under `jit`: `run` runs `steps` steps, `x` is the last centre's x. */
export const facilityTypegrad = (steps: number, jitted: boolean): { run: () => void; x: () => number } => {
  const cities = tg.tensor([
    [0, 0],
    [10, 0],
    [0, 10],
  ])
  const total = (c: tg.Tensor<[2]>) => cities.sub(c).norm({ axis: 1 }).sum()
  const opt = tg.optim.adam(LR)
  type S = ReturnType<typeof opt.init<tg.Tensor<[2]>>>
  const raw = (c: tg.Tensor<[2]>, s: S) => {
    const [u, s2] = opt.update(tg.grad(total)(c), s)
    return [tg.optim.applyUpdates(c, u), s2] as const
  }
  const step = jitted ? tg.jit(raw) : raw
  let x = 0
  return {
    run: () => {
      let c: tg.Tensor<[2]> = tg.tensor([1, 1]),
        st: S = opt.init(c)
      for (let i = 0; i < steps; i++) [c, st] = step(c, st)
      x = (c as tg.Tensor<[2], "f32", "cpu">).dataSync()[0]!
    },
    x: () => x,
  }
}

/** TensorFlow.js: `tf.grad` of the distance and Adam written out (tfjs's own optimizer mutates variables; this keeps the step the same). */
export const facilityTfjs = (tf: Tf, steps: number, reps: number): FacilityResult => {
  const cities = tf.tensor2d([
    [0, 0],
    [10, 0],
    [0, 10],
  ])
  const g = tf.grad((c: import("@tensorflow/tfjs-core").Tensor) => tf.sum(tf.norm(tf.sub(cities, c), "euclidean", 1)))
  let x = 0
  const s = timeMedian(reps, () => {
    let c = tf.tensor1d([1, 1]),
      m = tf.zeros([2]),
      v = tf.zeros([2])
    for (let t = 1; t <= steps; t++) {
      const [c2, m2, v2] = tf.tidy(() => {
        const gr = g(c)
        const mm = tf.add(tf.mul(m, B1), tf.mul(gr, 1 - B1)),
          vv = tf.add(tf.mul(v, B2), tf.mul(tf.square(gr), 1 - B2))
        const upd = tf.div(tf.div(mm, 1 - B1 ** t), tf.add(tf.sqrt(tf.div(vv, 1 - B2 ** t)), EPS))
        return [tf.sub(c, tf.mul(upd, LR)), mm, vv]
      })
      tf.dispose([c, m, v])
      ;[c, m, v] = [c2!, m2!, v2!]
    }
    x = c.dataSync()[0]!
    tf.dispose([c, m, v])
  })
  cities.dispose()
  return { msPerStep: (s * 1000) / steps, x }
}

/** jax-js: the step (gradient and Adam, bias corrections passed in) under its `jit`. */
export const facilityJax = (jax: Jax, steps: number, reps: number): FacilityResult => {
  const np = jax.numpy
  const cities = np.array([
    [0, 0],
    [10, 0],
    [0, 10],
  ])
  const total = (c: JArray) => np.sqrt(np.square(cities.ref.sub(c)).sum(1)).sum()
  const step = jax.jit((c: JArray, m: JArray, v: JArray, bc1: JArray, bc2: JArray) => {
    const g = jax.grad(total)(c.ref)
    const mm = m.mul(B1).add(g.ref.mul(1 - B1)),
      vv = v.mul(B2).add(np.square(g).mul(1 - B2))
    const upd = mm.ref.div(bc1).div(np.sqrt(vv.ref.div(bc2)).add(EPS))
    return [c.sub(upd.mul(LR)), mm, vv]
  })
  let x = 0
  const s = timeMedian(reps, () => {
    let c = np.array([1, 1]),
      m = np.zeros([2]),
      v = np.zeros([2])
    for (let t = 1; t <= steps; t++) [c, m, v] = step(c, m, v, np.array(1 - B1 ** t), np.array(1 - B2 ** t)) as [JArray, JArray, JArray]
    x = c.dataSync()[0]!
    m.dispose()
    v.dispose()
  })
  cities.dispose()
  return { msPerStep: (s * 1000) / steps, x }
}
