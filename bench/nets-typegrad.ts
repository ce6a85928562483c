/**
 * W4 (conv block training step, SGD) and W5 (MLP Adam step) on typegrad, eager and under `jit`,
 * built from `tg.nn` layers loaded with the suite's shared parameters (`data.ts`).
 */
import * as tg from "../src/index.js"
import { convNetInputs, mlpInputs } from "./data.js"

import nn = tg.nn

type T = tg.AnyTensor
const f32 = (a: Float32Array, shape: number[]): T => tg.tensor(a, shape as never) as unknown as T
const host = (t: T) => (t as tg.Tensor<number[], "f32", "cpu">).dataSync() as Float32Array

/** What a training step reports for the cross-library check: the loss before the update and Σ|Δw|/lr of the first layer's weight. */
export interface StepCheck {
  readonly loss: number
  readonly gradL1: number
}

const sumAbsDiff = (a: Float32Array, b: Float32Array, scale: number) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!)
  return s / scale
}

/** W4 on typegrad: `step()` runs one SGD step (lr 0.01) and returns the loss tensor; `check()` runs one from the start. */
export const convNet = (jitted: boolean) => {
  const d = convNetInputs()
  const model0 = nn.loadStateDict(
    nn.sequential(
      nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }),
      nn.batchNorm2d(16),
      nn.relu(),
      nn.maxPool2d(2),
      nn.flatten(),
      nn.linear(tg.key(1), 4096, 10),
    ),
    {
      "0.weight": f32(d.convW, [16, 3, 3, 3]),
      "0.bias": f32(d.convB, [16]),
      "1.weight": f32(d.gamma, [16]),
      "1.bias": f32(d.beta, [16]),
      "1.running_mean": f32(new Float32Array(16), [16]),
      "1.running_var": f32(new Float32Array(16).fill(1), [16]),
      "1.num_batches_tracked": tg.tensor(0, { dtype: "i32" }) as unknown as T,
      "5.weight": f32(d.linW, [10, 4096]),
      "5.bias": f32(d.linB, [10]),
    },
  )
  type M = typeof model0
  const x = f32(d.x, [32, 3, 32, 32]),
    y = tg.tensor(d.labels, [d.labels.length]) as unknown as T
  const raw = (model: M, xs: T, ys: T) => {
    const [params, rest] = nn.partition(model, nn.isTrainable)
    const loss = (p: M) => nn.forward(nn.combine(p, rest), (m) => nn.crossEntropy(m.call(xs) as never, ys))
    const [[value, state], grads] = tg.valueAndGrad(loss, { hasAux: true })(params)
    return [
      value as T,
      nn.combine(
        tg.Tree.zipWith(params, grads, (p: T, g: T) => p.sub(g.mul(0.01))),
        state,
        rest,
      ),
    ] as const
  }
  const fn = jitted ? tg.jit(raw) : raw
  let model = model0
  return {
    step: (): T => {
      const [loss, next] = fn(model, x, y)
      model = next
      return loss
    },
    /** One step from the initial parameters, without moving the state `step` advances. */
    check: (): StepCheck => {
      const [loss, next] = fn(model0, x, y)
      return {
        loss: host(loss)[0]!,
        gradL1: sumAbsDiff(host(nn.stateDict(model0)["0.weight"]!), host(nn.stateDict(next)["0.weight"]!), 0.01),
      }
    },
  }
}

/** W5 on typegrad: one Adam step (lr 1e-3) of the MLP 784-256-256-10 with ReLU and cross-entropy. */
export const mlp = (jitted: boolean) => {
  const d = mlpInputs()
  const [l1, l2, l3] = d.layers.map((l, i) => ({ w: f32(l.w, [l.b.length, l.w.length / l.b.length]), b: f32(l.b, [l.b.length]), i }))
  const model0 = nn.loadStateDict(
    nn.sequential(nn.linear(tg.key(0), 784, 256), nn.relu(), nn.linear(tg.key(1), 256, 256), nn.relu(), nn.linear(tg.key(2), 256, 10)),
    { "0.weight": l1!.w, "0.bias": l1!.b, "2.weight": l2!.w, "2.bias": l2!.b, "4.weight": l3!.w, "4.bias": l3!.b },
  )
  type M = typeof model0
  const opt = tg.optim.adam(1e-3)
  type S = ReturnType<typeof opt.init<M>>
  const x = f32(d.x, [128, 784]),
    y = tg.tensor(d.labels, [d.labels.length]) as unknown as T
  const raw = (model: M, s: S, xs: T, ys: T) => {
    const [value, grads] = tg.valueAndGrad((m: M) => nn.crossEntropy(m.call(xs) as never, ys) as T)(model)
    const [u, s2] = opt.update(grads, s, model)
    return [value as T, tg.optim.applyUpdates(model, u), s2] as const
  }
  const fn = jitted ? tg.jit(raw) : raw
  let model = model0,
    state = opt.init(model0)
  return {
    step: (): T => {
      const [loss, next, s] = fn(model, state, x, y)
      model = next
      state = s
      return loss
    },
    check: (): StepCheck => {
      const [loss, next] = fn(model0, opt.init(model0), x, y)
      // Adam's first step moves every weight with a nonzero gradient by lr·sign(g) (up to ε): Σ|Δw|/lr counts them
      return {
        loss: host(loss)[0]!,
        gradL1: sumAbsDiff(host(nn.stateDict(model0)["0.weight"]!), host(nn.stateDict(next)["0.weight"]!), 1e-3),
      }
    },
  }
}
