// einsum against a brute-force reference: every assignment of the letters, summed.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, numel, randData, ravel, t64, unravel } from "./ref.js"

/** Σ over every letter assignment of Π operands, as the einsum convention defines it. */
const refEinsum = (pattern: string, shapes: number[][], datas: number[][]): { shape: number[]; data: number[] } => {
  const [lhs, rhs] = pattern.split("->")
  const ins = lhs!.split(",")
  const size = new Map<string, number>()
  ins.forEach((s, i) => [...s].forEach((c, d) => size.set(c, shapes[i]![d]!)))
  const letters = [...size.keys()]
  const out = [...rhs!]
  const shape = out.map((c) => size.get(c)!)
  const data = new Array<number>(numel(shape)).fill(0)
  const all = letters.map((c) => size.get(c)!)
  for (let q = 0; q < numel(all); q++) {
    const v = unravel(q, all)
    const at = (c: string) => v[letters.indexOf(c)]!
    let p = 1
    ins.forEach((s, i) => (p *= datas[i]![ravel([...s].map(at), shapes[i]!)]!))
    const o = ravel(out.map(at), shape)
    data[o] = data[o]! + p
  }
  return { shape, data }
}

const cases: Array<[string, number[][]]> = [
  [
    "ij,jk->ik",
    [
      [2, 3],
      [3, 4],
    ],
  ],
  [
    "bij,bjk->bik",
    [
      [2, 2, 3],
      [2, 3, 2],
    ],
  ],
  ["ii->i", [[3, 3]]],
  ["ii->", [[4, 4]]],
  ["ij->ji", [[2, 3]]],
  ["ij->", [[2, 3]]],
  ["i,i->", [[5], [5]]],
  ["i,j->ij", [[2], [3]]],
  [
    "ijk,ikl,lm->jm",
    [
      [2, 3, 2],
      [2, 2, 3],
      [3, 2],
    ],
  ],
  [
    "btd,bsd->bts",
    [
      [2, 3, 4],
      [2, 5, 4],
    ],
  ],
  [
    "iij,jk->ik",
    [
      [2, 2, 3],
      [3, 2],
    ],
  ],
  [
    "ab,cd->abcd",
    [
      [1, 2],
      [2, 1],
    ],
  ],
  [
    "ij,ij->ij",
    [
      [0, 3],
      [0, 3],
    ],
  ],
]

describe("einsum", () => {
  for (const [pattern, shapes] of cases)
    test(`${pattern} against the brute-force sum`, () => {
      const datas = shapes.map((s, i) => randData(s, 11 + i))
      const want = refEinsum(pattern, shapes, datas)
      const got = (tg.einsum as (p: string, ...xs: tg.AnyTensor[]) => tg.AnyTensor)(pattern, ...shapes.map((s, i) => t64(datas[i]!, s)))
      expect(got.shape).toEqual(want.shape)
      expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
    })

  test("implicit output: letters seen once, alphabetically", () => {
    const a = randData([2, 3], 1),
      b = randData([3, 4], 2)
    const want = refEinsum(
      "ij,jk->ik",
      [
        [2, 3],
        [3, 4],
      ],
      [a, b],
    )
    expectClose(tg.einsum("ij,jk", t64(a, [2, 3]), t64(b, [3, 4])).dataSync(), want.data, { rtol: 1e-12 })
    expect(tg.einsum("ji", t64(a, [2, 3])).shape).toEqual([3, 2])
  })

  test("gradients of every operand (checkGrads) and random matmul-like patterns", () => {
    checkGrads(
      (a: tg.AnyTensor, b: tg.AnyTensor) => tg.einsum("bij,bjk->bik", a, b).square().sum(),
      [t64(randData([2, 2, 3], 3), [2, 2, 3]), t64(randData([2, 3, 2], 4), [2, 3, 2])],
      { order: 2 },
    )
    checkGrads((a: tg.AnyTensor) => tg.einsum("ii->i", a).square().sum(), [t64(randData([3, 3], 5), [3, 3])])
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (m, k, n) => {
        const a = randData([m, k], m * 7 + k),
          b = randData([k, n], n)
        expectClose(
          tg.einsum("ij,jk->ik", t64(a, [m, k]), t64(b, [k, n])).dataSync(),
          tg.matmul(t64(a, [m, k]), t64(b, [k, n])).dataSync(),
          { rtol: 1e-12, atol: 1e-12 },
        )
      }),
      { numRuns: 20 },
    )
  })

  test("typed errors name the letter and both sizes", () => {
    const z = (...s: number[]) => tg.zeros(s as number[])
    expect(() => tg.einsum("ij,jk->ik", z(2, 3), z(4, 5))).toThrow("einsum: letter j has two sizes (3 vs 4)")
    expect(() => tg.einsum("ij->iz", z(2, 3))).toThrow(ShapeError)
    expect(() => tg.einsum("...i->i", z(2, 3))).toThrow(ShapeError)
    expect(() => tg.einsum("ij,jk->ik", z(2, 3))).toThrow(ShapeError)
  })
})
