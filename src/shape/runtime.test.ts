// Runtime shape twins against independent brute-force oracles (fast-check), plus exact messages.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { ShapeError } from "../errors.js"
import * as rt from "./runtime.js"

const prod = (s: ReadonlyArray<number>) => s.reduce((a, b) => a * b, 1)
const litShape = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 5 })
const posShape = fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 5 })

/** Python list slicing, literally: materialise range(n)[a:b:c] (positive c) and count it. */
function pySlice(n: number, start: number | undefined, stop: number | undefined, step: number): number[] {
  const clamp = (x: number) => (x < 0 ? Math.max(0, n + x) : Math.min(x, n))
  const lo = start === undefined ? 0 : clamp(start),
    hi = stop === undefined ? n : clamp(stop)
  const out: number[] = []
  for (let i = lo; i < hi; i += step) out.push(i)
  return out
}
const throwsShape = (f: () => unknown, msg: string) => {
  expect(f).toThrow(ShapeError)
  expect(f).toThrow(msg)
}

describe("oracles", () => {
  test("slice length and plan match Python list slicing", () => {
    const opt = fc.option(fc.integer({ min: -12, max: 12 }), { nil: undefined })
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), opt, opt, fc.integer({ min: 1, max: 4 }), (n, a, b, c) => {
        const spec = `${a ?? ""}:${b ?? ""}:${c}`
        const idx = pySlice(n, a, b, c)
        expect(rt.sliceShape([n], spec)).toEqual([idx.length])
        const plan = rt.parseIndex(spec, [n]).axes[0]!
        expect(Array.from({ length: plan.size }, (_, i) => plan.start + i * plan.step)).toEqual(idx)
      }),
    )
  })
  test("integer index: in range iff -n <= i < n; the axis is dropped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -8, max: 8 }), (n, i) => {
        if (i >= -n && i < n) {
          const p = rt.parseIndex(`${i}, None`, [n, 3])
          expect(p).toEqual({
            axes: [
              { start: (i + n) % n, stop: ((i + n) % n) + 1, step: 1, size: 1 },
              { start: 0, stop: 3, step: 1, size: 3 },
            ],
            outShape: [1, 3],
            dropped: [0],
            inserted: [0],
          })
        } else throwsShape(() => rt.parseIndex(`${i}`, [n, 3]), `slice: index ${i} out of range for dim 0 of size ${n} in [${n}, 3]`)
      }),
    )
  })
  test("conv/pool output size = number of window placements", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (n, k, s, p, d) => {
          const span = d * (k - 1) + 1
          let count = 0
          for (let i = 0; i + span <= n + 2 * p; i += s) count++
          const conv = () => rt.conv2dShape([1, 2, n, n], [4, 2, k, k], { stride: s, padding: p, dilation: d })
          if (count === 0) expect(conv).toThrow(ShapeError)
          else expect(conv()).toEqual([1, 4, count, count])
          if (2 * p <= k) {
            const pool = () => rt.pool2dShape([2, n, n], k, { stride: s, padding: p, dilation: d }, "avgPool2d")
            if (count === 0) expect(pool).toThrow(ShapeError)
            else expect(pool()).toEqual([2, count, count])
          }
        },
      ),
    )
  })
  test("broadcast is commutative and succeeds iff each aligned pair is equal or has a 1", () => {
    fc.assert(
      fc.property(litShape, litShape, (a, b) => {
        const ok = [...Array(Math.min(a.length, b.length)).keys()].every((i) => {
          const x = a[a.length - 1 - i]!,
            y = b[b.length - 1 - i]!
          return x === y || x === 1 || y === 1
        })
        if (!ok) return void expect(() => rt.broadcastShapes(a, b)).toThrow(ShapeError)
        const r = rt.broadcastShapes(a, b)
        expect(r).toEqual(rt.broadcastShapes(b, a))
        expect(r.length).toBe(Math.max(a.length, b.length))
        expect(rt.expandShape(a, r)).toEqual(r) // broadcast_to the common shape always works
      }),
    )
  })
  test("reshape succeeds iff element counts match; -1 is the quotient", () => {
    fc.assert(
      fc.property(litShape, litShape, (s, t) => {
        if (prod(s) === prod(t)) expect(rt.reshapeShape(s, t)).toEqual(t)
        else expect(() => rt.reshapeShape(s, t)).toThrow(ShapeError)
        const rest = t.slice(1)
        if (t.length > 0 && prod(rest) > 0 && prod(s) % prod(rest) === 0)
          expect(rt.reshapeShape(s, [-1, ...rest])).toEqual([prod(s) / prod(rest), ...rest])
      }),
    )
  })
  test("flatten preserves the element count", () => {
    fc.assert(
      fc.property(litShape, fc.nat(), fc.nat(), (s, x, y) => {
        const [a, b] = s.length === 0 ? [0, 0] : ([x % s.length, y % s.length].sort((p, q) => p - q) as [number, number])
        const f = rt.flattenShape(s, a, b) as number[]
        expect(prod(f)).toBe(prod(s))
        expect(f.length).toBe(s.length === 0 ? 1 : s.length - (b - a))
      }),
    )
  })
  test("permute by p then by its inverse is the identity", () => {
    fc.assert(
      fc.property(
        posShape.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }))),
        ([s, p]) => {
          const inv = p.map((_, i) => p.indexOf(i))
          expect(rt.permuteShape(rt.permuteShape(s, p), inv)).toEqual(s)
        },
      ),
    )
  })
  test("squeeze ∘ unsqueeze is the identity; reduce with keepdims keeps rank", () => {
    fc.assert(
      fc.property(posShape, fc.integer({ min: -6, max: 6 }), (s, a) => {
        if (a < -(s.length + 1) || a > s.length) return void expect(() => rt.unsqueezeShape(s, a)).toThrow("unsqueeze: axis")
        const u = rt.unsqueezeShape(s, a)
        expect(rt.squeezeShape(u, a < 0 ? a + s.length + 1 : a)).toEqual(s)
        expect(rt.reduceShape(s, undefined, true).length).toBe(s.length)
      }),
    )
  })
  test("strides are row-major and numel is their span", () => {
    fc.assert(
      fc.property(posShape, (s) => {
        const st = rt.stridesOf(s)
        s.forEach((_, i) => expect(st[i]).toBe(prod(s.slice(i + 1))))
        expect(rt.numel(s)).toBe(prod(s))
      }),
    )
  })
})

describe("messages and edge cases", () => {
  test.each([
    [() => rt.broadcastShapes([2, 3], [4]), "broadcast: [2, 3] vs [4] (dim 3 vs 4)"],
    [() => rt.matmulShape([1024, 512], [500, 256]), "matmul: inner dimensions differ for [1024, 512] @ [500, 256] (512 vs 500)"],
    [() => rt.matmulShape([2, 3, 4], [5, 4, 6]), "matmul: batch dims do not broadcast: [2, 3, 4] @ [5, 4, 6]"],
    [() => rt.dotShape([3], [4]), "dot: sizes differ for [3] and [4] (3 vs 4)"],
    [() => rt.outerShape([3, 1], [4]), "outer: expects 1-D tensors, got [3, 1] and [4]"],
    [
      () => rt.reshapeShape(["B", "T", 12, 64], ["B", "T", 769]),
      "reshape: cannot reshape [B, T, 12, 64] (B*T*768 elements) into [B, T, 769] (B*T*769 elements)",
    ],
    [() => rt.reshapeShape([6], [-1, -1]), "reshape: only one -1 allowed in [-1, -1]"],
    [() => rt.permuteShape([1, 2, 3, 4], [0, 1, 1, 2]), "permute: axis 1 repeated in [0, 1, 1, 2]"],
    [() => rt.reduceShape([2, 3], [1, -1], false, "max"), "max: axis -1 repeated in [1, -1]"],
    [() => rt.normAxis(1.5, 3, "sum"), "sum: axis 1.5 out of range for rank 3"],
    [() => rt.sliceShape([64, 128], "64"), "slice: index 64 out of range for dim 0 of size 64 in [64, 128]"],
    [() => rt.sliceShape([4], "a:b"), 'slice: cannot parse "a:b" in "a:b"'],
    [() => rt.parseIndex("::-1", [4]), "slice: step must be positive, got -1"],
    [
      () =>
        rt.concatShape(
          [
            [2, 3],
            [5, 4],
          ],
          0,
        ),
      "concat: tensor 1 [5, 4] differs from [2, 3] at dim 1 (3 vs 4)",
    ],
    [
      () =>
        rt.stackShape([
          [2, 3],
          [2, 4],
        ]),
      "stack: tensor 1 [2, 4] differs from [2, 3]",
    ],
    [
      () =>
        rt.padShape(
          [3],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      "pad: 2 pad pairs for [3] of rank 1 (one pair, or one per axis)",
    ],
    [
      () =>
        rt.padShape(
          [2, 3, 4],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      "pad: 2 pad pairs for [2, 3, 4] of rank 3 (one pair, or one per axis)",
    ],
    [() => rt.squeezeShape([2, 3], 1), "squeeze: dim 1 of [2, 3] has size 3, not 1"],
    [() => rt.expandShape([2, 3], [2, 4]), "expand: cannot expand [2, 3] to [2, 4] (dim 3 vs 4)"],
    [() => rt.conv2dShape([1, 3, 8, 8], [64, 4, 3, 3]), "conv2d: input has 3 channels but weight [64, 4, 3, 3] expects 4"],
    [() => rt.conv2dShape([1, 3, 4, 4], [8, 3, 7, 7]), "conv2d: kernel 7 larger than padded height 4"],
    [
      () => rt.conv2dShape([1, 4, 8, 8], [6, 1, 3, 3], { groups: 4 }),
      "conv2d: weight [6, 1, 3, 3] has 6 output channels, not divisible by 4 groups",
    ],
    [() => rt.pool2dShape([1, 3, 32, 32], 3, { padding: 2 }), "maxPool2d: padding 2 should be at most half of kernel 3"],
  ] as const)("%#: %s", (f, msg) => throwsShape(f, msg))

  test("shapes of the happy paths", () => {
    expect(rt.matmulShape(["B", 784], [784, 128])).toEqual(["B", 128])
    expect(rt.matmulShape([4], [2, 4, 5])).toEqual([2, 5])
    expect(rt.reshapeShape(["B", "T", 768], ["B", "T", 12, -1])).toEqual(["B", "T", 12, 64])
    expect(rt.reshapeShape([null, 4], [-1])).toEqual([null])
    expect(rt.sliceShape(["B", 3, 32], "..., None, ::2")).toEqual(["B", 3, 1, 16])
    expect(rt.sliceShape(["H", 8], "1:, :")).toEqual([null, 8])
    expect(
      rt.padShape(
        [2, 3, 28, 28],
        [
          [0, 0],
          [0, 0],
          [1, 1],
          [2, 2],
        ],
      ),
    ).toEqual([2, 3, 30, 32])
    expect(rt.padShape([2, 3], [[1, 2]])).toEqual([5, 6])
    expect(rt.padShape(["B", 4], 0)).toEqual(["B", 4])
    expect(rt.expandShape([3, 1], [2, -1, 4])).toEqual([2, 3, 4])
    expect(rt.conv2dShape(["B", 3, 224, 224], [64, 3, 7, 7], { stride: 2, padding: 3 })).toEqual(["B", 64, 112, 112])
    expect(rt.conv2dShape([1, 8, null, 10], [16, 4, 3, 3], { groups: 2, stride: [1, 2] })).toEqual([1, 16, null, 4])
    expect(rt.normAxes(undefined, 3, "sum")).toEqual([0, 1, 2])
    expect(rt.normAxes([-1, 0], 3, "sum")).toEqual([0, 2])
    expect(rt.promoteDType("i32", "f16")).toBe("f16")
    expect(rt.sliceSpecNormalize("2: ,1:-1")).toBe("2:, 1:-1")
    const e = (() => {
      try {
        rt.matmulShape([2, 3], [4, 5])
      } catch (x) {
        return x as ShapeError
      }
    })()!
    expect(e.op).toBe("matmul")
    expect(e.shapes).toEqual([
      [2, 3],
      [4, 5],
    ])
  })
})
