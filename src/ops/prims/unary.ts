/**
 * Unary elementwise primitives. Each sits on a few lines: shape rule (identity), JVP formula,
 * scalar function (CPU) and WGSL expression over `a` (WebGPU, fusion).
 *
 * @since 0.1.0
 */
import { DTypeError } from "../../errors.js"
import { isFloat, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { Zero, type Domain, type Primitive, type Tangent } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

type UnaryName = "neg" | "exp" | "log" | "log1p" | "sin" | "cos" | "sqrt" | "tanh" | "sigmoid" | "abs" | "sign"

const unary = <P extends UnaryName>(
  name: P,
  o: {
    readonly floatOnly: boolean
    readonly scalar: (a: number) => number
    readonly wgsl: string
    /** tangent of the output from input x, output y and input tangent t (t is never Zero) */
    readonly jvp: (x: AnyTensor, y: AnyTensor, t: AnyTensor) => Tangent
    readonly domain?: Omit<Domain, "kind">
  },
  transpose: Primitive<P>["transpose"],
): Primitive<P> => {
  const p: Primitive<P> = {
    name,
    abstractEval: ([x]) => {
      if (o.floatOnly && !isFloat(x!.dtype))
        throw new DTypeError({ op: name, dtypes: [x!.dtype], message: `${name}: expected a float tensor, got ${x!.dtype}` })
      if (x!.dtype === "bool") throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: not defined on bool tensors` })
      return [x as Aval]
    },
    jvp: ([x], [t]) => {
      const y = bind1(p, [x!], {})
      return [[y], [t instanceof Zero ? t : o.jvp(x!, y, t!)]]
    },
    transpose,
    batch: ([x], dims) => [[bind1(p, [x!], {})], dims],
    domain: { kind: "unary", ...o.domain },
    scalar: o.scalar,
    wgsl: o.wgsl,
  }
  return p
}

// d(-x) = -dx
export const negP: Primitive<"neg"> = unary("neg", { floatOnly: false, scalar: (a) => -a, wgsl: "-a", jvp: (_x, _y, t) => lax.neg(t) },
  ([ct]) => [ct instanceof Zero ? ct : lax.neg(ct!)])
// d exp(x) = exp(x)·dx
export const expP: Primitive<"exp"> = unary("exp", { floatOnly: true, scalar: Math.exp, wgsl: "exp(a)", jvp: (_x, y, t) => lax.mul(t, y) }, null)
// d log(x) = dx / x
export const logP: Primitive<"log"> = unary("log", {
  floatOnly: true, scalar: Math.log, wgsl: "log(a)", jvp: (x, _y, t) => lax.div(t, x),
  domain: { ranges: [[0.1, 3]] },
}, null)
// d log1p(x) = dx / (1 + x)   NOTE: WGSL has no log1p; the kernel uses the Kahan/Goldberg trick
export const log1pP: Primitive<"log1p"> = unary("log1p", {
  floatOnly: true, scalar: Math.log1p,
  wgsl: "select(a * log(1.0 + a) / ((1.0 + a) - 1.0), a, (1.0 + a) == 1.0)",
  jvp: (x, _y, t) => lax.div(t, lax.add(x, 1)),
  domain: { ranges: [[-0.5, 2]] },
}, null)
// d sin(x) = cos(x)·dx
export const sinP: Primitive<"sin"> = unary("sin", { floatOnly: true, scalar: Math.sin, wgsl: "sin(a)", jvp: (x, _y, t) => lax.mul(t, lax.cos(x)) }, null)
// d cos(x) = -sin(x)·dx
export const cosP: Primitive<"cos"> = unary("cos", { floatOnly: true, scalar: Math.cos, wgsl: "cos(a)", jvp: (x, _y, t) => lax.neg(lax.mul(t, lax.sin(x))) }, null)
// d sqrt(x) = dx / (2·sqrt(x))   NOTE: infinite at 0
export const sqrtP: Primitive<"sqrt"> = unary("sqrt", {
  floatOnly: true, scalar: Math.sqrt, wgsl: "sqrt(a)", jvp: (_x, y, t) => lax.div(t, lax.mul(y, 2)),
  domain: { ranges: [[0.1, 3]] },
}, null)
// d tanh(x) = (1 - tanh²(x))·dx
export const tanhP: Primitive<"tanh"> = unary("tanh", {
  floatOnly: true, scalar: Math.tanh, wgsl: "tanh(clamp(a, -15.0, 15.0))", jvp: (_x, y, t) => lax.mul(t, lax.sub(1, lax.mul(y, y))),
}, null)
// d σ(x) = σ(x)(1 - σ(x))·dx   NOTE: evaluated as exp(-|x|) forms so neither branch overflows
export const sigmoidP: Primitive<"sigmoid"> = unary("sigmoid", {
  floatOnly: true,
  scalar: (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
  wgsl: "select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)",
  jvp: (_x, y, t) => lax.mul(t, lax.mul(y, lax.sub(1, y))),
  domain: { ranges: [[-4, 4]] },
}, null)
// d |x| = sign(x)·dx   (kink at 0)
export const absP: Primitive<"abs"> = unary("abs", {
  floatOnly: false, scalar: Math.abs, wgsl: "abs(a)", jvp: (x, _y, t) => lax.mul(t, lax.sign(x)),
  domain: { awayFromZero: 0.1 },
}, null)
// d sign(x) = 0
export const signP: Primitive<"sign"> = unary("sign", {
  floatOnly: false, scalar: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0), wgsl: "sign(a)", jvp: (x) => new Zero(x.aval),
  domain: { awayFromZero: 0.1, nonDiff: true },
}, null)
