// Type-level tests of tg.nn: layer calls compute output shapes (literal, named and number dims),
// sequential composes them, and a module generic in its sizes type-checks with the documented
// pattern (a shape function for its signature, an erased body). Negative cases are expected
// errors here; their exact messages are pinned in messages.test.ts.
import * as tg from "../src/index.js"
import nn = tg.nn

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T
type ShapeOfT<T> = T extends tg.Tensor<infer S, infer _D, infer _V> ? S : never

declare const k: tg.Key
declare const xB: tg.Tensor<["B", 3, 32, 32]>
declare const xN: tg.Tensor<[number, 3, number, number]>
declare const xDyn: tg.Tensor<number[]>

const conv = nn.conv2d(k, 3, 16, 3, { padding: 1 })
const strided = nn.conv2d(k, 3, 8, [3, 5], { stride: 2, padding: [1, 2] })
const grouped = nn.conv2d(k, 4, 8, 3, { groups: 2 })
const same = nn.conv2d(k, 3, 4, 4, { padding: "same" })
const block = nn.sequential(conv, nn.batchNorm2d(16), nn.relu())
const head = nn.sequential(nn.adaptiveAvgPool2d(1), nn.flatten(), nn.linear(k, 16, 10))
const net = nn.sequential(block, nn.maxPool2d(2), head)

export type LayerCases = [
  Expect<Equal<ShapeOfT<ReturnType<typeof conv.call<[8, 3, 32, 32], "f32", "cpu">>>, [8, 16, 32, 32]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof strided>, ["B", 3, 32, 32]>, ["B", 8, 16, 16]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof grouped>, [1, 4, 10, 10]>, [1, 8, 8, 8]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof same>, ["B", 3, "H", "W"]>, ["B", 4, "H", "W"]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof block>, ["B", 3, 32, 32]>, ["B", 16, 32, 32]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof net>, ["B", 3, 32, 32]>, ["B", 10]>>,
  Expect<Equal<nn.Apply<nn.FnOf<typeof block>, [number, 3, number, number]>, [number, 16, number, number]>>,
  Expect<Equal<nn.Apply<nn.LinearFn<784, 10>, [number, number]>, [number, 10]>>,
  Expect<Equal<nn.Apply<nn.LayerNormFn<[768]>, ["B", "T", 768]>, ["B", "T", 768]>>,
  Expect<Equal<nn.Apply<nn.EmbeddingFn<100, 8>, ["B", "T"]>, ["B", "T", 8]>>,
  Expect<Equal<nn.Apply<nn.FlattenFn<1, -1>, ["B", 16, 4, 4]>, ["B", 256]>>,
  Expect<Equal<nn.Apply<nn.UnflattenFn<1, [16, 4, 4]>, ["B", 256]>, ["B", 16, 4, 4]>>,
  Expect<Equal<nn.Apply<nn.Conv1dFn<4, 8, 3, { padding: 1 }>, ["B", 4, 10]>, ["B", 8, 10]>>,
  Expect<Equal<nn.Apply<nn.BatchNorm1dFn<8>, ["B", 8, 5]>, ["B", 8, 5]>>,
  Expect<Equal<nn.Apply<nn.AdaptiveAvgPool2dFn<1, 1>, ["B", 64, 7, 7]>, ["B", 64, 1, 1]>>,
  Expect<Equal<nn.Apply<nn.LinearFn<3, 4>, ["B", 5]>, nn.BadInput<"Linear", "[..., 3]", ["B", 5]>>>,
  Expect<Equal<nn.Junctions<[nn.Linear<3, 4>, nn.Linear<5, 2>]>, tg.ShapeMismatch<"sequential: junction 0 → 1 (Linear → Linear): output [B, 4] does not fit input [B, 5]">>>,
  Expect<Equal<nn.Junctions<[nn.Linear<3, 4>, nn.ReLU, nn.Linear<4, 2>]>, true>>,
]

// calls: named dims flow through, number dims degrade, unknown rank passes
export const yB: tg.Tensor<["B", 10], "f32"> = net.call(xB)
export const yN: tg.Tensor<[number, 16, number, number], "f32"> = block.call(xN)
export const yDyn: tg.Tensor<tg.Dim[], "f32"> = block.call(xDyn)

// the wrong input channel count and a wrong junction are compile errors
// @ts-expect-error Conv2d: expected input [N, 3, H, W], got [8, 4, 32, 32]
block.call(tg.zeros([8, 4, 32, 32]))
// @ts-expect-error sequential: junction 0 → 1 (Conv2d → BatchNorm2d)
nn.sequential(nn.conv2d(k, 3, 16, 3, { padding: 1 }), nn.batchNorm2d(32))

// A module generic in its sizes: its signature is a shape function (here the one of the
// sequence it computes), its body runs on erased tensors. Concrete instances get exact shapes.
type DownFn<I extends number, O extends number> = nn.SequentialFn<[nn.Conv2d<I, O, 3, 3, { readonly stride: 2; readonly padding: 1 }>, nn.BatchNorm2d<O>, nn.ReLU]>
export class Down<I extends number, O extends number> extends nn.Layer<DownFn<I, O>> {
  constructor(readonly conv: nn.Conv2d<I, O, 3, 3, { readonly stride: 2; readonly padding: 1 }>, readonly bn: nn.BatchNorm2d<O>) {
    super()
  }
  forward(x: tg.AnyTensor): tg.AnyTensor {
    return tg.relu(this.bn.forward(this.conv.forward(x)))
  }
}
export const down = <const I extends number, const O extends number>(key: tg.Key, i: I, o: O): Down<I, O> =>
  new Down<I, O>(nn.conv2d(key, i, o, 3, { stride: 2, padding: 1 }), nn.batchNorm2d(o))
const d = down(k, 3, 8)
export const yD: tg.Tensor<["B", 8, 16, 16], "f32"> = d.call(xB)
// generic modules compose in sequential like built-in layers, junctions checked
export const stem = nn.sequential(down(k, 3, 8), down(k, 8, 16), nn.flatten(), nn.linear(k, 16 * 8 * 8, 10))
export const yS: tg.Tensor<["B", 10], "f32"> = stem.call(xB)
// @ts-expect-error sequential: junction 0 → 1 (Down → Down) — Down's name is the sequence's
nn.sequential(down(k, 3, 8), down(k, 4, 16))
