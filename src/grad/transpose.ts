/**
 * Transposition of a linear jaxpr (the backward pass): walk the equations in reverse, hand each
 * linear primitive its output cotangents, and accumulate input cotangents. Equations that do not
 * touch a linear variable are evaluated forward first (they compute known coefficients).
 * Everything runs under the current interpreter, so the pullback can itself be differentiated.
 *
 * @since 0.1.0
 */
import { bind } from "../ops/core/interpreter.js"
import * as lax from "../ops/core/lax.js"
import { LinearIn, Zero, type Tangent } from "../ops/core/primitive.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import type { Eqn, Jaxpr, Var } from "./ir.js"
import { TransformError } from "../errors.js"

/** Zero-aware sum of two cotangents. */
export const addTangents = (a: Tangent, b: Tangent): Tangent => (a instanceof Zero ? b : b instanceof Zero ? a : lax.add(a, b))

/** Materialise a (possibly symbolic) zero. */
export const instantiate = (t: Tangent, like: AnyTensor): AnyTensor => (t instanceof Zero ? lax.zerosLike(t.aval, like) : t)

/**
 * Cotangents of `linear` inputs of `j` given cotangents of its outputs. `known` gives the values
 * of its other inputs (`j.consts` are known too).
 */
export const transposeJaxpr = (
  j: Jaxpr,
  linear: ReadonlyArray<boolean>,
  known: ReadonlyArray<AnyTensor | null>,
  cts: ReadonlyArray<Tangent>,
): Tangent[] => {
  const env = new Map<Var, AnyTensor>()
  const isLin = new Set<Var>()
  j.constVars.forEach((v, i) => env.set(v, j.consts[i]!))
  j.inVars.forEach((v, i) => (linear[i] ? isLin.add(v) : env.set(v, known[i]!)))
  const linEqns: Eqn[] = []
  for (const e of j.eqns) {
    if (e.inputs.some((v) => isLin.has(v))) {
      e.outs.forEach((v) => isLin.add(v))
      linEqns.push(e)
    } else {
      const outs = bind(
        e.prim,
        e.inputs.map((v) => env.get(v)!),
        e.params,
      )
      e.outs.forEach((v, i) => env.set(v, outs[i]!))
    }
  }
  const ct = new Map<Var, Tangent>()
  const accum = (v: Var, t: Tangent) => {
    if (!isLin.has(v)) return
    const prev = ct.get(v)
    ct.set(v, prev === undefined ? t : addTangents(prev, t))
  }
  j.outs.forEach((v, i) => accum(v, cts[i]!))
  for (let k = linEqns.length - 1; k >= 0; k--) {
    const e = linEqns[k]!
    const outCts = e.outs.map((v) => ct.get(v) ?? new Zero(v.aval))
    e.outs.forEach((v) => ct.delete(v))
    if (outCts.every((c) => c instanceof Zero)) continue
    const rule = e.prim.transpose as
      | ((c: ReadonlyArray<Tangent>, a: ReadonlyArray<AnyTensor | LinearIn>, p: unknown) => Array<Tangent | null>)
      | null
    if (rule === null)
      throw new TransformError({
        transform: "transpose",
        message: `transpose: ${e.prim.name} is not linear in its differentiated inputs (no transpose rule)`,
      })
    const args = e.inputs.map((v) => (isLin.has(v) ? new LinearIn(v.aval) : env.get(v)!))
    const inCts = rule(outCts, args, e.params)
    e.inputs.forEach((v, i) => {
      const c = inCts[i]
      if (c !== null && c !== undefined) accum(v, c)
    })
  }
  return j.inVars.map((v, i) => (linear[i] ? (ct.get(v) ?? new Zero(v.aval)) : new Zero(v.aval)))
}
