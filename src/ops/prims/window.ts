/**
 * The window primitives `unfold` (im2col) and `fold` (col2im), from which conv2d and pooling are
 * composed (`src/ops/api/conv.ts`).
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { type LinearIn, Zero, type Pair, type Primitive, type UnfoldParams } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

declare module "../core/primitive.js" {
  interface Primitives {
    /** im2col: [N, C, H, W] -> [N, C, kh, kw, OH, OW] reading padded/dilated/strided windows */
    unfold: { readonly params: UnfoldParams; readonly kind: "other"; readonly linear: true }
    /** col2im (transpose of unfold): [N, C, kh, kw, OH, OW] -> [N, C, H, W], overlapping windows summed */
    fold: { readonly params: UnfoldParams & { readonly size: Pair }; readonly kind: "other"; readonly linear: true }
  }
}

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

/** Output size of one window axis (PyTorch's formula); negative means the window does not fit. @internal */
export const windowCount = (n: number, k: number, s: number, d: number, lo: number, hi: number) =>
  Math.floor((n + lo + hi - d * (k - 1) - 1) / s) + 1

const unfoldOut = (op: string, x: Aval, p: UnfoldParams): [number, number] => {
  const [kh, kw] = p.kernel
  const oh = windowCount(x.shape[2]!, kh, p.stride[0], p.dilation[0], p.padding[0], p.padding[1])
  const ow = windowCount(x.shape[3]!, kw, p.stride[1], p.dilation[1], p.padding[2], p.padding[3])
  if (oh < 1 || ow < 1)
    throw ShapeError.of(op, `window ${kh}x${kw} (dilation ${p.dilation.join("x")}) larger than the padded input ${fmt(x.shape)}`, x.shape)
  return [oh, ow]
}

const batchWindow =
  (f: (x: AnyTensor) => AnyTensor) =>
  ([x]: ReadonlyArray<AnyTensor>, [d]: ReadonlyArray<number | null>) => {
    const fx = lax.moveAxis(x!, d!, 0)
    const [B, N] = fx.shape as number[]
    const y = f(lax.reshape(fx, [B! * N!, ...fx.shape.slice(2)]))
    return [[lax.reshape(y, [B!, N!, ...y.shape.slice(1)])], [0]] as const
  }

// unfold is linear in x (the fill value is a constant): d unfold(x) = unfold(dx) with fill 0 ; transpose = fold
const unfoldP: Primitive<"unfold"> = {
  name: "unfold",
  kind: "other",
  abstractEval: ([x], p) => {
    if (x!.shape.length !== 4) throw ShapeError.of("unfold", `expected an [N, C, H, W] input, got ${fmt(x!.shape)}`, x!.shape)
    const [oh, ow] = unfoldOut("unfold", x!, p)
    return [{ shape: [x!.shape[0]!, x!.shape[1]!, p.kernel[0], p.kernel[1], oh, ow], dtype: x!.dtype }]
  },
  jvp: ([x], [t], p) => {
    const y = bind1(unfoldP, [x!], p)
    return [[y], [t instanceof Zero ? new Zero(y.aval) : lax.unfold(t!, { ...p, value: 0 })]]
  },
  transpose: ([ct], [x], p) => {
    const av = (x as LinearIn).aval
    return [ct instanceof Zero ? new Zero(av) : lax.fold(ct!, { ...p, value: 0, size: [av.shape[2]!, av.shape[3]!] })]
  },
  batch: (args, dims, p) => batchWindow((x) => lax.unfold(x, p))(args, dims),
  domain: { kind: "custom" },
}

// fold sums overlapping windows back into an image: linear; transpose = unfold (fill 0)
const foldP: Primitive<"fold"> = {
  name: "fold",
  kind: "other",
  abstractEval: ([x], p) => {
    const s = x!.shape
    const img: Aval = { shape: [s[0]!, s[1]!, p.size[0], p.size[1]], dtype: x!.dtype }
    const ok = s.length === 6 && s[2] === p.kernel[0] && s[3] === p.kernel[1]
    if (!ok) throw ShapeError.of("fold", `expected [N, C, ${p.kernel[0]}, ${p.kernel[1]}, OH, OW], got ${fmt(s)}`, s)
    const [oh, ow] = unfoldOut("fold", img, p)
    if (oh !== s[4] || ow !== s[5]) throw ShapeError.of("fold", `windows ${fmt(s)} do not tile an image of size ${p.size.join("x")}`, s)
    return [img]
  },
  jvp: ([x], [t], p) => {
    const y = bind1(foldP, [x!], p)
    return [[y], [t instanceof Zero ? new Zero(y.aval) : lax.fold(t!, p)]]
  },
  transpose: ([ct], [x], p) => {
    const av = (x as LinearIn).aval
    const { size: _size, ...rest } = p
    return [ct instanceof Zero ? new Zero(av) : lax.unfold(ct!, { ...rest, value: 0 })]
  },
  batch: (args, dims, p) => batchWindow((x) => lax.fold(x, p))(args, dims),
  domain: { kind: "custom" },
}

/** The family, for the registry (a default export, so the public barrel's `export *` leaves it out). */
export default { unfold: unfoldP, fold: foldP }
