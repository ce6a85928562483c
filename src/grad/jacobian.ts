/**
 * Jacobians: `jacfwd` pushes forward a basis of input tangents (vmap of jvp), `jacrev` pulls back
 * a basis of output cotangents (vmap of the pullback); `hessian` = jacfwd ∘ jacrev. The Jacobian
 * of `f: [...I] -> [...O]` has shape `[...O, ...I]`; over pytrees (JAX semantics) it is a tree
 * shaped like the output whose leaves are trees shaped like the input, each leaf of shape
 * `[...out.shape, ...in.shape]`.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { hostConvert, isFloat, numel } from "../ops/core/aval.js"
import * as lax from "../ops/core/lax.js"
import { Tensor, type AnyTensor } from "../ops/core/tensor.js"
import * as Tree from "./tree.js"
import { checkFunction } from "../ops/core/check.js"
import { jvpFlat } from "./jvp.js"
import { instantiate } from "./transpose.js"
import { vjpFlat } from "./vjp.js"
import { batchFlat, moveBatchAxis } from "./vmap.js"
import type { Picked } from "./typing.js"
import type { Guard } from "../shape/index.js"
import type { ArgnumsCheck, Jacobian } from "./typing.js"

/** Rows `[off, off + numel(shape))` of an `[total, ...shape]` identity-block basis: one unit vector per row of the block. */
const blockBasis = (like: AnyTensor, total: number, off: number, shape: ReadonlyArray<number>, dtype: AnyTensor["dtype"]): AnyTensor => {
  const n = numel(shape)
  const host = new Float64Array(total * n)
  for (let i = 0; i < n; i++) host[(off + i) * n + i] = 1
  const aval = { shape: [total, ...shape], dtype }
  return new Tensor(aval, like.device, like.device.backend.upload(hostConvert(host, dtype), aval))
}

/** Rows `[off, off + count)` of `b` (batch axis 0). */
const rows = (b: AnyTensor, off: number, count: number): AnyTensor =>
  off === 0 && count === b.shape[0]
    ? b
    : lax.slice(
        b,
        b.shape.map((_: number, d: number) => (d === 0 ? off : 0)),
        b.shape.map(() => 1),
        [count, ...b.shape.slice(1)],
      )

const offsets = (sizes: ReadonlyArray<number>): number[] => {
  let o = 0
  return sizes.map((n) => ((o += n), o - n))
}

/** `f` as a flat function of the leaves of the differentiated argument(s). */
const partial = (f: (...args: never) => unknown, args: ReadonlyArray<unknown>, argnums: number | ReadonlyArray<number>, op: string) => {
  const nums = typeof argnums === "number" ? [argnums] : argnums
  nums.forEach((n) => {
    if (!Number.isInteger(n) || n < 0 || n >= args.length)
      throw ShapeError.of(op, `argnums ${n} is out of range for ${args.length} argument(s)`)
  })
  const chosen = typeof argnums === "number" ? args[argnums] : nums.map((n) => args[n])
  const [xs, inDef] = Tree.flatten(chosen)
  xs.forEach((x, i) => {
    if (!isFloat(x.dtype)) throw ShapeError.of(op, `differentiated input ${i} is ${x.dtype}; Jacobians need float inputs`)
  })
  const out: { def?: Tree.TreeDef } = {}
  const g = (ys: AnyTensor[]): AnyTensor[] => {
    const picked = Tree.unflatten<unknown>(inDef, ys)
    const full = args.slice()
    if (typeof argnums === "number") full[argnums] = picked
    else nums.forEach((n, i) => (full[n] = (picked as unknown[])[i]))
    const [o, d] = Tree.flatten((f as (...a: unknown[]) => unknown)(...full))
    out.def = d
    return o
  }
  return { xs, inDef, g, out }
}

/** Assemble `jac[i][j]` (output leaf i, input leaf j) into the output tree of input trees. */
const assemble = (jac: AnyTensor[][], outDef: Tree.TreeDef, inDef: Tree.TreeDef): unknown =>
  Tree.unflatten(outDef, jac.map((row) => Tree.unflatten(inDef, row)) as never)

/**
 * Options of `jacfwd`, `jacrev` and `hessian`: `argnums` picks the differentiated argument, or a
 * tuple of them (the Jacobian is then a tuple per output).
 *
 * @example
 * import * as tg from "typegrad"
 * const opts = { argnums: [0, 1] } as const satisfies tg.JacobianOptions<readonly [0, 1]>
 * const [ja, jb] = tg.jacrev((a: tg.Tensor<[2]>, b: tg.Tensor<[]>) => a.mul(b), opts)(tg.tensor([1, 2]), tg.scalar(3)) // [2, 2], [2]
 * @since 0.1.0
 * @category transforms
 */
export interface JacobianOptions<N extends number | ReadonlyArray<number> = number | ReadonlyArray<number>> {
  /** which argument(s) to differentiate (default 0); a tuple differentiates with respect to the tuple of those arguments */
  readonly argnums?: N
}

/** `f`'s argument types; `N` the differentiated one(s); the result is generic over the actual arguments. */
type JacobianOf<A extends ReadonlyArray<unknown>, R, N extends number | ReadonlyArray<number>> = <B extends A>(
  ...args: B
) => Jacobian<R, Picked<B, N>>

/**
 * Forward-mode Jacobian (`[...out, ...in]`); efficient for few inputs and many outputs. Over
 * pytrees the result is a tree like the output whose leaves are trees like the input.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.jacfwd((x: tg.Tensor<[2], "f32", "cpu">) => x.mul(x))(tg.tensor([1, 2])) // [[2, 0], [0, 4]]
 * // a tree in, a tree out: j.y.b has shape [...y.shape, ...b.shape] = [2, 2]
 * const j = tg.jacfwd((p: { a: tg.Tensor<[]>; b: tg.Tensor<[2]> }) => ({ y: p.b.mul(p.a) }))({ a: tg.scalar(2), b: tg.tensor([1, 3]) })
 * @since 0.1.0
 * @category transforms
 */
export function jacfwd<A extends ReadonlyArray<unknown> = AnyTensor[], R = AnyTensor, const N extends number | ReadonlyArray<number> = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "jacfwd">>,
): JacobianOf<A, R, N>
export function jacfwd(f: (...args: never) => unknown, options: JacobianOptions = {}) {
  checkFunction(f, "jacfwd")
  return (...args: ReadonlyArray<unknown>): unknown => {
    const { xs, inDef, g, out } = partial(f, args, options.argnums ?? 0, "jacfwd")
    const sizes = xs.map((x) => numel(x.shape)),
      offs = offsets(sizes)
    const total = sizes.reduce((a, b) => a + b, 0)
    if (total === 0) throw ShapeError.of("jacfwd", "the differentiated inputs have no elements")
    let outs: AnyTensor[] = []
    const pairs = batchFlat(
      "jacfwd",
      (ts) => {
        const [ys, tys] = jvpFlat("jacfwd", g, xs, ts)
        outs = ys
        return tys.map((ty, i) => instantiate(ty, ys[i]!))
      },
      xs.map((x, j) => blockBasis(x, total, offs[j]!, x.shape, x.dtype)),
      xs.map(() => 0),
      total,
    )
    const jac = pairs.map(([v, d], i) => {
      const b = moveBatchAxis(v, d, 0, total)
      const m = numel(outs[i]!.shape)
      return xs.map((x, j) => {
        const blk = lax.reshape(rows(b, offs[j]!, sizes[j]!), [sizes[j]!, m])
        return lax.reshape(lax.transpose(blk, [1, 0]), [...outs[i]!.shape, ...x.shape])
      })
    })
    return assemble(jac, out.def!, inDef)
  }
}

/**
 * Reverse-mode Jacobian (`[...out, ...in]`); efficient for few outputs and many inputs. Over
 * pytrees the result is a tree like the output whose leaves are trees like the input.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.jacrev((x: tg.Tensor<[2], "f32", "cpu">) => x.sin())(tg.tensor([0, 1])) // diag(cos x)
 * // several arguments: a tuple of Jacobians, [2, 2] and [2]
 * const [dw, db] = tg.jacrev((w: tg.Tensor<[2]>, b: tg.Tensor<[]>) => w.mul(b), { argnums: [0, 1] })(tg.tensor([1, 2]), tg.scalar(3))
 * @since 0.1.0
 * @category transforms
 */
export function jacrev<A extends ReadonlyArray<unknown> = AnyTensor[], R = AnyTensor, const N extends number | ReadonlyArray<number> = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "jacrev">>,
): JacobianOf<A, R, N>
export function jacrev(f: (...args: never) => unknown, options: JacobianOptions = {}) {
  checkFunction(f, "jacrev")
  return (...args: ReadonlyArray<unknown>): unknown => {
    const { xs, inDef, g, out } = partial(f, args, options.argnums ?? 0, "jacrev")
    const [ys, pull] = vjpFlat("jacrev", g, xs)
    const sizes = ys.map((y) => numel(y.shape)),
      offs = offsets(sizes)
    const total = sizes.reduce((a, b) => a + b, 0)
    if (total === 0) throw ShapeError.of("jacrev", "the function's outputs have no elements")
    const pairs = batchFlat(
      "jacrev",
      (cs) => pull(cs).map((c, j) => instantiate(c, xs[j]!)),
      ys.map((y, i) => blockBasis(y, total, offs[i]!, y.shape, isFloat(y.dtype) ? y.dtype : xs[0]!.dtype)),
      ys.map(() => 0),
      total,
    )
    const cols = pairs.map(([v, d]) => moveBatchAxis(v, d, 0, total))
    // an integer output has a zero Jacobian of its own dtype (as jacfwd gives)
    const jac = ys.map((y, i) =>
      xs.map((x, j) =>
        lax.cast(lax.reshape(rows(cols[j]!, offs[i]!, sizes[i]!), [...y.shape, ...x.shape]), isFloat(y.dtype) ? cols[j]!.dtype : y.dtype),
      ),
    )
    return assemble(jac, out.def!, inDef)
  }
}

/**
 * Hessian of a scalar function (`[...in, ...in]`), as forward-over-reverse `jacfwd(jacrev(f))`.
 * Over a tree input (or `argnums` tuple) it is a tree of trees: `h[a][b]` has shape
 * `[...a.shape, ...b.shape]`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.hessian((x: tg.Tensor<[2], "f32", "cpu">) => x.mul(x).sum())(tg.tensor([1, 2])) // [[2, 0], [0, 2]]
 * @since 0.1.0
 * @category transforms
 */
export function hessian<A extends ReadonlyArray<unknown> = AnyTensor[], R = AnyTensor, const N extends number | ReadonlyArray<number> = 0>(
  f: (...args: A) => R,
  options?: JacobianOptions<N> & Guard<ArgnumsCheck<A, N, "hessian">>,
): <B extends A>(...args: B) => Jacobian<Jacobian<R, Picked<B, N>>, Picked<B, N>>
export function hessian(f: (...args: never) => unknown, options: JacobianOptions = {}) {
  checkFunction(f, "hessian")
  return jacfwd(jacrev(f, options) as (...args: never) => unknown, options)
}
