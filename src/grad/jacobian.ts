/**
 * Jacobians: `jacfwd` pushes forward a basis of input tangents (vmap of jvp), `jacrev` pulls back
 * a basis of output cotangents (vmap of the pullback); `hessian` = jacfwd ∘ jacrev. The Jacobian
 * of `f: [...I] -> [...O]` has shape `[...O, ...I]`.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { hostConvert, numel } from "../ops/aval.js"
import * as lax from "../ops/lax.js"
import { Tensor, type AnyTensor } from "../ops/tensor.js"
import { jvpFlat } from "./jvp.js"
import { instantiate } from "./transpose.js"
import { vjpFlat } from "./vjp.js"
import { batchFlat, moveBatchAxis } from "./vmap.js"
import type { Guard } from "../shape/index.js"
import type { ArgnumsCheck, Jacobian } from "./typing.js"

/** The identity basis `[n, ...shape]` of tensors shaped like `like`. */
const basis = (like: AnyTensor, shape: ReadonlyArray<number>): AnyTensor => {
  const n = numel(shape)
  const host = new Float64Array(n * n)
  for (let i = 0; i < n; i++) host[i * n + i] = 1
  const aval = { shape: [n, ...shape], dtype: like.dtype }
  return new Tensor(aval, like.device, like.device.backend.upload(hostConvert(host, like.dtype), aval))
}

/** `f` as a function of argument `argnum` alone. */
const partial = (f: (...args: never) => AnyTensor, args: ReadonlyArray<unknown>, argnum: number, op: string) => {
  if (!Number.isInteger(argnum) || argnum < 0 || argnum >= args.length) throw ShapeError.of(op, `argnums ${argnum} is out of range for ${args.length} argument(s)`)
  const x = args[argnum]
  if (!(x instanceof Tensor)) throw ShapeError.of(op, `argument ${argnum} must be a tensor`)
  const g = (xs: AnyTensor[]): AnyTensor[] => {
    const full = args.slice()
    full[argnum] = xs[0]
    const y = (f as (...a: unknown[]) => unknown)(...full)
    if (!(y instanceof Tensor)) throw ShapeError.of(op, "the function must return a single tensor")
    return [y]
  }
  return [x as AnyTensor, g] as const
}

/** Batched results `[n, ...R]` (batch axis anywhere) to `[...lead, ...R]` → reshape as `[...O, ...I]`. */
const toJacobian = (v: AnyTensor, d: number | null, n: number, outer: ReadonlyArray<number>, inner: ReadonlyArray<number>, last: boolean) => {
  const b = moveBatchAxis(v, d, 0, n)
  const rest = numel(b.shape.slice(1))
  const m = last ? lax.transpose(lax.reshape(b, [n, rest]), [1, 0]) : b
  return lax.reshape(m, [...outer, ...inner])
}

/** Options of the Jacobian transforms. */
export interface JacobianOptions<N extends number = number> {
  /** which argument to differentiate (default 0) */
  readonly argnums?: N
}

/** `f`'s argument types; `N` the differentiated one; the result is generic over the actual arguments. */
type JacobianOf<A extends ReadonlyArray<unknown>, R, N extends number> = <B extends A>(...args: B) => Jacobian<R, B[N]>

/**
 * Forward-mode Jacobian (`[...out, ...in]`); efficient for few inputs and many outputs.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.jacfwd((x) => x.mul(x))(tg.tensor([1, 2])) // [[2, 0], [0, 4]]
 * @since 0.1.0
 * @category transforms
 */
export function jacfwd<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor, const N extends number = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "jacfwd">>,
): JacobianOf<A, R, N>
export function jacfwd(f: (...args: never) => AnyTensor, options: JacobianOptions = {}) {
  return (...args: ReadonlyArray<unknown>): AnyTensor => {
    const [x, g] = partial(f, args, options.argnums ?? 0, "jacfwd")
    const n = numel(x.shape)
    let outShape: ReadonlyArray<number> = []
    const [v, d] = batchFlat("jacfwd", ([t]) => {
      const [[y], [ty]] = jvpFlat("jacfwd", g, [x], [t!])
      outShape = y!.shape
      return [instantiate(ty!, y!)]
    }, [basis(x, x.shape)], [0], n)[0]!
    return toJacobian(v, d, n, outShape, x.shape, true)
  }
}

/**
 * Reverse-mode Jacobian (`[...out, ...in]`); efficient for few outputs and many inputs.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.jacrev((x) => x.sin())(tg.tensor([0, 1])) // diag(cos x)
 * @since 0.1.0
 * @category transforms
 */
export function jacrev<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor, const N extends number = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "jacrev">>,
): JacobianOf<A, R, N>
export function jacrev(f: (...args: never) => AnyTensor, options: JacobianOptions = {}) {
  return (...args: ReadonlyArray<unknown>): AnyTensor => {
    const [x, g] = partial(f, args, options.argnums ?? 0, "jacrev")
    const [[y], pull] = vjpFlat("jacrev", g, [x])
    const m = numel(y!.shape)
    const [v, d] = batchFlat("jacrev", ([c]) => [instantiate(pull([c!])[0]!, x)], [basis(y!, y!.shape)], [0], m)[0]!
    return toJacobian(v, d, m, y!.shape, x.shape, false)
  }
}

/**
 * Hessian of a scalar function (`[...in, ...in]`), as forward-over-reverse `jacfwd(jacrev(f))`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.hessian((x) => x.mul(x).sum())(tg.tensor([1, 2])) // [[2, 0], [0, 2]]
 * @since 0.1.0
 * @category transforms
 */
export function hessian<A extends ReadonlyArray<unknown> = AnyTensor[], R extends AnyTensor = AnyTensor, const N extends number = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "hessian">>,
): <B extends A>(...args: B) => Jacobian<Jacobian<R, B[N]>, B[N]>
export function hessian(f: (...args: never) => AnyTensor, options: JacobianOptions = {}) {
  return jacfwd(jacrev(f, options) as (...args: never) => AnyTensor, options)
}
