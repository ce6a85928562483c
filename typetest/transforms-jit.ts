// Transform type tests: jit, pytrees, control flow and custom rules. Checked by `tsc -p
// tsconfig.json` under TypeScript 5.9 and 7 (never run). `jit(f)` has exactly f's type plus its
// methods; the tree utilities keep the structure types; `scan` slices `xs` per step and stacks the
// `ys` along the trip count.
import * as tg from "../src/index.js"
import { Tree } from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">

const v3 = tg.ones([3])
const m23 = tg.ones([2, 3])

// ------------------------------------------------------------------ jit

const f = (x: tg.Tensor<[3]>, a: tg.Tensor<[2, 3]>) => a.matmul(x).exp()
const jf = tg.jit(f)
const j1 = jf(v3, m23)
const jg = tg.jit(tg.grad((x: tg.Tensor<[3]>) => x.square().sum()))
const j2 = jg(v3)
const jv = tg.jit(tg.valueAndGrad((p: { w: tg.Tensor<[2, 3]> }) => p.w.sum()))
const [j3, j4] = jv({ w: m23 })
export type Jit = [
  Expect<Equal<typeof jf, typeof f & tg.JitMethods<Parameters<typeof f>>>>,
  Expect<Equal<Parameters<typeof jf>, Parameters<typeof f>>>,
  Expect<Equal<ReturnType<typeof jf>, ReturnType<typeof f>>>,
  Expect<Equal<typeof j1, tg.Tensor<[2], "f32", tg.DeviceKind>>>,
  Expect<Equal<typeof jf.lower, (x: tg.Tensor<[3]>, a: tg.Tensor<[2, 3]>) => tg.Jaxpr>>,
  Expect<Equal<typeof jf.cacheSize, () => number>>,
  // a generic transform stays generic under jit: results still follow the actual arguments
  Expect<Equal<typeof j2, Cpu<[3]>>>,
  Expect<Equal<typeof j3, Cpu<[]>>>,
  Expect<Equal<typeof j4, { w: Cpu<[2, 3]> }>>,
]
// @ts-expect-error jit keeps f's parameter types
jf(m23, v3)
// @ts-expect-error ... for lower too
jf.lower(v3)

// static arguments keep their types; staticArgnums must name a position of f
const powN = (x: tg.Tensor<[3]>, n: number, mode: "a" | "b") => (mode === "a" ? x.pow(n) : x)
const jpow = tg.jit(powN, { staticArgnums: [1, 2] })
const jp = jpow(v3, 2, "a")
const jrec = tg.jit((p: { w: tg.Tensor<[2, 3]>; axis: 0 | 1 }) => p.w.sum({ axis: p.axis }), { staticArgnames: ["axis"] })
export type JitStatic = [
  Expect<Equal<Parameters<typeof jpow>, [x: tg.Tensor<[3]>, n: number, mode: "a" | "b"]>>,
  Expect<Equal<typeof jp, tg.Tensor<[3], "f32", tg.DeviceKind>>>,
  Expect<Equal<Parameters<typeof jrec>, [p: { w: tg.Tensor<[2, 3]>; axis: 0 | 1 }]>>,
  Expect<Equal<tg.ArgIndex<[tg.Tensor<[3]>, number]>, 0 | 1>>,
  Expect<Equal<tg.ArgIndex<number[]>, number>>,
]
// @ts-expect-error a static argument keeps its type
jpow(v3, "2", "a")
// @ts-expect-error ... and its literal union
jpow(v3, 2, "c")
// @ts-expect-error staticArgnums names a position of f (f has 3 parameters)
tg.jit(powN, { staticArgnums: [3] })

// ------------------------------------------------------------------ pytrees

const params = { w: m23, b: [v3, tg.ones([2])] as [Cpu<[3]>, Cpu<[2]>] }
const grads = params
const halved = Tree.map(params, (p) => p.mul(0.5))
const next = Tree.zipWith(params, grads, (p, g) => p.sub(g.mul(0.1)))
const rebuilt = Tree.unflatten<typeof params>(Tree.structure(params), Tree.leaves(params))
const zero = Tree.sumMonoid(params).empty
const total = Tree.sumMonoid(params).concat(params, grads)
const count = Tree.Foldable.reduce(Tree.toFlat(params), 0, (n, t) => n + t.size)
export type Trees = [
  Expect<Equal<typeof halved, typeof params>>,
  Expect<Equal<typeof next, typeof params>>,
  Expect<Equal<typeof rebuilt, typeof params>>,
  Expect<Equal<typeof zero, typeof params>>,
  Expect<Equal<typeof total, typeof params>>,
  Expect<Equal<typeof count, number>>,
  Expect<Equal<ReturnType<typeof Tree.leaves>, tg.AnyTensor[]>>,
]
// @ts-expect-error a tree map is typed by its input tree
export const wrongTree: { w: Cpu<[3, 2]> } = Tree.map({ w: m23 }, (p) => p)

// ------------------------------------------------------------------ control flow

// scan: x is one step of xs (leading axis removed); the ys are stacked along the trip count
const [c1, ys1] = tg.scan((c, x) => [c.add(x), c.mul(x)] as const, tg.scalar(0), tg.tensor([1, 2, 3]))
const [c2, ys2] = tg.scan((h: Cpu<[3]>, x) => [h.add(x).tanh(), { h, s: h.sum() }] as const, v3, tg.ones([5, 3]))
const [c3, ys3] = tg.scan((c, xs) => [c.add(xs.a.sum()).add(xs.b), xs.a] as const, tg.scalar(0), { a: tg.ones([4, 2]), b: tg.ones([4]) })
const [, ys4] = tg.scan((c: Cpu<[]>) => [c.mul(2), c] as const, tg.scalar(1), [] as Cpu<[number]>[], { length: 6 })
const [, ys5] = tg.scan((c: Cpu<[]>, x) => [c.add(x.sum()), c] as const, tg.scalar(0), null! as Cpu<[number, 2]>)
export type Scan = [
  Expect<Equal<typeof c1, Cpu<[]>>>,
  Expect<Equal<typeof ys1, Cpu<[3]>>>,
  Expect<Equal<typeof c2, Cpu<[3]>>>,
  Expect<Equal<typeof ys2, { readonly h: Cpu<[5, 3]>; readonly s: Cpu<[5]> }>>,
  Expect<Equal<typeof c3, Cpu<[]>>>,
  Expect<Equal<typeof ys3, Cpu<[4, 2]>>>,
  Expect<Equal<typeof ys4, Cpu<[6]>>>,
  Expect<Equal<typeof ys5, Cpu<[number]>>>,
]
// @ts-expect-error the carry must keep its type
tg.scan((c: Cpu<[]>, x: Cpu<[]>) => [c.add(x).reshape([1]), x] as const, tg.scalar(0), tg.tensor([1, 2, 3]))
// @ts-expect-error one step of [3] is a scalar, not a [3]
tg.scan((c: Cpu<[]>, x: Cpu<[3]>) => [c, x] as const, tg.scalar(0), tg.tensor([1, 2, 3]))

// fori / whileLoop / cond keep the carry's (operands') type
const p1 = tg.fori(0, 10, (i, acc: Cpu<[3]>) => acc.mul(i.cast("f32")), v3)
const p2 = tg.whileLoop((s: Cpu<[]>) => s.lt(100), (s) => s.mul(2), tg.scalar(1))
const p3 = tg.cond(tg.scalar(1).gt(0), (a: Cpu<[3]>) => a.square(), (a) => a.sin(), v3)
export type Loops = [
  Expect<Equal<typeof p1, Cpu<[3]>>>,
  Expect<Equal<typeof p2, Cpu<[]>>>,
  Expect<Equal<typeof p3, tg.Tensor<[3], "f32", "cpu">>>,
  Expect<Equal<Parameters<Parameters<typeof tg.fori<Cpu<[]>>>[2]>[0], tg.Tensor<[], "i32">>>,
]
// @ts-expect-error the body must return the carry's type
tg.fori(0, 3, (_i, acc: Cpu<[3]>) => acc.sum(), v3)
// @ts-expect-error both branches return the same type
tg.cond(true, (a: Cpu<[3]>) => a, (a: Cpu<[3]>) => a.sum(), v3)

// ------------------------------------------------------------------ custom rules

const softplus = tg.customJvp((x: tg.Tensor<[3]>) => x.exp().log1p(), ([x], [dx]) => [x.exp().log1p(), dx.mul(x.sigmoid())] as const)
const ste = tg.customVjp((x: tg.Tensor<[3]>) => x.sign(), (x) => [x.sign(), null] as const, (_r, g) => [g] as const)
export type Custom = [
  Expect<Equal<typeof softplus, (x: tg.Tensor<[3]>) => tg.Tensor<[3], "f32", tg.DeviceKind>>>,
  Expect<Equal<typeof ste, (x: tg.Tensor<[3]>) => tg.Tensor<[3], "f32", tg.DeviceKind>>>,
  Expect<Equal<ReturnType<typeof tg.grad<[tg.Tensor<[3]>], tg.Tensor<[]>>>, <B extends [tg.Tensor<[3]>]>(...args: B) => B[0]>>,
]
// @ts-expect-error a custom JVP rule returns tangents typed like the outputs
tg.customJvp((x: tg.Tensor<[3]>) => x.exp(), ([x], [dx]) => [x.exp(), dx.sum()] as const)
