// Transform type tests: jacfwd, jacrev and hessian. Checked by `tsc -p tsconfig.json` under
// TypeScript 5.9 and 7 (never run). The Jacobian of `f: [...I] -> [...O]` is `[...O, ...I]` with the
// output's dtype on the actual argument's device; `hessian` of a scalar function of `[N]` is `[N, N]`.
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">

const x3 = tg.ones([3])
const m23 = tg.ones([2, 3])
declare const g3: tg.Tensor<[3], "f32", "webgpu">
declare const sym: tg.Tensor<["N"]>

// R^N -> R^M gives [M, N]
const toTwo = (x: tg.Tensor<[3]>) => x.square().slice("0:2")
const jf = tg.jacfwd(toTwo)(x3)
const jr = tg.jacrev(toTwo)(x3)
const jg = tg.jacfwd(toTwo)(g3)
// matrix in, matrix out: [...O, ...I]
const jm = tg.jacrev((a: tg.Tensor<[2, 3]>) => a.matmul(tg.ones([3, 4])))(m23)
// scalar out: the gradient's shape; scalar in: the output's shape
const js = tg.jacrev((x: tg.Tensor<[3]>) => x.sum())(x3)
const ji = tg.jacfwd((t: tg.Tensor<[]>) => tg.ones([3]).mul(t))(tg.scalar(2))
// named dims carry through
const jn = tg.jacfwd((x: tg.Tensor<["N"]>) => x.sin())(sym)
// argnums picks the differentiated argument
const ja = tg.jacrev((a: tg.Tensor<[2, 3]>, x: tg.Tensor<[3]>) => a.matmul(x), { argnums: 1 })(m23, x3)
const ja0 = tg.jacrev((a: tg.Tensor<[2, 3]>, x: tg.Tensor<[3]>) => a.matmul(x), { argnums: 0 })(m23, x3)
// nesting: jacfwd(jacrev(f)) and hessian
const h = tg.hessian((x: tg.Tensor<[3]>) => x.square().sum())(x3)
const hh = tg.jacfwd(tg.jacrev((x: tg.Tensor<[3]>) => x.square().sum()))(x3)
const hv = tg.hessian(toTwo)(x3)
const hItem = tg.hessian((t: tg.Tensor<[]>) => t.mul(t).mul(t))(tg.scalar(2)).item()
export type Jacobians = [
  Expect<Equal<typeof jf, Cpu<[2, 3]>>>,
  Expect<Equal<typeof jr, Cpu<[2, 3]>>>,
  Expect<Equal<typeof jg, tg.Tensor<[2, 3], "f32", "webgpu">>>,
  Expect<Equal<typeof jm, Cpu<[2, 4, 2, 3]>>>,
  Expect<Equal<typeof js, Cpu<[3]>>>,
  Expect<Equal<typeof ji, Cpu<[3]>>>,
  Expect<Equal<typeof jn, tg.Tensor<["N", "N"], "f32", tg.DeviceKind>>>,
  Expect<Equal<typeof ja, Cpu<[2, 3]>>>,
  Expect<Equal<typeof ja0, Cpu<[2, 2, 3]>>>,
  Expect<Equal<typeof h, Cpu<[3, 3]>>>,
  Expect<Equal<typeof hh, Cpu<[3, 3]>>>,
  Expect<Equal<typeof hv, Cpu<[2, 3, 3]>>>,
  Expect<Equal<typeof hItem, number>>,
]

// unknown rank stays unknown rank; the erased type stays erased
declare const dyn: tg.Tensor<number[]>
const jd = tg.jacfwd((x: tg.Tensor<number[]>) => x.sin())(dyn)
const jAny = tg.jacrev((x: tg.AnyTensor) => x.sin())(x3)
export type Fallbacks = [
  Expect<Equal<typeof jd, tg.Tensor<tg.Dim[], "f32", tg.DeviceKind>>>,
  Expect<Equal<typeof jAny, tg.AnyTensor>>,
]

// ------------------------------------------------------------------ negatives

// @ts-expect-error the function must return tensors (a number is not a tree of tensors)
// biome-ignore lint/correctness/noUnusedFunctionParameters: the parameter is part of the signature under test
export const notTree: Cpu<[3, 3]> = tg.jacfwd((x: tg.Tensor<[3]>) => 3)(x3)
// @ts-expect-error jacrev: argnums 2 is out of range for 2 argument(s)
tg.jacrev((a: tg.Tensor<[2, 3]>, x: tg.Tensor<[3]>) => a.matmul(x), { argnums: 2 })
// @ts-expect-error an argument of the wrong shape
tg.jacfwd(toTwo)(m23)
// @ts-expect-error a Jacobian is [2, 3], not [3, 2]
export const wrongJac: Cpu<[3, 2]> = tg.jacrev(toTwo)(x3)
// @ts-expect-error a hessian of [3] -> [] is [3, 3], not [3]
export const wrongHess: Cpu<[3]> = tg.hessian((x: tg.Tensor<[3]>) => x.sum())(x3)

// ------------------------------------------------------------------ pytrees and argnums tuples

const params = { w: tg.ones([2, 3]), b: tg.ones([2]) }
const model = (p: typeof params, x: tg.Tensor<[3]>) => ({ y: p.w.matmul(x).add(p.b), s: p.b.sum() })
const jt = tg.jacrev(model)(params, x3)
const jtf = tg.jacfwd(model)(params, x3)
const jtup = tg.jacrev((a: tg.Tensor<[2, 3]>, x: tg.Tensor<[3]>) => [a.matmul(x), x.sum()] as const, { argnums: [0, 1] })(m23, x3)
const htree = tg.hessian((p: { a: tg.Tensor<[]>; b: tg.Tensor<[2]> }) => p.b.mul(p.a).sum())({ a: tg.scalar(1), b: tg.ones([2]) })
export type TreeJacobians = [
  Expect<Equal<typeof jt, { y: { w: Cpu<[2, 2, 3]>; b: Cpu<[2, 2]> }; s: { w: Cpu<[2, 3]>; b: Cpu<[2]> } }>>,
  Expect<Equal<typeof jtf, typeof jt>>,
  Expect<Equal<typeof jtup, [[Cpu<[2, 2, 3]>, Cpu<[2, 3]>], [Cpu<[2, 3]>, Cpu<[3]>]]>>,
  Expect<Equal<typeof htree, { a: { a: Cpu<[]>; b: Cpu<[2]> }; b: { a: Cpu<[2]>; b: Cpu<[2, 2]> } }>>,
]
