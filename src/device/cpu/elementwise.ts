/**
 * Scalar expressions of the elementwise primitives for the generated CPU loops: inline JS for the
 * common ones, a call of the primitive's own `scalar` function (inlined by V8 at the monomorphic
 * call site) for the rest.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { CompareOp, PrimitiveName } from "../../ops/core/primitive.js"
import { primitives } from "../../ops/prims/index.js"
import type { Expr } from "./codegen.js"

type Js = (a: ReadonlyArray<string>) => string
const inline: Partial<Record<PrimitiveName, Js>> = {
  neg: ([a]) => `-${a}`, exp: ([a]) => `Math.exp(${a})`, log: ([a]) => `Math.log(${a})`, log1p: ([a]) => `Math.log1p(${a})`,
  sin: ([a]) => `Math.sin(${a})`, cos: ([a]) => `Math.cos(${a})`, sqrt: ([a]) => `Math.sqrt(${a})`, tanh: ([a]) => `Math.tanh(${a})`,
  abs: ([a]) => `Math.abs(${a})`,
  add: ([a, b]) => `${a} + ${b}`, sub: ([a, b]) => `${a} - ${b}`, mul: ([a, b]) => `${a} * ${b}`, div: ([a, b]) => `${a} / ${b}`,
  pow: ([a, b]) => `Math.pow(${a}, ${b})`,
}

const cache = new Map<PrimitiveName, Expr>()

/** The expression of an elementwise primitive (one with a `scalar` function). */
export const exprOf = (p: PrimitiveName): Expr => {
  let e = cache.get(p)
  if (e === undefined) {
    const f = primitives[p].scalar!
    e = { name: p, js: inline[p] ?? ((xs) => `f(${xs.join(", ")})`), f }
    cache.set(p, e)
  }
  return e
}

const cmp = (op: CompareOp, js: string, f: (a: number, b: number) => boolean): Expr =>
  ({ name: `compare.${op}`, js: ([a, b]) => `(${a} ${js} ${b} ? 1 : 0)`, f: (a, b) => (f(a!, b!) ? 1 : 0) })

/** 1 where the comparison holds, else 0 (bool output). */
export const compareExpr: Record<CompareOp, Expr> = {
  lt: cmp("lt", "<", (a, b) => a < b), le: cmp("le", "<=", (a, b) => a <= b), gt: cmp("gt", ">", (a, b) => a > b),
  ge: cmp("ge", ">=", (a, b) => a >= b), eq: cmp("eq", "===", (a, b) => a === b), ne: cmp("ne", "!==", (a, b) => a !== b),
}

export const whereExpr: Expr = { name: "where", js: ([c, a, b]) => `(${c} ? ${a} : ${b})`, f: (c, a, b) => (c ? a! : b!) }

/** Conversion into `dtype` (truncation toward zero for ints, != 0 for bool; floats round on store). */
export const castExpr: Record<Exclude<DType, "f16">, Expr> = {
  f32: { name: "cast.f32", js: ([a]) => a!, f: (a) => a },
  f64: { name: "cast.f64", js: ([a]) => a!, f: (a) => a },
  i32: { name: "cast.i32", js: ([a]) => `Math.trunc(${a})`, f: (a) => Math.trunc(a) },
  bool: { name: "cast.bool", js: ([a]) => `(${a} !== 0 ? 1 : 0)`, f: (a) => (a !== 0 ? 1 : 0) },
}
