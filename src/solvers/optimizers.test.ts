/**
 * Every optimizer against its torch.optim definition: the same updates written out as plain f64
 * JS loops (the reference below, transcribed from the torch documentation's pseudo-code) and
 * compared step by step on an f64 problem, where the only differences are rounding.
 */
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

type V = tg.Tensor<[3], "f64", "cpu">
const x0 = [0.5, -1.5, 2.0]
// loss Σ xᵢ² + sin xᵢ, gradient 2x + cos x
const loss = (x: V) => x.square().add(x.sin()).sum()
const gradRef = (x: number[]) => x.map((v) => 2 * v + Math.cos(v))

/** Run `opt` for `n` steps with typegrad; the trajectory of x. */
const runTg = (opt: tg.optim.GradientTransformation<tg.optim.StateKind>, n: number): number[][] => {
  let x: V = tg.tensor(x0, { dtype: "f64" }) as V
  let state = opt.init(x)
  const out: number[][] = []
  for (let i = 0; i < n; i++) {
    const g = tg.grad(loss)(x)
    const [u, s] = opt.update(g, state, x)
    x = tg.optim.applyUpdates(x, u)
    state = s
    out.push(Array.from(x.dataSync()))
  }
  return out
}

/** The reference: `step(x, g, t)` mutates x in place (t = 1, 2, …), per-element state in closures. */
const runRef = (step: (x: number[], g: number[], t: number) => void, n: number): number[][] => {
  const x = [...x0]
  const out: number[][] = []
  for (let t = 1; t <= n; t++) {
    step(x, gradRef(x), t)
    out.push([...x])
  }
  return out
}

const zeros = () => x0.map(() => 0)

const torchSgd = (lr: number, o: { momentum?: number; dampening?: number; nesterov?: boolean; wd?: number }) => {
  const mom = o.momentum ?? 0,
    damp = o.dampening ?? 0,
    wd = o.wd ?? 0
  const buf = zeros()
  return (x: number[], g: number[], t: number) =>
    x.forEach((_, i) => {
      let d = g[i]! + wd * x[i]!
      if (mom !== 0) {
        buf[i] = t === 1 ? d : mom * buf[i]! + (1 - damp) * d
        d = o.nesterov ? d + mom * buf[i]! : buf[i]!
      }
      x[i] = x[i]! - lr * d
    })
}

const torchAdam = (lr: number, o: { b1?: number; b2?: number; eps?: number; wd?: number; amsgrad?: boolean; decoupled?: boolean }) => {
  const b1 = o.b1 ?? 0.9,
    b2 = o.b2 ?? 0.999,
    eps = o.eps ?? 1e-8,
    wd = o.wd ?? 0
  const m = zeros(),
    v = zeros(),
    vmax = zeros()
  return (x: number[], g0: number[], t: number) =>
    x.forEach((_, i) => {
      let g = g0[i]!
      if (o.decoupled) x[i] = x[i]! * (1 - lr * wd)
      else g = g + wd * x[i]!
      m[i] = m[i]! + (g - m[i]!) * (1 - b1)
      v[i] = v[i]! * b2 + (1 - b2) * g * g
      const bc1 = 1 - b1 ** t,
        bc2 = 1 - b2 ** t
      vmax[i] = Math.max(vmax[i]!, v[i]!)
      const denom = Math.sqrt(o.amsgrad ? vmax[i]! : v[i]!) / Math.sqrt(bc2) + eps
      x[i] = x[i]! - (lr / bc1) * (m[i]! / denom)
    })
}

const torchRmsprop = (lr: number, o: { alpha?: number; eps?: number; wd?: number; momentum?: number; centered?: boolean }) => {
  const alpha = o.alpha ?? 0.99,
    eps = o.eps ?? 1e-8,
    wd = o.wd ?? 0,
    mom = o.momentum ?? 0
  const sq = zeros(),
    ga = zeros(),
    buf = zeros()
  return (x: number[], g0: number[]) =>
    x.forEach((_, i) => {
      const g = g0[i]! + wd * x[i]!
      sq[i] = alpha * sq[i]! + (1 - alpha) * g * g
      let avg: number
      if (o.centered) {
        ga[i] = ga[i]! + (g - ga[i]!) * (1 - alpha)
        avg = Math.sqrt(sq[i]! - ga[i]! * ga[i]!) + eps
      } else avg = Math.sqrt(sq[i]!) + eps
      if (mom > 0) {
        buf[i] = mom * buf[i]! + g / avg
        x[i] = x[i]! - lr * buf[i]!
      } else x[i] = x[i]! - (lr * g) / avg
    })
}

const torchAdagrad = (lr: number, o: { lrDecay?: number; wd?: number; init?: number; eps?: number }) => {
  const decay = o.lrDecay ?? 0,
    wd = o.wd ?? 0,
    eps = o.eps ?? 1e-10
  const sum = x0.map(() => o.init ?? 0)
  return (x: number[], g0: number[], t: number) =>
    x.forEach((_, i) => {
      const g = g0[i]! + wd * x[i]!
      const clr = lr / (1 + (t - 1) * decay)
      sum[i] = sum[i]! + g * g
      x[i] = x[i]! - (clr * g) / (Math.sqrt(sum[i]!) + eps)
    })
}

const paperLion = (lr: number, o: { b1?: number; b2?: number; wd?: number }) => {
  const b1 = o.b1 ?? 0.9,
    b2 = o.b2 ?? 0.99,
    wd = o.wd ?? 0
  const m = zeros()
  return (x: number[], g: number[]) =>
    x.forEach((_, i) => {
      x[i] = x[i]! * (1 - lr * wd)
      x[i] = x[i]! - lr * Math.sign(b1 * m[i]! + (1 - b1) * g[i]!)
      m[i] = b2 * m[i]! + (1 - b2) * g[i]!
    })
}

const expectClose = (a: number[][], b: number[][], tol = 1e-12) => {
  expect(a.length).toBe(b.length)
  a.forEach((row, t) =>
    row.forEach((v, i) =>
      expect(Math.abs(v - b[t]![i]!), `step ${t + 1}, x[${i}]: ${v} vs ${b[t]![i]}`).toBeLessThan(tol * (1 + Math.abs(b[t]![i]!))),
    ),
  )
}

const N = 8
const cases: ReadonlyArray<
  readonly [string, tg.optim.GradientTransformation<tg.optim.StateKind>, (x: number[], g: number[], t: number) => void]
> = [
  ["sgd", tg.optim.sgd(0.1), torchSgd(0.1, {})],
  [
    "sgd momentum + dampening + weight decay",
    tg.optim.sgd(0.05, { momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }),
    torchSgd(0.05, { momentum: 0.9, dampening: 0.3, wd: 0.01 }),
  ],
  [
    "sgd nesterov + weight decay",
    tg.optim.sgd(0.05, { momentum: 0.8, nesterov: true, weightDecay: 0.1 }),
    torchSgd(0.05, { momentum: 0.8, nesterov: true, wd: 0.1 }),
  ],
  ["adam", tg.optim.adam(0.1), torchAdam(0.1, {})],
  [
    "adam L2 weight decay + amsgrad + betas + eps",
    tg.optim.adam(0.05, { betas: [0.8, 0.9], eps: 1e-3, weightDecay: 0.1, amsgrad: true }),
    torchAdam(0.05, { b1: 0.8, b2: 0.9, eps: 1e-3, wd: 0.1, amsgrad: true }),
  ],
  ["adamw", tg.optim.adamw(0.1, { weightDecay: 0.2 }), torchAdam(0.1, { wd: 0.2, decoupled: true })],
  ["adamw default weight decay 0.01", tg.optim.adamw(0.1), torchAdam(0.1, { wd: 0.01, decoupled: true })],
  ["rmsprop", tg.optim.rmsprop(0.01), torchRmsprop(0.01, {})],
  [
    "rmsprop centered + momentum + alpha + weight decay",
    tg.optim.rmsprop(0.02, { alpha: 0.9, centered: true, momentum: 0.7, weightDecay: 0.1, eps: 1e-4 }),
    torchRmsprop(0.02, { alpha: 0.9, centered: true, momentum: 0.7, wd: 0.1, eps: 1e-4 }),
  ],
  ["adagrad", tg.optim.adagrad(0.1), torchAdagrad(0.1, {})],
  [
    "adagrad lr decay + weight decay + initial accumulator",
    tg.optim.adagrad(0.3, { lrDecay: 0.05, weightDecay: 0.1, initialAccumulator: 0.2, eps: 1e-6 }),
    torchAdagrad(0.3, { lrDecay: 0.05, wd: 0.1, init: 0.2, eps: 1e-6 }),
  ],
  ["lion", tg.optim.lion(0.01), paperLion(0.01, {})],
  [
    "lion betas + weight decay",
    tg.optim.lion(0.03, { betas: [0.5, 0.7], weightDecay: 0.5 }),
    paperLion(0.03, { b1: 0.5, b2: 0.7, wd: 0.5 }),
  ],
]

describe("optimizers equal their torch.optim definitions (f64, 8 steps)", () => {
  for (const [name, opt, ref] of cases) it(name, () => expectClose(runTg(opt, N), runRef(ref, N)))

  it("a hand-worked Adam step: the first update is −lr·sign(g) (to ε)", () => {
    // t = 1: m̂ = g, √v̂ = |g|, so the step is lr·g/(|g| + ε)
    const out = runTg(tg.optim.adam(0.1), 1)[0]!
    gradRef(x0).forEach((g, i) => expect(out[i]!).toBeCloseTo(x0[i]! - 0.1 * Math.sign(g), 7))
  })

  it("a hand-worked SGD momentum sequence", () => {
    // f(x) = x²/2 (g = x), x₀ = 1, lr 0.1, μ 0.5: b₁ = 1 → x₁ = 0.9; b₂ = 0.5 + 0.9 = 1.4 → x₂ = 0.76
    const opt = tg.optim.sgd(0.1, { momentum: 0.5 })
    let x = tg.scalar(1, { dtype: "f64" })
    let s = opt.init(x)
    const xs: number[] = []
    for (let i = 0; i < 2; i++) {
      const [u, s2] = opt.update(x, s, x)
      x = tg.optim.applyUpdates(x, u)
      s = s2
      xs.push(x.item())
    }
    expect(xs[0]).toBeCloseTo(0.9, 14)
    expect(xs[1]).toBeCloseTo(0.76, 14)
  })
})

describe("composition", () => {
  it("clipByGlobalNorm scales by maxNorm / (‖g‖ + 1e-6) when above, keeps it below", () => {
    const clip = tg.optim.clipByGlobalNorm(2)
    const g = { a: tg.tensor([3, 0], { dtype: "f64" }), b: tg.tensor([[4]], { dtype: "f64" }) } // ‖g‖ = 5
    const [u] = clip.update(g, clip.init(g))
    const k = 2 / (5 + 1e-6)
    expect(Array.from(u.a.dataSync())).toEqual([3 * k, 0].map((v) => expect.closeTo(v, 12)))
    expect(u.b.item()).toBeCloseTo(4 * k, 12)
    const [small] = tg.optim.clipByGlobalNorm(10).update(g, {})
    expect(small.b.item()).toBe(4)
  })

  it("chain(clip, adam) equals clipping the gradient by hand, then Adam", () => {
    const g = { w: tg.tensor([30, -40], { dtype: "f64" }) }
    const p = { w: tg.tensor([1, 1], { dtype: "f64" }) }
    const c = tg.optim.chain(tg.optim.clipByGlobalNorm(1), tg.optim.adam(0.1))
    const [u] = c.update(g, c.init(p), p)
    const a = tg.optim.adam(0.1)
    const k = 1 / (50 + 1e-6)
    const [u2] = a.update({ w: g.w.mul(k) }, a.init(p), p)
    expect(Array.from(u.w.dataSync())).toEqual(Array.from(u2.w.dataSync()).map((v) => expect.closeTo(v, 12)))
  })

  it("multiTransform: per-group learning rate, weight decay only on weights, a frozen group", () => {
    const params = {
      body: { w: tg.tensor([1, 2], { dtype: "f64" }), b: tg.tensor([1], { dtype: "f64" }) },
      head: tg.tensor([3], { dtype: "f64" }),
      embed: tg.tensor([5], { dtype: "f64" }),
    }
    const grads = tg.Tree.map(params, (p) => p.mul(0).add(1))
    const opt = tg.optim.multiTransform(
      {
        decayed: tg.optim.sgd(0.1, { weightDecay: 0.5 }),
        plain: tg.optim.sgd(0.1),
        head: tg.optim.sgd(1),
        frozen: tg.optim.setToZero(),
      },
      (path) => (path === "embed" ? "frozen" : path === "head" ? "head" : path.endsWith(".w") ? "decayed" : "plain"),
    )
    const [u] = opt.update(grads, opt.init(params), params)
    const next = tg.optim.applyUpdates(params, u)
    expect(Array.from(next.body.w.dataSync())).toEqual([1 - 0.1 * (1 + 0.5), 2 - 0.1 * (1 + 1)].map((v) => expect.closeTo(v, 14)))
    expect(next.body.b.dataSync()[0]).toBeCloseTo(0.9, 14)
    expect(next.head.dataSync()[0]).toBeCloseTo(2, 14)
    expect(next.embed.dataSync()[0]).toBe(5)
  })

  it("masked: the inner transformation only on selected leaves, others pass through", () => {
    const p = { w: tg.tensor([2], { dtype: "f64" }), b: tg.tensor([2], { dtype: "f64" }) }
    const g = { w: tg.tensor([1], { dtype: "f64" }), b: tg.tensor([1], { dtype: "f64" }) }
    const m = tg.optim.masked(tg.optim.addDecayedWeights(0.5), (path) => path === "w")
    const [u] = m.update(g, m.init(p), p)
    expect(u.w.item()).toBe(2)
    expect(u.b.item()).toBe(1)
  })

  it("schedules follow their formulas", () => {
    const v = tg.optim.scheduleValue
    const s = tg.optim.schedules
    expect(v(s.constant(0.3), 7)).toBeCloseTo(0.3, 14)
    for (const t of [0, 9, 10, 29, 30, 31]) expect(v(s.step(0.1, 10, 0.5), t)).toBeCloseTo(0.1 * 0.5 ** Math.floor(t / 10), 14)
    for (const t of [0, 1, 5]) expect(v(s.exponential(2, 0.9), t)).toBeCloseTo(2 * 0.9 ** t, 14)
    for (const t of [0, 25, 50, 100, 150])
      expect(v(s.cosine(1, 100, 0.1), t)).toBeCloseTo(0.1 + (0.9 * (1 + Math.cos((Math.PI * Math.min(t, 100)) / 100))) / 2, 14)
    const wc = s.warmupCosine({ init: 0.1, peak: 1, warmup: 10, steps: 30, end: 0.2 })
    expect(v(wc, 0)).toBeCloseTo(0.1, 14)
    expect(v(wc, 4)).toBeCloseTo(0.1 + 0.9 * 0.4, 14)
    expect(v(wc, 10)).toBeCloseTo(1, 14)
    expect(v(wc, 20)).toBeCloseTo(0.2 + 0.8 * 0.5, 14)
    expect(v(wc, 40)).toBeCloseTo(0.2, 14)
    const pw = s.piecewise([3, 6], [1, 0.5, 0.25])
    expect([0, 2, 3, 5, 6, 100].map((t) => v(pw, t))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25])
  })

  it("an SGD step under a step schedule uses the rate of its own step", () => {
    const opt = tg.optim.sgd(tg.optim.schedules.step(1, 2, 0.5))
    let x = tg.scalar(0, { dtype: "f64" })
    let s = opt.init(x)
    const g = tg.scalar(1, { dtype: "f64" })
    for (let i = 0; i < 5; i++) [x, s] = ((r) => [tg.optim.applyUpdates(x, r[0]), r[1]] as const)(opt.update(g, s, x))
    expect(x.item()).toBeCloseTo(-(1 + 1 + 0.5 + 0.5 + 0.25), 14)
  })
})

describe("jit", () => {
  it("a jitted training step equals the eager step (Adam with clipping and a cosine schedule)", () => {
    const opt = tg.optim.chain(tg.optim.clipByGlobalNorm(1), tg.optim.adamw(tg.optim.schedules.cosine(0.1, 20), { weightDecay: 0.1 }))
    const params = {
      w: tg.tensor([
        [0.5, -1],
        [2, 0.25],
      ]),
      b: tg.tensor([0.1, -0.2]),
    }
    type P = typeof params
    const f = (p: P) => p.w.matmul(p.b).tanh().sum().add(p.w.square().sum())
    const step = (p: P, s: ReturnType<typeof opt.init<P>>) => {
      const [u, s2] = opt.update(tg.grad(f)(p), s, p)
      return [tg.optim.applyUpdates(p, u), s2] as const
    }
    const jitted = tg.jit(step)
    let [pe, se] = [params, opt.init(params)] as const
    let [pj, sj] = [params, opt.init(params)] as const
    for (let i = 0; i < 5; i++) {
      ;[pe, se] = step(pe, se)
      ;[pj, sj] = jitted(pj, sj)
    }
    expect(jitted.cacheSize()).toBe(1)
    const flat = (p: P) => [...p.w.dataSync(), ...p.b.dataSync()]
    flat(pj).forEach((v, i) => expect(v).toBeCloseTo(flat(pe)[i]!, 5))
    expect(tg.Tree.leaves(sj).length).toBe(tg.Tree.leaves(se).length)
  })
})

describe("typed errors", () => {
  it("a state whose shapes do not match the gradients names the path and both shapes", () => {
    const opt = tg.optim.adam(0.1)
    const state = opt.init({ w: tg.zeros([2]), b: tg.zeros([1]) })
    try {
      // the types already refuse this call (the state is typed by the parameter tree); at run time it throws
      opt.update({ w: tg.zeros([3]), b: tg.zeros([1]) }, state as never)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(tg.OptimizerStateMismatch)
      const m = e as tg.OptimizerStateMismatch
      expect(m.path).toBe("w")
      expect(m.expected).toBe("[3]")
      expect(m.got).toBe("[2]")
      expect(m.message).toContain("scaleByAdam: state.mu at w has shape [2], expected [3]")
    }
  })

  it("a state of another structure says which structure was expected", () => {
    const opt = tg.optim.sgd(0.1, { momentum: 0.9 })
    const state = opt.init({ w: tg.zeros([2]) })
    expect(() => opt.update({ w: tg.zeros([2]), extra: tg.zeros([1]) }, state as never)).toThrow(
      /state.trace has structure \{w: \*\}, expected \{extra: \*, w: \*\}/,
    )
    expect(() => opt.update({ w: tg.zeros([2]) }, [] as never)).toThrow(tg.InvalidHyperparameter)
  })

  it("bad hyperparameters are typed errors", () => {
    expect(() => tg.optim.sgd(0.1, { nesterov: true })).toThrow(tg.InvalidHyperparameter)
    expect(() => tg.optim.adam(-1)).toThrow(/lr = -1, expected a finite number ≥ 0/)
    expect(() => tg.optim.adam(0.1, { betas: [1, 0.9] })).toThrow(/betas\[0\] = 1, expected a number in \[0, 1\)/)
    expect(() => tg.optim.schedules.piecewise([1], [1])).toThrow(tg.InvalidHyperparameter)
  })
})
