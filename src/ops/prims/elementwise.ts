/**
 * Helpers shared by the elementwise primitive definitions: the broadcast shape rule, the batching
 * rule, tangent broadcasting, cotangent un-broadcasting, and the promoting entry of the typed
 * binary ops.
 *
 * @since 0.1.0
 */
import { broadcastShapes } from "../../shape/index.js"
import { DTypeError } from "../../errors.js"
import { promote, type Aval } from "../core/aval.js"
import { bind1, commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type BatchRule, type Primitive, type PrimitiveName, type Tangent } from "../core/primitive.js"
import { Tensor, type AnyTensor } from "../core/tensor.js"
import { checkOperand, checkTensor } from "../core/check.js"
import type { Operand } from "../api/typing.js"

/** Output shape of an elementwise op over `avals` (broadcast), checking that dtypes agree. */
export const elementwiseShape = (op: string, avals: ReadonlyArray<Aval>, sameDType = true): number[] => {
  let shape: ReadonlyArray<number> = avals[0]!.shape
  for (let i = 1; i < avals.length; i++) shape = broadcastShapes(shape, avals[i]!.shape) as number[]
  if (sameDType)
    for (const a of avals)
      if (a.dtype !== avals[0]!.dtype)
        throw new DTypeError({
          op,
          dtypes: avals.map((x) => x.dtype),
          message: `${op}: dtypes differ (${avals.map((x) => x.dtype).join(" vs ")}); cast one first`,
        })
  return [...shape]
}

/** Batching for any elementwise primitive: batch axes to the front, then rank-align batched operands. */
export const batchElementwise =
  <P extends PrimitiveName>(p: Primitive<P>): BatchRule<P> =>
  (args, dims, params) => {
    const rank = Math.max(...args.map((x, i) => x.shape.length - (dims[i] === null ? 0 : 1)))
    const moved = args.map((x, i) => {
      const d = dims[i]
      if (d === null || d === undefined) return x
      const front = lax.moveAxis(x, d, 0)
      const pad = rank - (x.shape.length - 1)
      return pad === 0 ? front : lax.reshape(front, [front.shape[0]!, ...new Array<number>(pad).fill(1), ...front.shape.slice(1)])
    })
    return [[bind1(p, moved, params)], [0]]
  }

/** Broadcast a tangent to the output shape (a lone tangent of a broadcast operand). */
export const toOut = (t: AnyTensor, shape: ReadonlyArray<number>) => lax.broadcastTo(t, shape)
export const inst = (t: Tangent, shape: ReadonlyArray<number>, like: AnyTensor): AnyTensor =>
  t instanceof Zero ? lax.full(shape, 0, like, t.aval.dtype) : toOut(t, shape)

/** Cotangent of a linear operand of a broadcasting op: sum back down to its shape. */
export const ctFor = (ct: Tangent, arg: AnyTensor | LinearIn, f: (c: AnyTensor) => AnyTensor): Tangent | null =>
  !(arg instanceof LinearIn) ? null : ct instanceof Zero ? new Zero(arg.aval) : lax.unbroadcast(f(ct), arg.aval.shape)

/** Run a broadcasting binary op with promotion, checking devices and shapes under the public op's name. @internal */
export const binaryOp = (op: string, f: (a: AnyTensor, b: lax.TensorLike) => AnyTensor, a: AnyTensor, b: Operand): AnyTensor => {
  // the operand boundary of every arithmetic and comparison op: untyped callers get a typed error, not a TypeError
  if (!(a instanceof Tensor)) checkTensor(a, op, "a")
  if (typeof b === "number") return f(a, b)
  if (!(b instanceof Tensor)) checkOperand(b, op, "b")
  commonDevice([a, b], op)
  broadcastShapes(a.shape, b.shape, op)
  const dt = promote(a.dtype, b.dtype)
  return f(lax.cast(a, dt), lax.cast(b, dt))
}
