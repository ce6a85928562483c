// Type-level tests of src/shape: broadcast, matmul/dot/outer, expand, dtype/device guards and
// arithmetic. Checked by `tsc -p tsconfig.json` under TypeScript 5.9 and 7; a wrong assertion is a
// compile error. Negatives use `@ts-expect-error` on a Guard-ed argument, like the real ops.
import type {
  Add, Broadcast, Compare, Dim, Dot, Expand, FloorDiv, FmtShape, Guard, IsError, Matmul, Mod, Mul, NumElements, Outer, Promote,
  SameDType, SameDevice, Shape, ShapeMismatch, Sub,
} from "../src/shape/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

/** A stand-in op in the house pattern: the guard sits on the argument at fault. */
declare function matmul<const A extends Shape, const B extends Shape>(a: A, b: B & NoInfer<Guard<Matmul<A, B>>>): Matmul<A, B>
declare function add<const A extends Shape, const B extends Shape>(a: A, b: B & NoInfer<Guard<Broadcast<A, B>>>): Broadcast<A, B>

export type Arith = [
  Expect<Equal<Add<50257, 1048576>, 1098833>>,
  Expect<Equal<Add<2147483647, 1>, 2147483648>>,
  Expect<Equal<Sub<1048576, 50257>, 998319>>,
  Expect<Equal<Sub<3, 5>, never>>,
  Expect<Equal<Mul<50257, 768>, 38597376>>,
  Expect<Equal<Mul<65536, 32768>, 2147483648>>,
  Expect<Equal<FloorDiv<2147483648, 1024>, 2097152>>,
  Expect<Equal<Mod<1000000, 7>, 1>>,
  Expect<Equal<Compare<2147483648, 2147483647>, "gt">>,
  Expect<Equal<Add<number, 1>, number>>,
  Expect<Equal<NumElements<[1048576, 2048]>, 2147483648>>,
  Expect<Equal<NumElements<["B", 3]>, number>>,
]

export type Format = [
  Expect<Equal<FmtShape<["B", 3, number]>, "[B, 3, ?]">>,
  Expect<Equal<FmtShape<[3 | 4]>, "[?]">>,
  Expect<Equal<FmtShape<Dim[]>, "[...]">>,
  Expect<Equal<IsError<ShapeMismatch<"x">>, true>>,
  // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
  Expect<Equal<IsError<any>, false>>,
  Expect<Equal<IsError<never>, false>>,
]

export type BroadcastCases = [
  Expect<Equal<Broadcast<[8, 1, 6, 1], [7, 1, 5]>, [8, 7, 6, 5]>>,
  Expect<Equal<Broadcast<["B", 1, 5], [3, 1]>, ["B", 3, 5]>>,
  Expect<Equal<Broadcast<[number, 4], [3, 1]>, [3, 4]>>,
  Expect<Equal<Broadcast<[number], [number]>, [number]>>,
  Expect<Equal<Broadcast<[3 | 4], [5]>, [5]>>,
  Expect<Equal<Broadcast<[], [2147483648]>, [2147483648]>>,
  Expect<Equal<Broadcast<Dim[], [2]>, Dim[]>>,
  Expect<Equal<Broadcast<[2, 3], [4]>, ShapeMismatch<"broadcast: [2, 3] vs [4] (dim 3 vs 4)">>>,
  Expect<Equal<Broadcast<["B", 4], ["T", 4]>, ShapeMismatch<"broadcast: [B, 4] vs [T, 4] (dim B vs T)">>>,
  Expect<Equal<Broadcast<[50257], [50256]>, ShapeMismatch<"broadcast: [50257] vs [50256] (dim 50257 vs 50256)">>>,
]

export type MatmulCases = [
  Expect<Equal<Matmul<[1024, 512], [512, 256]>, [1024, 256]>>,
  Expect<Equal<Matmul<["B", 784], [784, 128]>, ["B", 128]>>,
  Expect<Equal<Matmul<[number, number], [784, 128]>, [number, 128]>>,
  Expect<Equal<Matmul<[8, 1, 3, 4], [5, 4, 6]>, [8, 5, 3, 6]>>,
  Expect<Equal<Matmul<[4], [4]>, []>>,
  Expect<Equal<Matmul<[3, 4], [4]>, [3]>>,
  Expect<Equal<Matmul<[4], [2, 4, 5]>, [2, 5]>>,
  Expect<Equal<Matmul<[1, 50257], [50257, 1048576]>, [1, 1048576]>>,
  Expect<Equal<Matmul<[2, 2147483648], [2147483648, 3]>, [2, 3]>>,
  Expect<Equal<Matmul<Dim[], [3, 4]>, Dim[]>>,
  Expect<Equal<Matmul<[1024, 512], [500, 256]>, ShapeMismatch<"matmul: inner dimensions differ for [1024, 512] @ [500, 256] (512 vs 500)">>>,
  Expect<Equal<Matmul<[2, 3, 4], [5, 4, 6]>, ShapeMismatch<"matmul: batch dims do not broadcast: [2, 3, 4] @ [5, 4, 6]">>>,
  Expect<Equal<Matmul<[], [3]>, ShapeMismatch<"matmul: scalar operand []">>>,
  Expect<Equal<Matmul<[2, 2147483648], [2147483647, 3]>, ShapeMismatch<"matmul: inner dimensions differ for [2, 2147483648] @ [2147483647, 3] (2147483648 vs 2147483647)">>>,
  Expect<Equal<Dot<[3], [3]>, []>>,
  Expect<Equal<Dot<[number], ["K"]>, []>>,
  Expect<Equal<Dot<[3], [4]>, ShapeMismatch<"dot: sizes differ for [3] and [4] (3 vs 4)">>>,
  Expect<Equal<Dot<[3, 1], [3]>, ShapeMismatch<"dot: expects 1-D tensors, got [3, 1] and [3]">>>,
  Expect<Equal<Outer<[3], ["N"]>, [3, "N"]>>,
  Expect<Equal<Outer<[3], []>, ShapeMismatch<"outer: expects 1-D tensors, got [3] and []">>>,
]

export type ExpandCases = [
  Expect<Equal<Expand<[3, 1], [2, -1, 4]>, [2, 3, 4]>>,
  Expect<Equal<Expand<["B", 1], ["B", 1048576]>, ["B", 1048576]>>,
  Expect<Equal<Expand<[number, 1], [5, number]>, [5, number]>>,
  Expect<Equal<Expand<[2, 3], [2, 4]>, ShapeMismatch<"expand: cannot expand [2, 3] to [2, 4] (dim 3 vs 4)">>>,
  Expect<Equal<Expand<[2, 3], [3]>, ShapeMismatch<"expand: cannot expand [2, 3] to [3] (rank 2 > 1)">>>,
  Expect<Equal<Expand<[3], [-1, 3]>, ShapeMismatch<"expand: -1 is not allowed for a new leading dim in [-1, 3]">>>,
  Expect<Equal<Expand<["B"], ["T"]>, ShapeMismatch<"expand: cannot expand [B] to [T] (dim B vs T)">>>,
]

export type DTypeDevice = [
  Expect<Equal<Promote<"i32", "f16">, "f16">>,
  Expect<Equal<Promote<"f64", "f32">, "f64">>,
  Expect<Equal<Promote<"bool", "i32">, "i32">>,
  Expect<Equal<SameDevice<"webgpu", "cpu", "matmul", [1]>, ShapeMismatch<"matmul: device mismatch (webgpu vs cpu)">>>,
  Expect<Equal<SameDevice<"cpu", "cpu" | "webgpu", "matmul", [1]>, [1]>>,
  Expect<Equal<SameDType<"f32", "i32", "add", [1]>, ShapeMismatch<"add: dtype mismatch (f32 vs i32)">>>,
  // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
  Expect<Equal<SameDType<any, "i32", "add", [1]>, [1]>>,
]

// the Guard pattern: the error lands on the faulty argument; good calls infer the exact result
const r1 = matmul([1024, 512], [512, 256])
const r2 = add(["B", 1, 5], [3, 1])
export type Inferred = [Expect<Equal<typeof r1, [1024, 256]>>, Expect<Equal<typeof r2, ["B", 3, 5]>>]
// @ts-expect-error matmul: inner dimensions differ for [1024, 512] @ [500, 256] (512 vs 500)
matmul([1024, 512], [500, 256])
// @ts-expect-error broadcast: [2, 3] vs [4] (dim 3 vs 4)
add([2, 3], [4])
// @ts-expect-error named dims equal only themselves
matmul([784, 128], ["B", 784])
