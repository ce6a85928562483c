// The `.to(device)` method is typed like the `to` function: shape and dtype kept, the device kind
// replaced; a moved tensor then refuses ops with tensors left on the other device. Checked by
// `tsc -p tsconfig.json` under TypeScript 5.9 and 7 (never run).
import * as tg from "../src/index.js"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

declare const gpu: tg.Device<"webgpu">
const x = tg.zeros([2, 3], { dtype: "f64" })
const m = x.to(gpu)
const f = tg.to(x, gpu)
const back = m.to(tg.cpu)
const same = x.to(tg.cpu)
export type To = [
  Expect<Equal<typeof m, tg.Tensor<[2, 3], "f64", "webgpu">>>,
  Expect<Equal<typeof m, typeof f>>,
  Expect<Equal<typeof back, tg.Tensor<[2, 3], "f64", "cpu">>>,
  Expect<Equal<typeof same, typeof x>>,
]
// @ts-expect-error: add: device mismatch (webgpu vs cpu)
m.add(x)
