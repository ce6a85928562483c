// Type-level tests of src/shape slicing (NumPy basic indexing strings) and windowed ops
// (conv2d, pooling).
import type { Conv2d, Dim, Guard, Pool2d, Shape, ShapeMismatch, Slice, WindowOut } from "../src/shape/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

declare function slice<const S extends Shape, const Spec extends string>(s: S, spec: Spec & NoInfer<Guard<Slice<S, Spec>>>): Slice<S, Spec>

export type SliceCases = [
  Expect<Equal<Slice<[64, 128], "2:, 1:-1">, [62, 126]>>,
  Expect<Equal<Slice<[10], "::3">, [4]>>,
  Expect<Equal<Slice<[10], "-3:">, [3]>>,
  Expect<Equal<Slice<[10], "5:2">, [0]>>,
  Expect<Equal<Slice<[10], "-100:100">, [10]>>,
  Expect<Equal<Slice<[4, 5, 6], "1">, [5, 6]>>,
  Expect<Equal<Slice<[4, 5, 6], "..., -1">, [4, 5]>>,
  Expect<Equal<Slice<["B", 3, 32], "..., None, ::2">, ["B", 3, 1, 16]>>,
  Expect<Equal<Slice<["H", number], ":, 0:">, ["H", number]>>,
  Expect<Equal<Slice<["H", number], "1:, ::2">, [number, number]>>,
  Expect<Equal<Slice<[1048576], "1:-1">, [1048574]>>,
  Expect<Equal<Slice<[2147483648], "::2">, [1073741824]>>,
  Expect<Equal<Slice<[2, 3], string>, Dim[]>>,
  Expect<Equal<Slice<[64, 128], "64">, ShapeMismatch<"slice: index 64 out of range for dim 0 of size 64 in [64, 128]">>>,
  Expect<Equal<Slice<[64, 128], ":, -129">, ShapeMismatch<"slice: index -129 out of range for dim 1 of size 128 in [64, 128]">>>,
  Expect<Equal<Slice<[4], "a:b">, ShapeMismatch<"slice: cannot parse \"a:b\" in \"a:b\"">>>,
  Expect<Equal<Slice<[10], "::-1">, ShapeMismatch<"slice: step must be positive, got -1">>>,
  Expect<Equal<Slice<[10], "1, 2">, ShapeMismatch<"slice: too many indices (2) for [10] of rank 1">>>,
  Expect<Equal<Slice<[10], "..., ...">, ShapeMismatch<"slice: only one \"...\" allowed in \"..., ...\"">>>,
]

export type ConvCases = [
  Expect<Equal<WindowOut<224, 7, 2, 3, 1, "conv2d", "height">, 112>>,
  Expect<Equal<Conv2d<["B", 3, 224, 224], [64, 3, 7, 7], { stride: 2; padding: 3 }>, ["B", 64, 112, 112]>>,
  Expect<Equal<Conv2d<[1, 3, 32, 32], [8, 3, 3, 3]>, [1, 8, 30, 30]>>,
  Expect<Equal<Conv2d<[1, 8, 32, 32], [16, 4, 3, 3], { groups: 2; dilation: [2, 1]; stride: [1, 2] }>, [1, 16, 28, 15]>>,
  Expect<Equal<Conv2d<[1, 3, number, 32], [8, 3, 3, 3]>, [1, 8, number, 30]>>,
  Expect<Equal<Conv2d<[1, "C", 32, 32], [8, "C", 3, 3]>, [1, 8, 30, 30]>>,
  Expect<Equal<Conv2d<[1, 1, 1048576, 3], [1, 1, 3, 3], { padding: [0, 1] }>, [1, 1, 1048574, 3]>>,
  Expect<Equal<Conv2d<Dim[], [8, 3, 3, 3]>, Dim[]>>,
  Expect<Equal<Conv2d<[1, 3, 8, 8], [64, 4, 3, 3]>, ShapeMismatch<"conv2d: input has 3 channels but weight [64, 4, 3, 3] expects 4">>>,
  Expect<Equal<Conv2d<[1, 8, 8, 8], [4, 2, 3, 3], { groups: 2 }>, ShapeMismatch<"conv2d: input has 8 channels but weight [4, 2, 3, 3] expects 2 x 2 groups">>>,
  Expect<Equal<Conv2d<[1, 4, 8, 8], [6, 1, 3, 3], { groups: 4 }>, ShapeMismatch<"conv2d: weight [6, 1, 3, 3] has 6 output channels, not divisible by 4 groups">>>,
  Expect<Equal<Conv2d<[1, 3, 4, 4], [8, 3, 7, 7]>, ShapeMismatch<"conv2d: kernel 7 larger than padded height 4">>>,
  Expect<Equal<Conv2d<[1, 3, 9, 4], [8, 3, 3, 3], { dilation: 2 }>, ShapeMismatch<"conv2d: kernel 3 (dilated to 5) larger than padded width 4">>>,
  Expect<Equal<Conv2d<[1, 3, 9, 9], [8, 3, 3, 3], { stride: 0 }>, ShapeMismatch<"conv2d: stride must be positive">>>,
  Expect<Equal<Conv2d<[3, 9, 9], [8, 3, 3, 3]>, ShapeMismatch<"conv2d: input must be [N, C, H, W], got [3, 9, 9]">>>,
]

export type PoolCases = [
  Expect<Equal<Pool2d<["B", 64, 112, 112], 3, { stride: 2; padding: 1 }>, ["B", 64, 56, 56]>>,
  Expect<Equal<Pool2d<[3, 32, 32], 2>, [3, 16, 16]>>,
  Expect<Equal<Pool2d<[1, 3, 32, 30], [2, 3], {}, "avgPool2d">, [1, 3, 16, 10]>>,
  Expect<Equal<Pool2d<[1, 3, "H", 32], 2>, [1, 3, number, 16]>>,
  Expect<Equal<Pool2d<[1, 3, 32, 32], 3, { padding: 2 }>, ShapeMismatch<"maxPool2d: padding 2 should be at most half of kernel 3">>>,
  Expect<Equal<Pool2d<[32, 32], 2, {}, "avgPool2d">, ShapeMismatch<"avgPool2d: input must be [N, C, H, W] or [C, H, W], got [32, 32]">>>,
  Expect<Equal<Pool2d<[1, 1, 2, 2], 3>, ShapeMismatch<"maxPool2d: kernel 3 larger than padded height 2">>>,
]

const ok = slice([64, 128], "2:, 1:-1")
export type Inferred = Expect<Equal<typeof ok, [62, 126]>>
// @ts-expect-error slice: index 64 out of range for dim 0 of size 64 in [64, 128]
slice([64, 128], "64")
