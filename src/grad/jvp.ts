/**
 * Forward mode: the JVP interpreter carries tagged dual numbers (primal, tangent). The tag is the
 * interpreter itself, so nested `jvp`s never confuse each other's perturbations. Tangents may be
 * the symbolic `Zero`: an operation whose inputs all have zero tangents runs on primals only.
 *
 * @since 0.1.0
 */
import { sameShape } from "../shape/index.js"
import { isFloat } from "../ops/core/aval.js"
import { bind, currentInterpreter, Interpreter, withInterpreter } from "../ops/core/interpreter.js"
import { Zero, type OpName, type ParamsOf, type Primitive, type Tangent } from "../ops/core/primitive.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/core/tensor.js"
import { InternalError, ShapeError } from "../errors.js"
import { instantiate } from "./transpose.js"
import * as Tree from "./tree.js"
import { checkFunction } from "../ops/core/check.js"
import type { FirstDevice, OnArgDevice } from "./typing.js"

/** A dual number of a JVP interpreter. */
export class JvpTracer extends Tracer {
  constructor(
    readonly interpreter: JvpInterpreter,
    readonly primal: AnyTensor,
    readonly tangent: AnyTensor,
  ) {
    super()
  }
}

export class JvpInterpreter extends Interpreter {
  /** A dual number; values with a zero tangent (or a non-float dtype) stay plain. */
  dual(primal: AnyTensor, tangent: Tangent): AnyTensor {
    if (tangent instanceof Zero || !isFloat(primal.dtype)) return primal
    if (!sameShape(primal.shape, tangent.shape) || primal.dtype !== tangent.dtype)
      throw new InternalError({ message: `${this.transform}: tangent ${tangent.toString()} does not match primal ${primal.toString()}` })
    return new Tensor(primal.aval, primal.device, new JvpTracer(this, primal, tangent))
  }

  /** (primal, tangent) of any value: constants have a zero tangent. */
  unpack(t: AnyTensor, op: string): readonly [AnyTensor, Tangent] {
    const tr = this.own(t, op) as JvpTracer | null
    return tr === null ? [t, new Zero(t.aval)] : [tr.primal, tr.tangent]
  }

  override process<P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[] {
    const primals: AnyTensor[] = []
    const tangents: Tangent[] = []
    let live = false
    for (const a of args) {
      const [p, t] = this.unpack(a, prim.name)
      primals.push(p)
      tangents.push(t)
      live ||= !(t instanceof Zero)
    }
    // zero in → zero out: only the primal computation remains
    if (!live) return withInterpreter(this.parent!, () => bind(prim, primals, params))
    const [outs, touts] = withInterpreter(this.parent!, () => prim.jvp(primals, tangents, params))
    return outs.map((y, i) => this.dual(y, touts[i]!))
  }
}

/** Push a JVP interpreter, run `f` on duals, and split its outputs into primals and tangents. */
export const jvpFlat = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  primals: ReadonlyArray<AnyTensor>,
  tangents: ReadonlyArray<Tangent>,
  parent: Interpreter = currentInterpreter(),
): [AnyTensor[], Tangent[]] => {
  const J = new JvpInterpreter(transform, parent)
  try {
    const outs = withInterpreter(J, () => f(primals.map((p, i) => J.dual(p, tangents[i]!))))
    const pairs = outs.map((o) => J.unpack(o, transform))
    return [pairs.map(([p]) => p), pairs.map(([, t]) => t)]
  } finally {
    J.active = false
  }
}

/**
 * Forward mode: outputs of `f` at `primals` and their directional derivative along `tangents`
 * (trees shaped like the arguments).
 *
 * @example
 * import * as tg from "typegrad"
 * const [y, dy] = tg.jvp((x) => x.sin(), [tg.scalar(0)], [tg.scalar(1)])
 * dy.item() // 1
 * @since 0.1.0
 * @category transforms
 */
export const jvp = <A extends ReadonlyArray<unknown> | readonly [], R>(
  f: (...args: A) => R,
  primals: A,
  tangents: NoInfer<A>,
): [OnArgDevice<R, FirstDevice<A>>, OnArgDevice<R, FirstDevice<A>>] => {
  checkFunction(f, "jvp")
  const [ps, def] = Tree.flatten(primals)
  const [ts, tdef] = Tree.flatten(tangents)
  if (!Tree.structureEquals(def, tdef))
    throw ShapeError.of("jvp", `tangents ${Tree.show(tdef)} are not structured like primals ${Tree.show(def)}`)
  ps.forEach((p, i) => {
    const t = ts[i]!
    if (!sameShape(p.shape, t.shape) || p.dtype !== t.dtype)
      throw ShapeError.of(
        "jvp",
        `tangent ${i} is ${t.dtype}[${t.shape.join(", ")}], its primal ${p.dtype}[${p.shape.join(", ")}]`,
        t.shape,
        p.shape,
      )
  })
  let outDef: Tree.TreeDef | undefined
  const [outs, touts] = jvpFlat(
    "jvp",
    (xs) => {
      const [o, d] = Tree.flatten(f(...Tree.unflatten<A>(def, xs)))
      outDef = d
      return o
    },
    ps,
    ts,
  )
  type Out = OnArgDevice<R, FirstDevice<A>>
  return [
    Tree.unflatten<Out>(outDef!, outs),
    Tree.unflatten<Out>(
      outDef!,
      touts.map((t, i) => instantiate(t, outs[i]!)),
    ),
  ]
}
