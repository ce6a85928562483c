/**
 * `checkGrads`: numerical verification of a function's derivatives, in f64 on the CPU — forward
 * mode against central finite differences, reverse mode against forward mode through the
 * dot-product identity `<J·t, c> = <t, Jᵀ·c>`, and (order 2) the same for the reverse-mode
 * derivative seen as a function of the arguments.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { jvp } from "../grad/jvp.js"
import * as Tree from "../grad/tree.js"
import { vjp } from "../grad/vjp.js"
import { isFloat } from "../ops/core/aval.js"
import { dataSync } from "../ops/api/host.js"
import * as lax from "../ops/core/lax.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { fromValues, uniformFrom } from "./arbitraries.js"

/**
 * Options of {@link checkGrads}: derivative order, modes, finite-difference step and tolerances.
 *
 * @example
 * import * as tg from "typegrad"
 * import { checkGrads, type CheckGradsOptions } from "typegrad/testing"
 * // f32 arithmetic: a larger step and looser tolerances than the f64 defaults
 * const f32: CheckGradsOptions = { modes: ["fwd"], eps: 1e-2, atol: 1e-2, rtol: 1e-2 }
 * checkGrads((x: tg.AnyTensor) => x.mul(x).sum(), [tg.tensor([0.5, -1.5])], f32)
 * @since 0.1.0
 * @category testing
 */
export interface CheckGradsOptions {
  /** 1: first derivatives; 2: also the derivatives of `x ↦ Jᵀ(x)·c` (of `x ↦ J(x)·t` with `modes: ["fwd"]`). Default 1. */
  readonly order?: 1 | 2
  /** `"fwd"`: JVP vs finite differences; `"rev"`: VJP by the dot-product identity against the JVP (or finite differences without `"fwd"`). Default both. */
  readonly modes?: ReadonlyArray<"fwd" | "rev">
  /** finite-difference step (default 1e-5) */
  readonly eps?: number
  /** absolute tolerance (default 1e-6) */
  readonly atol?: number
  /** relative tolerance (default 1e-5) */
  readonly rtol?: number
  /** seed of the random tangent and cotangent directions (default 0) */
  readonly seed?: number
}

/**
 * A derivative that disagrees with its reference. `argument` is the path of the argument leaf
 * (`args[0].w`), `where` the output element with the largest error.
 *
 * @example
 * import * as tg from "typegrad"
 * import { checkGrads, GradCheckError } from "typegrad/testing"
 * // a wrong derivative: d sin(x) claimed to be sin(x)
 * const bad = tg.customJvp((x: tg.Tensor<[3], "f64">) => x.sin(), ([x], [dx]) => [x.sin(), dx.mul(x.sin())] as const)
 * try { checkGrads((x: tg.Tensor<[3], "f64">) => bad(x).sum(), [tg.tensor(new Float64Array([0.1, 0.5, 1]), [3])]) }
 * catch (e) { if (e instanceof GradCheckError) console.log(e.argument, e.maxError) }
 * @since 0.1.0
 * @category testing
 */
export class GradCheckError extends Data.TaggedError("GradCheckError")<{
  readonly mode: "fwd" | "rev"
  readonly order: number
  readonly argument: string
  readonly maxError: number
  readonly where: string
  readonly message: string
}> {}

interface Tol {
  readonly eps: number
  readonly atol: number
  readonly rtol: number
}

/** Random (seeded) tangents or cotangents like `like`: uniform in [-1, 1), zeros for non-float dtypes. */
const directions = (seed: number) => {
  const next = uniformFrom(seed)
  return (like: AnyTensor): AnyTensor =>
    isFloat(like.dtype) ? fromValues(Array.from({ length: like.size }, next), like.shape, like.dtype) : lax.zerosLike(like)
}

const host = (x: AnyTensor): Float64Array => Float64Array.from(dataSync(x))

/** Paths of the leaves of `def` in canonical order: `args[0]`, `args[1].w`, … */
const leafPaths = (def: Tree.TreeDef, root: string): string[] => {
  switch (def.kind) {
    case "leaf":
      return [root]
    case "array":
      return def.children.flatMap((c, i) => leafPaths(c, `${root}[${i}]`))
    case "record":
    case "node":
      return def.children.flatMap((c, i) => leafPaths(c, `${root}.${def.keys[i]}`))
    case "static":
      return []
  }
}

const index = (flat: number, shape: ReadonlyArray<number>): string => {
  const idx: number[] = []
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]!)
    flat = Math.floor(flat / shape[d]!)
  }
  return `[${idx.join(", ")}]`
}

const fmt = (v: number) => ((Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) || v === 0 ? v.toPrecision(6) : v.toExponential(3))

/** Largest tolerance-relative error of `got` against `want` over all output leaves. */
const worst = (got: ReadonlyArray<Float64Array>, want: ReadonlyArray<Float64Array>, outs: ReadonlyArray<AnyTensor>, tol: Tol) => {
  let best = { ratio: 0, abs: 0, where: "", got: 0, want: 0 }
  got.forEach((g, o) =>
    g.forEach((v, k) => {
      const w = want[o]![k]!
      const abs = Number.isNaN(v) !== Number.isNaN(w) ? Infinity : Math.abs(v - w) || 0
      const ratio = abs / (tol.atol + tol.rtol * Math.abs(w))
      if (ratio > best.ratio)
        best = { ratio, abs, where: `output ${outs.length > 1 ? `${o} ` : ""}index ${index(k, outs[o]!.shape)}`, got: v, want: w }
    }),
  )
  return best
}

const dot = (a: ReadonlyArray<Float64Array>, b: ReadonlyArray<Float64Array>): [number, number] => {
  let s = 0,
    scale = 0
  a.forEach((x, o) => x.forEach((v, k) => ((s += v * b[o]![k]!), (scale += Math.abs(v * b[o]![k]!)))))
  return [s, scale]
}

const fail = (mode: "fwd" | "rev", order: number, argument: string, maxError: number, where: string, detail: string): never => {
  const what = mode === "fwd" ? "forward mode (JVP vs central finite differences)" : "reverse mode (VJP, <J·t, c> = <t, Jᵀ·c>)"
  const of = order === 1 ? "" : ` at order ${order} (the derivative of the derivative)`
  throw new GradCheckError({
    mode,
    order,
    argument,
    maxError,
    where,
    message: `checkGrads: ${what}${of} is wrong for ${argument}: max error ${fmt(maxError)} at ${where}; ${detail}`,
  })
}

type Flat = (xs: AnyTensor[]) => AnyTensor[]

interface Ctx {
  /** paths of the argument leaves */
  readonly names: ReadonlyArray<string>
  readonly modes: ReadonlyArray<"fwd" | "rev">
  readonly tol: Tol
  readonly maxOrder: number
}

const checkFlat = (f: Flat, xs: AnyTensor[], ctx: Ctx, seed: number, order: number): void => {
  const { names, modes, tol } = ctx
  const draw = directions(seed)
  const ys = f(xs)
  const floatOut = ys.map((y) => isFloat(y.dtype))
  const diff = xs.map((x) => isFloat(x.dtype))
  const ts = xs.map(draw)
  const zeros = xs.map((x) => lax.zerosLike(x))
  const only = (i: number) => xs.map((_, j) => (j === i ? ts[i]! : zeros[j]!))
  const tolText = `tolerance atol ${fmt(tol.atol)} + rtol ${fmt(tol.rtol)}·|expected|`

  // J·t_i by central differences along t_i (one argument at a time, so failures name it)
  const fd = (i: number): Float64Array[] => {
    const x = host(xs[i]!),
      t = host(ts[i]!)
    const at = (s: number) =>
      f(
        xs.map((v, j) =>
          j === i
            ? fromValues(
                x.map((xk, k) => xk + s * tol.eps * t[k]!),
                v.shape,
                v.dtype,
              )
            : v,
        ),
      )
    const up = at(1).map(host),
      dn = at(-1).map(host)
    return up.map((u, o) => (floatOut[o] ? u.map((v, k) => (v - dn[o]![k]!) / (2 * tol.eps)) : new Float64Array(u.length)))
  }
  const jvps: Array<Float64Array[] | undefined> = []
  if (modes.includes("fwd"))
    xs.forEach((_, i) => {
      if (!diff[i]) return
      const [, touts] = jvp((...a: AnyTensor[]) => f(a), xs, only(i))
      const got = touts.map(host),
        want = fd(i)
      jvps[i] = got
      const w = worst(got, want, ys, tol)
      if (w.ratio > 1) fail("fwd", order, names[i]!, w.abs, w.where, `jvp ${fmt(w.got)}, finite differences ${fmt(w.want)} (${tolText})`)
    })

  if (modes.includes("rev")) {
    const cs = ys.map(draw)
    const [, pullback] = vjp((...a: AnyTensor[]) => f(a), ...xs)
    const cts = pullback(cs).map(host)
    const c = cs.map(host)
    xs.forEach((_, i) => {
      if (!diff[i]) return
      const [lhs, s1] = dot(jvps[i] ?? fd(i), c)
      const [rhs, s2] = dot([host(ts[i]!)], [cts[i]!])
      const err = Math.abs(lhs - rhs)
      if (!(err <= tol.atol + tol.rtol * Math.max(s1, s2)))
        fail(
          "rev",
          order,
          names[i]!,
          err,
          "the dot product",
          `<J·t, c> = ${fmt(lhs)}, <t, Jᵀ·c> = ${fmt(rhs)} (${tolText} of the summed terms)`,
        )
    })
    if (order < ctx.maxOrder) {
      // the pullback at fixed cotangents, as a function of the arguments
      const g: Flat = (a) => vjp((...b: AnyTensor[]) => f(b), ...a)[1](cs).filter((_, i) => diff[i])
      checkFlat(g, xs, ctx, seed + 1, order + 1)
    }
  } else if (order < ctx.maxOrder) {
    // forward mode only: the JVP along fixed tangents, as a function of the arguments
    const g: Flat = (a) => jvp((...b: AnyTensor[]) => f(b), a, ts)[1]
    checkFlat(g, xs, ctx, seed + 1, order + 1)
  }
}

/**
 * Check the derivatives of `f` at `args` numerically; throws a {@link GradCheckError} naming the
 * argument, the largest error and where it occurs.
 *
 * `args` (and `f`'s result) are pytrees of tensors. Float arguments are converted to `f64` and
 * `f` runs on the CPU, so `f` must accept f64 tensors (build constants with the dtype of its
 * inputs). Tangent and cotangent directions are random (seeded) and the check runs one argument
 * at a time. Pick `args` away from kinks (`abs`, `relu` at 0) and poles, where finite
 * differences do not estimate the derivative.
 *
 * - `"fwd"`: `jvp(f)` along a random direction equals central finite differences.
 * - `"rev"`: `vjp(f)` satisfies `<J·t, c> = <t, Jᵀ·c>` against the JVP (or finite differences).
 * - `order: 2`: the same checks for `x ↦ Jᵀ(x)·c` (forward-over-reverse, reverse-over-reverse).
 *
 * @example
 * import * as tg from "typegrad"
 * import { checkGrads } from "typegrad/testing"
 * const f = (x: tg.AnyTensor, w: tg.AnyTensor) => tg.tanh(tg.matmul(x, w)).sum()
 * checkGrads(f, [tg.tensor([[0.1, 0.2]], { dtype: "f64" }), tg.tensor([[1], [-1]], { dtype: "f64" })], { order: 2 })
 * @since 0.1.0
 * @category testing
 */
export const checkGrads = <A extends ReadonlyArray<unknown>>(
  f: (...args: A) => unknown,
  args: A,
  options: CheckGradsOptions = {},
): void => {
  const [leaves, def] = Tree.flatten(args)
  const names = leafPaths(def, "args")
  const xs = leaves.map((x) => (isFloat(x.dtype) ? lax.cast(x, "f64") : x))
  const flat: Flat = (a) => Tree.leaves(f(...Tree.unflatten<A>(def, a)))
  const tol = { eps: options.eps ?? 1e-5, atol: options.atol ?? 1e-6, rtol: options.rtol ?? 1e-5 }
  checkFlat(flat, xs, { names, modes: options.modes ?? ["fwd", "rev"], tol, maxOrder: options.order ?? 1 }, options.seed ?? 0, 1)
}
