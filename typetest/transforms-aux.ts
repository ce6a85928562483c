// Transform type tests: `hasAux` of grad, valueAndGrad and vjp. Checked by `tsc` (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T
type Cpu<S extends tg.Shape, D extends tg.DType = "f32"> = tg.Tensor<S, D, "cpu">

const x3 = tg.ones([3])
const lossAux = (w: tg.Tensor<[3]>) => [w.square().sum(), { pred: w.mul(2), n: w.sum() }] as const
const ga = tg.grad(lossAux, { hasAux: true })(x3)
const va = tg.valueAndGrad(lossAux, { hasAux: true })(x3)
const two = (w: tg.Tensor<[3]>, b: tg.Tensor<[]>) => [w.sum().add(b), b.mul(2)] as const
const gb = tg.grad(two, { hasAux: true, argnums: [0, 1] })(x3, tg.scalar(1))
const gc = tg.grad(two, { hasAux: true, argnums: 1 })(x3, tg.scalar(1))
const vj = tg.vjp((w: Cpu<[3]>) => [w.sin(), w.sum()] as const, { hasAux: true }, x3)
export type Aux = [
  Expect<Equal<typeof ga, [Cpu<[3]>, { readonly pred: Cpu<[3]>; readonly n: Cpu<[]> }]>>,
  Expect<Equal<typeof va, [[Cpu<[]>, { readonly pred: Cpu<[3]>; readonly n: Cpu<[]> }], Cpu<[3]>]>>,
  Expect<Equal<typeof gb, [[Cpu<[3]>, Cpu<[]>], Cpu<[]>]>>,
  Expect<Equal<typeof gc, [Cpu<[]>, Cpu<[]>]>>,
  Expect<Equal<typeof vj[0], Cpu<[3]>>>,
  Expect<Equal<typeof vj[2], Cpu<[]>>>,
  Expect<Equal<ReturnType<typeof vj[1]>, [Cpu<[3]>]>>,
]

// @ts-expect-error with hasAux the loss must be a float scalar
tg.grad((w: tg.Tensor<[3]>) => [w, w] as const, { hasAux: true })
// @ts-expect-error without hasAux a pair is not a loss
tg.grad((w: tg.Tensor<[3]>) => [w.sum(), w] as const)
// @ts-expect-error argnums out of range with hasAux
tg.grad(two, { hasAux: true, argnums: 2 })
