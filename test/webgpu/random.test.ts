// Random draws on WebGPU: key data on the GPU gives the CPU's values (the threefry kernel keeps
// the CPU's words and the 24-bit uniform mapping), vmap over a batch of GPU keys equals a loop, and
// the samplers that draw on the host place the same numbers on either device.
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { gpu, gpuSuite, read } from "./gpu.js"

gpuSuite()

const cpuData = (x: AnyTensor) => Array.from(x.dataSync() as ArrayLike<number>)
const gpuData = async (x: AnyTensor) => Array.from(await read(x))

describe.skipIf(gpu === null)("random on WebGPU", () => {
  const k = tg.key(5)
  it("uniform, split and foldIn of key data agree exactly with the CPU", async () => {
    const dk = tg.keyData(k, { device: gpu! })
    expect(await gpuData(tg.uniform(dk, [9]) as AnyTensor)).toEqual(cpuData(tg.uniform(k, [9])))
    expect(await gpuData(tg.split(dk, 4) as AnyTensor)).toEqual(cpuData(tg.keyData(tg.split(k, 4))))
    expect(await gpuData(tg.foldIn(dk, 77) as AnyTensor)).toEqual(cpuData(tg.keyData(tg.foldIn(k, 77))))
  })
  it("vmap over a batch of GPU keys equals the CPU loop (normal within f32 rounding, bernoulli exactly)", async () => {
    const keys = tg.split(k, 5)
    const f = (q: tg.KeyData) => ({ n: tg.normal(q, [3]), b: tg.bernoulli(q, 0.5, [6]) })
    const got = tg.vmap(f)(tg.keyData(keys, { device: gpu! }))
    const want = keys.map((q) => f(tg.keyData(q)))
    const n = await gpuData(got.n as AnyTensor),
      wn = want.flatMap((r) => cpuData(r.n as AnyTensor))
    n.forEach((v, i) => expect(Math.abs(v - wn[i]!)).toBeLessThan(1e-5))
    expect(await gpuData(got.b as AnyTensor)).toEqual(want.flatMap((r) => cpuData(r.b as AnyTensor)))
  })
  it("host-drawn samplers place the same values on the GPU; categorical agrees", async () => {
    expect(await gpuData(tg.gamma(k, 2, [6], { device: gpu! }) as AnyTensor)).toEqual(cpuData(tg.gamma(k, 2, [6])))
    expect(await gpuData(tg.poisson(k, 7, [6], { device: gpu! }) as AnyTensor)).toEqual(cpuData(tg.poisson(k, 7, [6])))
    const logits = [0.3, -1, 2, 0.5]
    const g = tg.categorical(k, tg.tensor(logits, { device: gpu! }), [50]) as AnyTensor
    expect(await gpuData(g)).toEqual(cpuData(tg.categorical(k, tg.tensor(logits), [50])))
  })
  it("jit of a sampler on GPU key data equals eager (one trace for every key)", async () => {
    let traces = 0
    const f = tg.jit((q: tg.KeyData) => {
      traces++
      return tg.uniform(tg.foldIn(q, 3), [5]).add(tg.bernoulli(q, 0.5, [5]).cast("f32"))
    })
    for (const q of tg.split(k, 2)) {
      const dq = tg.keyData(q, { device: gpu! })
      expect(await gpuData(f(dq) as AnyTensor)).toEqual(
        cpuData(tg.uniform(tg.foldIn(q, 3), [5]).add(tg.bernoulli(q, 0.5, [5]).cast("f32"))),
      )
    }
    expect(traces).toBe(1)
  })
})

describe.skipIf(gpu === null)("random on WebGPU: tensor-parameter samplers agree with the CPU", () => {
  const k = tg.key(9)
  const close = (a: number[], b: number[], tol: number) => {
    expect(a.length).toBe(b.length)
    a.forEach((v, i) => expect(Math.abs(v - b[i]!), `entry ${i}`).toBeLessThan(tol))
  }
  it("multivariateNormal (Cholesky composed on the device), bernoulli with tensor p, choice with p", async () => {
    const mean = [1, -1, 0.5],
      cov = [
        [2, 0.3, 0.1],
        [0.3, 1, -0.2],
        [0.1, -0.2, 0.7],
      ]
    const g = tg.multivariateNormal(k, tg.tensor(mean, { device: gpu! }), tg.tensor(cov, { device: gpu! }), [6])
    close(await gpuData(g as AnyTensor), cpuData(tg.multivariateNormal(k, tg.tensor(mean), tg.tensor(cov), [6])), 1e-5)
    const p = [0.1, 0.5, 0.9]
    expect(await gpuData(tg.bernoulli(k, tg.tensor(p, { device: gpu! }), [4, 3]) as AnyTensor)).toEqual(
      cpuData(tg.bernoulli(k, tg.tensor(p), [4, 3])),
    )
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
    ]
    const want = cpuData(tg.choice(k, tg.tensor(rows), [2], { replace: false, p: [0.2, 0.3, 0.5] }))
    expect(
      await gpuData(tg.choice(k, tg.tensor(rows, { device: gpu! }), [2], { replace: false, p: [0.2, 0.3, 0.5] }) as AnyTensor),
    ).toEqual(want)
    expect(await gpuData(tg.shuffle(k, tg.tensor(rows, { device: gpu! })) as AnyTensor)).toEqual(cpuData(tg.shuffle(k, tg.tensor(rows))))
  })
  it("exponential, laplace and logistic from GPU key data follow the CPU (f32 rounding)", async () => {
    const dk = tg.keyData(k, { device: gpu! }),
      ck = tg.keyData(k)
    close(await gpuData(tg.exponential(dk, [8]) as AnyTensor), cpuData(tg.exponential(ck, [8])), 1e-5)
    close(await gpuData(tg.laplace(dk, [8], { scale: 2 }) as AnyTensor), cpuData(tg.laplace(ck, [8], { scale: 2 })), 1e-4)
    close(await gpuData(tg.logistic(dk, [8]) as AnyTensor), cpuData(tg.logistic(ck, [8])), 1e-4)
  })
})
