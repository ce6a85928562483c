import { describe, expect, it } from "vitest"
import * as tg from "../index.js"
const nn = tg.nn
describe("smoke", () => {
  it("block", () => {
    const block = nn.sequential(nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }), nn.batchNorm2d(16), nn.relu())
    console.log(nn.namedParameters(block).map(([k, p]) => `${k} [${p.shape.join(", ")}]`))
    console.log(nn.namedBuffers(block).map(([k, p]) => `${k} [${p.shape.join(", ")}]`))
    const x = tg.normal(tg.key(1), [8, 3, 32, 32])
    const [y, state] = nn.forward(block, (m) => m.call(x))
    console.log(y.shape, tg.Tree.show(tg.Tree.structure(state)))
    const next = nn.combine(state, block)
    console.log(nn.stateDict(next)["1.running_mean"]!.toArraySync(), nn.stateDict(next)["1.num_batches_tracked"]!.toArraySync())
    const [params, rest] = nn.partition(block, nn.isTrainable)
    const loss = (p: typeof params) => nn.forward(nn.combine(p, rest), (m) => m.call(x).square().mean())
    const [l, g, st] = tg.valueAndGrad(loss, { hasAux: true } as const)(params) as any
    console.log(l.item(), nn.namedParameters(g).map(([k, p]) => k))
    const jl = tg.jit((p: typeof params) => loss(p)[0])
    console.log(jl(params).item())
  })
})
