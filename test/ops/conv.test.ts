// conv2d and pooling vs direct loops (the library composes them from unfold + matmul; the
// references index the input directly).
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { expectClose, randData, t32, t64 } from "./ref.js"

type P2 = readonly [number, number]
const outSize = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1

/** PyTorch conv2d (cross-correlation, zero padding) as nested loops over n, o, y, x, c, i, j. */
const conv2dRef = (x: number[], xs: number[], w: number[], ws: number[], st: P2, pd: P2, dl: P2, groups: number) => {
  const [N, C, H, W] = xs as [number, number, number, number]
  const [O, Cg, KH, KW] = ws as [number, number, number, number]
  const OH = outSize(H, KH, st[0], pd[0], dl[0]),
    OW = outSize(W, KW, st[1], pd[1], dl[1])
  const Og = O / groups
  const out = new Array<number>(N * O * OH * OW).fill(0)
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let y = 0; y < OH; y++)
        for (let xx = 0; xx < OW; xx++) {
          let s = 0
          const g = Math.floor(o / Og)
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const hy = y * st[0] - pd[0] + i * dl[0],
                  wx = xx * st[1] - pd[1] + j * dl[1]
                if (hy < 0 || hy >= H || wx < 0 || wx >= W) continue
                s += x[((n * C + g * Cg + c) * H + hy) * W + wx]! * w[((o * Cg + c) * KH + i) * KW + j]!
              }
          out[((n * O + o) * OH + y) * OW + xx] = s
        }
  return { shape: [N, O, OH, OW], data: out }
}

/** Pooling by brute force: max ignores padding (−∞), avg divides by the full window (zeros counted). */
const poolRef = (x: number[], xs: number[], k: P2, st: P2, pd: P2, dl: P2, kind: "max" | "avg") => {
  const [N, C, H, W] = xs as [number, number, number, number]
  const OH = outSize(H, k[0], st[0], pd[0], dl[0]),
    OW = outSize(W, k[1], st[1], pd[1], dl[1])
  const out: number[] = []
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < OH; y++)
        for (let xx = 0; xx < OW; xx++) {
          let m = -Infinity,
            s = 0
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) {
              const hy = y * st[0] - pd[0] + i * dl[0],
                wx = xx * st[1] - pd[1] + j * dl[1]
              if (hy < 0 || hy >= H || wx < 0 || wx >= W) continue
              const v = x[((n * C + c) * H + hy) * W + wx]!
              m = Math.max(m, v)
              s += v
            }
          out.push(kind === "max" ? m : s / (k[0] * k[1]))
        }
  return { shape: [N, C, OH, OW], data: out }
}

describe("conv2d", () => {
  test("hand-worked 3×3 input, 2×2 kernel", () => {
    const x = tg.tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ])
    const w = tg.tensor([
      [
        [
          [1, 0],
          [0, -1],
        ],
      ],
    ])
    expect(tg.conv2d(x, w).toArraySync()).toEqual([
      [
        [
          [-4, -4],
          [-4, -4],
        ],
      ],
    ])
    expect(x.conv2d(w, { padding: 1 }).toArraySync()).toEqual([
      [
        [
          [-1, -2, -3, 0],
          [-4, -4, -4, 3],
          [-7, -4, -4, 6],
          [0, 7, 8, 9],
        ],
      ],
    ])
  })
  test("a 1×1 kernel is a per-pixel matmul over channels", () => {
    const x = randData([2, 3, 4, 5], 1),
      w = randData([6, 3, 1, 1], 2)
    const want = conv2dRef(x, [2, 3, 4, 5], w, [6, 3, 1, 1], [1, 1], [0, 0], [1, 1], 1)
    expectClose(tg.conv2d(t64(x, [2, 3, 4, 5]), t64(w, [6, 3, 1, 1])).dataSync(), want.data, { rtol: 1e-12 })
  })
  const cases: Array<{ name: string; xs: number[]; ws: number[]; o: { stride?: P2; padding?: P2; dilation?: P2; groups?: number } }> = [
    { name: "stride 2", xs: [2, 3, 9, 8], ws: [4, 3, 3, 3], o: { stride: [2, 2] } },
    { name: "asymmetric stride and padding", xs: [1, 2, 7, 10], ws: [3, 2, 3, 2], o: { stride: [1, 3], padding: [2, 1] } },
    { name: "dilation 2", xs: [1, 2, 11, 9], ws: [2, 2, 3, 3], o: { dilation: [2, 2], padding: [1, 1] } },
    { name: "groups 2", xs: [2, 4, 6, 6], ws: [6, 2, 3, 3], o: { groups: 2, padding: [1, 1] } },
    { name: "depthwise (groups = C)", xs: [1, 3, 5, 5], ws: [3, 1, 3, 3], o: { groups: 3 } },
    {
      name: "everything at once",
      xs: [2, 6, 13, 11],
      ws: [9, 2, 3, 2],
      o: { groups: 3, stride: [2, 1], padding: [2, 0], dilation: [1, 2] },
    },
  ]
  for (const { name, xs, ws, o } of cases)
    test(`${name}: ${JSON.stringify(xs)} ⋆ ${JSON.stringify(ws)} vs the 7-loop reference`, () => {
      const x = randData(xs, xs[3]!),
        w = randData(ws, ws[0]!)
      const want = conv2dRef(x, xs, w, ws, o.stride ?? [1, 1], o.padding ?? [0, 0], o.dilation ?? [1, 1], o.groups ?? 1)
      const got = tg.conv2d(t64(x, xs), t64(w, ws), o)
      expect(got.shape).toEqual(want.shape)
      expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      expectClose(tg.conv2d(t32(x, xs), t32(w, ws), o).dataSync(), want.data, { rtol: 1e-5, atol: 1e-5 })
    })
  test("scalar options mean both spatial dims", () => {
    const xs = [1, 2, 8, 8],
      ws = [3, 2, 3, 3]
    const x = randData(xs, 5),
      w = randData(ws, 6)
    const want = conv2dRef(x, xs, w, ws, [2, 2], [1, 1], [1, 1], 1)
    expectClose(tg.conv2d(t64(x, xs), t64(w, ws), { stride: 2, padding: 1 }).dataSync(), want.data, { rtol: 1e-12 })
  })
  test("a non-contiguous (NHWC → NCHW permuted) input gives the same result as a contiguous copy", () => {
    const nhwc = randData([2, 6, 5, 3], 31),
      w = randData([4, 3, 3, 3], 32)
    const nchw = Array.from({ length: 180 }, (_, i) => {
      const [n, c, h, x] = [Math.floor(i / 90), Math.floor(i / 30) % 3, Math.floor(i / 5) % 6, i % 5]
      return nhwc[((n * 6 + h) * 5 + x) * 3 + c]!
    })
    const want = conv2dRef(nchw, [2, 3, 6, 5], w, [4, 3, 3, 3], [1, 1], [1, 1], [1, 1], 1)
    const got = tg.conv2d(t64(nhwc, [2, 6, 5, 3]).permute([0, 3, 1, 2]), t64(w, [4, 3, 3, 3]), { padding: 1 })
    expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
  })
  test("random configurations vs the reference", () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        g: fc.integer({ min: 1, max: 3 }),
        cg: fc.integer({ min: 1, max: 2 }),
        og: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 9 }),
        w: fc.integer({ min: 1, max: 9 }),
        kh: fc.integer({ min: 1, max: 3 }),
        kw: fc.integer({ min: 1, max: 3 }),
        s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        p: fc.tuple(fc.nat(2), fc.nat(2)),
        d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        seed: fc.integer(),
      })
      .filter((c) => c.h + 2 * c.p[0] >= c.d[0] * (c.kh - 1) + 1 && c.w + 2 * c.p[1] >= c.d[1] * (c.kw - 1) + 1)
    fc.assert(
      fc.property(arb, (c) => {
        const xs = [c.n, c.g * c.cg, c.h, c.w],
          ws = [c.g * c.og, c.cg, c.kh, c.kw]
        const x = randData(xs, c.seed),
          w = randData(ws, c.seed + 1)
        const want = conv2dRef(x, xs, w, ws, c.s, c.p, c.d, c.g)
        const got = tg.conv2d(t64(x, xs), t64(w, ws), { stride: c.s, padding: c.p, dilation: c.d, groups: c.g })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 60 },
    )
  })
  test("channel mismatch throws ShapeError naming conv2d and the shapes", () => {
    const x = tg.zeros([1, 3, 5, 5] as number[]),
      w = tg.zeros([2, 4, 3, 3] as number[])
    expect(() => tg.conv2d(x, w)).toThrow(
      new ShapeError({
        op: "conv2d",
        message: "conv2d: input has 3 channels but weight [2, 4, 3, 3] expects 4",
        shapes: [
          [1, 3, 5, 5],
          [2, 4, 3, 3],
        ],
      }),
    )
    expect(() => tg.conv2d(x, w)).toThrow(ShapeError)
  })
})

describe("maxPool2d / avgPool2d", () => {
  test("hand-worked 4×4, kernel 2 (stride defaults to the kernel)", () => {
    const x = tg.tensor([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ])
    expect(tg.maxPool2d(x, 2).toArraySync()).toEqual([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ])
    expect(x.avgPool2d(2).toArraySync()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ])
    expect(tg.avgPool2d(tg.ones([1, 1, 4, 4]), 2).toArraySync()).toEqual([
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ])
  })
  test("padding: max ignores it (−∞), avg counts it as zeros", () => {
    const x = tg.tensor([
      [
        [
          [-1, -2],
          [-3, -4],
        ],
      ],
    ])
    expect(tg.maxPool2d(x, 2, { stride: 1, padding: 1 }).toArraySync()).toEqual([
      [
        [
          [-1, -1, -2],
          [-1, -1, -2],
          [-3, -3, -4],
        ],
      ],
    ])
    expect(tg.avgPool2d(x, 2, { stride: 1, padding: 1 }).toArraySync()).toEqual([
      [
        [
          [-0.25, -0.75, -0.5],
          [-1, -2.5, -1.5],
          [-0.75, -1.75, -1],
        ],
      ],
    ])
  })
  test("random configurations vs brute force", () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 9 }),
        w: fc.integer({ min: 1, max: 9 }),
        k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        s: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), { nil: undefined }),
        p: fc.tuple(fc.nat(1), fc.nat(1)),
        d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        avg: fc.boolean(),
        seed: fc.integer(),
      })
      .filter(
        (c) =>
          c.h + 2 * c.p[0] >= c.d[0] * (c.k[0] - 1) + 1 &&
          c.w + 2 * c.p[1] >= c.d[1] * (c.k[1] - 1) + 1 &&
          c.p[0] <= Math.floor(c.k[0] / 2) &&
          c.p[1] <= Math.floor(c.k[1] / 2),
      )
    fc.assert(
      fc.property(arb, (c) => {
        const xs = [c.n, c.c, c.h, c.w],
          x = randData(xs, c.seed)
        const want = poolRef(x, xs, c.k, c.s ?? c.k, c.p, c.d, c.avg ? "avg" : "max")
        const o = { ...(c.s !== undefined && { stride: c.s }), padding: c.p, dilation: c.d }
        const got = c.avg ? tg.avgPool2d(t64(x, xs), c.k, o) : tg.maxPool2d(t64(x, xs), c.k, o)
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 60 },
    )
  })
})
