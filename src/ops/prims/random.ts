/**
 * The `threefry` primitive: Threefry-2x32 counter blocks of key data (i32 tensors `[..., 2]`, the
 * two words of a `Key`), as new keys or as uniform floats — the traced form of `split`, `foldIn`
 * and the uniform stream, so samplers work on keys that are tensors (a batch of keys under `vmap`,
 * keys inside `jit`). Its outputs do not depend differentiably on anything.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { Zero, type Primitive } from "../core/primitive.js"

declare module "../core/primitive.js" {
  interface Primitives {
    /** Threefry-2x32 of i32 key data [..., 2]: `count` keys [..., count, 2] or `count` uniforms [..., count] */
    threefry: { readonly params: ThreefryParams; readonly kind: "other" }
  }
}

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

// constant in its (integer) input: the tangent is zero
const threefryP: Primitive<"threefry"> = {
  name: "threefry",
  kind: "other",
  abstractEval: ([k], p) => {
    const s = k!.shape
    if (k!.dtype !== "i32")
      throw new DTypeError({ op: "random", dtypes: [k!.dtype], message: `random: key data must be i32, got ${k!.dtype}` })
    if (s.length === 0 || s[s.length - 1] !== 2) throw ShapeError.of("random", `key data must have shape [..., 2], got ${fmt(s)}`, s)
    if (!Number.isInteger(p.count) || p.count < 0) throw ShapeError.of("random", `count must be a non-negative integer, got ${p.count}`, s)
    const lead = s.slice(0, -1)
    if (p.mode === "key") return [{ shape: [...lead, p.count, 2], dtype: "i32" }]
    if (p.dtype !== "f32" && p.dtype !== "f64" && p.dtype !== "f16")
      throw new DTypeError({ op: "random", dtypes: [p.dtype], message: `random: uniform samples must be a float dtype, got ${p.dtype}` })
    return [{ shape: [...lead, p.count], dtype: p.dtype }]
  },
  jvp: ([k], _t, p) => {
    const y = bind1(threefryP, [k!], p)
    return [[y], [new Zero(y.aval)]]
  },
  transpose: null,
  // every key maps independently: the batch axis goes in front and stays there
  batch: ([k], [d], p) => [[bind1(threefryP, [lax.moveAxis(k!, d!, 0)], p)], [0]],
  domain: { kind: "custom", nonDiff: true, dtypes: ["i32"] },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { threefry: threefryP }
