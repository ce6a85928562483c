/**
 * Progress output of the training loop: a live bar (cli-progress) with steps/s, ETA and the loss
 * when the stream is a terminal, plain periodic lines otherwise (CI logs, files, pipes). The
 * stream is injectable, which is also how the tests see both modes. The bar library is Node-only
 * (`#cli-progress` resolves to nothing in browser bundles), so browsers get plain lines on the console.
 *
 * @since 0.1.0
 */
import { SingleBar } from "#cli-progress"

/**
 * Where progress goes: anything with `write`; `isTTY: true` selects the live bar.
 *
 * @example
 * import * as tg from "typegrad"
 * const lines: string[] = []
 * const stream: tg.ProgressStream = { write: (s: string) => lines.push(s), isTTY: false }
 * @since 0.1.0
 * @category solvers
 */
export interface ProgressStream {
  readonly write: (chunk: string) => unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

/**
 * Progress settings of `fit`.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.ProgressOptions = { stream: process.stdout, every: 10, label: "facility" }
 * @since 0.1.0
 * @category solvers
 */
export interface ProgressOptions {
  /** default `process.stderr` (the console where there is no `process`) */
  readonly stream?: ProgressStream
  /** plain-line mode: print every `every` steps (default: about ten lines per run) */
  readonly every?: number
  /** a name printed before the bar or each line (default "fit") */
  readonly label?: string
}

/** What the loop tells its progress output. */
export interface Reporter {
  readonly update: (step: number, loss: number) => void
  readonly stop: () => void
}

const fmtLoss = (v: number): string => (Number.isFinite(v) ? v.toPrecision(6) : String(v))
const fmtEta = (s: number): string =>
  !Number.isFinite(s) ? "?" : s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${(s % 60).toFixed(0).padStart(2, "0")}s`

/** No output. */
export const silent: Reporter = { update: () => {}, stop: () => {} }

/** Node's standard error, or the console (one line per write) where there is no `process`. */
const defaultStream = (): ProgressStream =>
  (globalThis as { process?: { stderr: ProgressStream } }).process?.stderr ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) }

/** A reporter for a run of `total` steps. */
export const reporter = (total: number, o: ProgressOptions = {}): Reporter => {
  const stream = o.stream ?? defaultStream()
  const label = o.label ?? "fit"
  const t0 = performance.now()
  const rate = (step: number) => step / Math.max((performance.now() - t0) / 1000, 1e-9)
  if (stream.isTTY === true && SingleBar !== undefined) {
    const bar = new SingleBar({
      stream: stream as NodeJS.WritableStream,
      format: `${label} [{bar}] {value}/{total} | {speed} steps/s | ETA {eta_formatted} | loss {loss}`,
      barsize: 24,
      hideCursor: false,
      gracefulExit: false,
    })
    bar.start(total, 0, { speed: "0", loss: "-" })
    return {
      update: (step, loss) => bar.update(step, { speed: rate(step).toFixed(1), loss: fmtLoss(loss) }),
      stop: () => bar.stop(),
    }
  }
  const every = o.every ?? Math.max(1, Math.ceil(total / 10))
  let last = 0,
    current = 0,
    currentLoss = NaN
  const line = (step: number, loss: number) => {
    const r = rate(step)
    stream.write(`${label} step ${step}/${total}  loss ${fmtLoss(loss)}  ${r.toFixed(1)} steps/s  ETA ${fmtEta((total - step) / r)}\n`)
    last = step
  }
  return {
    update: (step, loss) => {
      ;[current, currentLoss] = [step, loss]
      if (step % every === 0 || step === total) line(step, loss)
    },
    // a run that ended early (stopped, interrupted) still reports where it ended
    stop: () => {
      if (current > last) line(current, currentLoss)
    },
  }
}
