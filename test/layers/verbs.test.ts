// The module verbs over trees: PyTorch's state_dict names, train/eval, state dicts and their
// typed errors, partition/combine/freeze (gradients only for what trains, never for buffers),
// apply, to, and the run-time errors that name the module path.
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"

import nn = tg.nn
type T = tg.AnyTensor

class Net extends nn.Module {
  constructor(
    readonly features: nn.Sequential<readonly [nn.Conv2d<3, 4, 3, 3, {}>, nn.BatchNorm2d<4>, nn.ReLU]>,
    readonly layers: nn.ModuleList<readonly [nn.Linear<4, 8>, nn.Linear<8, 2>]>,
    readonly drop: nn.Dropout,
  ) {
    super()
  }
  call(x: T): T {
    const h = this.features.forward(x).mean({ axis: [2, 3] })
    return this.layers.items[1].forward(this.drop.forward(this.layers.items[0].forward(h)))
  }
}
const net = (seed = 0) => {
  const k = tg.split(tg.key(seed), 3)
  return new Net(
    nn.sequential(nn.conv2d(k[0]!, 3, 4, 3), nn.batchNorm2d(4), nn.relu()),
    nn.moduleList([nn.linear(k[1]!, 4, 8), nn.linear(k[2]!, 8, 2)] as const),
    nn.dropout(0.5),
  )
}
const x = tg.normal(tg.key(9), [2, 3, 6, 6])

describe("names", () => {
  it("namedParameters and buffers use PyTorch's state_dict keys", () => {
    const m = net()
    expect(nn.namedParameters(m).map(([k]) => k)).toEqual([
      "features.0.weight",
      "features.0.bias",
      "features.1.weight",
      "features.1.bias",
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
    ])
    expect(nn.namedBuffers(m).map(([k]) => k)).toEqual([
      "features.1.running_mean",
      "features.1.running_var",
      "features.1.num_batches_tracked",
    ])
    expect(Object.keys(nn.stateDict(m))).toEqual([
      ...nn
        .namedParameters(m)
        .map(([k]) => k)
        .slice(0, 4),
      ...nn.namedBuffers(m).map(([k]) => k),
      ...nn
        .namedParameters(m)
        .map(([k]) => k)
        .slice(4),
    ])
    expect(nn.numParameters(m)).toBe(4 * 27 + 4 + 4 + 4 + 8 * 4 + 8 + 2 * 8 + 2)
    expect(nn.parameters(m)).toHaveLength(8)
    expect(nn.buffers(m)).toHaveLength(3)
  })
  it("a module is a pytree: static config is structure, tensors are leaves", () => {
    const m = net()
    expect(tg.Tree.leaves(m)).toHaveLength(11)
    const def = tg.Tree.structure(m)
    expect(tg.Tree.show(def)).toContain("training: =true")
    const back = tg.Tree.unflatten<Net>(def, tg.Tree.leaves(m))
    expect(back).toBeInstanceOf(Net)
    expect(back.features.layers[0].stride).toEqual([1, 1])
    expect(tg.Tree.structureEquals(tg.Tree.structure(nn.eval(m)), def)).toBe(false)
  })
})

describe("moduleDict", () => {
  it("keeps insertion order (PyTorch's) through a transform that rebuilds records with sorted keys", () => {
    const heads = nn.moduleDict({ cls: nn.linear(tg.key(0), 4, 3), box: nn.linear(tg.key(1), 4, 7) })
    const names = ["cls.weight", "cls.bias", "box.weight", "box.bias"]
    expect(nn.namedParameters(heads).map(([k]) => k)).toEqual(names)
    const g = tg.grad((m: typeof heads) =>
      m.items.cls
        .call(tg.ones([2, 4]))
        .sum()
        .add(m.items.box.call(tg.ones([2, 4])).sum()),
    )(heads)
    expect(Object.keys(g.items)).toEqual(["box", "cls"]) // the pytree's canonical (sorted) order
    expect(nn.namedParameters(g).map(([k]) => k)).toEqual(names)
  })
})

describe("train / eval / apply / to", () => {
  it("eval switches every sub-module and train switches back, returning new trees", () => {
    const m = net()
    const e = nn.eval(m)
    expect(e.features.layers[1].training).toBe(false)
    expect(e.drop.training).toBe(false)
    expect(m.drop.training).toBe(true)
    expect(nn.train(e).features.layers[1].training).toBe(true)
  })
  it("apply visits every sub-module, children first, with its path", () => {
    const seen: string[] = []
    nn.apply(net(), (mod, p) => (seen.push(`${p}:${mod.constructor.name}`), mod))
    expect(seen).toEqual([
      "features.0:Conv2d",
      "features.1:BatchNorm2d",
      "features.2:ReLU",
      "features:Sequential",
      "layers.0:Linear",
      "layers.1:Linear",
      "layers:ModuleList",
      "drop:Dropout",
      ":Net",
    ])
    const zeroBias = nn.apply(net(), (mod) =>
      mod instanceof nn.Linear ? nn.loadStateDict(mod, { weight: mod.weight, bias: tg.zeros([mod.outFeatures]) }) : mod,
    )
    expect(zeroBias.layers.items[1].bias!.toArraySync()).toEqual([0, 0])
  })
  it("to keeps the module's class and static fields", () => {
    const m = nn.to(net(), tg.cpu)
    expect(m).toBeInstanceOf(Net)
    expect(m.layers.items[0].inFeatures).toBe(4)
  })
})

describe("stateDict / loadStateDict", () => {
  it("round-trips into another initialisation", () => {
    const a = net(0),
      b = net(1)
    const c = nn.loadStateDict(b, nn.stateDict(a))
    for (const [k, v] of Object.entries(nn.stateDict(c))) expect(v.toArraySync(), k).toEqual(nn.stateDict(a)[k]!.toArraySync())
    expect(nn.stateDict(b)["layers.0.weight"]!.toArraySync()).not.toEqual(nn.stateDict(a)["layers.0.weight"]!.toArraySync())
  })
  it("names missing, unexpected and mis-shaped keys in one typed error, and loads nothing", () => {
    const m = net()
    const sd = { ...nn.stateDict(m) }
    delete sd["features.1.running_var"]
    sd["head.weight"] = tg.zeros([2])
    sd["layers.1.weight"] = tg.zeros([2, 9])
    let err: unknown
    try {
      nn.loadStateDict(m, sd)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(tg.StateDictError)
    const e = err as tg.StateDictError
    expect(e.missing).toEqual(["features.1.running_var"])
    expect(e.unexpected).toEqual(["head.weight"])
    expect(e.mismatched).toEqual(["layers.1.weight: expected [2, 8], got [2, 9]"])
    expect(e.message).toBe(
      "loadStateDict(Net): missing features.1.running_var; unexpected head.weight; mis-shaped layers.1.weight: expected [2, 8], got [2, 9]",
    )
  })
})

describe("partition / combine / freeze", () => {
  it("gradients reach trainable parameters only; buffers and frozen parameters are not leaves of the differentiated part", () => {
    const m = nn.freeze(nn.eval(net()), "layers.0")
    const [params, rest] = nn.partition(m, nn.isTrainable)
    expect(nn.leaves(params).map((l) => l.path)).toEqual([
      "features.0.weight",
      "features.0.bias",
      "features.1.weight",
      "features.1.bias",
      "layers.1.weight",
      "layers.1.bias",
    ])
    expect(nn.leaves(rest).map((l) => l.path)).toEqual([
      "features.1.running_mean",
      "features.1.running_var",
      "features.1.num_batches_tracked",
      "layers.0.weight",
      "layers.0.bias",
    ])
    const g = tg.grad((p: Net) => nn.combine(p, rest).call(x).square().sum())(params)
    expect(tg.Tree.leaves(g)).toHaveLength(6)
    // combine restores the original tree
    const again = nn.combine(params, rest)
    expect(nn.stateDict(again)).toEqual(nn.stateDict(m))
    expect(nn.leaves(nn.unfreeze(m, "layers.0")).filter(nn.isTrainable)).toHaveLength(8)
  })
  it("freeze by predicate; an unknown path is an error", () => {
    const m = nn.freeze(net(), (l) => l.path.endsWith("bias"))
    expect(
      nn
        .leaves(m)
        .filter(nn.isTrainable)
        .map((l) => l.path),
    ).toEqual(["features.0.weight", "features.1.weight", "layers.0.weight", "layers.1.weight"])
    expect(() => nn.freeze(net(), "head")).toThrow(/freeze: no parameter at or under "head"/)
  })
  it("combine takes each slot from the first tree that fills it", () => {
    const m = nn.linear(tg.key(0), 2, 2)
    const [p, r] = nn.partition(m, (l) => l.path === "weight")
    const p2 = tg.Tree.map(p, (t) => tg.zerosLike(t))
    const c = nn.combine(p2, r, m)
    expect(c.weight.toArraySync()).toEqual([
      [0, 0],
      [0, 0],
    ])
    expect(c.bias!.toArraySync()).toEqual(m.bias!.toArraySync())
  })
})

describe("run-time errors name the module path", () => {
  it("bad constructor arguments are InvalidHyperparameter naming the layer and the value", () => {
    expect(() => nn.dropout(1.5)).toThrow(tg.InvalidHyperparameter)
    expect(() => nn.dropout(Number.NaN)).toThrow("Dropout: p must be in [0, 1], got NaN")
    expect(() => nn.multiheadAttention(tg.key(0), 10, 3)).toThrow(tg.InvalidHyperparameter)
    expect(() => nn.multiheadAttention(tg.key(0), 10, 3)).toThrow("MultiheadAttention: embedDim 10 is not divisible by numHeads 3")
  })
  it("a wrong input shape (number dims) is a ShapeError naming the layer and its path", () => {
    const m = nn.eval(net())
    const bad = tg.zeros([2, 5, 6, 6] as number[])
    expect(() => m.call(bad)).toThrow(tg.ShapeError)
    expect(() => m.call(bad)).toThrow("Conv2d: expected input [N, 3, H, W], got [2, 5, 6, 6]")
    expect(() => nn.forward(m, (mm) => mm.call(bad))).toThrow("Conv2d (features.0): expected input [N, 3, H, W], got [2, 5, 6, 6]")
    const lin = nn.linear(tg.key(0), 3, 4)
    expect(() => lin.call(tg.zeros([2, 5] as number[]))).toThrow("Linear: expected input [..., 3], got [2, 5]")
  })
  it("Dropout in training mode without a key is a ModuleError naming its path; with a key it is reproducible", () => {
    const m = nn.train(net())
    let err: unknown
    try {
      nn.forward(m, (mm) => mm.call(x))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(tg.ModuleError)
    expect((err as tg.ModuleError).path).toBe("drop")
    expect((err as tg.ModuleError).message).toMatch(/^Dropout \(drop\): training mode needs a key/)
    const [a] = nn.forward(m, (mm) => mm.call(x), { key: tg.key(1) })
    const [b] = nn.forward(m, (mm) => mm.call(x), { key: tg.key(1) })
    const [c] = nn.forward(m, (mm) => mm.call(x), { key: tg.key(2) })
    expect(a.toArraySync()).toEqual(b.toArraySync())
    expect(a.toArraySync()).not.toEqual(c.toArraySync())
  })
  it("Dropout in training mode inside jit is refused (a host key would bake one mask into the trace); eval mode is fine", () => {
    const m = nn.train(net())
    const step = tg.jit((mm: Net, xi: tg.AnyTensor) => nn.forward(mm, (q) => q.call(xi), { key: tg.key(1) })[0])
    expect(() => step(m, x)).toThrow(/^Dropout \(drop\): training mode inside jit: the key is a host value/)
    expect(() => step(nn.eval(m), x)).not.toThrow()
  })
  it("Dropout keeps the expected fraction and scales by 1/(1−p)", () => {
    const [y] = nn.forward(nn.dropout(0.25), (d) => d.call(tg.ones([10000])), { key: tg.key(3) })
    const v = y.toArraySync() as number[]
    const kept = v.filter((t) => t !== 0)
    expect(kept.every((t) => Math.abs(t - 4 / 3) < 1e-6)).toBe(true)
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02) // 4.6 σ
  })
})
