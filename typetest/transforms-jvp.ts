// Transform type tests: jvp, vjp and linearize. Checked by `tsc -p tsconfig.json` under TypeScript
// 5.9 and 7 (never run). Tangents are typed like their primals, cotangents like the outputs, and
// the pullback returns a tuple typed like the primals. Outputs declared "any device" take the
// device of the actual primals (every op keeps its operands on one device).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">
type Gpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "webgpu">

const v = tg.ones([3])
const m = tg.ones([2, 3])
declare const gv: Gpu<[3]>

const f = (x: tg.Tensor<[3]>) => x.sin()
const h = (a: tg.Tensor<[2, 3]>, x: tg.Tensor<[3]>) => a.matmul(x)

// jvp: [outputs, output tangents], both typed like the outputs
const [y1, dy1] = tg.jvp(f, [v], [v])
const [y2, dy2] = tg.jvp(h, [m, v], [m, v])
const [y3, dy3] = tg.jvp(f, [gv], [gv])
const [y4, dy4] = tg.jvp((x) => x.sin(), [tg.scalar(0)], [tg.scalar(1)])
const dy4Item = dy4.item()
const [y5, dy5] = tg.jvp((p: { w: tg.Tensor<[2, 3]>; b: tg.Tensor<[2]> }) => ({ out: p.w.sum({ axis: 1 }).add(p.b), norm: p.w.square().sum() }), [{ w: m, b: tg.ones([2]) }], [{ w: m, b: tg.ones([2]) }])
export type Jvp = [
  Expect<Equal<typeof y1, Cpu<[3]>>>,
  Expect<Equal<typeof dy1, Cpu<[3]>>>,
  Expect<Equal<typeof y2, Cpu<[2]>>>,
  Expect<Equal<typeof dy2, Cpu<[2]>>>,
  Expect<Equal<typeof y3, Gpu<[3]>>>,
  Expect<Equal<typeof dy3, Gpu<[3]>>>,
  Expect<Equal<typeof y4, Cpu<[]>>>,
  Expect<Equal<typeof dy4Item, number>>,
  Expect<Equal<typeof y5, { out: Cpu<[2]>; norm: Cpu<[]> }>>,
  Expect<Equal<typeof dy5, typeof y5>>,
]

// vjp: the pullback takes a cotangent typed like the output and returns the primals' types
const [z1, pull1] = tg.vjp(f, v)
const ct1 = pull1(tg.ones([3]))
const [z2, pull2] = tg.vjp(h, m, v)
const ct2 = pull2(tg.ones([2]))
const [z3, pull3] = tg.vjp((x) => x.mul(x), tg.scalar(3))
const ct3Item = pull3(tg.scalar(1))[0].item()
const [z4, pull4] = tg.vjp((x: tg.Tensor<[3]>) => [x.sum(), x.mul(2)] as const, v)
const ct4 = pull4([tg.scalar(1), tg.ones([3])])
const [z5, pull5] = tg.vjp(f, gv)
export type Vjp = [
  Expect<Equal<typeof z1, Cpu<[3]>>>,
  Expect<Equal<typeof pull1, (ct: Cpu<[3]>) => [x: Cpu<[3]>]>>,
  Expect<Equal<typeof ct1, [x: Cpu<[3]>]>>,
  Expect<Equal<typeof z2, Cpu<[2]>>>,
  Expect<Equal<typeof ct2, [a: Cpu<[2, 3]>, x: Cpu<[3]>]>>,
  Expect<Equal<typeof z3, Cpu<[]>>>,
  Expect<Equal<typeof ct3Item, number>>,
  Expect<Equal<typeof z4, readonly [Cpu<[]>, Cpu<[3]>]>>,
  Expect<Equal<typeof ct4, [x: Cpu<[3]>]>>,
  Expect<Equal<typeof z5, Gpu<[3]>>>,
  Expect<Equal<Parameters<typeof pull5>[0], Gpu<[3]>>>,
]

// linearize: the linear map takes tangents like the primals and returns tangents like the outputs
const [l1, lin1] = tg.linearize(h, m, v)
const t1 = lin1(m, v)
const [l2, lin2] = tg.linearize((x) => x.sin(), tg.scalar(0))
const t2Item = lin2(tg.scalar(2)).item()
export type Linearize = [
  Expect<Equal<typeof l1, Cpu<[2]>>>,
  Expect<Equal<typeof t1, Cpu<[2]>>>,
  Expect<Equal<typeof lin1, (a: Cpu<[2, 3]>, x: Cpu<[3]>) => Cpu<[2]>>>,
  Expect<Equal<typeof l2, Cpu<[]>>>,
  Expect<Equal<typeof t2Item, number>>,
]

// outputs declared on one device keep it; the erased type keeps erased shapes on the actual device
// biome-ignore lint/correctness/noUnusedFunctionParameters: the parameter is part of the signature under test
const [k1] = tg.vjp((x: tg.Tensor<[3]>): Gpu<[3]> => null! as Gpu<[3]>, v)
const [k2, dk2] = tg.jvp((x: tg.AnyTensor) => x, [v], [v])
export type Kept = [
  Expect<Equal<typeof k1, Gpu<[3]>>>,
  // biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
  Expect<Equal<typeof k2, tg.Tensor<any, any, "cpu">>>,
  Expect<Equal<typeof dk2, typeof k2>>,
]

// ------------------------------------------------------------------ negatives

// @ts-expect-error a tangent shaped [4] for a primal [3]
tg.jvp(f, [v], [tg.ones([4])])
// @ts-expect-error a tangent of another dtype
tg.jvp(f, [v], [tg.ones([3], { dtype: "f64" })])
// @ts-expect-error one tangent for two primals
tg.jvp(h, [m, v], [m])
// @ts-expect-error a primal of the wrong shape
tg.jvp(f, [m], [m])
// @ts-expect-error a cotangent shaped [4] for an output [3]
pull1(tg.ones([4]))
// @ts-expect-error a cotangent [2, 1] for an output [2]
pull2(tg.ones([2, 1]))
// @ts-expect-error a cotangent of another dtype
pull1(tg.ones([3], { dtype: "f64" }))
// @ts-expect-error a cotangent tree of the wrong structure
pull4([tg.scalar(1)])
// @ts-expect-error a CPU cotangent for a GPU output
pull5(v)
// @ts-expect-error the pullback returns the primals' types: [x] is not [2, 3]
export const wrongCt: Cpu<[2, 3]> = pull1(v)[0]
// @ts-expect-error a linearized map takes tangents like the primals
lin1(v, m)
