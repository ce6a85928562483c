/**
 * The staged IR ("jaxpr"): a program in A-normal form. Every value is a `Var` bound once, either
 * as an input, a constant (a tensor captured from outside, closure-converted into `constVars`),
 * or the output of one equation. Produced by the staging interpreter; consumed by `evalJaxpr`,
 * the transpose pass, `jit` and the control-flow primitives (whose bodies are jaxprs).
 *
 * @since 0.1.0
 */
import type { Aval } from "../ops/core/aval.js"
import { bind } from "../ops/core/interpreter.js"
import type { OpName, ParamsOf, Primitive } from "../ops/core/primitive.js"
import type { AnyTensor } from "../ops/core/tensor.js"

let nextId = 0

/**
 * A variable of the IR: bound once, typed by its abstract value.
 *
 * @example
 * import * as tg from "typegrad"
 * import type { Var } from "typegrad/advanced"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.sin())(tg.zeros([3]))
 * const v: Var = jaxpr.inVars[0]! // v.aval: { shape: [3], dtype: "f32" }
 * @since 0.1.0
 * @category ir
 */
export class Var {
  readonly id = nextId++
  constructor(readonly aval: Aval) {}
}

/**
 * One primitive application: `outs = prim(inputs; params)`.
 *
 * @example
 * import * as tg from "typegrad"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.sin().exp())(tg.zeros([3]))
 * jaxpr.eqns.map((e: tg.Eqn) => e.prim.name) // ["sin", "exp"]
 * @since 0.1.0
 * @category ir
 */
export interface Eqn<P extends OpName = OpName> {
  readonly prim: Primitive<P>
  readonly params: ParamsOf<P>
  readonly inputs: ReadonlyArray<Var>
  readonly outs: ReadonlyArray<Var>
}

/**
 * A staged program: `(constVars = consts, inVars) -> outs`.
 *
 * @example
 * import * as tg from "typegrad"
 * const j: tg.Jaxpr = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.add(1))(tg.zeros([3])).jaxpr
 * j.consts.length // 1: the constant 1
 * @since 0.1.0
 * @category ir
 */
export interface Jaxpr {
  readonly constVars: ReadonlyArray<Var>
  readonly consts: ReadonlyArray<AnyTensor>
  readonly inVars: ReadonlyArray<Var>
  readonly eqns: ReadonlyArray<Eqn>
  readonly outs: ReadonlyArray<Var>
}

/**
 * Closure conversion: the same program with its constants as leading inputs (and none captured),
 * plus the constants. Control-flow primitives carry such closed bodies and pass the constants as
 * explicit operands, so every transform sees them.
 *
 * @example
 * import * as tg from "typegrad"
 * import { closeOver, evalJaxpr } from "typegrad/advanced"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.add(1))(tg.zeros([3]))
 * const [closed, consts] = closeOver(jaxpr)
 * evalJaxpr(closed, [...consts, tg.tensor([1, 2, 3])]) // [[2, 3, 4]]
 * @since 0.1.0
 * @category ir
 */
export const closeOver = (j: Jaxpr): [Jaxpr, AnyTensor[]] => [
  { constVars: [], consts: [], inVars: [...j.constVars, ...j.inVars], eqns: j.eqns, outs: j.outs },
  [...j.consts],
]

/**
 * Drop equations whose outputs are never used.
 *
 * @example
 * import * as tg from "typegrad"
 * import { dce } from "typegrad/advanced"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => {
 *   x.exp() // unused
 *   return x.sin()
 * })(tg.zeros([3]))
 * dce(jaxpr).eqns.length // 1
 * @since 0.1.0
 * @category ir
 */
export const dce = (j: Jaxpr): Jaxpr => {
  const live = new Set<Var>(j.outs)
  const kept: Eqn[] = []
  for (let i = j.eqns.length - 1; i >= 0; i--) {
    const e = j.eqns[i]!
    if (!e.outs.some((v) => live.has(v))) continue
    kept.push(e)
    e.inputs.forEach((v) => live.add(v))
  }
  return { ...j, eqns: kept.reverse() }
}

const avalStr = (a: Aval) => `${a.dtype}[${a.shape.join(",")}]`
const paramStr = (p: unknown): string => {
  const entries = Object.entries(p as object).filter(([, v]) => typeof v !== "object" || v === null || Array.isArray(v))
  return entries.length === 0 ? "" : `[${entries.map(([k, v]) => `${k}=${Array.isArray(v) ? `(${v.join(",")})` : String(v)}`).join(" ")}]`
}

/**
 * Print a jaxpr like JAX does: `{ lambda c0:f32[] ; a:f32[3] . let b:f32[3] = mul a c0 in (b) }`.
 *
 * @example
 * import * as tg from "typegrad"
 * console.log(tg.showJaxpr(tg.makeJaxpr((x: tg.Tensor<[3]>) => x.mul(2))(tg.zeros([3])).jaxpr))
 * @since 0.1.0
 * @category ir
 */
export const showJaxpr = (j: Jaxpr, indent = ""): string => {
  const names = new Map<Var, string>()
  const name = (v: Var) => {
    let n = names.get(v)
    if (n === undefined) {
      const k = names.size
      n = (k >= 26 ? String.fromCharCode(97 + (Math.floor(k / 26) - 1)) : "") + String.fromCharCode(97 + (k % 26))
      names.set(v, n)
    }
    return n
  }
  const decl = (v: Var) => `${name(v)}:${avalStr(v.aval)}`
  const consts = j.constVars.map(decl).join(" ")
  const head = `${indent}{ lambda ${consts}${consts ? " " : ""}; ${j.inVars.map(decl).join(" ")} . let`
  const body = j.eqns.map(
    (e) => `${indent}    ${e.outs.map(decl).join(" ")} = ${e.prim.name}${paramStr(e.params)} ${e.inputs.map(name).join(" ")}`,
  )
  return [head, ...body, `${indent}  in (${j.outs.map(name).join(", ")}) }`].join("\n")
}

/**
 * Evaluate a jaxpr on tensors under the current interpreter (so it can itself be transformed).
 *
 * @example
 * import * as tg from "typegrad"
 * import { evalJaxpr } from "typegrad/advanced"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[2]>) => x.exp())(tg.zeros([2]))
 * const [y] = evalJaxpr(jaxpr, [tg.tensor([0, 1])]) // [1, e]
 * @since 0.1.0
 * @category ir
 */
export const evalJaxpr = (j: Jaxpr, args: ReadonlyArray<AnyTensor>): AnyTensor[] => {
  const env = new Map<Var, AnyTensor>()
  j.constVars.forEach((v, i) => env.set(v, j.consts[i]!))
  j.inVars.forEach((v, i) => env.set(v, args[i]!))
  for (const e of j.eqns) {
    const outs = bind(
      e.prim,
      e.inputs.map((v) => env.get(v)!),
      e.params,
    )
    e.outs.forEach((v, i) => env.set(v, outs[i]!))
  }
  return j.outs.map((v) => env.get(v)!)
}
