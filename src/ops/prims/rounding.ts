/**
 * Elementwise primitives with a JS and a WGSL built-in and no composition that gives their values:
 * the rounding family (`floor`, `ceil`, `round` half to even as NumPy, `trunc`; zero derivative
 * almost everywhere, so their domains are `nonDiff`) and the two-argument arctangent `atan2`.
 *
 * @since 0.1.0
 */
import { DTypeError } from "../../errors.js"
import type { DeviceKind, DType, FloatDType, Shape } from "../../shape/index.js"
import { isFloat, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { Zero, type ElementwiseDecl, type ParamsOf, type Primitive } from "../core/primitive.js"
import type { AnyTensor, Tensor } from "../core/tensor.js"
import type { BinCheck, BinOut, Operand } from "../api/typing.js"
import { batchElementwise, binaryOp, elementwiseShape, inst } from "./elementwise.js"

declare module "../core/primitive.js" {
  interface Primitives {
    floor: ElementwiseDecl
    ceil: ElementwiseDecl
    round: ElementwiseDecl
    trunc: ElementwiseDecl
    atan2: ElementwiseDecl
  }
}

type RoundName = "floor" | "ceil" | "round" | "trunc"

// d floor(x) = 0 (almost everywhere; the jumps have no derivative)
const rounding = <P extends RoundName>(name: P): Primitive<P> => {
  const p: Primitive<P> = {
    name,
    kind: "elementwise" as Primitive<P>["kind"],
    abstractEval: ([x]) => {
      if (x!.dtype === "bool") throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: not defined on bool tensors` })
      return [x as Aval]
    },
    jvp: ([x]) => {
      const y = bind1(p, [x!], {} as ParamsOf<P>)
      return [[y], [new Zero(y.aval)]]
    },
    transpose: null as Primitive<P>["transpose"],
    batch: ([x], dims) => [[bind1(p, [x!], {} as ParamsOf<P>)], dims],
    domain: { kind: "unary", nonDiff: true, ranges: [[-4, 4]] },
  }
  return p
}

const floorP = rounding("floor"),
  ceilP = rounding("ceil"),
  roundP = rounding("round"),
  truncP = rounding("trunc")

// d atan2(y, x) = (x·dy - y·dx) / (x² + y²)
const atan2P: Primitive<"atan2"> = {
  name: "atan2",
  kind: "elementwise",
  abstractEval: (avals) => {
    const shape = elementwiseShape("atan2", avals)
    if (!isFloat(avals[0]!.dtype))
      throw new DTypeError({
        op: "atan2",
        dtypes: avals.map((a) => a.dtype),
        message: `atan2: expected float tensors, got ${avals[0]!.dtype}`,
      })
    return [{ shape, dtype: avals[0]!.dtype }]
  },
  jvp: ([y, x], [ty, tx]) => {
    const out = bind1(atan2P, [y!, x!], {})
    if (ty instanceof Zero && tx instanceof Zero) return [[out], [new Zero(out.aval)]]
    const r2 = lax.add(lax.mul(x!, x!), lax.mul(y!, y!))
    const num = lax.sub(lax.mul(x!, inst(ty!, out.shape, out)), lax.mul(y!, inst(tx!, out.shape, out)))
    return [[out], [lax.div(num, r2)]]
  },
  transpose: null,
  batch: (args, dims, params) => batchElementwise(atan2P)(args, dims, params),
  domain: { kind: "binary", awayFromZero: 0.2 },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { floor: floorP, ceil: ceilP, round: roundP, trunc: truncP, atan2: atan2P }

// ------------------------------------------------------------------ typed public ops

type Unary = <S extends Shape, D extends DType, V extends DeviceKind>(x: Tensor<S, D, V>) => Tensor<S, D, V>
const unaryOp = <P extends RoundName>(p: Primitive<P>): Unary => ((x: AnyTensor) => bind1(p, [x], {} as ParamsOf<P>)) as Unary

/** Round toward −∞. @example tg.floor(tg.tensor([-1.5, 1.5])) // [-2, 1] @since 0.1.0 @category math */
export const floor: Unary = unaryOp(floorP)
/** Round toward +∞. @example tg.ceil(tg.tensor([-1.5, 1.5])) // [-1, 2] @since 0.1.0 @category math */
export const ceil: Unary = unaryOp(ceilP)
/** Round to the nearest integer, halves to even (as NumPy). @example tg.round(tg.tensor([0.5, 1.5, 2.5])) // [0, 2, 2] @since 0.1.0 @category math */
export const round: Unary = unaryOp(roundP)
/** Round toward zero. @example tg.trunc(tg.tensor([-1.7, 1.7])) // [-1, 1] @since 0.1.0 @category math */
export const trunc: Unary = unaryOp(truncP)

type Atan2 = <A extends Shape, D extends FloatDType, V extends DeviceKind, T extends Operand>(
  y: Tensor<A, D, V>,
  x: T & NoInfer<BinCheck<A, V, T, "atan2">>,
) => BinOut<A, D, V, T>
/**
 * The angle of the point `(x, y)`: `atan(y / x)` in the right quadrant, in `[-π, π]`.
 * @example
 * import * as tg from "typegrad"
 * tg.atan2(tg.tensor([1, 1, -1]), tg.tensor([1, -1, -1])).toArraySync() // [π/4, 3π/4, -3π/4]
 * @since 0.1.0
 * @category math
 */
export const atan2: Atan2 = ((y: AnyTensor, x: Operand) =>
  binaryOp("atan2", (a, b) => bind1(atan2P, [a, typeof b === "number" ? lax.scalar(b, a) : b], {}), y, x)) as Atan2
