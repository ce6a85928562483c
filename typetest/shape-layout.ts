// Type-level tests of src/shape layout rules: reshape, flatten, transpose, permute, reduce,
// squeeze/unsqueeze, concat/stack, pad. Positives, negatives with exact messages, large, named
// and dynamic dims.
import type {
  Concat, Dim, Flatten, Guard, Pad, Permute, Reduce, Reshape, Shape, ShapeMismatch, Squeeze, Stack, Transpose, Unsqueeze,
} from "../src/shape/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

declare function reshape<const S extends Shape, const T extends Shape>(s: S, t: T & NoInfer<Guard<Reshape<S, T>>>): Reshape<S, T>
declare function permute<const S extends Shape, const P extends readonly number[]>(s: S, p: P & NoInfer<Guard<Permute<S, P>>>): Permute<S, P>

export type ReshapeCases = [
  Expect<Equal<Reshape<[1024, 512], [-1]>, [524288]>>,
  Expect<Equal<Reshape<["B", "T", 768], ["B", "T", 12, -1]>, ["B", "T", 12, 64]>>,
  Expect<Equal<Reshape<["B", 3, 4], ["B", 12]>, ["B", 12]>>,
  Expect<Equal<Reshape<["B", 12], [-1, 12]>, ["B", 12]>>,
  Expect<Equal<Reshape<[1048576, 2048], [-1]>, [2147483648]>>,
  Expect<Equal<Reshape<[2147483648], [65536, -1]>, [65536, 32768]>>,
  Expect<Equal<Reshape<[number, 4], [2, -1]>, [2, number]>>,
  Expect<Equal<Reshape<Dim[], [2, -1]>, [2, number]>>,
  Expect<Equal<Reshape<[1024, 512], [1000, 500]>, ShapeMismatch<"reshape: cannot reshape [1024, 512] (524288 elements) into [1000, 500] (500000 elements)">>>,
  Expect<Equal<Reshape<["B", 12], ["T", 12]>, ShapeMismatch<"reshape: cannot reshape [B, 12] (B*12 elements) into [T, 12] (T*12 elements)">>>,
  Expect<Equal<Reshape<[7], [2, -1]>, ShapeMismatch<"reshape: cannot reshape [7] (7 elements) into [2, -1]">>>,
  Expect<Equal<Reshape<[6], [-1, -1]>, ShapeMismatch<"reshape: only one -1 allowed in [-1, -1]">>>,
  Expect<Equal<Reshape<[6], [-2, -3]>, ShapeMismatch<"reshape: invalid dimension -2 in [-2, -3]">>>,
  Expect<Equal<Reshape<[0, 3], [0, -1]>, ShapeMismatch<"reshape: cannot infer -1 in [0, -1] with a zero-sized dimension">>>,
]

export type FlattenTransposePermute = [
  Expect<Equal<Flatten<["B", 64, 7, 7], 1>, ["B", 3136]>>,
  Expect<Equal<Flatten<[2, 3, 4], 0, 1>, [6, 4]>>,
  Expect<Equal<Flatten<["B", 1]>, ["B"]>>,
  Expect<Equal<Flatten<[]>, [1]>>,
  Expect<Equal<Flatten<[number, 3], 0>, [number]>>,
  Expect<Equal<Flatten<[2, 3], 1, 0>, ShapeMismatch<"flatten: start_dim 1 after end_dim 0 for [2, 3]">>>,
  Expect<Equal<Flatten<[2, 3], 2>, ShapeMismatch<"flatten: axis 2 out of range for rank 2">>>,
  Expect<Equal<Transpose<["B", 12, "T", 64]>, ["B", 12, 64, "T"]>>,
  Expect<Equal<Transpose<[2, 3, 4], 0, 2>, [4, 3, 2]>>,
  Expect<Equal<Transpose<[2, 3], 0, -3>, ShapeMismatch<"transpose: axis -3 out of range for rank 2">>>,
  Expect<Equal<Transpose<[2, 3], number>, Dim[]>>,
  Expect<Equal<Permute<["B", "T", 12, 64], [0, 2, 1, 3]>, ["B", 12, "T", 64]>>,
  Expect<Equal<Permute<[2, 3, 4], [-1, 0, 1]>, [4, 2, 3]>>,
  Expect<Equal<Permute<[1, 2, 3, 4], [0, 1, 1, 2]>, ShapeMismatch<"permute: axis 1 repeated in [0, 1, 1, 2]">>>,
  Expect<Equal<Permute<[2, 3], [0]>, ShapeMismatch<"permute: [0] has 1 axes but tensor [2, 3] has rank 2">>>,
  Expect<Equal<Permute<[2, 3], number[]>, Dim[]>>,
]

export type ReduceSqueeze = [
  Expect<Equal<Reduce<["B", "T", 768], -1, true>, ["B", "T", 1]>>,
  Expect<Equal<Reduce<["B", "T", 768], [0, 1]>, [768]>>,
  Expect<Equal<Reduce<[2, 3]>, []>>,
  Expect<Equal<Reduce<[2, 3], undefined, true>, [1, 1]>>,
  Expect<Equal<Reduce<[2, 3], []>, [2, 3]>>,
  Expect<Equal<Reduce<[2, 3], [1, -1], false, "max">, ShapeMismatch<"max: axis -1 repeated in [1, -1]">>>,
  Expect<Equal<Reduce<[2, 3], 2, false, "mean">, ShapeMismatch<"mean: axis 2 out of range for rank 2">>>,
  Expect<Equal<Reduce<[2, 3], number>, Dim[]>>,
  Expect<Equal<Reduce<[2, 3], 0, boolean>, Dim[]>>,
  Expect<Equal<Squeeze<[1, "B", 1, 4]>, ["B", 4]>>,
  Expect<Equal<Squeeze<[1, number]>, Dim[]>>,
  Expect<Equal<Squeeze<[1, 3, 1], -1>, [1, 3]>>,
  Expect<Equal<Squeeze<[1, 3, number], [0, 2]>, [3]>>,
  Expect<Equal<Squeeze<[2, 3], 1>, ShapeMismatch<"squeeze: dim 1 of [2, 3] has size 3, not 1">>>,
  Expect<Equal<Squeeze<["B", 1], 0>, ShapeMismatch<"squeeze: dim 0 of [B, 1] has size B, not 1">>>,
  Expect<Equal<Unsqueeze<[3, 4], -1>, [3, 4, 1]>>,
  Expect<Equal<Unsqueeze<[3, 4], 0>, [1, 3, 4]>>,
  Expect<Equal<Unsqueeze<[3, 4], 3>, ShapeMismatch<"unsqueeze: axis 3 out of range for rank 3">>>,
]

export type ConcatStackPad = [
  Expect<Equal<Concat<[[2, 3], [5, 3]]>, [7, 3]>>,
  Expect<Equal<Concat<[["B", 1048576], ["B", 1048576]], -1>, ["B", 2097152]>>,
  Expect<Equal<Concat<[["B", 3], ["B", 3]]>, [number, 3]>>,
  Expect<Equal<Concat<[[2, number], [5, 3]]>, [7, 3]>>,
  Expect<Equal<Concat<[[2, 3], [5, 4]]>, ShapeMismatch<"concat: tensor 1 [5, 4] differs from [2, 3] at dim 1 (3 vs 4)">>>,
  Expect<Equal<Concat<[[2, 3], [5]]>, ShapeMismatch<"concat: tensor 1 [5] has rank 1, expected 2 like [2, 3]">>>,
  Expect<Equal<Concat<[]>, ShapeMismatch<"concat: expects a non-empty list of tensors">>>,
  Expect<Equal<Stack<[[2, 3], [2, 3]], -1>, [2, 3, 2]>>,
  Expect<Equal<Stack<[["B", 3], [number, 3], ["B", 3]]>, [3, "B", 3]>>,
  Expect<Equal<Stack<[[2, 3], [2, 4]]>, ShapeMismatch<"stack: tensor 1 [2, 4] differs from [2, 3]">>>,
  Expect<Equal<Stack<[[2, 3]], 3>, ShapeMismatch<"stack: axis 3 out of range for rank 3">>>,
  Expect<Equal<Pad<[2, 3, 28, 28], [[0, 0], [0, 0], [1, 1], [2, 2]]>, [2, 3, 30, 32]>>,
  Expect<Equal<Pad<[2, 3, 28, 28], [[1, 2]]>, [5, 6, 31, 31]>>,
  Expect<Equal<Pad<[2, 3, 28, 28], [[1, 1], [2, 2]]>, ShapeMismatch<"pad: 2 pad pairs for [2, 3, 28, 28] of rank 4 (one pair, or one per axis)">>>,
  Expect<Equal<Pad<[3, 4], 1>, [5, 6]>>,
  Expect<Equal<Pad<["B", 2147483646], [[0, 0], [1, 1]]>, ["B", 2147483648]>>,
  Expect<Equal<Pad<["B", number], 1>, [number, number]>>,
  Expect<Equal<Pad<[3], [[1, 1], [1, 1]]>, ShapeMismatch<"pad: 2 pad pairs for [3] of rank 1 (one pair, or one per axis)">>>,
  Expect<Equal<Pad<[3], [[-1, 0]]>, ShapeMismatch<"pad: invalid padding [-1, 0]">>>,
  Expect<Equal<Pad<[3], -2>, ShapeMismatch<"pad: invalid padding -2">>>,
]

const ok = reshape(["B", 3, 4], ["B", -1])
export type Inferred = Expect<Equal<typeof ok, ["B", 12]>>
// @ts-expect-error reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)
reshape([2, 3], [7])
// @ts-expect-error permute: axis 1 repeated
permute([2, 3, 4], [0, 1, 1])
