/**
 * `minimize(f, x0, { method })` for scalar objectives over pytrees of CPU tensors, with a
 * SciPy-like result, and `lbfgs` itself. Gradient methods (gd, adam) run jitted optimizer steps;
 * L-BFGS runs on the flattened parameters in f64 on the host, calling a jitted value-and-grad.
 *
 * @since 0.1.0
 */
import { DeviceMismatch, NonScalarObjective } from "../errors.js"
import { jit, Tree, valueAndGrad } from "../grad/index.js"
import { tensor, type AnyTensor, type Tensor } from "../ops/index.js"
import { lbfgsCore } from "./lbfgs-core.js"
import { adam, sgd } from "./optimizers.js"
import { applyUpdates, type GradientTransformation, type StateKind } from "./transform.js"
import { requireOption } from "./trees.js"

/**
 * A scalar objective over a parameter tree.
 *
 * @example
 * import * as tg from "typegrad"
 * const f: tg.Objective<tg.Tensor<[2], "f64">> = (x) => x.square().sum()
 * @since 0.1.0
 * @category solvers
 */
// biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
export type Objective<P> = (x: P) => Tensor<[], any, any>

/**
 * The result of `minimize` / `lbfgs`, in SciPy's terms.
 *
 * @example
 * import * as tg from "typegrad"
 * const r: tg.MinimizeResult<tg.Tensor<[1], "f64">> = tg.minimize((x: tg.Tensor<[1], "f64">) => x.sub(3).square().sum(), tg.tensor([0], { dtype: "f64" }))
 * r.converged // true; r.x ≈ [3]
 * @since 0.1.0
 * @category solvers
 */
export interface MinimizeResult<P> {
  /** the point reached */
  readonly x: P
  /** the objective there */
  readonly value: number
  /** iterations (optimizer steps, or L-BFGS iterations) */
  readonly steps: number
  /** objective evaluations (each with its gradient) */
  readonly evaluations: number
  /** max |gradient| at `x` */
  readonly gradNorm: number
  /** whether a convergence test passed (rather than a step or evaluation limit) */
  readonly converged: boolean
  /** why it stopped */
  readonly message: string
}

/**
 * Options of `lbfgs` (torch.optim.LBFGS's, plus `gtol`/`ftol` as SciPy names them).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.LbfgsOptions = { history: 10, lineSearch: "strong-wolfe", gtol: 1e-9 }
 * @since 0.1.0
 * @category solvers
 */
export interface LbfgsOptions {
  /** step length scale (torch `lr`, default 1) */
  readonly lr?: number
  /** iterations (torch `max_iter`, default 100) */
  readonly maxSteps?: number
  /** evaluations (torch `max_eval`, default 1.25 · maxSteps) */
  readonly maxEvals?: number
  /** stop when max |g| ≤ gtol (torch `tolerance_grad`, default 1e-7) */
  readonly gtol?: number
  /** stop when the objective or the step changes by less (torch `tolerance_change`, default 1e-9) */
  readonly ftol?: number
  /** curvature pairs kept (torch `history_size`, default 100) */
  readonly history?: number
  /** default "strong-wolfe" (torch's default is none) */
  readonly lineSearch?: "strong-wolfe" | "none"
}

/**
 * Options of `minimize`: the method and its settings.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.MinimizeOptions = { method: "adam", lr: 0.05, maxSteps: 2000, gtol: 1e-4 }
 * @since 0.1.0
 * @category solvers
 */
export interface MinimizeOptions extends LbfgsOptions {
  /** "lbfgs" (default), "gd" (plain gradient descent; default lr 0.1) or "adam" (default lr 0.01) */
  readonly method?: "gd" | "adam" | "lbfgs"
  /** stage the objective's value-and-gradient (and the step) with `jit` (default true) */
  readonly jit?: boolean
}

/** The objective's value at `x`, checked to be a scalar. */
const checkScalar = (op: string, y: unknown): AnyTensor => {
  const t = y as AnyTensor
  if (t?.shape === undefined || t.shape.length !== 0) {
    const shape = t?.shape ?? []
    throw new NonScalarObjective({
      op,
      shape: [...shape],
      message: `${op}: the objective returned a tensor of shape [${shape.join(", ")}], expected a scalar (shape []); reduce it, e.g. with .sum() or .mean()`,
    })
  }
  return t
}

/** The solvers read values synchronously: every leaf must be on a device with host access (the CPU). */
const checkHost = (op: string, x0: unknown): void => {
  const far = Tree.leaves(x0).filter((l) => l.device.backend.readSync === undefined)
  if (far.length > 0) {
    const devices = [...new Set(far.map((l) => l.device.name))]
    throw new DeviceMismatch({
      op,
      devices,
      message: `${op}: x0 has leaves on ${devices.join(", ")}, expected CPU tensors (the solver reads values every step); move them with tg.to(x, tg.cpu), or train on the device with fit`,
    })
  }
}

const maxAbsTree = (g: unknown): number =>
  Tree.leaves(g).reduce((m, l) => Math.max(m, ...Array.from(l.dataSync() as ArrayLike<number>, Math.abs)), 0)

/**
 * Minimise `f` with L-BFGS (two-loop recursion, optional strong-Wolfe line search) for
 * full-batch problems; the parameters are flattened to one f64 vector on the host.
 *
 * @example
 * import * as tg from "typegrad"
 * const rosenbrock = (p: tg.Tensor<[2], "f64">) => {
 *   const [x, y] = [p.slice("0"), p.slice("1")]
 *   return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100))
 * }
 * const r = tg.optim.lbfgs(rosenbrock, tg.tensor([-1.5, 2], { dtype: "f64" }))
 * r.x.toArraySync() // ≈ [1, 1]
 * @since 0.1.0
 * @category solvers
 */
export const lbfgs = <P>(f: Objective<P>, x0: P, o: LbfgsOptions & { readonly jit?: boolean } = {}): MinimizeResult<P> => {
  const op = "lbfgs"
  const lr = o.lr ?? 1,
    maxSteps = o.maxSteps ?? 100,
    gtol = o.gtol ?? 1e-7,
    ftol = o.ftol ?? 1e-9,
    history = o.history ?? 100
  requireOption(op, "lr", lr, lr > 0 && Number.isFinite(lr), "a finite number > 0")
  requireOption(op, "maxSteps", maxSteps, Number.isInteger(maxSteps) && maxSteps > 0, "a positive integer")
  requireOption(op, "history", history, Number.isInteger(history) && history > 0, "a positive integer")
  const [leaves, def] = Tree.flatten(x0)
  checkHost(op, x0)
  checkScalar(op, f(x0))
  const sizes = leaves.map((l) => l.size)
  const build = (v: Float64Array): P => {
    let off = 0
    return Tree.unflatten<P>(
      def,
      leaves.map((l, i) => {
        const part = v.subarray(off, (off += sizes[i]!))
        return tensor(part, l.shape, { dtype: l.dtype, device: l.device }) as AnyTensor
      }),
    )
  }
  const flat = (ls: ReadonlyArray<AnyTensor>): Float64Array => {
    const out = new Float64Array(sizes.reduce((a, b) => a + b, 0))
    let off = 0
    ls.forEach((l) => (out.set(l.dataSync() as ArrayLike<number>, off), (off += l.size)))
    return out
  }
  const vgRaw = valueAndGrad((x: P) => f(x) as Tensor<[]>)
  const vg = o.jit === false ? vgRaw : jit(vgRaw)
  const r = lbfgsCore(
    (v) => {
      const [val, g] = vg(build(v))
      return [(val as AnyTensor).item() as number, flat(Tree.leaves(g))]
    },
    flat(leaves),
    { lr, maxSteps, maxEvals: o.maxEvals ?? Math.ceil(maxSteps * 1.25), gtol, ftol, history, lineSearch: o.lineSearch ?? "strong-wolfe" },
  )
  return {
    x: build(r.x),
    value: r.value,
    steps: r.steps,
    evaluations: r.evaluations,
    gradNorm: r.grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
    converged: r.converged,
    message: r.message,
  }
}

/**
 * Minimise a scalar objective over a pytree of CPU tensors, SciPy style: `method` "lbfgs"
 * (default), "gd" or "adam"; the result says where it ended, the value, the steps and why it stopped.
 * Gradient methods stop when max |g| ≤ `gtol` (default 1e-5) or after `maxSteps` (default 1000).
 *
 * @example
 * import * as tg from "typegrad"
 * // ½ xᵀAx − bᵀx with A = [[3, 1], [1, 2]], b = [1, 1]: minimum at A⁻¹b = [0.2, 0.4]
 * const A = tg.tensor([[3, 1], [1, 2]], { dtype: "f64" }), b = tg.tensor([1, 1], { dtype: "f64" })
 * const f = (x: tg.Tensor<[2], "f64">) => x.dot(A.matmul(x)).mul(0.5).sub(b.dot(x))
 * const r = tg.minimize(f, tg.zeros([2], { dtype: "f64" }))
 * r.x.toArraySync() // ≈ [0.2, 0.4]
 * const slow = tg.minimize(f, tg.zeros([2], { dtype: "f64" }), { method: "gd", lr: 0.2 })
 * @since 0.1.0
 * @category solvers
 */
export const minimize = <P>(f: Objective<P>, x0: P, o: MinimizeOptions = {}): MinimizeResult<P> => {
  const method = o.method ?? "lbfgs"
  if (method === "lbfgs") return lbfgs(f, x0, o)
  const op = `minimize(${method})`
  const maxSteps = o.maxSteps ?? 1000,
    gtol = o.gtol ?? 1e-5,
    lr = o.lr ?? (method === "adam" ? 0.01 : 0.1)
  requireOption(op, "maxSteps", maxSteps, Number.isInteger(maxSteps) && maxSteps > 0, "a positive integer")
  checkHost(op, x0)
  checkScalar(op, f(x0))
  const opt: GradientTransformation<StateKind> = method === "adam" ? adam(lr) : sgd(lr)
  type S = unknown
  // one step: value and gradient at x, then the update; the gradient norm is tested before moving
  const stepRaw = (x: P, s: S) => {
    const [v, g] = valueAndGrad((p: P) => f(p) as Tensor<[]>)(x)
    const [u, s2] = opt.update(g, s, x)
    return [applyUpdates(x, u), s2, v, g] as const
  }
  const step = o.jit === false ? stepRaw : jit(stepRaw)
  let x = x0,
    s: S = opt.init(x0),
    value = NaN,
    gradNorm = NaN
  for (let k = 0; k < maxSteps; k++) {
    const [x2, s2, v, g] = step(x, s)
    value = (v as AnyTensor).item() as number
    gradNorm = maxAbsTree(g)
    if (!Number.isFinite(value))
      return { x, value, steps: k, evaluations: k + 1, gradNorm, converged: false, message: `stopped: the objective became ${value}` }
    if (gradNorm <= gtol)
      return { x, value, steps: k, evaluations: k + 1, gradNorm, converged: true, message: `converged: max |gradient| ≤ gtol (${gtol})` }
    ;[x, s] = [x2 as P, s2 as S]
  }
  const [v, g] = valueAndGrad((p: P) => f(p) as Tensor<[]>)(x)
  return {
    x,
    value: (v as AnyTensor).item() as number,
    steps: maxSteps,
    evaluations: maxSteps + 1,
    gradNorm: maxAbsTree(g),
    converged: false,
    message: `stopped: maxSteps (${maxSteps}) reached`,
  }
}
