/**
 * Reverse mode: `vjp` = linearize, then transpose the linear jaxpr. `grad` and `valueAndGrad`
 * pull back a unit cotangent through a scalar function.
 *
 * @since 0.1.0
 */
import { DeviceMismatch, DTypeError, ShapeError } from "../errors.js"
import { isFloat } from "../ops/core/aval.js"
import { checkFunction, checkOptions } from "../ops/core/check.js"
import * as lax from "../ops/core/lax.js"
import { Zero, type Tangent } from "../ops/core/primitive.js"
import { Tensor, type AnyTensor } from "../ops/core/tensor.js"
import type { DeviceKind, Guard } from "../shape/index.js"
import { linearizeFlat } from "./linearize.js"
import { instantiate, transposeJaxpr } from "./transpose.js"
import * as Tree from "./tree.js"
import type { ArgnumsCheck, FirstDevice, FollowDevice, LossCheck, OnArgDevice, Picked } from "./typing.js"

/** Flat vjp: outputs and the pullback from output cotangents to input cotangents. */
export const vjpFlat = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  primals: ReadonlyArray<AnyTensor>,
): [AnyTensor[], (cts: ReadonlyArray<Tangent>) => Tangent[]] => {
  const { outs, jaxpr, linear } = linearizeFlat(transform, f, primals)
  return [
    outs,
    (cts) =>
      transposeJaxpr(
        jaxpr,
        linear,
        primals.map(() => null),
        cts,
      ),
  ]
}

/**
 * Options of `vjp` with an auxiliary output: pass `{ hasAux: true }` before the primals.
 *
 * @example
 * import * as tg from "typegrad"
 * const opts: tg.VjpAuxOptions = { hasAux: true }
 * const [y, pullback, aux] = tg.vjp((x: tg.Tensor<[2], "f32", "cpu">) => [x.exp(), x.sum()] as const, opts, tg.tensor([0, 1]))
 * @since 0.1.0
 * @category transforms
 */
export interface VjpAuxOptions {
  /** `f` returns `[output, aux]`: `aux` is returned as is and not differentiated */
  readonly hasAux: true
}

/** `[output, aux]` of a `hasAux` function, checked: the pair must be a two-element array. */
const splitAux = (transform: string, r: unknown): readonly [unknown, unknown] => {
  if (!Array.isArray(r) || r.length !== 2) throw ShapeError.of(transform, "with hasAux the function must return a pair [output, aux]")
  return [r[0], r[1]]
}

const vjpImpl = (f: (...args: never) => unknown, primals: ReadonlyArray<unknown>, hasAux: boolean): unknown[] => {
  const [leaves, def] = Tree.flatten(primals)
  let outDef: Tree.TreeDef | undefined,
    auxDef: Tree.TreeDef | undefined,
    nOut = 0
  const [all, pull] = vjpFlat(
    "vjp",
    (xs) => {
      const r = (f as (...a: unknown[]) => unknown)(...Tree.unflatten<unknown[]>(def, xs))
      const [out, aux] = hasAux ? splitAux("vjp", r) : [r, []]
      const [o, d] = Tree.flatten(out)
      const [a, ad] = Tree.flatten(aux)
      outDef = d
      auxDef = ad
      nOut = o.length
      return [...o, ...a]
    },
    leaves,
  )
  const outs = all.slice(0, nOut),
    auxL = all.slice(nOut)
  const pullback = (ct: unknown): unknown => {
    const [cts, ctDef] = Tree.flatten(ct)
    if (!Tree.structureEquals(ctDef, outDef!))
      throw ShapeError.of("vjp", `the cotangent's structure ${Tree.show(ctDef)} differs from the output's ${Tree.show(outDef!)}`)
    cts.forEach((c, i) => {
      const o = outs[i]!
      if (c.shape.length !== o.shape.length || c.shape.some((d: number, k: number) => d !== o.shape[k]))
        throw ShapeError.of(
          "vjp",
          `cotangent ${i} has shape [${c.shape.join(", ")}], the output has [${o.shape.join(", ")}]`,
          c.shape,
          o.shape,
        )
      // the transposed program computes in the output's dtype: another one would fail deep inside it, under a primitive's name
      if (c.dtype !== o.dtype)
        throw new DTypeError({
          op: "vjp",
          dtypes: [c.dtype, o.dtype],
          message: `vjp: cotangent ${i} has dtype ${c.dtype}, the output has ${o.dtype}; cast the cotangent first`,
        })
      if (c.device !== o.device)
        throw new DeviceMismatch({
          op: "vjp",
          devices: [c.device.name, o.device.name],
          message: `vjp: cotangent ${i} lives on ${c.device.name}, the output on ${o.device.name}; move it with to(x, device) first`,
        })
    })
    return Tree.unflatten(
      def,
      pull([...cts, ...auxL.map((a) => new Zero(a.aval))]).map((c, i) => instantiate(c, leaves[i]!)),
    )
  }
  const res: unknown[] = [Tree.unflatten(outDef!, outs), pullback]
  if (hasAux) res.push(Tree.unflatten(auxDef!, auxL))
  return res
}

/**
 * Outputs of `f` and its pullback: cotangents of the outputs (a tree like the outputs) to
 * cotangents of every argument (a tuple like the arguments). With `{ hasAux: true }` as the
 * second argument, `f` returns `[output, aux]`; the result is `[output, pullback, aux]`, with
 * `aux` not differentiated.
 *
 * @example
 * import * as tg from "typegrad"
 * const [y, pullback] = tg.vjp((x: tg.Tensor<[], "f32", "cpu">) => x.mul(x), tg.scalar(3))
 * pullback(tg.scalar(1))[0].item() // 6
 * const [z, pb, aux] = tg.vjp((x: tg.Tensor<[], "f32", "cpu">) => [x.sin(), x.cos()] as const, { hasAux: true }, tg.scalar(0))
 * aux.item() // 1
 * @since 0.1.0
 * @category transforms
 */
export function vjp<A extends ReadonlyArray<unknown>, R, X>(
  f: (...args: A) => readonly [R, X],
  options: VjpAuxOptions,
  ...primals: A
): [OnArgDevice<R, FirstDevice<A>>, (ct: OnArgDevice<R, FirstDevice<A>>) => A, OnArgDevice<X, FirstDevice<A>>]
export function vjp<A extends ReadonlyArray<unknown>, R>(
  f: (...args: A) => R,
  ...primals: A
): [OnArgDevice<R, FirstDevice<A>>, (ct: OnArgDevice<R, FirstDevice<A>>) => A]
export function vjp(f: (...args: never) => unknown, ...rest: unknown[]): unknown {
  checkFunction(f, "vjp")
  const first = rest[0]
  const aux =
    typeof first === "object" &&
    first !== null &&
    !Array.isArray(first) &&
    Object.getPrototypeOf(first) === Object.prototype &&
    (first as { hasAux?: unknown }).hasAux === true
  return aux ? vjpImpl(f, rest.slice(1), true) : vjpImpl(f, rest, false)
}

/**
 * Options of `grad` and `valueAndGrad`: `argnums` picks the differentiated argument(s).
 *
 * @example
 * import * as tg from "typegrad"
 * const opts = { argnums: 1 } as const satisfies tg.GradOptions<1>
 * tg.grad((a: tg.Tensor<[]>, b: tg.Tensor<[]>) => a.mul(b), opts)(tg.scalar(2), tg.scalar(3)).item() // 2
 * @since 0.1.0
 * @category transforms
 */
export interface GradOptions<I> {
  /** which argument(s) to differentiate (default 0) */
  readonly argnums?: I
  /** `true`: `f` returns `[loss, aux]` (see `GradAuxOptions`) */
  readonly hasAux?: false
}

/**
 * Options of `grad` and `valueAndGrad` for a function that returns `[loss, aux]`: `aux` (any
 * tree of tensors: metrics, predictions, new state) is returned unchanged and not differentiated.
 *
 * @example
 * import * as tg from "typegrad"
 * const opts = { hasAux: true } as const satisfies tg.GradAuxOptions<0>
 * const [g, pred] = tg.grad((w: tg.Tensor<[2], "f32", "cpu">) => [w.square().sum(), w.mul(3)] as const, opts)(tg.tensor([1, 2])) // [2, 4], [3, 6]
 * @since 0.1.0
 * @category transforms
 */
export interface GradAuxOptions<I> {
  /** which argument(s) to differentiate (default 0) */
  readonly argnums?: I
  readonly hasAux: true
}

/**
 * The loss type on its own device when the function's type names one (e.g. computed from a
 * `"cpu"` input), else with the device kind of the first tensor found in the actual arguments (a
 * declared `Tensor<[]>` loss is "any device").
 */
type OnDeviceOf<R, B> = R extends Tensor<infer S, infer D, infer V0 extends DeviceKind> ? Tensor<S, D, FollowDevice<V0, FirstDevice<B>>> : R

const valueAndGradImpl =
  (transform: string, f: (...args: never) => unknown, argnums: number | ReadonlyArray<number>, hasAux: boolean) =>
  (...args: ReadonlyArray<unknown>): [AnyTensor, unknown, unknown] => {
    const nums = typeof argnums === "number" ? [argnums] : argnums
    nums.forEach((n) => {
      if (!Number.isInteger(n) || n < 0 || n >= args.length)
        throw ShapeError.of(transform, `argnums ${n} is out of range for ${args.length} argument(s)`)
    })
    const [leaves, def] = Tree.flatten(nums.map((n) => args[n]))
    leaves.forEach((x, i) => {
      // as JAX: a derivative with respect to integers or booleans is not defined
      if (!isFloat(x.dtype))
        throw new DTypeError({
          op: transform,
          dtypes: [x.dtype],
          message: `${transform}: differentiated input ${i} is ${x.dtype}; gradients need float inputs (cast it, or move it out of argnums)`,
        })
    })
    let auxDef: Tree.TreeDef | undefined
    const call = (xs: AnyTensor[]): AnyTensor[] => {
      const chosen = Tree.unflatten<unknown[]>(def, xs)
      const full = args.slice()
      nums.forEach((n, i) => (full[n] = chosen[i]))
      const r = (f as (...a: unknown[]) => unknown)(...full)
      const [y, aux] = hasAux ? splitAux(transform, r) : [r, []]
      if (!(y instanceof Tensor))
        throw ShapeError.of(
          transform,
          `the function must return a float scalar tensor (shape [])${hasAux ? " as the first element of [loss, aux]" : ""}`,
        )
      if (y.shape.length !== 0 || !isFloat(y.dtype))
        throw ShapeError.of(
          transform,
          `the function must return a float scalar (shape []), got ${y.dtype}[${y.shape.join(", ")}]; use vjp or jacrev for other outputs`,
          y.shape,
        )
      const [a, ad] = Tree.flatten(aux)
      auxDef = ad
      return [y, ...a]
    }
    const [[y, ...auxL], pull] = vjpFlat(transform, call, leaves)
    const cts = pull([lax.scalar(1, y!), ...auxL.map((a) => new Zero(a.aval))]).map((c, i) => instantiate(c, leaves[i]!))
    const grads = Tree.unflatten<unknown[]>(def, cts)
    return [y!, typeof argnums === "number" ? grads[0] : grads, hasAux ? Tree.unflatten(auxDef!, auxL) : undefined]
  }

/**
 * The gradient of a scalar-valued function, shaped like the differentiated argument(s).
 * `grad(loss)(params)` has exactly the type of `params`. `argnums` picks the argument(s) (a
 * tuple of them gives a tuple of gradients); with `hasAux: true`, `f` returns `[loss, aux]` and
 * the result is `[gradient, aux]`, `aux` not differentiated.
 *
 * @example
 * import * as tg from "typegrad"
 * type S = tg.Tensor<[], "f32", "cpu">
 * tg.grad((x: S) => x.mul(x))(tg.scalar(3)).item() // 6
 * const [dw, db] = tg.grad((w: S, b: S) => w.mul(b), { argnums: [0, 1] })(tg.scalar(2), tg.scalar(5)) // 5, 2
 * const [g, aux] = tg.grad((x: S) => [x.mul(x), x.sin()] as const, { hasAux: true })(tg.scalar(3)) // 6, sin 3
 * @since 0.1.0
 * @category transforms
 */
export function grad<A extends ReadonlyArray<unknown>, L extends AnyTensor, X, const I extends number | ReadonlyArray<number> = 0>(
  f: ((...args: A) => readonly [L, X]) & Guard<LossCheck<L, "grad">>,
  options: GradAuxOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => [Picked<B, I>, OnArgDevice<X, FirstDevice<B>>]
export function grad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
): <B extends A>(...args: B) => B[0]
export function grad<
  A extends ReadonlyArray<unknown> = AnyTensor[],
  R extends AnyTensor = AnyTensor,
  const I extends number | ReadonlyArray<number> = 0,
>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
  options: GradOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => Picked<B, I>
export function grad<A extends ReadonlyArray<unknown>>(
  f: (...args: A) => unknown,
  options?: { readonly argnums?: number | ReadonlyArray<number>; readonly hasAux?: boolean },
) {
  checkFunction(f, "grad")
  checkOptions(options, "grad", ["argnums", "hasAux"])
  const hasAux = options?.hasAux === true
  const g = valueAndGradImpl("grad", f, options?.argnums ?? 0, hasAux)
  return (...args: A) => {
    const [, d, aux] = g(...args)
    return hasAux ? [d, aux] : d
  }
}

/**
 * The value and the gradient of a scalar-valued function in one pass: `[loss, gradient]`. With
 * `hasAux: true`, `f` returns `[loss, aux]` and the result is `[[loss, aux], gradient]` (JAX's
 * `value_and_grad(has_aux=True)`).
 *
 * @example
 * import * as tg from "typegrad"
 * type V = tg.Tensor<[2], "f32", "cpu">
 * const [loss, g] = tg.valueAndGrad((p: V) => p.mul(p).sum())(tg.tensor([1, 2])) // 5, [2, 4]
 * const [[l, pred], dp] = tg.valueAndGrad((p: V) => [p.square().sum(), p.mul(2)] as const, { hasAux: true })(tg.tensor([1, 2]))
 * @since 0.1.0
 * @category transforms
 */
export function valueAndGrad<A extends ReadonlyArray<unknown>, L extends AnyTensor, X, const I extends number | ReadonlyArray<number> = 0>(
  f: ((...args: A) => readonly [L, X]) & Guard<LossCheck<L, "grad">>,
  options: GradAuxOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => [[OnDeviceOf<L, B>, OnArgDevice<X, FirstDevice<B>>], Picked<B, I>]
export function valueAndGrad<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
): <B extends A>(...args: B) => [OnDeviceOf<R, B>, B[0]]
export function valueAndGrad<
  A extends ReadonlyArray<unknown> = AnyTensor[],
  R extends AnyTensor = AnyTensor,
  const I extends number | ReadonlyArray<number> = 0,
>(
  f: ((...args: A) => R) & Guard<LossCheck<R, "grad">>,
  options: GradOptions<I> & Guard<ArgnumsCheck<A, I, "grad">>,
): <B extends A>(...args: B) => [OnDeviceOf<R, B>, Picked<B, I>]
export function valueAndGrad<A extends ReadonlyArray<unknown>>(
  f: (...args: A) => unknown,
  options?: { readonly argnums?: number | ReadonlyArray<number>; readonly hasAux?: boolean },
) {
  checkFunction(f, "valueAndGrad")
  checkOptions(options, "valueAndGrad", ["argnums", "hasAux"])
  const hasAux = options?.hasAux === true
  const g = valueAndGradImpl("grad", f, options?.argnums ?? 0, hasAux)
  return (...args: A) => {
    const [y, d, aux] = g(...args)
    return hasAux ? [[y, aux], d] : [y, d]
  }
}
