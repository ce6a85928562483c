/**
 * The sorting primitive `argsort`: the stable permutation that sorts one axis (NaN after every
 * number ascending, before them descending). Integer valued, so its derivative is zero; sorted
 * values are a `gather` by it, which carries their gradient. The CPU sorts each row natively; the
 * WebGPU kernel ranks each entry by counting (O(n²) per row, all entries in parallel).
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { Zero, type Primitive } from "../core/primitive.js"

declare module "../core/primitive.js" {
  interface Primitives {
    /** out[..., k, ...] = the index along `axis` of the k-th entry in sorted order (stable) */
    argsort: { readonly params: { readonly axis: number; readonly descending: boolean }; readonly kind: "other" }
  }
}

// a permutation: integer valued, zero derivative
const argsortP: Primitive<"argsort"> = {
  name: "argsort",
  kind: "other",
  abstractEval: ([x], { axis }) => {
    const r = x!.shape.length
    if (!Number.isInteger(axis) || axis < 0 || axis >= r)
      throw ShapeError.of("argsort", `axis ${axis} out of range for rank ${r}`, x!.shape)
    if (x!.dtype === "bool") throw new DTypeError({ op: "argsort", dtypes: [x!.dtype], message: "argsort: cast bool keys to i32 first" })
    return [{ shape: [...x!.shape], dtype: "i32" }]
  },
  jvp: ([x], _t, params) => {
    const y = bind1(argsortP, [x!], params)
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  batch: ([x], [d], params) => [[bind1(argsortP, [lax.moveAxis(x!, d!, 0)], { ...params, axis: params.axis + 1 })], [0]],
  domain: { kind: "custom", nonDiff: true },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { argsort: argsortP }
