/**
 * Structural primitives: reshape, broadcastTo, transpose, strided slice, pad (with interior
 * padding and cropping), concat. All are linear; each transpose is another structural op.
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import { numel, type Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Primitive, type Tangent } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

type Sizes = ReadonlyArray<number>
declare module "../core/primitive.js" {
  interface Primitives {
    reshape: { readonly params: { readonly shape: Sizes }; readonly kind: "view"; readonly linear: true }
    broadcastTo: { readonly params: { readonly shape: Sizes }; readonly kind: "view"; readonly linear: true }
    transpose: { readonly params: { readonly perm: Sizes }; readonly kind: "view"; readonly linear: true }
    /** strided slice: out[i] = x[start + i*step] per axis, `sizes` = output shape */
    slice: {
      readonly params: { readonly starts: Sizes; readonly steps: Sizes; readonly sizes: Sizes }
      readonly kind: "view"
      readonly linear: true
    }
    /** lo/hi may be negative (cropping); interior inserts `interior[d]` fill values between elements */
    pad: {
      readonly params: { readonly lo: Sizes; readonly hi: Sizes; readonly interior: Sizes; readonly value: number }
      readonly kind: "view"
      readonly linear: true
    }
    concat: { readonly params: { readonly axis: number }; readonly kind: "other"; readonly linear: true }
  }
}

const lin = (x: AnyTensor | LinearIn): Aval => (x instanceof LinearIn ? x.aval : x.aval)
const zeroOr = (ct: Tangent | undefined, av: Aval, f: (c: AnyTensor) => AnyTensor): Tangent =>
  ct === undefined || ct instanceof Zero ? new Zero(av) : f(ct)
const front = (x: AnyTensor, d: number | null | undefined): AnyTensor => lax.moveAxis(x, d!, 0)

// reshape: d reshape(x) = reshape(dx)
const reshapeP: Primitive<"reshape"> = {
  name: "reshape",
  kind: "view",
  abstractEval: ([x], { shape }) => {
    if (numel(shape) !== numel(x!.shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
      throw ShapeError.of(
        "reshape",
        `cannot reshape [${x!.shape.join(", ")}] (${numel(x!.shape)} elements) into [${shape.join(", ")}]`,
        x!.shape,
        shape,
      )
    return [{ shape: [...shape], dtype: x!.dtype }]
  },
  jvp: ([x], [t], params) => [
    [bind1(reshapeP, [x!], params)],
    [t instanceof Zero ? new Zero({ shape: params.shape, dtype: t.aval.dtype }) : lax.reshape(t!, params.shape)],
  ],
  transpose: ([ct], [x]) => [zeroOr(ct, lin(x!), (c) => lax.reshape(c, lin(x!).shape))],
  batch: ([x], [d], { shape }) => {
    const f = front(x!, d)
    return [[lax.reshape(f, [f.shape[0]!, ...shape])], [0]]
  },
  domain: { kind: "custom" },
}

// broadcastTo: NumPy broadcasting of one operand; transpose sums the broadcast axes
const broadcastToP: Primitive<"broadcastTo"> = {
  name: "broadcastTo",
  kind: "view",
  abstractEval: ([x], { shape }) => {
    const lead = shape.length - x!.shape.length
    if (lead < 0 || x!.shape.some((d, i) => d !== 1 && d !== shape[i + lead]))
      throw ShapeError.of("broadcastTo", `cannot broadcast [${x!.shape.join(", ")}] to [${shape.join(", ")}]`, x!.shape, shape)
    return [{ shape: [...shape], dtype: x!.dtype }]
  },
  jvp: ([x], [t], params) => [
    [bind1(broadcastToP, [x!], params)],
    [t instanceof Zero ? new Zero({ shape: params.shape, dtype: t.aval.dtype }) : lax.broadcastTo(t!, params.shape)],
  ],
  transpose: ([ct], [x]) => [zeroOr(ct, lin(x!), (c) => lax.unbroadcast(c, lin(x!).shape))],
  batch: ([x], [d], { shape }) => {
    const f = front(x!, d)
    const ones = new Array<number>(shape.length - (f.shape.length - 1)).fill(1)
    return [[lax.broadcastTo(lax.reshape(f, [f.shape[0]!, ...ones, ...f.shape.slice(1)]), [f.shape[0]!, ...shape])], [0]]
  },
  domain: { kind: "custom" },
}

const invPerm = (perm: ReadonlyArray<number>) => {
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => (inv[p] = i))
  return inv
}
// transpose: permute axes; its transpose is the inverse permutation
const transposeP: Primitive<"transpose"> = {
  name: "transpose",
  kind: "view",
  abstractEval: ([x], { perm }) => {
    const r = x!.shape.length
    if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r))
      throw ShapeError.of("permute", `[${perm.join(", ")}] is not a permutation of the ${r} axes of [${x!.shape.join(", ")}]`, x!.shape)
    return [{ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }]
  },
  jvp: ([x], [t], params) => {
    const y = bind1(transposeP, [x!], params)
    return [[y], [t instanceof Zero ? new Zero(y.aval) : lax.transpose(t!, params.perm)]]
  },
  transpose: ([ct], [x], { perm }) => [zeroOr(ct, lin(x!), (c) => lax.transpose(c, invPerm(perm)))],
  batch: ([x], [d], { perm }) => [[lax.transpose(front(x!, d), [0, ...perm.map((p) => p + 1)])], [0]],
  domain: { kind: "custom" },
}

// slice: out[i] = x[start + i·step]; transpose pads the cotangent back (interior padding = step - 1)
const sliceP: Primitive<"slice"> = {
  name: "slice",
  kind: "view",
  abstractEval: ([x], { starts, steps, sizes }) => {
    const r = x!.shape.length
    const bad =
      starts.length !== r ||
      steps.length !== r ||
      sizes.length !== r ||
      x!.shape.some(
        (n, i) => steps[i]! < 1 || starts[i]! < 0 || sizes[i]! < 0 || (sizes[i]! > 0 && starts[i]! + (sizes[i]! - 1) * steps[i]! >= n),
      )
    if (bad)
      throw ShapeError.of(
        "slice",
        `window starts [${starts.join(", ")}] steps [${steps.join(", ")}] sizes [${sizes.join(", ")}] does not fit [${x!.shape.join(", ")}]`,
        x!.shape,
      )
    return [{ shape: [...sizes], dtype: x!.dtype }]
  },
  jvp: ([x], [t], params) => {
    const y = bind1(sliceP, [x!], params)
    return [[y], [t instanceof Zero ? new Zero(y.aval) : lax.slice(t!, params.starts, params.steps, params.sizes)]]
  },
  transpose: ([ct], [x], { starts, steps, sizes }) => {
    const av = lin(x!)
    return [
      zeroOr(ct, av, (c) => {
        if (sizes.some((s) => s === 0)) return lax.zerosLike(av, c)
        const hi = av.shape.map((n, i) => n - starts[i]! - ((sizes[i]! - 1) * steps[i]! + 1))
        return lax.pad(
          c,
          starts,
          hi,
          steps.map((s) => s - 1),
          0,
        )
      }),
    ]
  },
  batch: ([x], [d], { starts, steps, sizes }) => {
    const f = front(x!, d)
    return [[lax.slice(f, [0, ...starts], [1, ...steps], [f.shape[0]!, ...sizes])], [0]]
  },
  domain: { kind: "custom" },
}

/** Output length of one padded axis (n elements, `interior` fill values between them). @internal */
export const paddedLen = (n: number, lo: number, hi: number, interior: number) => lo + hi + n + Math.max(n - 1, 0) * interior

// pad: d pad(x, v) = pad(dx, 0); transpose: un-crop, then take every (interior+1)-th element
const padP: Primitive<"pad"> = {
  name: "pad",
  kind: "view",
  abstractEval: ([x], { lo, hi, interior }) => {
    const r = x!.shape.length
    const shape = x!.shape.map((n, i) => paddedLen(n, lo[i]!, hi[i]!, interior[i]!))
    if (lo.length !== r || hi.length !== r || interior.length !== r || interior.some((v) => v < 0) || shape.some((n) => !(n >= 0)))
      throw ShapeError.of(
        "pad",
        `padding lo [${lo.join(", ")}] hi [${hi.join(", ")}] interior [${interior.join(", ")}] does not fit [${x!.shape.join(", ")}]`,
        x!.shape,
      )
    return [{ shape, dtype: x!.dtype }]
  },
  jvp: ([x], [t], params) => {
    const y = bind1(padP, [x!], params)
    return [[y], [t instanceof Zero ? new Zero(y.aval) : lax.pad(t!, params.lo, params.hi, params.interior, 0)]]
  },
  transpose: ([ct], [x], { lo, hi, interior }) => {
    const av = lin(x!)
    return [
      zeroOr(ct, av, (c) => {
        if (numel(av.shape) === 0) return lax.zerosLike(av, c)
        const unCropped = lax.pad(
          c,
          lo.map((v) => Math.max(-v, 0)),
          hi.map((v) => Math.max(-v, 0)),
          lo.map(() => 0),
          0,
        )
        return lax.slice(
          unCropped,
          lo.map((v) => Math.max(v, 0)),
          interior.map((v) => v + 1),
          av.shape,
        )
      }),
    ]
  },
  batch: ([x], [d], { lo, hi, interior, value }) => [[lax.pad(front(x!, d), [0, ...lo], [0, ...hi], [0, ...interior], value)], [0]],
  domain: { kind: "custom" },
}

// concat: tangents concatenate; the transpose slices the cotangent apart
const concatP: Primitive<"concat"> = {
  name: "concat",
  kind: "other",
  abstractEval: (xs, { axis }) => {
    const first = xs[0]!
    const r = first.shape.length
    if (axis < 0 || axis >= r) throw ShapeError.of("concat", `axis ${axis} out of range for rank ${r}`, ...xs.map((x) => x.shape))
    xs.forEach((x, k) => {
      if (x.shape.length !== r || x.shape.some((d, i) => i !== axis && d !== first.shape[i]))
        throw ShapeError.of(
          "concat",
          `tensor ${k} [${x.shape.join(", ")}] differs from [${first.shape.join(", ")}] outside axis ${axis}`,
          ...xs.map((y) => y.shape),
        )
      if (x.dtype !== first.dtype)
        throw new DTypeError({
          op: "concat",
          dtypes: xs.map((y) => y.dtype),
          message: `concat: dtypes differ (${xs.map((y) => y.dtype).join(", ")})`,
        })
    })
    const shape = [...first.shape]
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0)
    return [{ shape, dtype: first.dtype }]
  },
  jvp: (xs, ts, params) => {
    const y = bind1(concatP, xs, params)
    if (!ts.some((t) => !(t instanceof Zero))) return [[y], [new Zero(y.aval)]]
    return [
      [y],
      [
        lax.concat(
          ts.map((t, i) => (t instanceof Zero ? lax.zerosLike(xs[i]!) : t)),
          params.axis,
        ),
      ],
    ]
  },
  transpose: ([ct], xs, { axis }) => {
    let offset = 0
    return xs.map((x) => {
      const av = lin(x)
      const start = offset
      offset += av.shape[axis]!
      if (!(x instanceof LinearIn)) return null
      return zeroOr(ct, av, (c) =>
        lax.slice(
          c,
          av.shape.map((_, i) => (i === axis ? start : 0)),
          av.shape.map(() => 1),
          av.shape,
        ),
      )
    })
  },
  batch: (xs, dims, { axis }) => {
    const b = xs[dims.findIndex((d) => d !== null)]!.shape[dims.find((d) => d !== null)!]!
    const moved = xs.map((x, i) => (dims[i] === null ? lax.broadcastTo(x, [b, ...x.shape]) : front(x, dims[i])))
    return [[lax.concat(moved, axis + 1)], [0]]
  },
  domain: { kind: "custom" },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { reshape: reshapeP, broadcastTo: broadcastToP, transpose: transposeP, slice: sliceP, pad: padP, concat: concatP }
