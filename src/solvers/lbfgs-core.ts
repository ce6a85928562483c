/**
 * L-BFGS on a flat f64 vector: the two-loop recursion over the last `history` curvature pairs and
 * a strong-Wolfe line search with cubic interpolation (Nocedal & Wright, algorithms 3.5, 3.6 and
 * 7.4). The iteration follows torch.optim.LBFGS: first step `lr · min(1, 1/‖g‖₁)`, then `lr`.
 *
 * @since 0.1.0
 */

/** The objective and its gradient at a point. */
export type ValueGrad = (x: Float64Array) => readonly [number, Float64Array]

export interface LbfgsCoreOptions {
  readonly lr: number
  readonly maxSteps: number
  readonly maxEvals: number
  readonly gtol: number
  readonly ftol: number
  readonly history: number
  readonly lineSearch: "strong-wolfe" | "none"
}

export interface LbfgsCoreResult {
  readonly x: Float64Array
  readonly value: number
  readonly grad: Float64Array
  readonly steps: number
  readonly evaluations: number
  readonly converged: boolean
  readonly message: string
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
const maxAbs = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
const axpy = (x: Float64Array, t: number, d: Float64Array): Float64Array => x.map((v, i) => v + t * d[i]!)

/** Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), kept in [lo, hi]; the midpoint when it has none. */
const cubicMin = (x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, lo: number, hi: number): number => {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2)
  const sq = d1 * d1 - g1 * g2
  if (sq >= 0) {
    const d2 = Math.sign(x2 - x1) * Math.sqrt(sq)
    const t = x2 - ((x2 - x1) * (g2 + d2 - d1)) / (g2 - g1 + 2 * d2)
    if (Number.isFinite(t)) return Math.min(Math.max(t, lo), hi)
  }
  return (lo + hi) / 2
}

interface Point {
  readonly t: number
  readonly f: number
  readonly g: Float64Array
  readonly gtd: number
}

/** A step length t along d with f(x + td) ≤ f + c₁ t gᵀd and |∇f(x + td)ᵀd| ≤ c₂ |gᵀd|. */
const strongWolfe = (
  fg: ValueGrad,
  x: Float64Array,
  d: Float64Array,
  t0: number,
  f0: number,
  g0: Float64Array,
  gtd0: number,
  budget: number,
): Point & { readonly evals: number } => {
  const c1 = 1e-4,
    c2 = 0.9,
    dmax = maxAbs(d)
  let evals = 0
  const at = (t: number): Point => {
    evals++
    const [f, g] = fg(axpy(x, t, d))
    return { t, f, g, gtd: dot(g, d) }
  }
  let prev: Point = { t: 0, f: f0, g: g0, gtd: gtd0 }
  let cur = at(t0)
  let lo: Point | undefined, hi: Point | undefined
  // bracketing phase
  for (let i = 0; evals < budget; i++) {
    if (cur.f > f0 + c1 * cur.t * gtd0 || (i > 0 && cur.f >= prev.f)) {
      ;[lo, hi] = [prev, cur]
      break
    }
    if (Math.abs(cur.gtd) <= -c2 * gtd0) return { ...cur, evals }
    if (cur.gtd >= 0) {
      ;[lo, hi] = [cur, prev]
      break
    }
    const next = cubicMin(prev.t, prev.f, prev.gtd, cur.t, cur.f, cur.gtd, cur.t + 0.01 * (cur.t - prev.t), cur.t * 10)
    prev = cur
    cur = at(next)
  }
  if (lo === undefined || hi === undefined) return { ...cur, evals }
  // zoom phase: shrink [lo, hi] keeping lo the best point satisfying sufficient decrease
  while (evals < budget && Math.abs(hi.t - lo.t) * dmax > 1e-12) {
    const a = Math.min(lo.t, hi.t),
      b = Math.max(lo.t, hi.t)
    let t = cubicMin(lo.t, lo.f, lo.gtd, hi.t, hi.f, hi.gtd, a, b)
    // safeguard: stay 10% away from the ends of the interval
    const eps = 0.1 * (b - a)
    if (t - a < eps || b - t < eps) t = (a + b) / 2
    const p = at(t)
    if (p.f > f0 + c1 * p.t * gtd0 || p.f >= lo.f) hi = p
    else {
      if (Math.abs(p.gtd) <= -c2 * gtd0) return { ...p, evals }
      if (p.gtd * (hi.t - lo.t) >= 0) hi = lo
      lo = p
    }
  }
  return { ...lo, evals }
}

/** Minimise from `x0`; see `LbfgsCoreOptions` for the stopping rules. */
export const lbfgsCore = (fg: ValueGrad, x0: Float64Array, o: LbfgsCoreOptions): LbfgsCoreResult => {
  let x: Float64Array = Float64Array.from(x0)
  let [f, g] = fg(x)
  let evals = 1
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rho: number[] = []
  let hDiag = 1
  let d: Float64Array = g.map((v) => -v)
  let steps = 0
  const done = (converged: boolean, message: string): LbfgsCoreResult => ({
    x,
    value: f,
    grad: g,
    steps,
    evaluations: evals,
    converged,
    message,
  })
  if (!Number.isFinite(f)) return done(false, `the objective is ${f} at the starting point`)
  if (maxAbs(g) <= o.gtol) return done(true, `converged: max |gradient| ≤ gtol (${o.gtol}) at the start`)
  while (steps < o.maxSteps) {
    if (steps > 0) {
      // two-loop recursion: d = −H g with H from the stored pairs, H₀ = (sᵀy / yᵀy) I
      const q = g.map((v) => -v)
      const alpha: number[] = []
      for (let i = S.length - 1; i >= 0; i--) {
        alpha[i] = rho[i]! * dot(S[i]!, q)
        for (let k = 0; k < q.length; k++) q[k] = q[k]! - alpha[i]! * Y[i]![k]!
      }
      for (let k = 0; k < q.length; k++) q[k] = q[k]! * hDiag
      for (let i = 0; i < S.length; i++) {
        const beta = rho[i]! * dot(Y[i]!, q)
        for (let k = 0; k < q.length; k++) q[k] = q[k]! + S[i]![k]! * (alpha[i]! - beta)
      }
      d = q
    }
    const gtd = dot(g, d)
    if (gtd >= 0) return done(false, `stopped: gᵀd = ${gtd.toExponential(3)} ≥ 0, not a descent direction`)
    if (gtd > -o.ftol) return done(true, `converged: the predicted decrease −gᵀd = ${(-gtd).toExponential(3)} ≤ ftol (${o.ftol})`)
    const t0 = steps === 0 ? Math.min(1, 1 / g.reduce((s, v) => s + Math.abs(v), 0)) * o.lr : o.lr
    const fPrev = f,
      gPrev = g
    let t: number
    if (o.lineSearch === "strong-wolfe") {
      const p = strongWolfe(fg, x, d, t0, f, g, gtd, o.maxEvals - evals)
      evals += p.evals
      ;({ t, f, g } = p)
    } else {
      t = t0
      ;[f, g] = fg(axpy(x, t, d))
      evals++
    }
    x = axpy(x, t, d)
    steps++
    // curvature pair from this step
    const s = d.map((v) => v * t),
      y = g.map((v, i) => v - gPrev[i]!)
    const ys = dot(y, s)
    if (ys > 1e-10) {
      if (S.length === o.history) S.shift(), Y.shift(), rho.shift()
      S.push(s), Y.push(y), rho.push(1 / ys)
      hDiag = ys / dot(y, y)
    }
    if (!Number.isFinite(f)) return done(false, `stopped: the objective became ${f}`)
    if (maxAbs(g) <= o.gtol) return done(true, `converged: max |gradient| ≤ gtol (${o.gtol})`)
    if (Math.abs(f - fPrev) <= o.ftol * Math.max(1, Math.abs(f)))
      return done(true, `converged: relative change of the objective ≤ ftol (${o.ftol})`)
    if (maxAbs(s) <= o.ftol) return done(true, `converged: step ≤ ftol (${o.ftol})`)
    if (evals >= o.maxEvals) return done(false, `stopped: ${evals} evaluations reached maxEvals (${o.maxEvals})`)
  }
  return done(false, `stopped: maxSteps (${o.maxSteps}) reached`)
}
