/**
 * `cond` (a differentiable, batchable two-way branch) and user-defined derivative rules:
 * `customJvp` (a forward rule; reverse mode comes from transposing it) and `customVjp` (a
 * forward pass saving residuals and a backward pass; reverse mode only).
 *
 * @since 0.1.0
 */
import { HostAccessError, InternalError, ShapeError, TransformError } from "../errors.js"
import { isFloat, numel } from "../ops/core/aval.js"
import { bind, currentInterpreter, evalInterpreter } from "../ops/core/interpreter.js"
import * as lax from "../ops/core/lax.js"
import { LinearIn, Zero, type Primitive, type Tangent } from "../ops/core/primitive.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import { evalJaxpr, Var, type Jaxpr } from "./ir.js"
import { jvpFlat } from "./jvp.js"
import { stageClosed } from "./staging.js"
import { instantiate, transposeJaxpr } from "./transpose.js"
import * as Tree from "./tree.js"
import { batchFlat, moveBatchAxis } from "./vmap.js"

type Flat = (xs: AnyTensor[]) => AnyTensor[]

export interface CondParams {
  /** [false branch, true branch], each (operands...) -> outs */
  readonly branches: readonly [Jaxpr, Jaxpr]
}
export interface CustomJvpParams {
  readonly body: Jaxpr
  readonly numConsts: number
  readonly rule: (primals: AnyTensor[], tangents: AnyTensor[]) => [AnyTensor[], AnyTensor[]]
}
export interface CustomVjpParams {
  readonly body: Jaxpr
  readonly numConsts: number
  readonly fwd: (primals: AnyTensor[]) => [AnyTensor[], unknown]
  readonly bwd: (residuals: unknown, cts: AnyTensor[]) => AnyTensor[]
}
export interface CustomLinParams {
  readonly residuals: unknown
  readonly bwd: (residuals: unknown, cts: AnyTensor[]) => AnyTensor[]
  readonly outAvals: ReadonlyArray<{ readonly shape: ReadonlyArray<number>; readonly dtype: AnyTensor["dtype"] }>
}

declare module "../ops/core/primitive.js" {
  interface ControlParams {
    cond: CondParams
    customJvpCall: CustomJvpParams
    customVjpCall: CustomVjpParams
    customLin: CustomLinParams
  }
}

const devs = (like: AnyTensor, n: number) => new Array(n).fill(like.device)
const readBool = (p: AnyTensor): boolean => {
  const read = p.device.backend.readSync
  if (read === undefined)
    throw new HostAccessError({
      op: "cond",
      device: p.device.name,
      message: `cond: the predicate lives on ${p.device.name}, which cannot be read synchronously; use where()`,
    })
  return read(p._impl as never, p.aval)[0] !== 0
}

/** Stage `f` on the operands' avals; returns a closed branch over (consts..., operands...). */
const stageBranch = (f: Flat, ops: ReadonlyArray<AnyTensor>, like: AnyTensor) =>
  stageClosed(
    "cond",
    f,
    ops.map((o) => o.aval),
    devs(like, ops.length),
  )

/** A branch pair with one signature: each ignores the other's constants. */
const pairBranches = (jf: Jaxpr, cf: AnyTensor[], jt: Jaxpr, ct: AnyTensor[]): readonly [Jaxpr, Jaxpr] => {
  const nf = cf.length,
    nt = ct.length
  return [
    { ...jf, inVars: [...jf.inVars.slice(0, nf), ...ct.map((c) => new Var(c.aval)), ...jf.inVars.slice(nf)] },
    { ...jt, inVars: [...cf.map((c) => new Var(c.aval)), ...jt.inVars.slice(0, nt), ...jt.inVars.slice(nt)] },
  ]
}

/** Both branches must return the same shapes and dtypes (checked in every mode: eager, jit, vmap, grad). */
const checkBranches = (f: Jaxpr, t: Jaxpr): void => {
  const fa = f.outs.map((v) => v.aval),
    ta = t.outs.map((v) => v.aval)
  if (fa.length !== ta.length || fa.some((a, i) => a.dtype !== ta[i]!.dtype || a.shape.join() !== ta[i]!.shape.join()))
    throw ShapeError.of(
      "cond",
      `branches return different types: ${fa.map((a) => `${a.dtype}[${a.shape.join(",")}]`).join(", ")} vs ${ta.map((a) => `${a.dtype}[${a.shape.join(",")}]`).join(", ")}`,
    )
}

const bindCond = (pred: AnyTensor, f: Flat, g: Flat, ops: ReadonlyArray<AnyTensor>, like: AnyTensor): AnyTensor[] => {
  const [jf, cf] = stageBranch(f, ops, like)
  const [jt, ct] = stageBranch(g, ops, like)
  checkBranches(jf, jt)
  return bind(condP, [pred, ...cf, ...ct, ...ops], { branches: pairBranches(jf, cf, jt, ct) })
}

export const condP: Primitive<"cond"> = {
  name: "cond",
  kind: "other",
  abstractEval: (_a, { branches: [f, t] }) => {
    checkBranches(f, t)
    return f.outs.map((v) => v.aval)
  },
  impl: ([p, ...ops], { branches }) => evalJaxpr(branches[readBool(p!) ? 1 : 0], ops),
  // d cond(p, f, g)(x) = cond(p, jvp f, jvp g)(x, dx): the primal outputs come from their own cond
  // of the primal operands, so under linearize they stay known values, not staged (linear) ones
  jvp: ([p, ...ops], [, ...ts], params) => {
    const { branches } = params
    const nz = ts.flatMap((t, i) => (t instanceof Zero ? [] : [i]))
    const outs = bind(condP, [p!, ...ops], params)
    const floats = outs.flatMap((o, i) => (isFloat(o.dtype) ? [i] : []))
    if (floats.length === 0) return [outs, outs.map((o) => new Zero(o.aval))]
    const jb =
      (b: Jaxpr): Flat =>
      (xs) => {
        const tIn: Tangent[] = ops.map((o, i) => (nz.includes(i) ? xs[ops.length + nz.indexOf(i)]! : new Zero(o.aval)))
        const [ys, touts] = jvpFlat("cond", (zs) => evalJaxpr(b, zs), xs.slice(0, ops.length), tIn)
        return floats.map((i) => instantiate(touts[i]!, ys[i]!))
      }
    const all = [...ops, ...nz.map((i) => ts[i] as AnyTensor)]
    const res = bindCond(p!, jb(branches[0]), jb(branches[1]), all, p!)
    return [outs, outs.map((o, i) => (floats.includes(i) ? res[floats.indexOf(i)]! : new Zero(o.aval)))]
  },
  // transpose each branch with respect to the linear operands
  transpose: (cts, [p, ...ops], { branches }) => {
    if (p instanceof LinearIn) throw new TransformError({ transform: "transpose", message: "cond: the predicate cannot be linear" })
    const pred = p as AnyTensor
    const linear = ops.map((o) => o instanceof LinearIn)
    const known = ops.filter((o) => !(o instanceof LinearIn)) as AnyTensor[]
    const cs = cts.map((c) => instantiate(c, pred))
    const tb =
      (b: Jaxpr): Flat =>
      (xs) => {
        let k = 0
        const kv = ops.map((o) => (o instanceof LinearIn ? null : xs[k++]!))
        const r = transposeJaxpr(b, linear, kv, xs.slice(known.length))
        return r.flatMap((c, i) => (linear[i] ? [instantiate(c, pred)] : []))
      }
    const res = bindCond(pred, tb(branches[0]), tb(branches[1]), [...known, ...cs], pred)
    let k = 0
    return [null, ...ops.map((o) => (o instanceof LinearIn ? res[k++]! : null))]
  },
  // a batched predicate computes both branches and selects; otherwise branch on batched values
  batch: ([p, ...ops], [pd, ...dims], { branches }) => {
    const bi = dims.findIndex((d) => d !== null)
    const B = pd !== null && pd !== undefined ? p!.shape[pd]! : ops[bi]!.shape[dims[bi]!]!
    const run = (b: Jaxpr) => (xs: AnyTensor[]) =>
      batchFlat("vmap", (ys) => evalJaxpr(b, ys), xs, dims, B).map(([v, d]) => moveBatchAxis(v, d, 0, B))
    if (pd === null || pd === undefined) {
      const res = bindCond(
        p!,
        (xs) => run(branches[0])(xs),
        (xs) => run(branches[1])(xs),
        ops,
        p!,
      )
      return [res, res.map(() => 0)]
    }
    const f = run(branches[0])(ops),
      t = run(branches[1])(ops)
    const pb = lax.moveAxis(p!, pd, 0)
    return [t.map((y, i) => lax.where(lax.reshape(pb, [B, ...new Array<number>(y.shape.length - 1).fill(1)]), y, f[i]!)), t.map(() => 0)]
  },
  domain: { kind: "custom" },
}

/**
 * `pred ? onTrue(...operands) : onFalse(...operands)` for a bool scalar `pred`: only one branch
 * runs; differentiable in every mode; under `vmap` with a batched predicate both branches run and
 * the results are selected.
 *
 * @example
 * import * as tg from "typegrad"
 * const x = tg.scalar(4)
 * tg.cond(x.gt(0), (v: tg.Tensor<[], "f32", "cpu">) => v.sqrt(), (v) => v.neg(), x) // 2
 * @since 0.1.0
 * @category control flow
 */
export const cond = <A extends ReadonlyArray<unknown>, R>(
  pred: AnyTensor | boolean,
  onTrue: (...ops: A) => R,
  onFalse: (...ops: A) => R,
  ...operands: A
): R => {
  if (typeof pred === "boolean") return (pred ? onTrue : onFalse)(...operands)
  if (pred.dtype !== "bool" || numel(pred.shape) !== 1)
    throw ShapeError.of("cond", `the predicate must be a bool scalar, got ${pred.dtype}[${pred.shape.join(", ")}]`, pred.shape)
  const [ops, def] = Tree.flatten(operands)
  const outDefs: Tree.TreeDef[] = []
  const flat =
    (g: (...a: A) => R): Flat =>
    (xs) => {
      const [o, d] = Tree.flatten(g(...Tree.unflatten<A>(def, xs)))
      outDefs.push(d)
      return o
    }
  const res = bindCond(lax.reshape(pred, []), flat(onFalse), flat(onTrue), ops, pred)
  if (JSON.stringify(outDefs[0]) !== JSON.stringify(outDefs[1]))
    throw ShapeError.of("cond", "branches return trees of different structure (records with other keys, or arrays of other lengths)")
  return Tree.unflatten<R>(outDefs[0]!, res)
}

// ------------------------------------------------------------------ custom derivatives

/** Stage the primal function of a custom rule: its closed body and captured constants. */
const stageCustom = (f: Flat, xs: ReadonlyArray<AnyTensor>) =>
  stageClosed(
    "custom",
    f,
    xs.map((x) => x.aval),
    devs(xs[0]!, xs.length),
  )

const batchBody = (body: Jaxpr, args: ReadonlyArray<AnyTensor>, dims: ReadonlyArray<number | null>) => {
  const i = dims.findIndex((d) => d !== null)
  const outs = batchFlat("vmap", (xs) => evalJaxpr(body, xs), args, dims, args[i]!.shape[dims[i]!]!)
  return [outs.map(([v]) => v), outs.map(([, d]) => d)] as const
}

/**
 * The batched form of a custom-rule call: operands with their batch axis at 0, the primal body
 * batched and staged. `null` when a closed-over constant is batched (the rule cannot see it):
 * then only the primal body is batched, and derivatives outside the vmap use the body's own.
 */
const batchCustom = (body: Jaxpr, args: ReadonlyArray<AnyTensor>, dims: ReadonlyArray<number | null>, numConsts: number) => {
  if (dims.slice(0, numConsts).some((d) => d !== null && d !== undefined)) return null
  const i = dims.findIndex((d) => d !== null && d !== undefined)
  const B = args[i]!.shape[dims[i]!]!
  const inner = dims.map((d) => (d === null || d === undefined ? null : 0))
  const ops = args.map((a, k) => (inner[k] === null ? a : lax.moveAxis(a, dims[k]!, 0)))
  const [bodyB, consts] = stageClosed(
    "vmap",
    (ins) => batchFlat("vmap", (xs) => evalJaxpr(body, xs), ins, inner, B).map(([v, d]) => moveBatchAxis(v, d, 0, B)),
    ops.map((o) => o.aval),
    devs(ops[0]!, ops.length),
  )
  return { ops, bodyB, consts, xDims: inner.slice(numConsts), B }
}

export const customJvpP: Primitive<"customJvpCall"> = {
  name: "customJvpCall",
  kind: "other",
  abstractEval: (_a, { body }) => body.outs.map((v) => v.aval),
  impl: (args, { body }) => evalJaxpr(body, args),
  jvp: (primals, tangents, { numConsts, rule }) => {
    const xs = primals.slice(numConsts)
    const [outs, touts] = rule(
      xs,
      tangents.slice(numConsts).map((t, i) => instantiate(t, xs[i]!)),
    )
    return [outs, touts]
  },
  transpose: () => {
    throw new InternalError({ message: "customJvpCall: not linear" })
  },
  // re-bind with the batched body and the batched rule, so a derivative taken outside the vmap
  // (grad(vmap(f))) still uses the rule
  batch: (args, dims, { body, numConsts, rule }) => {
    const b = batchCustom(body, args, dims, numConsts)
    if (b === null) return batchBody(body, args, dims) as never
    const { ops, bodyB, consts, xDims, B } = b
    const ruleB = (ps: AnyTensor[], ts: AnyTensor[]): [AnyTensor[], AnyTensor[]] => {
      const n = ps.length
      let nOut = 0
      const res = batchFlat(
        "vmap",
        (zs) => {
          const [o, to] = rule(zs.slice(0, n), zs.slice(n))
          nOut = o.length
          return [...o, ...to]
        },
        [...ps, ...ts],
        [...xDims, ...xDims],
        B,
      ).map(([v, d]) => moveBatchAxis(v, d, 0, B))
      return [res.slice(0, nOut), res.slice(nOut)]
    }
    const outs = bind(customJvpP, [...consts, ...ops], { body: bodyB, numConsts: consts.length + numConsts, rule: ruleB })
    return [outs, outs.map(() => 0)]
  },
  domain: { kind: "custom" },
}

export const customVjpP: Primitive<"customVjpCall"> = {
  name: "customVjpCall",
  kind: "other",
  abstractEval: (_a, { body }) => body.outs.map((v) => v.aval),
  impl: (args, { body }) => evalJaxpr(body, args),
  // the tangent map is an opaque linear primitive whose transpose is the user's backward pass
  jvp: (primals, tangents, { numConsts, fwd, bwd }) => {
    const xs = primals.slice(numConsts)
    const [outs, residuals] = fwd(xs)
    const ts = tangents.slice(numConsts).map((t, i) => instantiate(t, xs[i]!))
    const touts = bind(customLinP, ts, { residuals, bwd, outAvals: outs.map((o) => o.aval) })
    return [outs, touts]
  },
  transpose: () => {
    throw new InternalError({ message: "customVjpCall: not linear" })
  },
  // re-bind with the batched body and batched fwd/bwd, so grad(vmap(f)) still uses the rule; the
  // cotangent of an argument shared by every example is the sum over the batch
  batch: (args, dims, { body, numConsts, fwd, bwd }) => {
    const b = batchCustom(body, args, dims, numConsts)
    if (b === null) return batchBody(body, args, dims) as never
    const { ops, bodyB, consts, xDims, B } = b
    interface Saved {
      readonly flat: boolean
      readonly def: Tree.TreeDef | null
      readonly leaves: AnyTensor[]
      readonly dims: Array<number | null>
    }
    const fwdB = (ps: AnyTensor[]): [AnyTensor[], unknown] => {
      let nOut = 0,
        def: Tree.TreeDef | null = null
      const res = batchFlat(
        "vmap",
        (zs) => {
          const [o, r] = fwd(zs)
          nOut = o.length
          if (r === null || r === undefined) return o
          let flat: [AnyTensor[], Tree.TreeDef]
          try {
            flat = Tree.flatten(r)
          } catch {
            throw ShapeError.of("customVjp", "under vmap the residuals returned by fwd must be a tree of tensors (or null)")
          }
          def = flat[1]
          return [...o, ...flat[0]]
        },
        ps,
        xDims,
        B,
      )
      const outs = res.slice(0, nOut).map(([v, d]) => moveBatchAxis(v, d, 0, B))
      const saved: Saved = {
        flat: def !== null,
        def,
        leaves: res.slice(nOut).map(([v, d]) => (d === null ? v : lax.moveAxis(v, d, 0))),
        dims: res.slice(nOut).map(([, d]) => (d === null ? null : 0)),
      }
      return [outs, saved]
    }
    const bwdB = (saved: unknown, cts: AnyTensor[]): AnyTensor[] => {
      const sv = saved as Saved,
        nr = sv.leaves.length
      const gs = batchFlat(
        "vmap",
        (zs) => bwd(sv.flat ? Tree.unflatten(sv.def!, zs.slice(0, nr)) : null, zs.slice(nr)),
        [...sv.leaves, ...cts],
        [...sv.dims, ...cts.map(() => 0)],
        B,
      )
      return gs.map(([v, d], i) =>
        xDims[i] === null ? (d === null ? lax.mul(v, B) : lax.reduceSum(lax.moveAxis(v, d, 0), [0])) : moveBatchAxis(v, d, 0, B),
      )
    }
    const outs = bind(customVjpP, [...consts, ...ops], { body: bodyB, numConsts: consts.length + numConsts, fwd: fwdB, bwd: bwdB })
    return [outs, outs.map(() => 0)]
  },
  domain: { kind: "custom" },
}

const fwdOnly = () => {
  throw new TransformError({
    transform: "jvp",
    message:
      "customVjp: forward-mode differentiation (jvp, jacfwd, hessian) of a customVjp function is not supported; define the rule with customJvp instead",
  })
}
export const customLinP: Primitive<"customLin"> = {
  name: "customLin",
  kind: "other",
  abstractEval: (_a, { outAvals }) => outAvals.map((a) => ({ shape: [...a.shape], dtype: a.dtype })),
  impl: fwdOnly,
  jvp: fwdOnly,
  transpose: (cts, args, { residuals, bwd, outAvals }) => {
    const like =
      (args.find((a) => !(a instanceof LinearIn)) as AnyTensor | undefined) ??
      (cts.find((c) => !(c instanceof Zero)) as AnyTensor | undefined)
    if (like === undefined) return args.map((a) => (a instanceof LinearIn ? new Zero(a.aval) : null))
    const grads = bwd(
      residuals,
      cts.map((c, i) => (c instanceof Zero ? lax.zerosLike({ shape: outAvals[i]!.shape, dtype: outAvals[i]!.dtype }, like) : c)),
    )
    return args.map((a, i) => (a instanceof LinearIn ? grads[i]! : null))
  },
  batch: fwdOnly,
  domain: { kind: "custom" },
}

/** Flatten a tensor-tuple function for the custom primitives. */
const flatCall =
  <A extends ReadonlyArray<unknown>, R>(f: (...args: A) => R, def: Tree.TreeDef, out: { def?: Tree.TreeDef }): Flat =>
  (xs) => {
    const [o, d] = Tree.flatten(f(...Tree.unflatten<A>(def, xs)))
    out.def = d
    return o
  }

/**
 * Give `f` a hand-written forward-mode rule: `rule(primals, tangents) -> [outputs, output
 * tangents]`. Reverse mode transposes the rule, so it must be linear in the tangents (as every
 * derivative is). Values `f` closes over are treated as constants. Under `vmap` the rule is
 * batched too, so `grad(vmap(f))` uses it (unless `f` closes over a value mapped by that `vmap`:
 * then the batched body is differentiated as written).
 *
 * @example
 * import * as tg from "typegrad"
 * // log(1 + eˣ) with a stable derivative σ(x)
 * type S = tg.Tensor<[], "f32", "cpu">
 * const softplus = tg.customJvp((x: S) => x.exp().log1p(), ([x], [dx]) => [x.exp().log1p(), dx.mul(x.sigmoid())] as const)
 * tg.grad(softplus)(tg.scalar(0)).item() // 0.5
 * @since 0.1.0
 * @category transforms
 */
export const customJvp =
  <A extends ReadonlyArray<unknown>, R>(f: (...args: A) => R, rule: (primals: A, tangents: A) => readonly [R, R]): ((...args: A) => R) =>
  (...args) => {
    if (currentInterpreter() === evalInterpreter) return f(...args)
    const [xs, def] = Tree.flatten(args)
    const out: { def?: Tree.TreeDef } = {}
    const [body, consts] = stageCustom(flatCall(f, def, out), xs)
    const flatRule = (p: AnyTensor[], t: AnyTensor[]): [AnyTensor[], AnyTensor[]] => {
      const [y, dy] = rule(Tree.unflatten<A>(def, p), Tree.unflatten<A>(def, t))
      return [Tree.leaves(y), Tree.leaves(dy)]
    }
    return Tree.unflatten<R>(out.def!, bind(customJvpP, [...consts, ...xs], { body, numConsts: consts.length, rule: flatRule }))
  }

/**
 * Give `f` a hand-written reverse-mode rule: `fwd(...args) -> [outputs, residuals]` and
 * `bwd(residuals, outputCotangents) -> argument cotangents` (a tuple like the arguments).
 * Reverse mode only (grad, vjp, jacrev); values `f` closes over are treated as constants. Under
 * `vmap`, `fwd` and `bwd` are batched (residuals must then be a tree of tensors, or null), so
 * `grad(vmap(f))` uses them; an argument shared by every example gets the summed cotangent.
 *
 * @example
 * import * as tg from "typegrad"
 * // straight-through estimator: sign forward, identity backward
 * const ste = tg.customVjp((x: tg.Tensor<[3]>) => x.sign(), (x) => [x.sign(), null], (_r, g) => [g])
 * @since 0.1.0
 * @category transforms
 */
export const customVjp =
  <A extends ReadonlyArray<unknown>, R, Res>(
    f: (...args: A) => R,
    fwd: (...args: A) => readonly [R, Res],
    bwd: (residuals: Res, ct: R) => { readonly [K in keyof A]: A[K] },
  ): ((...args: A) => R) =>
  (...args) => {
    if (currentInterpreter() === evalInterpreter) return f(...args)
    const [xs, def] = Tree.flatten(args)
    const out: { def?: Tree.TreeDef } = {}
    const [body, consts] = stageCustom(flatCall(f, def, out), xs)
    const flatFwd = (p: AnyTensor[]): [AnyTensor[], unknown] => {
      const [y, res] = fwd(...Tree.unflatten<A>(def, p))
      return [Tree.leaves(y), res]
    }
    const flatBwd = (res: unknown, cts: AnyTensor[]): AnyTensor[] => Tree.leaves(bwd(res as Res, Tree.unflatten<R>(out.def!, cts)))
    return Tree.unflatten<R>(out.def!, bind(customVjpP, [...consts, ...xs], { body, numConsts: consts.length, fwd: flatFwd, bwd: flatBwd }))
  }
