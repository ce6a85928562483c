/**
 * W4 (conv 3→16, 3×3 same + batch-statistics BatchNorm + ReLU + 2×2 max-pool + linear 4096→10 +
 * softmax cross-entropy, one SGD step at lr 0.01 on a [32, 3, 32, 32] batch) and W5 (MLP
 * 784-256-256-10 with ReLU and cross-entropy, one Adam step at lr 1e-3 on a batch of 128) on the
 * JS peers; typegrad's side is `nets-typegrad.ts`. Every library starts from the same parameters
 * (`data.ts`) and reports the loss and Σ|Δw|/lr of the first layer's weight (its update's L1 norm
 * over the learning rate), checked against typegrad eager's within 1e-3 relative.
 */
import type { Tensor } from "@tensorflow/tfjs-core"
import { convNetInputs, mlpInputs } from "./data.js"
import type { Array as JArray } from "@jax-js/jax"
import type { Jax, Tf } from "./peers.js"
import type { StepCheck } from "./nets-typegrad.js"

const EPS_BN = 1e-5
const B1 = 0.9,
  B2 = 0.999,
  EPS = 1e-8

const l1Over = (a: ArrayLike<number>, b: ArrayLike<number>, lr: number) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!)
  return s / lr
}

/** A peer's training step: `step()` advances its own state and returns once the loss is on the host. */
export interface PeerStep {
  readonly step: () => void
  readonly check: StepCheck
}

/** W4 on TensorFlow.js (NHWC inside, flattened in NCHW order so the linear layer's weights mean the same). */
export const convNetTfjs = (tf: Tf): PeerStep => {
  const d = convNetInputs()
  const x = tf.tidy(() => tf.transpose(tf.tensor4d(d.x, [32, 3, 32, 32]), [0, 2, 3, 1]))
  const hot = tf.oneHot(tf.tensor1d(d.labels, "int32"), 10)
  const init = (): Tensor[] => [
    tf.tidy(() => tf.transpose(tf.tensor4d(d.convW, [16, 3, 3, 3]), [2, 3, 1, 0])),
    tf.tensor1d(d.convB),
    tf.tensor1d(d.gamma),
    tf.tensor1d(d.beta),
    tf.tensor2d(d.linW, [10, 4096]),
    tf.tensor1d(d.linB),
  ]
  const loss = (w: Tensor, b: Tensor, gamma: Tensor, beta: Tensor, lw: Tensor, lb: Tensor) => {
    const y = tf.add(tf.conv2d(x as never, w as never, 1, "same"), b)
    const { mean, variance } = tf.moments(y, [0, 1, 2], true)
    const h = tf.relu(tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, EPS_BN))), gamma), beta))
    const p = tf.reshape(tf.transpose(tf.maxPool(h as never, 2, 2, "valid"), [0, 3, 1, 2]), [32, 4096])
    const logits = tf.add(tf.matMul(p, lw, false, true), lb)
    return tf.neg(tf.mean(tf.sum(tf.mul(hot, tf.logSoftmax(logits)), 1)))
  }
  const vg = tf.valueAndGrads(loss as never)
  const run = (params: Tensor[]) =>
    tf.tidy(() => {
      const { value, grads } = vg(params)
      return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, 0.01)))] as Tensor[]
    })
  const p0 = init()
  const [l0, ...next] = run(p0)
  const w0 = tf.tidy(() => tf.transpose(p0[0]!, [3, 2, 0, 1])).dataSync(),
    w1 = tf.tidy(() => tf.transpose(next[0]!, [3, 2, 0, 1])).dataSync()
  const check = { loss: l0!.dataSync()[0]!, gradL1: l1Over(w0, w1, 0.01) }
  tf.dispose([l0!, ...next])
  let params = p0
  return {
    check,
    step: () => {
      const [l, ...ps] = run(params)
      l!.dataSync()
      tf.dispose([l!, ...params])
      params = ps
    },
  }
}

/** W5 on TensorFlow.js, Adam written out as in typegrad's `optim.adam`. */
export const mlpTfjs = (tf: Tf): PeerStep => {
  const d = mlpInputs()
  const x = tf.tensor2d(d.x, [128, 784]),
    hot = tf.oneHot(tf.tensor1d(d.labels, "int32"), 10)
  const init = (): Tensor[] => d.layers.flatMap((l) => [tf.tensor2d(l.w, [l.b.length, l.w.length / l.b.length]), tf.tensor1d(l.b)])
  const loss = (...ps: Tensor[]) => {
    let h: Tensor = x
    for (let k = 0; k < 3; k++) {
      h = tf.add(tf.matMul(h, ps[2 * k]!, false, true), ps[2 * k + 1]!)
      if (k < 2) h = tf.relu(h)
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(hot, tf.logSoftmax(h)), 1)))
  }
  const vg = tf.valueAndGrads(loss as never)
  const run = (ps: Tensor[], ms: Tensor[], vs: Tensor[], t: number) =>
    tf.tidy(() => {
      const { value, grads } = vg(ps)
      const m2 = ms.map((m, i) => tf.add(tf.mul(m, B1), tf.mul(grads[i]!, 1 - B1))),
        v2 = vs.map((v, i) => tf.add(tf.mul(v, B2), tf.mul(tf.square(grads[i]!), 1 - B2)))
      const p2 = ps.map((p, i) =>
        tf.sub(p, tf.mul(tf.div(tf.div(m2[i]!, 1 - B1 ** t), tf.add(tf.sqrt(tf.div(v2[i]!, 1 - B2 ** t)), EPS)), 1e-3)),
      )
      return [value, ...p2, ...m2, ...v2] as Tensor[]
    })
  const p0 = init(),
    zeros = () => p0.map((p) => tf.zerosLike(p))
  const out0 = run(p0, zeros(), zeros(), 1)
  const check = { loss: out0[0]!.dataSync()[0]!, gradL1: l1Over(p0[0]!.dataSync(), out0[1]!.dataSync(), 1e-3) }
  tf.dispose(out0)
  let ps = p0,
    ms = zeros(),
    vs = zeros(),
    t = 1
  return {
    check,
    step: () => {
      const out = run(ps, ms, vs, t++)
      out[0]!.dataSync()
      tf.dispose([out[0]!, ...ps, ...ms, ...vs])
      ps = out.slice(1, 7)
      ms = out.slice(7, 13)
      vs = out.slice(13, 19)
    },
  }
}

/** W4 on jax-js, the whole step under its `jit` (NCHW / OIHW convolution, pooling as a reshape and a max). */
export const convNetJax = (jax: Jax): PeerStep => {
  const np = jax.numpy
  const d = convNetInputs()
  const x = np.array(d.x).reshape([32, 3, 32, 32]),
    hot = jax.nn.oneHot(np.array(d.labels, { dtype: np.int32 }), 10)
  type P = { w: JArray; b: JArray; gamma: JArray; beta: JArray; lw: JArray; lb: JArray }
  const init = (): P => ({
    w: np.array(d.convW).reshape([16, 3, 3, 3]),
    b: np.array(d.convB),
    gamma: np.array(d.gamma),
    beta: np.array(d.beta),
    lw: np.array(d.linW).reshape([10, 4096]),
    lb: np.array(d.linB),
  })
  const loss = (p: P, xs: JArray, hs: JArray) => {
    const y = jax.lax.conv(xs, p.w, [1, 1], "SAME").add(p.b.reshape([1, 16, 1, 1]))
    const mean = np.mean(y.ref, [0, 2, 3], { keepdims: true })
    const c = y.sub(mean)
    const variance = np.mean(np.square(c.ref), [0, 2, 3], { keepdims: true })
    const h = jax.nn.relu(
      c
        .div(np.sqrt(variance.add(EPS_BN)))
        .mul(p.gamma.reshape([1, 16, 1, 1]))
        .add(p.beta.reshape([1, 16, 1, 1])),
    )
    const pooled = np.max(h.reshape([32, 16, 16, 2, 16, 2]), [3, 5]).reshape([32, 4096])
    const logits = np.matmul(pooled, p.lw.transpose()).add(p.lb)
    return np.mean(np.sum(hs.mul(jax.nn.logSoftmax(logits, -1)), 1)).mul(-1)
  }
  const step = jax.jit((p: P, xs: JArray, hs: JArray) => {
    const [value, g] = jax.valueAndGrad(loss)(jax.tree.ref(p), xs, hs)
    return [value, jax.tree.map((a: JArray, b: JArray) => a.sub(b.mul(0.01)), p, g) as P] as const
  })
  const p0 = init()
  const w0 = p0.w.ref.dataSync().slice()
  const [l0, n0] = step(jax.tree.ref(p0), x.ref, hot.ref)
  const check = { loss: l0.dataSync()[0]!, gradL1: l1Over(w0, n0.w.ref.dataSync(), 0.01) }
  jax.tree.dispose(n0)
  let params = p0
  return {
    check,
    step: () => {
      const [l, ps] = step(params, x.ref, hot.ref)
      l.dataSync()
      params = ps
    },
  }
}

/** W5 on jax-js: the step (gradients and Adam, bias corrections passed in) under its `jit`. */
export const mlpJax = (jax: Jax): PeerStep => {
  const np = jax.numpy
  const d = mlpInputs()
  const x = np.array(d.x).reshape([128, 784]),
    hot = jax.nn.oneHot(np.array(d.labels, { dtype: np.int32 }), 10)
  const init = (): JArray[] => d.layers.flatMap((l) => [np.array(l.w).reshape([l.b.length, l.w.length / l.b.length]), np.array(l.b)])
  const loss = (ps: JArray[], xs: JArray, hs: JArray) => {
    let h = xs
    for (let k = 0; k < 3; k++) {
      h = np.matmul(h, ps[2 * k]!.transpose()).add(ps[2 * k + 1]!)
      if (k < 2) h = jax.nn.relu(h)
    }
    return np.mean(np.sum(hs.mul(jax.nn.logSoftmax(h, -1)), 1)).mul(-1)
  }
  const step = jax.jit((ps: JArray[], ms: JArray[], vs: JArray[], xs: JArray, hs: JArray, bc1: JArray, bc2: JArray) => {
    const [value, gs] = jax.valueAndGrad(loss)(jax.tree.ref(ps), xs, hs)
    const m2 = ms.map((m, i) => m.mul(B1).add(gs[i]!.ref.mul(1 - B1))),
      v2 = vs.map((v, i) => v.mul(B2).add(np.square(gs[i]!).mul(1 - B2)))
    const p2 = ps.map((p, i) =>
      p.sub(
        m2[i]!.ref.div(bc1.ref)
          .div(np.sqrt(v2[i]!.ref.div(bc2.ref)).add(EPS))
          .mul(1e-3),
      ),
    )
    bc1.dispose()
    bc2.dispose()
    return [value, p2, m2, v2] as const
  })
  const p0 = init(),
    zeros = () => p0.map((p) => np.zerosLike(p.ref))
  const w0 = p0[0]!.ref.dataSync().slice()
  const [l0, n0, m0, v0] = step(jax.tree.ref(p0), zeros(), zeros(), x.ref, hot.ref, np.array(1 - B1), np.array(1 - B2))
  const check = { loss: l0.dataSync()[0]!, gradL1: l1Over(w0, n0[0]!.ref.dataSync(), 1e-3) }
  jax.tree.dispose([n0, m0, v0])
  let ps = p0,
    ms = zeros(),
    vs = zeros(),
    t = 1
  return {
    check,
    step: () => {
      const [l, p2, m2, v2] = step(ps, ms, vs, x.ref, hot.ref, np.array(1 - B1 ** t), np.array(1 - B2 ** t))
      t++
      l.dataSync()
      ;[ps, ms, vs] = [p2, m2, v2]
    },
  }
}
