// Tree nodes (classes marked with Tree.nodeTag, e.g. modules): own tensor fields are children,
// other values inside a node are static structure; unflatten rebuilds on the prototype.
import { describe, expect, it } from "vitest"
import * as tg from "../index.js"

class Affine {
  declare readonly [tg.Tree.nodeTag]: true
  constructor(
    readonly w: tg.AnyTensor,
    readonly b: tg.AnyTensor | undefined,
    readonly scale: number,
    readonly dims: readonly number[],
  ) {}
  apply(x: tg.AnyTensor): tg.AnyTensor {
    const y = x.mul(this.w).mul(this.scale)
    return this.b === undefined ? y : y.add(this.b)
  }
}
Object.defineProperty(Affine.prototype, tg.Tree.nodeTag, { value: true })
const item = (t: tg.AnyTensor) => (t as tg.Tensor<[], "f32", "cpu">).item()

describe("Tree nodes", () => {
  const a = new Affine(tg.tensor([1, 2]), tg.tensor([3, 4]), 2, [2])
  it("leaves are the tensor fields in declaration order; numbers, arrays of numbers and undefined are static", () => {
    const [leaves, def] = tg.Tree.flatten(a)
    expect(leaves).toEqual([a.w, a.b])
    expect(tg.Tree.numLeaves(def)).toBe(2)
    expect(tg.Tree.show(def)).toMatch(/^Affine#\d+\(w: \*, b: \*, scale: =2, dims: \[=2\]\)$/)
    const noBias = new Affine(a.w, undefined, 2, [2])
    expect(tg.Tree.leaves(noBias)).toHaveLength(1)
    expect(tg.Tree.show(tg.Tree.structure(noBias))).toContain("b: =undefined")
  })
  it("unflatten rebuilds an instance of the class with its static fields, without calling the constructor", () => {
    const [leaves, def] = tg.Tree.flatten(a)
    const back = tg.Tree.unflatten<Affine>(
      def,
      leaves.map((l) => l.mul(10)),
    )
    expect(back).toBeInstanceOf(Affine)
    expect(back.scale).toBe(2)
    expect(back.apply(tg.tensor([1, 1])).toArraySync()).toEqual([50, 80])
  })
  it("different static values are different structures (jit retraces; zipWith refuses)", () => {
    const b = new Affine(a.w, a.b, 3, [2])
    expect(tg.Tree.structureEquals(tg.Tree.structure(a), tg.Tree.structure(b))).toBe(false)
    expect(() => tg.Tree.zipWith(a, b, (x) => x)).toThrow(/structures differ/)
    const f = tg.jit((m: Affine) => m.apply(tg.tensor([1, 1])).sum())
    expect(item(f(a))).toBe(2 * 1 + 3 + 2 * 2 + 4)
    expect(item(f(b))).toBe(3 * 1 + 3 + 3 * 2 + 4)
  })
  it("grad, vmap and to take a node as it stands", () => {
    const g = tg.grad((m: Affine) => m.apply(tg.tensor([1, 5])).sum())(a)
    expect(g).toBeInstanceOf(Affine)
    expect(g.w.toArraySync()).toEqual([2, 10])
    expect(g.b!.toArraySync()).toEqual([1, 1])
    const ys = tg.vmap((x: tg.AnyTensor) => a.apply(x))(
      tg.tensor([
        [1, 1],
        [2, 2],
      ]),
    )
    expect(ys.toArraySync()).toEqual([
      [5, 8],
      [7, 12],
    ])
    expect(tg.to(a, tg.cpu)).toBeInstanceOf(Affine)
  })
  it("outside a node, a non-tensor leaf is still an error", () => {
    expect(() => tg.Tree.flatten({ w: tg.scalar(1), lr: 0.1 })).toThrow(
      "pytree: the leaf at lr is a number, expected a tensor, an array or a plain record",
    )
  })
})
