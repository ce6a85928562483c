/**
 * Reverse mode: `vjp` = linearize, then transpose the linear jaxpr. `grad` and `valueAndGrad`
 * pull back a unit cotangent through a scalar function.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { isFloat } from "../ops/aval.js"
import * as lax from "../ops/lax.js"
import type { Tangent } from "../ops/primitive.js"
import type { AnyTensor, Tensor } from "../ops/tensor.js"
import type { Guard } from "../shape/index.js"
import { linearizeFlat } from "./linearize.js"
import { instantiate, transposeJaxpr } from "./transpose.js"
import * as Tree from "./tree.js"
import type { ArgnumsCheck, FirstDevice, LossCheck, OnDevice, Picked } from "./typing.js"

/** Flat vjp: outputs and the pullback from output cotangents to input cotangents. */
export const vjpFlat = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  primals: ReadonlyArray<AnyTensor>,
): [AnyTensor[], (cts: ReadonlyArray<Tangent>) => Tangent[]] => {
  const { outs, jaxpr, linear } = linearizeFlat(transform, f, primals)
  return [outs, (cts) => transposeJaxpr(jaxpr, linear, primals.map(() => null), cts)]
}

/**
 * Outputs of `f` and its pullback: cotangents of the outputs (a tree like the outputs) to
 * cotangents of every argument (a tuple like the arguments).
 *
 * @example
 * import * as tg from "typegrad"
 * const [y, pullback] = tg.vjp((x) => x.mul(x), tg.scalar(3))
 * pullback(tg.scalar(1))[0].item() // 6
 * @since 0.1.0
 * @category transforms
 */
export const vjp = <A extends ReadonlyArray<unknown>, R>(f: (...args: A) => R, ...primals: A): [OnDevice<R, FirstDevice<A>>, (ct: OnDevice<R, FirstDevice<A>>) => A] => {
  const [leaves, def] = Tree.flatten(primals)
  let outDef: Tree.TreeDef | undefined
  const [outs, pull] = vjpFlat("vjp", (xs) => {
    const [o, d] = Tree.flatten(f(...Tree.unflatten<A>(def, xs)))
    outDef = d
    return o
  }, leaves)
  const pullback = (ct: OnDevice<R, FirstDevice<A>>): A => {
    const [cts, ctDef] = Tree.flatten(ct)
    if (!Tree.structureEquals(ctDef, outDef!))
      throw ShapeError.of("vjp", `the cotangent's structure ${Tree.show(ctDef)} differs from the output's ${Tree.show(outDef!)}`)
    cts.forEach((c, i) => {
      const o = outs[i]!
      if (c.shape.length !== o.shape.length || c.shape.some((d: number, k: number) => d !== o.shape[k]))
        throw ShapeError.of("vjp", `cotangent ${i} has shape [${c.shape.join(", ")}], the output has [${o.shape.join(", ")}]`, c.shape, o.shape)
    })
    return Tree.unflatten<A>(def, pull(cts).map((c, i) => instantiate(c, leaves[i]!)))
  }
  return [Tree.unflatten<OnDevice<R, FirstDevice<A>>>(outDef!, outs), pullback]
}

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions<I> {
  /** which argument(s) to differentiate (default 0) */
  readonly argnums?: I
}

/** The loss type with the device kind of the first tensor found in the actual arguments (a declared `Tensor<[]>` loss is "any device"). */
type OnDeviceOf<R, B> = R extends Tensor<infer S, infer D, infer _V> ? Tensor<S, D, FirstDevice<B>> : R

const valueAndGradImpl = (transform: string, f: (...args: never) => AnyTensor, argnums: number | ReadonlyArray<number>) =>
  (...args: ReadonlyArray<unknown>): [AnyTensor, unknown] => {
    const nums = typeof argnums === "number" ? [argnums] : argnums
    nums.forEach((n) => {
      if (!Number.isInteger(n) || n < 0 || n >= args.length)
        throw ShapeError.of(transform, `argnums ${n} is out of range for ${args.length} argument(s)`)
    })
    const [leaves, def] = Tree.flatten(nums.map((n) => args[n]))
    const call = (xs: AnyTensor[]): AnyTensor[] => {
      const chosen = Tree.unflatten<unknown[]>(def, xs)
      const full = args.slice()
      nums.forEach((n, i) => (full[n] = chosen[i]))
      const y = (f as (...a: unknown[]) => AnyTensor)(...full)
      if (y.shape.length !== 0 || !isFloat(y.dtype))
        throw ShapeError.of(transform, `the function must return a float scalar (shape []), got ${y.dtype}[${y.shape.join(", ")}]; use vjp or jacrev for other outputs`, y.shape)
      return [y]
    }
    const [[y], pull] = vjpFlat(transform, call, leaves)
    const cts = pull([lax.scalar(1, y!)]).map((c, i) => instantiate(c, leaves[i]!))
    const grads = Tree.unflatten<unknown[]>(def, cts)
    return [y!, typeof argnums === "number" ? grads[0] : grads]
  }

/**
 * The gradient of a scalar-valued function, shaped like the differentiated argument(s).
 * `grad(loss)(params)` has exactly the type of `params`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.grad((x) => x.mul(x))(tg.scalar(3)).item() // 6
 * tg.grad((w, b) => w.mul(b).sum(), { argnums: [0, 1] })(w, b) // [dw, db]
 * @since 0.1.0
 * @category transforms
 */
export function grad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
): <B extends A>(...args: B) => B[0]
export function grad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor, const I extends number | ReadonlyArray<number> = 0>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
  options: GradOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => Picked<B, I>
export function grad<A extends ReadonlyArray<unknown>>(f: (...args: A) => AnyTensor, options?: GradOptions<number | ReadonlyArray<number>>) {
  const g = valueAndGradImpl("grad", f, options?.argnums ?? 0)
  return (...args: A) => g(...args)[1]
}

/**
 * The value and the gradient of a scalar-valued function in one pass.
 *
 * @example
 * import * as tg from "typegrad"
 * const [loss, g] = tg.valueAndGrad((p) => p.mul(p).sum())(params)
 * @since 0.1.0
 * @category transforms
 */
export function valueAndGrad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
): <B extends A>(...args: B) => [OnDeviceOf<R, B>, B[0]]
export function valueAndGrad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor, const I extends number | ReadonlyArray<number> = 0>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
  options: GradOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => [OnDeviceOf<R, B>, Picked<B, I>]
export function valueAndGrad<A extends ReadonlyArray<unknown>>(f: (...args: A) => AnyTensor, options?: GradOptions<number | ReadonlyArray<number>>) {
  return valueAndGradImpl("grad", f, options?.argnums ?? 0)
}
