// Layout ops vs index arithmetic written out by hand.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { expectClose, fromFn, nest, numel, randData, ravel, t64 } from "./ref.js"

const iota = (s: number[]) =>
  t64(
    Array.from({ length: numel(s) }, (_, i) => i),
    s,
  )

describe("reshape and flatten keep row-major order", () => {
  test("reshape with -1", () => {
    const x = tg.arange(6)
    expect(x.reshape([2, 3]).toArraySync()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ])
    expect(x.reshape([3, -1]).toArraySync()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ])
    expect(tg.reshape(x, [-1, 2, 1]).shape).toEqual([3, 2, 1])
    expect(tg.reshape(tg.scalar(5), [1, 1]).toArraySync()).toEqual([[5]])
    expect(tg.reshape(tg.tensor([[7]]), []).item()).toBe(7)
    expect(tg.zeros([0, 3]).reshape([3, 0, 5]).shape).toEqual([3, 0, 5])
  })
  test("reshape of a transposed (non-contiguous) tensor reads in logical order", () => {
    const x = tg.arange(6).reshape([2, 3]).transpose()
    expect(x.reshape([6]).toArraySync()).toEqual([0, 3, 1, 4, 2, 5])
  })
  test("flatten ranges (inclusive, negative)", () => {
    const x = iota([2, 3, 4])
    expect(x.flatten().shape).toEqual([24])
    expect(x.flatten(1).shape).toEqual([2, 12])
    expect(tg.flatten(x, 0, 1).shape).toEqual([6, 4])
    expect(tg.flatten(x, -2, -1).toArraySync()).toEqual(
      nest(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 12],
      ),
    )
    expect(tg.flatten(tg.scalar(3)).shape).toEqual([1])
  })
})

describe("transpose / permute", () => {
  test("transpose defaults to the last two axes; explicit and negative axes", () => {
    const m = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(m.transpose().toArraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
    const s = [2, 3, 4]
    const x = iota(s)
    expect(tg.transpose(x, 0, 2).toArraySync()).toEqual(
      nest(
        fromFn([4, 3, 2], ([i, j, k]) => ravel([k!, j!, i!], s)),
        [4, 3, 2],
      ),
    )
    expect(tg.transpose(x, -3, -1).toArraySync()).toEqual(tg.transpose(x, 2, 0).toArraySync())
  })
  test("permute on random shapes and permutations vs index arithmetic", () => {
    const arb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.shuffledSubarray(
          s.map((_, i) => i),
          { minLength: s.length, maxLength: s.length },
        ),
        fc.boolean(),
      ),
    )
    fc.assert(
      fc.property(arb, ([s, perm, neg]) => {
        const out = perm.map((p) => s[p]!)
        const want = fromFn(out, (idx) => {
          const src = new Array<number>(s.length)
          perm.forEach((p, i) => (src[p] = idx[i]!))
          return ravel(src, s)
        })
        const got = tg.permute(iota(s), neg ? perm.map((p) => p - s.length) : perm)
        expect(got.shape).toEqual(out)
        expect(Array.from(got.dataSync())).toEqual(want)
      }),
      { numRuns: 40 },
    )
  })
})

describe("squeeze / unsqueeze / expand", () => {
  test("squeeze all or named size-1 axes", () => {
    const x = tg.zeros([1, 3, 1, 2])
    expect(x.squeeze().shape).toEqual([3, 2])
    expect(tg.squeeze(x, 0).shape).toEqual([3, 1, 2])
    expect(tg.squeeze(x, -2).shape).toEqual([1, 3, 2])
    expect(tg.squeeze(x, [0, 2]).shape).toEqual([3, 2])
    expect(tg.squeeze(tg.tensor([[[4]]])).item()).toBe(4)
  })
  test("unsqueeze at front, middle, end (negative counts from the new rank)", () => {
    const x = tg.tensor([[1, 2, 3]])
    expect(x.unsqueeze(0).shape).toEqual([1, 1, 3])
    expect(x.unsqueeze(2).toArraySync()).toEqual([[[1], [2], [3]]])
    expect(tg.unsqueeze(x, -1).shape).toEqual([1, 3, 1])
    expect(tg.unsqueeze(tg.scalar(1), 0).shape).toEqual([1])
  })
  test("expand repeats size-1 dims and prepends new ones; -1 keeps a dim", () => {
    const x = tg.tensor([[1], [2], [3]])
    expect(x.expand([2, 3, 2]).toArraySync()).toEqual([
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ])
    expect(tg.expand(x, [-1, 4]).toArraySync()).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
    ])
    expect(tg.expand(tg.scalar(7), [2]).toArraySync()).toEqual([7, 7])
    expect(tg.expand(tg.ones([1, 3]), [0, 3]).shape).toEqual([0, 3])
  })
})

describe("concat / stack", () => {
  test("concat along axes 0, 1 and -1", () => {
    const a = tg.tensor([
        [1, 2],
        [3, 4],
      ]),
      b = tg.tensor([[5, 6]])
    expect(tg.concat([a, b]).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(tg.concat([a, tg.tensor([[9], [8]])], 1).toArraySync()).toEqual([
      [1, 2, 9],
      [3, 4, 8],
    ])
    expect(tg.concat([a, a, a], -1).shape).toEqual([2, 6])
    expect(tg.concat([tg.zeros([0, 2]), a]).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ])
  })
  test("concat promotes dtypes", () => {
    const y = tg.concat([tg.tensor([1], { dtype: "i32" }), tg.tensor([0.5])])
    expect(y.dtype).toBe("f32")
    expect(y.toArraySync()).toEqual([1, 0.5])
  })
  test("stack inserts a new axis at 0, 1, -1", () => {
    const a = tg.tensor([1, 2, 3]),
      b = tg.tensor([4, 5, 6])
    expect(tg.stack([a, b]).toArraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tg.stack([a, b], 1).toArraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
    expect(tg.stack([a, b], -1).toArraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
    expect(tg.stack([tg.scalar(1), tg.scalar(2)]).toArraySync()).toEqual([1, 2])
  })
  test("random concat vs brute force", () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
      .chain((s) =>
        fc.tuple(
          fc.constant(s),
          fc.nat(s.length - 1),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
          fc.integer(),
        ),
      )
    fc.assert(
      fc.property(arb, ([s, axis, sizes, seed]) => {
        const shapes = sizes.map((n) => s.map((d, i) => (i === axis ? n : d)))
        const datas = shapes.map((sh, i) => randData(sh, seed + i))
        const out = s.map((d, i) => (i === axis ? sizes.reduce((a, b) => a + b, 0) : d))
        const want = fromFn(out, (idx) => {
          let j = idx[axis]!,
            part = 0
          while (j >= sizes[part]!) j -= sizes[part++]!
          return datas[part]![
            ravel(
              idx.map((v, d) => (d === axis ? j : v)),
              shapes[part]!,
            )
          ]!
        })
        const got = tg.concat(
          shapes.map((sh, i) => t64(datas[i]!, sh)),
          axis,
        )
        expect(got.shape).toEqual(out)
        expect(Array.from(got.dataSync())).toEqual(want)
      }),
      { numRuns: 30 },
    )
  })
})

describe("pad", () => {
  test("constant padding (default 0, custom value); a single pair pads every axis, as NumPy's pad_width", () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(tg.pad(x, [[1, 0]]).toArraySync()).toEqual([
      [0, 0, 0],
      [0, 1, 2],
      [0, 3, 4],
    ])
    expect(tg.pad(tg.zeros([1, 2, 3]), [[1, 2]]).shape).toEqual([4, 5, 6])
    expect(
      tg
        .pad(
          x,
          [
            [0, 1],
            [1, 1],
          ],
          { value: 9 },
        )
        .toArraySync(),
    ).toEqual([
      [9, 1, 2, 9],
      [9, 3, 4, 9],
      [9, 9, 9, 9],
    ])
    expect(x.pad(1).shape).toEqual([4, 4])
    expect(tg.pad(tg.zeros([0]), [[1, 2]]).toArraySync()).toEqual([0, 0, 0])
  })
  test("edge padding repeats the border", () => {
    expect(tg.pad(tg.tensor([1, 2]), [[2, 1]], { mode: "edge" }).toArraySync()).toEqual([1, 1, 1, 2, 2])
    expect(
      tg
        .pad(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          1,
          { mode: "edge" },
        )
        .toArraySync(),
    ).toEqual([
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ])
  })
  test("random constant/edge padding vs a clamp/fill reference", () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
      .chain((s) =>
        fc.tuple(
          fc.constant(s),
          fc.oneof(
            fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: s.length, maxLength: s.length }),
            fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: 1, maxLength: 1 }),
          ),
          fc.boolean(),
          fc.integer(),
        ),
      )
    fc.assert(
      fc.property(arb, ([s, pads, edge, seed]) => {
        const data = randData(s, seed)
        const full = s.map((_, i) => (pads.length === 1 ? pads[0]! : pads[i]!))
        const out = s.map((d, i) => d + full[i]![0] + full[i]![1])
        const want = fromFn(out, (idx) => {
          const src = idx.map((v, d) => v - full[d]![0])
          if (edge)
            return data[
              ravel(
                src.map((v, d) => Math.min(Math.max(v, 0), s[d]! - 1)),
                s,
              )
            ]!
          return src.every((v, d) => v >= 0 && v < s[d]!) ? data[ravel(src, s)]! : -7
        })
        const got = tg.pad(t64(data, s), pads, edge ? { mode: "edge" } : { value: -7 })
        expect(got.shape).toEqual(out)
        expectClose(got.dataSync(), want, { rtol: 0, atol: 0 })
      }),
      { numRuns: 30 },
    )
  })
})

describe("runtime shape checks of layout ops on number dims", () => {
  test("bad reshape / permute / squeeze / expand throw ShapeError", () => {
    const x = tg.zeros([2, 3] as number[])
    expect(() => x.reshape([4])).toThrow(ShapeError)
    expect(() => tg.permute(x, [0, 0])).toThrow(ShapeError)
    expect(() => tg.squeeze(x, 0)).toThrow(ShapeError)
    expect(() => tg.expand(x, [2, 4])).toThrow(ShapeError)
    expect(() => tg.concat([x, tg.zeros([2, 4] as number[])])).toThrow(ShapeError)
    expect(() => tg.stack([x, tg.zeros([3, 2] as number[])])).toThrow(ShapeError)
  })
})
