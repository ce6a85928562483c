/**
 * The training loop as an Effect: optimizer steps (jitted by default), a loss history, progress
 * output, callbacks and early stopping, and a NaN policy. Each step runs uninterruptibly and the
 * loop checks for interruption between steps, so an interrupted run always leaves a consistent
 * (parameters, state) pair; `startFit` hands it back, `fitPromise` resolves with it on abort.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Fiber } from "effect"
import { HostAccessError, InvalidHyperparameter, NonFiniteLoss, NonScalarObjective, OptimizerStateMismatch, ShapeError } from "../errors.js"
import { jit, valueAndGrad } from "../grad/index.js"
import { data, type AnyTensor, type ReadbackError, type Tensor } from "../ops/index.js"
import { reporter, silent, type ProgressOptions } from "./progress.js"
import { applyUpdates, type GradientTransformation, type StateKind, type StateOf } from "./transform.js"
import { requireOption } from "./trees.js"

/**
 * What `onStep` sees after each step (1-based `step`, the loss computed at the parameters
 * before the step, and the parameters after it).
 *
 * @example
 * import * as tg from "typegrad"
 * const onStep = (i: tg.StepInfo<tg.Tensor<[2]>>) => (i.loss < 1e-3 ? "stop" : undefined)
 * @since 0.1.0
 * @category solvers
 */
export interface StepInfo<P> {
  readonly step: number
  readonly loss: number
  readonly params: P
  readonly history: ReadonlyArray<number>
}

/**
 * Settings of `fit`: parameters, optimizer, loss (of the parameters and the step's batch), number
 * of steps, and the optional batch source, progress, callbacks, early stopping and NaN policy.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.FitOptions<tg.Tensor<[2]>, tg.optim.AdamKind, undefined> = {
 *   params: tg.tensor([1, 1]),
 *   optimizer: tg.optim.scaleByAdam(),
 *   loss: (p) => p.square().sum(),
 *   steps: 10,
 *   progress: false,
 * }
 * @since 0.1.0
 * @category solvers
 */
export interface FitOptions<P, K extends StateKind, B = undefined, C = undefined> {
  readonly params: P
  readonly optimizer: GradientTransformation<K>
  /** the objective; with `carry`, it also gets the carry and returns `[loss, nextCarry]` */
  // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
  readonly loss: (params: P, batch: B, carry: C) => [C] extends [undefined] ? Tensor<[], any, any> : readonly [Tensor<[], any, any>, C]
  /**
   * state threaded from step to step and not differentiated, such as a module's buffers
   * (BatchNorm's running statistics): the first step's loss gets this value, each later step the
   * carry the previous one returned; the result holds the last
   */
  readonly carry?: C
  readonly steps: number
  /** the batch for step k (0-based); omitted: `loss` gets `undefined` */
  readonly batch?: (step: number) => B
  /** a state to resume from (default `optimizer.init(params)`) */
  readonly state?: StateOf<K, P>
  /** stage the step with `jit` (default true) */
  readonly jit?: boolean
  /** a NaN or infinite loss: "fail" (default, a `NonFiniteLoss` error) or "skip" the step */
  readonly onNaN?: "fail" | "skip"
  /** progress output; `false` for none (default: stderr, a bar on a terminal) */
  readonly progress?: ProgressOptions | false
  /** called after every step; return "stop" to end the run there */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback may return nothing or "stop"
  readonly onStep?: (info: StepInfo<P>) => void | "stop"
  /** stop when the loss has not improved by `minDelta` (default 0) for `patience` steps */
  readonly earlyStopping?: { readonly patience: number; readonly minDelta?: number }
}

/**
 * How a run ended, with the final (always consistent) parameters and state and the loss history.
 *
 * @example
 * import * as tg from "typegrad"
 * const r: tg.FitResult<tg.Tensor<[2]>, unknown> = tg.fitSync({ params: tg.tensor([1, 1]), optimizer: tg.optim.sgd(0.1), loss: (p) => p.square().sum(), steps: 5, progress: false })
 * r.history.length // 5
 * @since 0.1.0
 * @category solvers
 */
export interface FitResult<P, S, C = undefined> {
  readonly params: P
  readonly state: S
  /** the last carry (`undefined` without one) */
  readonly carry: C
  /** the loss of every step taken (NaN entries for skipped steps) */
  readonly history: ReadonlyArray<number>
  /** steps taken */
  readonly steps: number
  /** 1-based steps skipped for a non-finite loss (with `onNaN: "skip"`) */
  readonly skipped: ReadonlyArray<number>
  readonly stopped: "completed" | "early-stopping" | "callback" | "interrupted"
}

/**
 * The typed failures of `fit`.
 *
 * @example
 * import * as tg from "typegrad"
 * const describe = (e: tg.FitError) => e._tag
 * @since 0.1.0
 * @category solvers
 */
export type FitError = NonFiniteLoss | NonScalarObjective | OptimizerStateMismatch | ShapeError | InvalidHyperparameter | ReadbackError

const isFitError = (e: unknown): e is FitError =>
  e instanceof NonFiniteLoss ||
  e instanceof NonScalarObjective ||
  e instanceof OptimizerStateMismatch ||
  e instanceof ShapeError ||
  e instanceof InvalidHyperparameter

/** Run pure code that throws tagged errors: known ones become typed failures, the rest defects. */
const lift = <A>(f: () => A): Effect.Effect<A, FitError> =>
  Effect.try({ try: f, catch: (e) => e }).pipe(Effect.catchIf(isFitError, Effect.fail, (e) => Effect.die(e)))

/** The loss on the host: synchronously where the device can (the CPU), else by an async readback. */
const readLoss = (t: AnyTensor, sync: boolean): Effect.Effect<number, ReadbackError> => {
  const read = t.device.backend.readSync
  if (read !== undefined) return Effect.sync(() => Number(read(t._impl as never, t.aval)[0]))
  if (sync)
    return Effect.die(
      new HostAccessError({
        op: "fitSync",
        device: t.device.name,
        message: `fitSync: the loss lives on ${t.device.name}, which has no synchronous readback; use fit or fitPromise`,
      }),
    )
  return Effect.map(data(t), (d) => Number(d[0]))
}

/**
 * One training step: loss and gradient at `p`, the optimizer update, the new parameters (and the
 * new carry, when there is one). Its arguments are the parameters and the optimizer state, then
 * the batch when there is one, then the carry when there is one (`undefined` is not a pytree).
 */
type Step = (p: unknown, s: unknown, ...extra: unknown[]) => readonly unknown[]
// biome-ignore lint/suspicious/noExplicitAny: the loop's own view of the user's loss, whatever its parameter types
type AnyLoss = (params: any, batch: any, carry: any) => AnyTensor | readonly [AnyTensor, unknown]

const rawStep =
  (loss: AnyLoss, opt: GradientTransformation<StateKind>, hasBatch: boolean, hasCarry: boolean): Step =>
  (p, s, ...extra) => {
    const b = hasBatch ? extra[0] : undefined
    if (!hasCarry) {
      const [v, g] = valueAndGrad((q: unknown) => loss(q, b, undefined) as Tensor<[]>)(p)
      const [u, s2] = opt.update(g, s, p)
      return [applyUpdates(p, u), s2, v] as const
    }
    const c = extra[hasBatch ? 1 : 0]
    const [[v, c2], g] = valueAndGrad((q: unknown) => loss(q, b, c) as readonly [Tensor<[]>, unknown], { hasAux: true })(p)
    const [u, s2] = opt.update(g, s, p)
    return [applyUpdates(p, u), s2, v, c2] as const
  }

// jitted steps per (loss, optimizer, batch?, carry?), so repeated or resumed runs reuse the compiled programs
const stagedCache = new WeakMap<AnyLoss, WeakMap<object, Map<string, Step>>>()
const stepFor = (loss: AnyLoss, opt: GradientTransformation<StateKind>, staged: boolean, hasBatch: boolean, hasCarry: boolean): Step => {
  if (!staged) return rawStep(loss, opt, hasBatch, hasCarry)
  const byOpt = stagedCache.get(loss) ?? new WeakMap<object, Map<string, Step>>()
  stagedCache.set(loss, byOpt)
  const byMode = byOpt.get(opt) ?? new Map<string, Step>()
  byOpt.set(opt, byMode)
  const mode = `${hasBatch}/${hasCarry}`
  let step = byMode.get(mode)
  if (step === undefined) {
    step = jit(rawStep(loss, opt, hasBatch, hasCarry)) as unknown as Step
    byMode.set(mode, step)
  }
  return step
}

/**
 * The loop. `publish` receives, once, a reader of the current result: between steps (the only
 * moments another fiber can run) it sees a consistent (params, state, history).
 */
const loop = <P, K extends StateKind, B, C>(
  o: FitOptions<P, K, B, C>,
  publish: (current: () => FitResult<P, StateOf<K, P>, C>) => void,
  sync = false,
) =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      yield* lift(() => {
        requireOption("fit", "steps", o.steps, Number.isInteger(o.steps) && o.steps >= 0, "a non-negative integer")
        const es = o.earlyStopping
        if (es !== undefined)
          requireOption(
            "fit",
            "earlyStopping.patience",
            es.patience,
            Number.isInteger(es.patience) && es.patience > 0,
            "a positive integer",
          )
      })
      type S = StateOf<K, P>
      const opt = o.optimizer
      let params = o.params
      let state: S = o.state ?? (yield* lift(() => opt.init(params)))
      const hasCarry = o.carry !== undefined
      let carry = o.carry as C
      const history: number[] = [],
        skipped: number[] = []
      let stopped: FitResult<P, S, C>["stopped"] = "completed"
      const result = (): FitResult<P, S, C> => ({
        params,
        state,
        carry,
        history: [...history],
        steps: history.length,
        skipped: [...skipped],
        stopped,
      })
      publish(result)
      const lossFn = o.loss as AnyLoss
      const step = (p: P, s: S, b: B, c: C) => {
        const extra = [...(b === undefined ? [] : [b]), ...(hasCarry ? [c] : [])]
        return stepFor(lossFn, opt, o.jit !== false, b !== undefined, hasCarry)(p, s, ...extra) as readonly [P, S, AnyTensor, C?]
      }
      const report = o.progress === false ? silent : reporter(o.steps, o.progress)
      let best = Infinity,
        wait = 0
      return yield* Effect.gen(function* () {
        for (let k = 0; k < o.steps; k++) {
          const b = o.batch === undefined ? (undefined as B) : o.batch(k)
          if (k === 0) {
            const out = yield* lift(() => lossFn(params, b, carry))
            if (hasCarry && !(Array.isArray(out) && out.length === 2)) {
              return yield* Effect.fail(
                new NonScalarObjective({ op: "fit", shape: [], message: "fit: with a carry, the loss must return [loss, nextCarry]" }),
              )
            }
            const y = (hasCarry ? (out as readonly [AnyTensor, unknown])[0] : out) as AnyTensor
            if (y.shape.length !== 0) {
              return yield* Effect.fail(
                new NonScalarObjective({
                  op: "fit",
                  shape: [...y.shape],
                  message: `fit: the loss returned a tensor of shape [${y.shape.join(", ")}], expected a scalar (shape []); reduce it, e.g. with .mean()`,
                }),
              )
            }
          }
          const [p2, s2, lossT, c2] = yield* lift(() => step(params, state, b, carry))
          const loss = yield* readLoss(lossT as AnyTensor, sync)
          history.push(loss)
          if (!Number.isFinite(loss)) {
            if (o.onNaN !== "skip") {
              return yield* Effect.fail(
                new NonFiniteLoss({
                  op: "fit",
                  step: k + 1,
                  value: loss,
                  message: `fit: the loss at step ${k + 1} is ${loss}, expected a finite number (set onNaN: "skip" to skip such steps)`,
                }),
              )
            }
            skipped.push(k + 1)
          } else [params, state, carry] = [p2 as P, s2 as S, (hasCarry ? c2 : carry) as C]
          report.update(k + 1, loss)
          if (o.onStep?.({ step: k + 1, loss, params, history }) === "stop") {
            stopped = "callback"
            break
          }
          if (o.earlyStopping !== undefined && Number.isFinite(loss)) {
            if (loss < best - (o.earlyStopping.minDelta ?? 0)) [best, wait] = [loss, 0]
            else if (++wait >= o.earlyStopping.patience) {
              stopped = "early-stopping"
              break
            }
          }
          // the only interruptible point: between steps
          if (!sync && Exit.isFailure(yield* Effect.exit(restore(Effect.yieldNow)))) {
            stopped = "interrupted"
            break
          }
        }
        return result()
      }).pipe(Effect.ensuring(Effect.sync(() => report.stop())))
    }),
  )

/**
 * Train: run `steps` optimizer steps on `loss`, as an Effect. Progress goes to stderr (a live bar
 * on a terminal, lines otherwise); the result has the final parameters, state and loss history.
 * Interrupting the fiber stops it after the current step; use `startFit` to get that state back.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * const cities = tg.tensor([[0, 0], [10, 0], [0, 10]])
 * const run = tg.fit({
 *   params: tg.tensor([1, 1]),
 *   optimizer: tg.optim.adam(0.1),
 *   loss: (c) => cities.sub(c).norm({ axis: 1 }).sum(),
 *   steps: 100,
 *   progress: { stream: process.stdout, every: 50 },
 * })
 * const result = await Effect.runPromise(run) // result.params ≈ [2.11228, 2.11228]
 * @since 0.1.0
 * @category solvers
 */
export const fit = <P, K extends StateKind, B = undefined, C = undefined>(
  o: FitOptions<P, K, B, C>,
): Effect.Effect<FitResult<P, StateOf<K, P>, C>, FitError> => loop(o, () => {})

/**
 * A running `fit`: its fiber, the latest consistent result, and `stop`, which interrupts the run
 * (it ends after the current step) and returns that result with `stopped: "interrupted"`.
 *
 * @example
 * import * as tg from "typegrad"
 * type Run = tg.FitRun<tg.Tensor<[2]>, unknown>
 * @since 0.1.0
 * @category solvers
 */
export interface FitRun<P, S, C = undefined> {
  readonly fiber: Fiber.Fiber<FitResult<P, S, C>, FitError>
  readonly latest: Effect.Effect<FitResult<P, S, C>>
  readonly stop: Effect.Effect<FitResult<P, S, C>, FitError>
}

/**
 * Start `fit` in a child fiber and get a handle: `stop` interrupts it and returns the last
 * consistent state, `Fiber.join(run.fiber)` waits for the end.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * const program = Effect.gen(function* () {
 *   const run = yield* tg.startFit({ params: tg.tensor([3]), optimizer: tg.optim.sgd(0.01), loss: (p) => p.square().sum(), steps: 1_000_000, progress: false })
 *   yield* Effect.sleep("20 millis")
 *   return yield* run.stop // { stopped: "interrupted", steps: …, params: … }
 * })
 * Effect.runPromise(program).then((r) => console.log(r.stopped, r.steps))
 * @since 0.1.0
 * @category solvers
 */
export const startFit = <P, K extends StateKind, B = undefined, C = undefined>(
  o: FitOptions<P, K, B, C>,
): Effect.Effect<FitRun<P, StateOf<K, P>, C>> =>
  Effect.gen(function* () {
    let current: (() => FitResult<P, StateOf<K, P>, C>) | undefined
    const fiber = yield* Effect.forkChild(loop(o, (r) => (current = r)))
    const stop = Effect.gen(function* () {
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      if (Exit.isSuccess(exit)) return exit.value
      if (Cause.hasInterruptsOnly(exit.cause) && current !== undefined) return { ...current(), stopped: "interrupted" as const }
      return yield* Effect.failCause(exit.cause)
    })
    return { fiber, latest: Effect.sync(() => current!()), stop }
  })

/**
 * `fit` for Promise users: resolves with the result; on `signal` abort it resolves with the last
 * consistent state (`stopped: "interrupted"`); rejects with the typed error on failure.
 *
 * @example
 * import * as tg from "typegrad"
 * const r = await tg.fitPromise({ params: tg.tensor([1, 1]), optimizer: tg.optim.adam(0.1), loss: (p) => p.square().sum(), steps: 20, progress: false })
 * r.history.length // 20
 * @since 0.1.0
 * @category solvers
 */
export const fitPromise = async <P, K extends StateKind, B = undefined, C = undefined>(
  o: FitOptions<P, K, B, C>,
  options: { readonly signal?: AbortSignal } = {},
): Promise<FitResult<P, StateOf<K, P>, C>> => {
  let current: (() => FitResult<P, StateOf<K, P>, C>) | undefined
  const exit = await Effect.runPromiseExit(
    loop(o, (r) => (current = r)),
    options.signal === undefined ? undefined : { signal: options.signal },
  )
  if (Exit.isSuccess(exit)) return exit.value
  if (Cause.hasInterruptsOnly(exit.cause) && current !== undefined) return { ...current(), stopped: "interrupted" }
  throw Cause.squash(exit.cause)
}

/**
 * `fit` run synchronously, for CPU parameters (a WebGPU loss needs an async readback: use `fit`
 * or `fitPromise`). Throws the typed error on failure.
 *
 * @example
 * import * as tg from "typegrad"
 * const r = tg.fitSync({ params: { w: tg.tensor([2, -1]) }, optimizer: tg.optim.sgd(0.25), loss: (p) => p.w.square().sum(), steps: 10, progress: false })
 * r.params.w.toArraySync() // [2·0.5¹⁰, −0.5¹⁰]
 * @since 0.1.0
 * @category solvers
 */
export const fitSync = <P, K extends StateKind, B = undefined, C = undefined>(
  o: FitOptions<P, K, B, C>,
): FitResult<P, StateOf<K, P>, C> => {
  const exit = Effect.runSyncExit(loop(o, () => {}, true))
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
