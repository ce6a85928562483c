/**
 * The training loop: results equal a hand-written optimizer loop, batches, callbacks, early
 * stopping, the NaN policy, typed errors, interruption (Effect fiber and AbortSignal) returning a
 * consistent state, and both progress modes on injected streams.
 */
import { Effect, Exit, Fiber } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

type C = tg.Tensor<[2]>
const cities = tg.tensor([
  [0, 0],
  [10, 0],
  [0, 10],
])
const total = (c: C) => cities.sub(c).norm({ axis: 1 }).sum()
const vals = (t: tg.AnyTensor): number[] => Array.from((t as tg.Tensor<[2], "f32", "cpu">).dataSync())

/** The same optimization written by hand: n steps of opt on `loss`. */
const byHand = <P>(params: P, opt: tg.optim.GradientTransformation<tg.optim.StateKind>, loss: (p: P) => tg.Tensor<[]>, n: number): P => {
  let s = opt.init(params)
  for (let i = 0; i < n; i++) {
    const [u, s2] = opt.update(tg.grad(loss)(params), s, params)
    params = tg.optim.applyUpdates(params, u)
    s = s2
  }
  return params
}

describe("fit", () => {
  it("the facility with Adam: the PyTorch numbers, the loss history, and the hand-written loop's result", () => {
    const r = tg.fitSync({ params: tg.tensor([1, 1]) as C, optimizer: tg.optim.adam(0.1), loss: total, steps: 100, progress: false })
    expect(r.stopped).toBe("completed")
    expect(r.steps).toBe(100)
    expect(r.history.length).toBe(100)
    expect(r.history[0]).toBeCloseTo(Math.SQRT2 + 2 * Math.sqrt(82), 5) // the loss at (1, 1)
    const [x, y] = vals(r.params)
    expect(x).toBeCloseTo(2.11228, 5)
    expect(y).toBeCloseTo(2.11228, 5)
    expect(r.history[99]).toBeLessThan(19.3187)
    expect(vals(byHand(tg.tensor([1, 1]) as C, tg.optim.adam(0.1), total, 100)).map((v, i) => Math.abs(v - [x, y][i]!))).toEqual([
      expect.closeTo(0, 6),
      expect.closeTo(0, 6),
    ])
  })

  it("batches: each step sees its own batch (jitted and eager agree with the hand loop)", () => {
    // least squares y = w·x per batch; batch k has x = [1, k + 1], y = [2, 2k + 2]
    const batch = (k: number) => ({ x: tg.tensor([1, k + 1]), y: tg.tensor([2, 2 * k + 2]) })
    const loss = (w: tg.Tensor<[]>, b: { x: tg.Tensor<[2]>; y: tg.Tensor<[2]> }) => b.x.mul(w).sub(b.y).square().mean()
    const opts = { params: tg.scalar(0), optimizer: tg.optim.sgd(0.05), loss, steps: 6, batch, progress: false as const }
    const a = tg.fitSync(opts),
      b = tg.fitSync({ ...opts, jit: false })
    let w = tg.scalar(0)
    for (let k = 0; k < 6; k++)
      w = w.sub(
        tg
          .grad((v: tg.Tensor<[]>) => loss(v, batch(k)))(w)
          .mul(0.05),
      )
    expect((a.params as tg.Tensor<[], "f32", "cpu">).item()).toBeCloseTo(w.item(), 5)
    expect((b.params as tg.Tensor<[], "f32", "cpu">).item()).toBeCloseTo(w.item(), 5)
  })

  it("onStep can stop the run; it sees 1-based steps and the history so far", () => {
    const seen: number[] = []
    const r = tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.sgd(0.1),
      loss: total,
      steps: 50,
      progress: false,
      onStep: (i) => {
        seen.push(i.step)
        expect(i.history.length).toBe(i.step)
        return i.step === 3 ? "stop" : undefined
      },
    })
    expect(seen).toEqual([1, 2, 3])
    expect(r.stopped).toBe("callback")
    expect(r.steps).toBe(3)
  })

  it("early stopping: a loss that never improves stops after `patience` steps past the first", () => {
    const r = tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.sgd(0.1),
      loss: (p) => p.mul(0).sum().add(1),
      steps: 100,
      earlyStopping: { patience: 4 },
      progress: false,
    })
    expect(r.stopped).toBe("early-stopping")
    expect(r.steps).toBe(5)
  })

  const nanAt3 = (k: number) => tg.tensor([k === 2 ? NaN : 1, 1])
  const nanLoss = (p: C, b: C) => p.mul(b).square().sum()

  it("a NaN loss fails with NonFiniteLoss (step and value) by default", () => {
    const e = Effect.runSync(
      Effect.flip(
        tg.fit({ params: tg.tensor([1, 1]) as C, optimizer: tg.optim.sgd(0.1), loss: nanLoss, batch: nanAt3, steps: 5, progress: false }),
      ),
    )
    expect(e._tag).toBe("NonFiniteLoss")
    expect((e as tg.NonFiniteLoss).step).toBe(3)
    expect(e.message).toBe('fit: the loss at step 3 is NaN, expected a finite number (set onNaN: "skip" to skip such steps)')
  })

  it('onNaN: "skip" leaves parameters and state as they were and records the step', () => {
    const r = tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.adam(0.1),
      loss: nanLoss,
      batch: nanAt3,
      steps: 5,
      onNaN: "skip",
      progress: false,
    })
    expect(r.skipped).toEqual([3])
    expect(Number.isNaN(r.history[2])).toBe(true)
    // four real Adam steps on the all-ones batch
    const want = byHand(tg.tensor([1, 1]) as C, tg.optim.adam(0.1), (p) => nanLoss(p, tg.tensor([1, 1])), 4)
    vals(r.params).forEach((v, i) => expect(v).toBeCloseTo(vals(want)[i]!, 6))
  })

  it("a non-scalar loss is a NonScalarObjective", () => {
    const e = Effect.runSync(
      Effect.flip(
        tg.fit({
          params: tg.tensor([1, 1]) as C,
          optimizer: tg.optim.sgd(0.1),
          loss: ((p: C) => p.square()) as never,
          steps: 2,
          progress: false,
        }),
      ),
    )
    expect(e._tag).toBe("NonScalarObjective")
    expect(e.message).toMatch(/shape \[2\], expected a scalar/)
  })

  it("a resumed state that does not fit the parameters is an OptimizerStateMismatch", () => {
    const opt = tg.optim.adam(0.1)
    const state = opt.init(tg.zeros([3]))
    const e = Effect.runSync(
      Effect.flip(
        tg.fit({ params: tg.tensor([1, 1]) as C, optimizer: opt, state: state as never, loss: total, steps: 2, progress: false }),
      ),
    )
    expect(e._tag).toBe("OptimizerStateMismatch")
    expect(e.message).toMatch(/has shape \[3\], expected \[2\]/)
  })
})

describe("carry: state threaded through the steps", () => {
  const nn = tg.nn
  const model = nn.sequential(nn.linear(tg.key(0), 3, 4), nn.batchNorm1d(4), nn.relu(), nn.linear(tg.key(1), 4, 1))
  type M = typeof model
  const x = tg.normal(tg.key(2), [8, 3])
  const y = tg.normal(tg.key(3), [8, 1])
  const [params, rest] = nn.partition(model, nn.isTrainable)
  const objective = (m: M) => m.call(x).sub(y).square().mean()

  it("a BatchNorm's running statistics advance every step, as in the hand-written step of docs/modules.md", () => {
    for (const jit of [true, false]) {
      const r = tg.fitSync({
        params,
        optimizer: tg.optim.sgd(0.1),
        carry: rest,
        loss: (p, _b, c) => {
          const [l, state] = nn.forward(nn.combine(p, c), objective)
          return [l, nn.combine(state, c)] as const
        },
        steps: 4,
        jit,
        progress: false,
      })
      // the same four steps by hand
      let [p, c] = [params, rest]
      const losses: number[] = []
      for (let i = 0; i < 4; i++) {
        const [[l, state], g] = tg.valueAndGrad((q: typeof p) => nn.forward(nn.combine(q, c), objective), { hasAux: true })(p)
        losses.push(l.item())
        p = tg.Tree.zipWith(p, g, (a, b) => a.sub(b.mul(0.1)))
        c = nn.combine(state, c)
      }
      expect(r.history.map((v) => Number(v.toFixed(5)))).toEqual(losses.map((v) => Number(v.toFixed(5))))
      const bn = r.carry.layers[1]
      expect(bn.num_batches_tracked!.item()).toBe(4)
      expect(vals(bn.running_mean!)).toEqual(vals(c.layers[1].running_mean!).map((v) => expect.closeTo(v, 6)))
      expect(vals(bn.running_mean!).some((v) => v !== 0)).toBe(true)
      const w = (m: typeof p) => vals(m.layers[0].weight as tg.AnyTensor)
      expect(w(r.params)).toEqual(w(p).map((v) => expect.closeTo(v, 5)))
    }
  })

  it("a loss that does not return [loss, carry] is a NonScalarObjective saying so", () => {
    const bad = tg.fit({
      params,
      optimizer: tg.optim.sgd(0.1),
      carry: rest,
      loss: ((p: typeof params) => objective(nn.combine(p, rest))) as never,
      steps: 1,
      progress: false,
    })
    const exit = Effect.runSyncExit(bad)
    expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/with a carry, the loss must return \[loss, nextCarry\]/)
  })
})

describe("interruption", () => {
  const long = { params: tg.tensor([1, 1]) as C, optimizer: tg.optim.adam(0.01), loss: total, steps: 100_000, progress: false as const }

  it("startFit + stop: the run ends after the current step with a consistent (params, state)", async () => {
    let reached: () => void = () => {}
    const at5 = new Promise<void>((r) => (reached = r))
    const r = await Effect.runPromise(
      Effect.gen(function* () {
        const run = yield* tg.startFit({ ...long, onStep: (i) => (i.step === 5 ? reached() : undefined) })
        yield* Effect.promise(() => at5)
        return yield* run.stop
      }),
    )
    expect(r.stopped).toBe("interrupted")
    expect(r.steps).toBeGreaterThanOrEqual(5)
    expect(r.steps).toBeLessThan(100_000)
    expect(r.history.length).toBe(r.steps)
    // consistent: exactly the parameters and state of r.steps uninterrupted steps
    const replay = tg.fitSync({ ...long, steps: r.steps })
    expect(vals(r.params)).toEqual(vals(replay.params))
    tg.Tree.leaves(r.state).forEach((l, i) =>
      expect(Array.from(l.dataSync())).toEqual(Array.from(tg.Tree.leaves(replay.state)[i]!.dataSync())),
    )
    // and the run can resume from it
    const more = tg.fitSync({ ...long, params: r.params, state: r.state, steps: 3 })
    expect(vals(more.params)).toEqual(vals(tg.fitSync({ ...long, steps: r.steps + 3 }).params))
  })

  it("Fiber.interrupt on fit: no step starts after the interrupt", async () => {
    let steps = 0,
      atInterrupt = -1
    const exit = await Effect.runPromise(
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(tg.fit({ ...long, onStep: (i) => void (steps = i.step) }))
        while (steps < 3) yield* Effect.sleep("1 millis")
        atInterrupt = steps
        yield* Fiber.interrupt(fiber)
        return yield* Fiber.await(fiber)
      }),
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(steps).toBeLessThanOrEqual(atInterrupt + 1)
  })

  it("fitPromise: an aborted signal resolves with the last consistent state", async () => {
    const ac = new AbortController()
    const r = await tg.fitPromise({ ...long, onStep: (i) => (i.step === 5 ? ac.abort() : undefined) }, { signal: ac.signal })
    expect(r.stopped).toBe("interrupted")
    expect(r.steps).toBeGreaterThanOrEqual(5)
    expect(vals(r.params)).toEqual(vals(tg.fitSync({ ...long, steps: r.steps }).params))
  })
})

describe("progress output", () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = []
    return { out, stream: { write: (s: string) => (out.push(s), true), isTTY, columns: 120 } }
  }

  it("not a terminal: plain lines every `every` steps", () => {
    const { out, stream } = sink(false)
    tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.adam(0.1),
      loss: total,
      steps: 30,
      progress: { stream, every: 10, label: "facility" },
    })
    const lines = out.join("").trim().split("\n")
    expect(lines.length).toBe(3)
    lines.forEach((l, i) =>
      expect(l).toMatch(new RegExp(`^facility step ${10 * (i + 1)}/30  loss \\d+\\.\\d+  \\d+\\.\\d steps/s  ETA \\d+s$`)),
    )
    expect(out.join("")).not.toContain("\x1b[")
  })

  it("a run that stops early prints where it ended", () => {
    const { out, stream } = sink(false)
    tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.adam(0.1),
      loss: total,
      steps: 30,
      progress: { stream, every: 10 },
      onStep: (i) => (i.step === 13 ? "stop" : undefined),
    })
    expect(
      out
        .join("")
        .trim()
        .split("\n")
        .map((l) => l.split("  ")[0]),
    ).toEqual(["fit step 10/30", "fit step 13/30"])
  })

  it("a terminal: a live bar with the count, steps/s, ETA and loss, drawn with cursor control", () => {
    const { out, stream } = sink(true)
    tg.fitSync({
      params: tg.tensor([1, 1]) as C,
      optimizer: tg.optim.adam(0.1),
      loss: total,
      steps: 30,
      progress: { stream, label: "facility" },
    })
    const text = out.join("")
    expect(text).toContain("\x1b[") // redrawn in place
    expect(text).toMatch(/facility \[[^\]]*\] 30\/30 \| \d+\.\d steps\/s \| ETA \d+s \| loss 19\.\d+/)
    expect(text.trimEnd()).not.toContain("\n") // one line, redrawn; a newline only at the end
  })
})
