/**
 * The CPU backend's lowering of every elementwise primitive: a JS scalar expression for the
 * generated loops and the same as a function (for the closure fallback). The table is total over
 * the elementwise primitives (`satisfies`), so a new one without a CPU lowering is a compile error.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { CompareOp, ElementwiseName, ParamsOf } from "../../ops/core/primitive.js"
import { copyExpr, type Expr } from "./codegen.js"

type Js = (a: ReadonlyArray<string>) => string
/** An expression written inline in the generated loop. */
const inline = (name: string, js: Js, f: (...xs: number[]) => number): Expr => ({ name, js, f })
/** An expression that calls its function (inlined by V8 at the monomorphic call site). */
const call = (name: string, f: (...xs: number[]) => number): Expr => ({ name, js: (xs) => `f(${xs.join(", ")})`, f })

const cmp = (op: CompareOp, js: string, f: (a: number, b: number) => boolean): Expr => ({
  name: `compare.${op}`,
  js: ([a, b]) => `(${a} ${js} ${b} ? 1 : 0)`,
  f: (a, b) => (f(a!, b!) ? 1 : 0),
})

/** 1 where the comparison holds, else 0 (bool output). */
const compareExpr: Record<CompareOp, Expr> = {
  lt: cmp("lt", "<", (a, b) => a < b),
  le: cmp("le", "<=", (a, b) => a <= b),
  gt: cmp("gt", ">", (a, b) => a > b),
  ge: cmp("ge", ">=", (a, b) => a >= b),
  eq: cmp("eq", "===", (a, b) => a === b),
  ne: cmp("ne", "!==", (a, b) => a !== b),
}

/**
 * Conversion into `dtype`: floats round on store, bool is `!= 0` (NaN is true), and a float becomes
 * an i32 as XLA converts it: truncated toward zero, saturated at the i32 range, NaN → 0 (a plain
 * store into an Int32Array would wrap modulo 2³²).
 */
const castExpr: Record<Exclude<DType, "f16">, Expr> = {
  f32: { name: "cast.f32", js: ([a]) => a!, f: (a) => a },
  f64: { name: "cast.f64", js: ([a]) => a!, f: (a) => a },
  i32: call("cast.i32", (a) => (Number.isNaN(a) ? 0 : a >= 2147483647 ? 2147483647 : a <= -2147483648 ? -2147483648 : Math.trunc(a))),
  bool: { name: "cast.bool", js: ([a]) => `(${a} !== 0 ? 1 : 0)`, f: (a) => (a !== 0 ? 1 : 0) },
}

const fixed = (e: Expr) => (): Expr => e

/** i32 · i32 wraps modulo 2³² (the f64 product of two large i32 loses the low bits before a store could wrap it). */
const imul = inline(
  "mul.i32",
  ([a, b]) => `Math.imul(${a}, ${b})`,
  (a, b) => Math.imul(a!, b!),
)
/** i32 ÷ i32 truncates toward zero; as in XLA, x / 0 = -1 and INT_MIN / -1 = INT_MIN (wrapped on store). */
const idiv = call("div.i32", (a, b) => (b === 0 ? -1 : Math.trunc(a! / b!)))

export const cpuElementwise = {
  neg: fixed(
    inline(
      "neg",
      ([a]) => `-${a}`,
      (a) => -a,
    ),
  ),
  exp: fixed(inline("exp", ([a]) => `Math.exp(${a})`, Math.exp)),
  expm1: fixed(inline("expm1", ([a]) => `Math.expm1(${a})`, Math.expm1)),
  log: fixed(inline("log", ([a]) => `Math.log(${a})`, Math.log)),
  log1p: fixed(inline("log1p", ([a]) => `Math.log1p(${a})`, Math.log1p)),
  sin: fixed(inline("sin", ([a]) => `Math.sin(${a})`, Math.sin)),
  cos: fixed(inline("cos", ([a]) => `Math.cos(${a})`, Math.cos)),
  sqrt: fixed(inline("sqrt", ([a]) => `Math.sqrt(${a})`, Math.sqrt)),
  tanh: fixed(inline("tanh", ([a]) => `Math.tanh(${a})`, Math.tanh)),
  // NOTE: exp(-|x|) forms so neither branch overflows
  sigmoid: fixed(call("sigmoid", (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))))),
  abs: fixed(inline("abs", ([a]) => `Math.abs(${a})`, Math.abs)),
  // sign(NaN) = NaN and sign(±0) = ±0, as in NumPy and JAX: the last branch returns `a` itself
  sign: fixed(call("sign", (a) => (a > 0 ? 1 : a < 0 ? -1 : a))),
  floor: fixed(inline("floor", ([a]) => `Math.floor(${a})`, Math.floor)),
  ceil: fixed(inline("ceil", ([a]) => `Math.ceil(${a})`, Math.ceil)),
  // NumPy rounds halves to even; Math.round rounds them up
  round: fixed(call("round", (a) => (Math.abs(a % 1) === 0.5 ? 2 * Math.round(a / 2) : Math.round(a)))),
  trunc: fixed(inline("trunc", ([a]) => `Math.trunc(${a})`, Math.trunc)),
  atan2: fixed(
    inline(
      "atan2",
      ([a, b]) => `Math.atan2(${a}, ${b})`,
      (a, b) => Math.atan2(a!, b!),
    ),
  ),
  add: fixed(
    inline(
      "add",
      ([a, b]) => `${a} + ${b}`,
      (a, b) => a! + b!,
    ),
  ),
  sub: fixed(
    inline(
      "sub",
      ([a, b]) => `${a} - ${b}`,
      (a, b) => a! - b!,
    ),
  ),
  mul: (_p, d) =>
    d === "i32"
      ? imul
      : inline(
          "mul",
          ([a, b]) => `${a} * ${b}`,
          (a, b) => a! * b!,
        ),
  div: (_p, d) =>
    d === "i32"
      ? idiv
      : inline(
          "div",
          ([a, b]) => `${a} / ${b}`,
          (a, b) => a! / b!,
        ),
  // C99's pow (as NumPy and JAX): 1^y = 1 and (-1)^±Inf = 1, where Math.pow gives NaN
  pow: fixed(call("pow", (a, b) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a! ** b!))),
  max: fixed(call("max", (a, b) => (a! >= b! || Number.isNaN(a) ? a! : b!))),
  min: fixed(call("min", (a, b) => (a! <= b! || Number.isNaN(a) ? a! : b!))),
  compare: ({ op }) => compareExpr[op],
  where: fixed({ name: "where", js: ([c, a, b]) => `(${c} ? ${a} : ${b})`, f: (c, a, b) => (c ? a! : b!) }),
  // NOTE: f16 never reaches the CPU backend (`supports` rejects it), so every cast target has an expression
  cast: ({ dtype }) => castExpr[dtype === "f16" ? "f32" : dtype],
  stopGradient: fixed(copyExpr),
} satisfies { readonly [P in ElementwiseName]: (params: ParamsOf<P>, dtype: DType) => Expr }

/** Whether `name` is lowered by this table (an elementwise primitive). */
export const isElementwise = (name: string): name is ElementwiseName => Object.hasOwn(cpuElementwise, name)

/** The scalar expression of elementwise primitive `name` with `params`, producing `dtype` (integer arithmetic differs). */
export const exprOf = <P extends ElementwiseName>(name: P, params: ParamsOf<P>, dtype: DType): Expr =>
  (cpuElementwise[name] as (params: ParamsOf<P>, dtype: DType) => Expr)(params, dtype)
