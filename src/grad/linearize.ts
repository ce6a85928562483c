/**
 * `linearize`: JVP whose tangents are staged. Primal outputs are computed eagerly (by the
 * interpreter below); the tangent map is recorded as a linear jaxpr, later evaluated (`linearize`)
 * or transposed (`vjp`).
 *
 * @since 0.1.0
 */
import { isFloat } from "../ops/core/aval.js"
import { currentInterpreter, withInterpreter } from "../ops/core/interpreter.js"
import { Zero, type Tangent } from "../ops/core/primitive.js"
import type { AnyTensor } from "../ops/core/tensor.js"
import type { Jaxpr } from "./ir.js"
import { evalJaxpr } from "./ir.js"
import { jvpFlat } from "./jvp.js"
import { StagingInterpreter } from "./staging.js"
import { instantiate } from "./transpose.js"
import * as Tree from "./tree.js"
import type { FirstDevice, OnArgDevice } from "./typing.js"

/** A linearized function: primal outputs, the linear tangent jaxpr, and which inputs it is linear in. */
export interface Linearized {
  readonly outs: AnyTensor[]
  readonly jaxpr: Jaxpr
  /** false for non-float inputs (no tangent) */
  readonly linear: boolean[]
}

export const linearizeFlat = (transform: string, f: (xs: AnyTensor[]) => AnyTensor[], primals: ReadonlyArray<AnyTensor>): Linearized => {
  const parent = currentInterpreter()
  const S = new StagingInterpreter(transform, parent)
  try {
    const linear = primals.map((p) => isFloat(p.dtype))
    const tanIns = primals.map((p) => S.newArg(p.aval, p.device))
    const tangents: Tangent[] = primals.map((p, i) => (linear[i] ? tanIns[i]! : new Zero(p.aval)))
    const [outs, touts] = jvpFlat(transform, f, primals, tangents, S)
    const tanOuts = touts.map((t, i) => (t instanceof Zero ? withInterpreter(parent, () => instantiate(t, outs[i]!)) : t))
    return { outs, jaxpr: S.finish(tanIns, tanOuts), linear }
  } finally {
    S.active = false
  }
}

/**
 * Primal outputs and the linear map of tangents `t ↦ J·t`, evaluated from a staged jaxpr (so it
 * can be applied many times without re-running `f`).
 *
 * @example
 * import * as tg from "typegrad"
 * const [y, fLin] = tg.linearize((x) => x.sin(), tg.scalar(0))
 * fLin(tg.scalar(2)).item() // 2 (cos 0 · 2)
 * @since 0.1.0
 * @category transforms
 */
export const linearize = <A extends ReadonlyArray<unknown>, R>(
  f: (...args: A) => R,
  ...primals: A
): [OnArgDevice<R, FirstDevice<A>>, (...tangents: A) => OnArgDevice<R, FirstDevice<A>>] => {
  type Out = OnArgDevice<R, FirstDevice<A>>
  const [leaves, def] = Tree.flatten(primals)
  let outDef: Tree.TreeDef | undefined
  const lin = linearizeFlat(
    "linearize",
    (xs) => {
      const [outs, d] = Tree.flatten(f(...Tree.unflatten<A>(def, xs)))
      outDef = d
      return outs
    },
    leaves,
  )
  const apply = (...tangents: A): Out => Tree.unflatten<Out>(outDef!, evalJaxpr(lin.jaxpr, Tree.leaves(tangents)))
  return [Tree.unflatten<Out>(outDef!, lin.outs), apply]
}
