/**
 * Reduction primitives over a sorted set of axes (keepdims is a reshape in the public ops), and
 * argmax/argmin.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { type LinearIn, Zero, type BatchRule, type Primitive } from "../core/primitive.js"

type Axes = { readonly axes: ReadonlyArray<number> }
declare module "../core/primitive.js" {
  interface Primitives {
    reduceSum: { readonly params: Axes; readonly kind: "reduction"; readonly linear: true }
    reduceMax: { readonly params: Axes; readonly kind: "reduction" }
    reduceMin: { readonly params: Axes; readonly kind: "reduction" }
    reduceProd: { readonly params: Axes; readonly kind: "reduction" }
    argReduce: { readonly params: { readonly axis: number; readonly op: "max" | "min" }; readonly kind: "other" }
  }
}

type ReduceName = "reduceSum" | "reduceMax" | "reduceMin" | "reduceProd"

const reduceEval =
  (name: string) =>
  ([x]: ReadonlyArray<Aval>, { axes }: { readonly axes: ReadonlyArray<number> }): Aval[] => {
    const r = x!.shape.length
    axes.forEach((a, i) => {
      if (!Number.isInteger(a) || a < 0 || a >= r || (i > 0 && a <= axes[i - 1]!))
        throw ShapeError.of(name, `axes [${axes.join(", ")}] must be sorted, unique and within rank ${r}`, x!.shape)
    })
    if (x!.dtype === "bool")
      throw new DTypeError({ op: name, dtypes: ["bool"], message: `${name}: cast bool tensors to i32 or f32 before reducing` })
    if (name !== "sum" && name !== "prod")
      axes.forEach((a) => {
        if (x!.shape[a] === 0) throw ShapeError.of(name, `cannot reduce the empty axis ${a} (no identity element)`, x!.shape)
      })
    return [{ shape: x!.shape.filter((_, i) => !axes.includes(i)), dtype: x!.dtype }]
  }

const batchReduce =
  <P extends ReduceName>(p: () => Primitive<P>): BatchRule<P> =>
  ([x], [d], params) => {
    const front = lax.moveAxis(x!, d!, 0)
    const axes = (params as { readonly axes: ReadonlyArray<number> }).axes.map((a) => a + 1)
    return [[bind1(p(), [front], { ...params, axes })], [0]]
  }

// d Σx = Σ dx ; transpose: broadcast the cotangent back
const reduceSumP: Primitive<"reduceSum"> = {
  name: "reduceSum",
  kind: "reduction",
  abstractEval: reduceEval("sum"),
  jvp: ([x], [t], params) => [
    [bind1(reduceSumP, [x!], params)],
    [t instanceof Zero ? new Zero(reduceEval("sum")([t.aval], params)[0]!) : lax.reduceSum(t!, params.axes)],
  ],
  transpose: ([ct], [x], { axes }) => {
    const av = (x as LinearIn).aval
    return [ct instanceof Zero ? new Zero(av) : lax.expandReduced(ct!, av.shape, axes)]
  },
  batch: batchReduce(() => reduceSumP),
  domain: { kind: "custom" },
}

/** d max(x) = mean of dx over the arg-max positions (ties share the tangent). */
const extremumJvp =
  <P extends "reduceMax" | "reduceMin">(p: () => Primitive<P>): Primitive<P>["jvp"] =>
  ([x], [t], params) => {
    const y = bind1(p(), [x!], params)
    if (t instanceof Zero) return [[y], [new Zero(y.aval)]]
    const axes = (params as { readonly axes: ReadonlyArray<number> }).axes
    const mask = lax.compare(x!, lax.expandReduced(y, x!.shape, axes), "eq")
    const count = lax.reduceSum(lax.cast(mask, x!.dtype), axes)
    return [[y], [lax.div(lax.reduceSum(lax.where(mask, t!, 0), axes), count)]]
  }

const reduceMaxP: Primitive<"reduceMax"> = {
  name: "reduceMax",
  kind: "reduction",
  abstractEval: reduceEval("max"),
  jvp: extremumJvp(() => reduceMaxP),
  transpose: null,
  batch: batchReduce(() => reduceMaxP),
  domain: { kind: "custom" },
}
const reduceMinP: Primitive<"reduceMin"> = {
  name: "reduceMin",
  kind: "reduction",
  abstractEval: reduceEval("min"),
  jvp: extremumJvp(() => reduceMinP),
  transpose: null,
  batch: batchReduce(() => reduceMinP),
  domain: { kind: "custom" },
}
// d Πx = Σ_i dx_i · Π_{j≠i} x_j, with Π_{j≠i} x_j = Πx / x_i   NOTE: undefined where some x_i = 0 (domain avoids it)
const reduceProdP: Primitive<"reduceProd"> = {
  name: "reduceProd",
  kind: "reduction",
  abstractEval: reduceEval("prod"),
  jvp: ([x], [t], params) => {
    const y = bind1(reduceProdP, [x!], params)
    if (t instanceof Zero) return [[y], [new Zero(y.aval)]]
    const others = lax.div(lax.expandReduced(y, x!.shape, params.axes), x!)
    return [[y], [lax.reduceSum(lax.mul(t!, others), params.axes)]]
  },
  transpose: null,
  batch: batchReduce(() => reduceProdP),
  domain: { kind: "custom", awayFromZero: 0.3, ranges: [[-1.5, 1.5]] },
}

// index of the extremum: integer valued, zero derivative
const argReduceP: Primitive<"argReduce"> = {
  name: "argReduce",
  kind: "other",
  abstractEval: ([x], { axis, op }) => {
    const r = x!.shape.length
    if (!Number.isInteger(axis) || axis < 0 || axis >= r)
      throw ShapeError.of(`arg${op}`, `axis ${axis} out of range for rank ${r}`, x!.shape)
    if (x!.shape[axis] === 0) throw ShapeError.of(`arg${op}`, `cannot take arg${op} of the empty axis ${axis}`, x!.shape)
    return [{ shape: x!.shape.filter((_, i) => i !== axis), dtype: "i32" }]
  },
  jvp: ([x], _t, params) => {
    const y = bind1(argReduceP, [x!], params)
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  batch: ([x], [d], params) => [[bind1(argReduceP, [lax.moveAxis(x!, d!, 0)], { ...params, axis: params.axis + 1 })], [0]],
  domain: { kind: "custom", nonDiff: true },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { reduceSum: reduceSumP, reduceMax: reduceMaxP, reduceMin: reduceMinP, reduceProd: reduceProdP, argReduce: argReduceP }
