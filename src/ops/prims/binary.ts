/**
 * Binary elementwise primitives with NumPy broadcasting (equal dtypes; public ops promote first),
 * plus compare, where, cast and stopGradient.
 *
 * @since 0.1.0
 */
import { broadcastShapes } from "../../shape/index.js"
import { DTypeError } from "../../errors.js"
import { isFloat, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type BatchRule, type CompareOp, type Domain, type Primitive, type PrimitiveName, type Tangent } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

type BinaryName = "add" | "sub" | "mul" | "div" | "pow" | "max" | "min"

/** Output shape of an elementwise op over `avals` (broadcast), checking that dtypes agree. */
export const elementwiseShape = (op: string, avals: ReadonlyArray<Aval>, sameDType = true): number[] => {
  let shape: ReadonlyArray<number> = avals[0]!.shape
  for (let i = 1; i < avals.length; i++) shape = broadcastShapes(shape, avals[i]!.shape) as number[]
  if (sameDType)
    for (const a of avals)
      if (a.dtype !== avals[0]!.dtype)
        throw new DTypeError({ op, dtypes: avals.map((x) => x.dtype), message: `${op}: dtypes differ (${avals.map((x) => x.dtype).join(" vs ")}); cast one first` })
  return [...shape]
}

/** Batching for any elementwise primitive: batch axes to the front, then rank-align batched operands. */
export const batchElementwise = <P extends PrimitiveName>(p: Primitive<P>): BatchRule<P> => (args, dims, params) => {
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
const toOut = (t: AnyTensor, shape: ReadonlyArray<number>) => lax.broadcastTo(t, shape)
const inst = (t: Tangent, shape: ReadonlyArray<number>, like: AnyTensor): AnyTensor =>
  t instanceof Zero ? lax.full(shape, 0, like, t.aval.dtype) : toOut(t, shape)

const binary = <P extends BinaryName>(
  name: P,
  o: {
    readonly floatOnly?: boolean
    readonly scalar: (a: number, b: number) => number
    readonly wgsl: string
    readonly jvp: (a: AnyTensor, b: AnyTensor, y: AnyTensor, ta: Tangent, tb: Tangent) => Tangent
    readonly domain?: Omit<Domain, "kind">
  },
  transpose: Primitive<P>["transpose"],
): Primitive<P> => {
  const p: Primitive<P> = {
    name,
    abstractEval: (avals) => {
      const shape = elementwiseShape(name, avals)
      if (o.floatOnly && !isFloat(avals[0]!.dtype))
        throw new DTypeError({ op: name, dtypes: [avals[0]!.dtype], message: `${name}: expected float tensors, got ${avals[0]!.dtype}` })
      if (avals[0]!.dtype === "bool" && name !== "max" && name !== "min")
        throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: not defined on bool tensors; cast to i32 or f32 first` })
      return [{ shape, dtype: avals[0]!.dtype }]
    },
    jvp: ([a, b], [ta, tb]) => {
      const y = bind1(p, [a!, b!], {})
      return [[y], [o.jvp(a!, b!, y, ta!, tb!)]]
    },
    transpose,
    batch: (args, dims, params) => batchElementwise(p)(args, dims, params),
    domain: { kind: "binary", ...o.domain },
    scalar: o.scalar,
    wgsl: o.wgsl,
  }
  return p
}

/** Cotangent of a linear operand of a broadcasting op: sum back down to its shape. */
const ctFor = (ct: Tangent, arg: AnyTensor | LinearIn, f: (c: AnyTensor) => AnyTensor): Tangent | null =>
  !(arg instanceof LinearIn) ? null : ct instanceof Zero ? new Zero(arg.aval) : lax.unbroadcast(f(ct), arg.aval.shape)

// d(a + b) = da + db
export const addP: Primitive<"add"> = binary("add", {
  scalar: (a, b) => a + b, wgsl: "a + b",
  jvp: (_a, _b, y, ta, tb) => ta instanceof Zero ? (tb instanceof Zero ? new Zero(y.aval) : toOut(tb, y.shape)) : tb instanceof Zero ? toOut(ta, y.shape) : lax.add(ta, tb),
}, ([ct], [a, b]) => [ctFor(ct!, a!, (c) => c), ctFor(ct!, b!, (c) => c)])
// d(a - b) = da - db
export const subP: Primitive<"sub"> = binary("sub", {
  scalar: (a, b) => a - b, wgsl: "a - b",
  jvp: (_a, _b, y, ta, tb) => ta instanceof Zero ? (tb instanceof Zero ? new Zero(y.aval) : toOut(lax.neg(tb), y.shape)) : tb instanceof Zero ? toOut(ta, y.shape) : lax.sub(ta, tb),
}, ([ct], [a, b]) => [ctFor(ct!, a!, (c) => c), ctFor(ct!, b!, lax.neg)])
// d(a·b) = da·b + a·db
export const mulP: Primitive<"mul"> = binary("mul", {
  scalar: (a, b) => a * b, wgsl: "a * b",
  jvp: (a, b, y, ta, tb) => {
    const l = ta instanceof Zero ? null : lax.mul(ta, b)
    const r = tb instanceof Zero ? null : lax.mul(a, tb)
    return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
  },
}, ([ct], [a, b]) => {
  if (a instanceof LinearIn && b instanceof LinearIn) throw new Error("mul: transpose of a product of two linear values (not linear)")
  return [ctFor(ct!, a!, (c) => lax.mul(c, b as AnyTensor)), ctFor(ct!, b!, (c) => lax.mul(a as AnyTensor, c))]
})
// d(a / b) = da / b - db·(a/b) / b
export const divP: Primitive<"div"> = binary("div", {
  scalar: (a, b) => a / b, wgsl: "a / b",
  jvp: (_a, b, y, ta, tb) => {
    const l = ta instanceof Zero ? null : lax.div(ta, b)
    const r = tb instanceof Zero ? null : lax.neg(lax.div(lax.mul(tb, y), b))
    return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
  },
  domain: { awayFromZero: 0.3 },
}, ([ct], [a, b]) => {
  if (b instanceof LinearIn) throw new Error("div: transpose with respect to the divisor (not linear)")
  return [ctFor(ct!, a!, (c) => lax.div(c, b as AnyTensor)), null]
})
// d(a^b) = b·a^(b-1)·da + log(a)·a^b·db   NOTE: the db term is taken as 0 where a = 0
export const powP: Primitive<"pow"> = binary("pow", {
  floatOnly: true,
  scalar: Math.pow, wgsl: "pow(a, b)",
  jvp: (a, b, y, ta, tb) => {
    const l = ta instanceof Zero ? null : lax.mul(ta, lax.mul(b, lax.pow(a, lax.sub(b, 1))))
    const r = tb instanceof Zero ? null : lax.mul(tb, lax.where(lax.compare(a, 0, "eq"), 0, lax.mul(y, lax.log(a))))
    return l === null ? (r === null ? new Zero(y.aval) : toOut(r, y.shape)) : r === null ? toOut(l, y.shape) : lax.add(l, r)
  },
  domain: { ranges: [[0.5, 2], [-2, 2]] },
}, null)
const minMaxJvp = (gt: CompareOp) => (a: AnyTensor, b: AnyTensor, y: AnyTensor, ta: Tangent, tb: Tangent): Tangent => {
  if (ta instanceof Zero && tb instanceof Zero) return new Zero(y.aval)
  // ties split the tangent evenly (as JAX does)
  const A = inst(ta, y.shape, y), Bt = inst(tb, y.shape, y)
  return lax.where(lax.compare(a, b, gt), A, lax.where(lax.compare(a, b, "eq"), lax.mul(lax.add(A, Bt), 0.5), Bt))
}
// d max(a, b) = da where a > b, db where a < b, (da + db)/2 at ties
export const maxP: Primitive<"max"> = binary("max", { scalar: (a, b) => (a >= b || Number.isNaN(a) ? a : b), wgsl: "max(a, b)", jvp: minMaxJvp("gt") }, null)
// d min(a, b) = da where a < b, db where a > b, (da + db)/2 at ties
export const minP: Primitive<"min"> = binary("min", { scalar: (a, b) => (a <= b || Number.isNaN(a) ? a : b), wgsl: "min(a, b)", jvp: minMaxJvp("lt") }, null)

export const compareScalar: Record<CompareOp, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b, le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b, eq: (a, b) => a === b, ne: (a, b) => a !== b,
}
export const compareWgsl: Record<CompareOp, string> = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "==", ne: "!=" }

// comparisons are piecewise constant: zero derivative
export const compareP: Primitive<"compare"> = {
  name: "compare",
  abstractEval: (avals, { op }) => [{ shape: elementwiseShape(op, avals), dtype: "bool" }],
  jvp: (args, _t, params) => {
    const y = bind1(compareP, args, params)
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  batch: (args, dims, params) => batchElementwise(compareP)(args, dims, params),
  domain: { kind: "binary", nonDiff: true },
}

// d where(c, a, b) = where(c, da, db)
export const whereP: Primitive<"where"> = {
  name: "where",
  abstractEval: ([c, a, b]) => {
    if (c!.dtype !== "bool") throw new DTypeError({ op: "where", dtypes: [c!.dtype], message: `where: the condition must be bool, got ${c!.dtype}` })
    return [{ shape: elementwiseShape("where", [c!, a!, b!], false), dtype: elementwiseDType("where", a!, b!) }]
  },
  jvp: ([c, a, b], [, ta, tb]) => {
    const y = bind1(whereP, [c!, a!, b!], {})
    if (ta instanceof Zero && tb instanceof Zero) return [[y], [new Zero(y.aval)]]
    return [[y], [lax.where(c!, inst(ta!, y.shape, y), inst(tb!, y.shape, y))]]
  },
  transpose: ([ct], [c, a, b]) => {
    if (c instanceof LinearIn) throw new Error("where: transpose with respect to the condition (not linear)")
    const cond = c as AnyTensor
    return [null, ctFor(ct!, a!, (g) => lax.where(cond, g, 0)), ctFor(ct!, b!, (g) => lax.where(cond, 0, g))]
  },
  batch: (args, dims, params) => batchElementwise(whereP)(args, dims, params),
  domain: { kind: "custom", dtypes: ["bool", "float", "float"], diffArgs: [1, 2] },
}
const elementwiseDType = (op: string, a: Aval, b: Aval) => {
  if (a.dtype !== b.dtype) throw new DTypeError({ op, dtypes: [a.dtype, b.dtype], message: `${op}: branches differ in dtype (${a.dtype} vs ${b.dtype})` })
  return a.dtype
}

// d cast(x) = cast(dx) between float dtypes; 0 into int/bool
export const castP: Primitive<"cast"> = {
  name: "cast",
  abstractEval: ([x], { dtype }) => [{ shape: x!.shape, dtype }],
  jvp: ([x], [t], params) => {
    const y = bind1(castP, [x!], params)
    return [[y], [t instanceof Zero || !isFloat(params.dtype) || !isFloat(x!.dtype) ? new Zero(y.aval) : lax.cast(t!, params.dtype)]]
  },
  transpose: ([ct], [x]) => [ct instanceof Zero ? new Zero((x as LinearIn).aval) : lax.cast(ct!, (x as LinearIn).aval.dtype)],
  batch: ([x], dims, params) => [[bind1(castP, [x!], params)], dims],
  domain: { kind: "custom" },
}

// stopGradient(x) = x with zero derivative
export const stopGradientP: Primitive<"stopGradient"> = {
  name: "stopGradient",
  abstractEval: ([x]) => [x!],
  jvp: ([x]) => [[bind1(stopGradientP, [x!], {})], [new Zero(x!.aval)]],
  transpose: null,
  batch: ([x], dims) => [[bind1(stopGradientP, [x!], {})], dims],
  domain: { kind: "unary", nonDiff: true },
}

