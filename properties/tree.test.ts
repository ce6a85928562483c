/**
 * Pytree laws: flatten/unflatten round trips, canonical (sorted) key order, and map respecting
 * the structure.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Tree from "../src/grad/tree.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import { arbShape, arbTensor } from "../src/testing/index.js"

const leaf = arbTensor(arbShape({ maxRank: 2, maxDim: 2 }))
const { tree: arbTree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("tree"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("w", "b", "a", "z", "gamma", "beta"), tie("tree"), { maxKeys: 3 }),
  ),
}))

/** The same tree with every record's keys inserted in reverse order. */
const reversed = (t: unknown): unknown =>
  Array.isArray(t)
    ? t.map(reversed)
    : t !== null && typeof t === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(t))
      ? Object.fromEntries(
          Object.entries(t)
            .reverse()
            .map(([k, v]) => [k, reversed(v)]),
        )
      : t

describe("pytrees", () => {
  it("unflatten(flatten(t)) rebuilds t", () =>
    fc.assert(
      fc.property(arbTree, (t) => {
        const [leaves, def] = Tree.flatten(t)
        const back = Tree.unflatten(def, leaves)
        expect(Tree.leaves(back)).toEqual(leaves)
        expect(Tree.structureEquals(Tree.structure(back), def)).toBe(true)
        expect(leaves.length).toBe(Tree.numLeaves(def))
      }),
    ))
  it("key order does not matter: {w, b} and {b, w} flatten alike", () =>
    fc.assert(
      fc.property(arbTree, (t) => {
        const [a, da] = Tree.flatten(t),
          [b, db] = Tree.flatten(reversed(t))
        expect(b).toEqual(a)
        expect(Tree.structureEquals(da, db)).toBe(true)
      }),
    ))
  it("map keeps the structure and visits leaves in canonical order", () =>
    fc.assert(
      fc.property(arbTree, (t) => {
        const seen: number[] = []
        const m = Tree.map(t, (x: AnyTensor, i) => (seen.push(i), x))
        expect(Tree.structureEquals(Tree.structure(m), Tree.structure(t))).toBe(true)
        expect(seen).toEqual(Tree.leaves(t).map((_, i) => i))
      }),
    ))
})
