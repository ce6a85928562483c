/**
 * Batched matrix multiply and the window primitives `unfold` (im2col) and `fold` (col2im), from
 * which conv2d and pooling are composed (`src/ops/conv.ts`).
 *
 * @since 0.1.0
 */
import { DTypeError, ShapeError } from "../../errors.js"
import type { Aval } from "../core/aval.js"
import { bind1 } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import { LinearIn, Zero, type Pair, type Primitive, type UnfoldParams } from "../core/primitive.js"
import type { AnyTensor } from "../core/tensor.js"

const fmt = (s: ReadonlyArray<number>) => `[${s.join(", ")}]`

// d(A·B) = dA·B + A·dB ; transpose: ct·Bᵀ and Aᵀ·ct
export const matmulP: Primitive<"matmul"> = {
  name: "matmul",
  abstractEval: ([a, b]) => {
    const r = a!.shape.length
    const ok = r >= 2 && b!.shape.length === r && a!.shape[r - 1] === b!.shape[r - 2] && a!.shape.slice(0, r - 2).every((d, i) => d === b!.shape[i])
    if (!ok) throw ShapeError.of("matmul", `cannot multiply ${fmt(a!.shape)} @ ${fmt(b!.shape)}`, a!.shape, b!.shape)
    if (a!.dtype !== b!.dtype || a!.dtype === "bool")
      throw new DTypeError({ op: "matmul", dtypes: [a!.dtype, b!.dtype], message: `matmul: needs equal numeric dtypes, got ${a!.dtype} and ${b!.dtype}` })
    return [{ shape: [...a!.shape.slice(0, r - 1), b!.shape[r - 1]!], dtype: a!.dtype }]
  },
  jvp: ([a, b], [ta, tb]) => {
    const y = lax.matmul(a!, b!)
    const l = ta instanceof Zero ? null : lax.matmul(ta!, b!)
    const r = tb instanceof Zero ? null : lax.matmul(a!, tb!)
    return [[y], [l === null ? (r === null ? new Zero(y.aval) : r) : r === null ? l : lax.add(l, r)]]
  },
  transpose: ([ct], [a, b]) => {
    if (a instanceof LinearIn && b instanceof LinearIn) throw new Error("matmul: transpose of a product of two linear values (not linear)")
    const z = ct instanceof Zero
    return [
      a instanceof LinearIn ? (z ? new Zero(a.aval) : lax.matmul(ct!, lax.mT(b as AnyTensor))) : null,
      b instanceof LinearIn ? (z ? new Zero(b.aval) : lax.matmul(lax.mT(a as AnyTensor), ct!)) : null,
    ]
  },
  batch: ([a, b], [da, db]) => {
    const B = da !== null ? a!.shape[da!]! : b!.shape[db!]!
    const fa = da === null ? lax.broadcastTo(a!, [B, ...a!.shape]) : lax.moveAxis(a!, da!, 0)
    const fb = db === null ? lax.broadcastTo(b!, [B, ...b!.shape]) : lax.moveAxis(b!, db!, 0)
    return [[lax.matmul(fa, fb)], [0]]
  },
  domain: { kind: "custom" },
}

/** Output size of one window axis (PyTorch's formula); negative means the window does not fit. */
export const windowCount = (n: number, k: number, s: number, d: number, lo: number, hi: number) =>
  Math.floor((n + lo + hi - d * (k - 1) - 1) / s) + 1

const unfoldOut = (op: string, x: Aval, p: UnfoldParams): [number, number] => {
  const [kh, kw] = p.kernel
  const oh = windowCount(x.shape[2]!, kh, p.stride[0], p.dilation[0], p.padding[0], p.padding[1])
  const ow = windowCount(x.shape[3]!, kw, p.stride[1], p.dilation[1], p.padding[2], p.padding[3])
  if (oh < 1 || ow < 1) throw ShapeError.of(op, `window ${kh}x${kw} (dilation ${p.dilation.join("x")}) larger than the padded input ${fmt(x.shape)}`, x.shape)
  return [oh, ow]
}

const batchWindow = (f: (x: AnyTensor) => AnyTensor) => ([x]: ReadonlyArray<AnyTensor>, [d]: ReadonlyArray<number | null>) => {
  const fx = lax.moveAxis(x!, d!, 0)
  const [B, N] = fx.shape as number[]
  const y = f(lax.reshape(fx, [B! * N!, ...fx.shape.slice(2)]))
  return [[lax.reshape(y, [B!, N!, ...y.shape.slice(1)])], [0]] as const
}

// unfold is linear in x (the fill value is a constant): d unfold(x) = unfold(dx) with fill 0 ; transpose = fold
export const unfoldP: Primitive<"unfold"> = {
  name: "unfold",
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
export const foldP: Primitive<"fold"> = {
  name: "fold",
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

export type { Pair }
