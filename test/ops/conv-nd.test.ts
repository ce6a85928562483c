// conv1d / conv2d's general options / conv3d, convTranspose2d and reduceWindow against plain-JS
// references: a direct N-d gather loop for convolution (input dilation and per-side padding
// handled by index arithmetic), the scatter definition of the transposed convolution, and brute
// force windows. Gradients by finite differences (checkGrads, f64).
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { checkGrads } from "../../src/testing.js"
import { expectClose, numel, randData, ravel, t32, t64, unravel } from "./ref.js"

interface Cfg {
  readonly stride: number[]
  /** [lo, hi] per spatial axis, applied to the dilated input */
  readonly pads: Array<[number, number]>
  readonly dilation: number[]
  readonly lhs: number[]
  readonly groups: number
}

/** out[n, o, p…] = Σ_{c, k…} x[n, g·Cg + c, q…] · w[o, c, k…], q = (p·s − lo + k·d) / lhs when that is an integer in range. */
const convRef = (x: number[], xs: number[], w: number[], ws: number[], c: Cfg) => {
  // biome-ignore lint/correctness/noUnusedVariables: the declaration is the type test
  const [N, C] = xs as [number, number],
    [O, Cg] = ws as [number, number]
  const sp = xs.slice(2),
    ks = ws.slice(2)
  const dil = sp.map((n, i) => (n - 1) * c.lhs[i]! + 1)
  const outSp = dil.map((n, i) => Math.floor((n + c.pads[i]![0] + c.pads[i]![1] - c.dilation[i]! * (ks[i]! - 1) - 1) / c.stride[i]!) + 1)
  const outShape = [N, O, ...outSp]
  const Og = O / c.groups
  const data = Array.from({ length: numel(outShape) }, (_, flat) => {
    const [n, o, ...p] = unravel(flat, outShape) as [number, number, ...number[]]
    const g = Math.floor(o / Og)
    let s = 0
    for (let ci = 0; ci < Cg; ci++)
      for (let kf = 0; kf < numel(ks); kf++) {
        const k = unravel(kf, ks)
        const q: number[] = []
        let ok = true
        for (let i = 0; i < sp.length && ok; i++) {
          const pos = p[i]! * c.stride[i]! - c.pads[i]![0] + k[i]! * c.dilation[i]!
          if (pos < 0 || pos >= dil[i]! || pos % c.lhs[i]! !== 0) ok = false
          else q.push(pos / c.lhs[i]!)
        }
        if (ok) s += x[ravel([n, g * Cg + ci, ...q], xs)]! * w[ravel([o, ci, ...k], ws)]!
      }
    return s
  })
  return { shape: outShape, data }
}
const cfg = (nsp: number, o: Partial<Cfg> = {}): Cfg => ({
  stride: o.stride ?? new Array<number>(nsp).fill(1),
  pads: o.pads ?? new Array(nsp).fill([0, 0]),
  dilation: o.dilation ?? new Array<number>(nsp).fill(1),
  lhs: o.lhs ?? new Array<number>(nsp).fill(1),
  groups: o.groups ?? 1,
})

describe("conv1d", () => {
  test("hand-worked: a difference kernel, 'same' and per-side padding", () => {
    const x = tg.tensor([[[1, 2, 3, 4]]])
    expect(tg.conv1d(x, tg.tensor([[[1, -1]]])).toArraySync()).toEqual([[[-1, -1, -1]]])
    // "same" at stride 1: one zero on each side for k = 3
    expect(tg.conv1d(x, tg.tensor([[[1, 1, 1]]]), { padding: "same" }).toArraySync()).toEqual([[[3, 6, 9, 7]]])
    expect(tg.conv1d(x, tg.tensor([[[1, 1, 1]]]), { padding: [[2, 0]] }).toArraySync()).toEqual([[[1, 3, 6, 9]]])
    // "same" with stride 2 (JAX's rule): n = 5, k = 3 → 3 outputs, total padding 2 → [1, 1]
    expect(tg.conv1d(tg.tensor([[[1, 2, 3, 4, 5]]]), tg.tensor([[[1, 1, 1]]]), { padding: "same", stride: 2 }).toArraySync()).toEqual([
      [[3, 9, 9]],
    ])
    // input dilation 2: [1, 0, 2, 0, 3, 0, 4]
    expect(tg.conv1d(x, tg.tensor([[[1, 1]]]), { lhsDilation: 2 }).toArraySync()).toEqual([[[1, 2, 2, 3, 3, 4]]])
  })
  test("random configurations vs the reference", () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        g: fc.integer({ min: 1, max: 2 }),
        cg: fc.integer({ min: 1, max: 2 }),
        og: fc.integer({ min: 1, max: 2 }),
        l: fc.integer({ min: 1, max: 9 }),
        k: fc.integer({ min: 1, max: 3 }),
        s: fc.integer({ min: 1, max: 3 }),
        lo: fc.nat(2),
        hi: fc.nat(2),
        d: fc.integer({ min: 1, max: 2 }),
        lhs: fc.integer({ min: 1, max: 3 }),
        seed: fc.integer(),
      })
      .filter((c) => (c.l - 1) * c.lhs + 1 + c.lo + c.hi >= c.d * (c.k - 1) + 1)
    fc.assert(
      fc.property(arb, (c) => {
        const xs = [c.n, c.g * c.cg, c.l],
          ws = [c.g * c.og, c.cg, c.k]
        const x = randData(xs, c.seed),
          w = randData(ws, c.seed + 1)
        const want = convRef(x, xs, w, ws, cfg(1, { stride: [c.s], pads: [[c.lo, c.hi]], dilation: [c.d], lhs: [c.lhs], groups: c.g }))
        const got = tg.conv1d(t64(x, xs), t64(w, ws), {
          stride: c.s,
          padding: [[c.lo, c.hi]],
          dilation: c.d,
          lhsDilation: c.lhs,
          groups: c.g,
        })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 40 },
    )
  })
})

describe("conv2d: per-side and 'same' padding, input dilation", () => {
  test("per-side padding and input dilation vs the reference", () => {
    const xs = [2, 4, 5, 6],
      ws = [6, 2, 3, 2]
    const x = randData(xs, 11),
      w = randData(ws, 12)
    const c = cfg(2, {
      stride: [2, 1],
      pads: [
        [2, 0],
        [1, 3],
      ],
      dilation: [1, 2],
      lhs: [2, 3],
      groups: 2,
    })
    const want = convRef(x, xs, w, ws, c)
    const got = tg.conv2d(t64(x, xs), t64(w, ws), {
      stride: [2, 1],
      padding: [
        [2, 0],
        [1, 3],
      ],
      dilation: [1, 2],
      lhsDilation: [2, 3],
      groups: 2,
    })
    expect(got.shape).toEqual(want.shape)
    expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
    expectClose(
      tg
        .conv2d(t32(x, xs), t32(w, ws), {
          stride: [2, 1],
          padding: [
            [2, 0],
            [1, 3],
          ],
          dilation: [1, 2],
          lhsDilation: [2, 3],
          groups: 2,
        })
        .dataSync(),
      want.data,
      { rtol: 1e-5, atol: 1e-5 },
    )
  })
  test("'same' keeps ⌈n / s⌉ per axis and pads lo = ⌊total / 2⌋ (hand-worked totals)", () => {
    const xs = [1, 2, 7, 6],
      ws = [3, 2, 4, 3]
    const x = randData(xs, 21),
      w = randData(ws, 22)
    // stride 1: totals d·(k − 1) = 3 and 2·2 = 4 → [1, 2] and [2, 2]
    const a = tg.conv2d(t64(x, xs), t64(w, ws), { padding: "same", dilation: [1, 2] })
    expect(a.shape).toEqual([1, 3, 7, 6])
    expectClose(
      a.dataSync(),
      convRef(
        x,
        xs,
        w,
        ws,
        cfg(2, {
          pads: [
            [1, 2],
            [2, 2],
          ],
          dilation: [1, 2],
        }),
      ).data,
      { rtol: 1e-12, atol: 1e-12 },
    )
    // stride 2: out 4 and 3; totals (4−1)·2 + 4 − 7 = 3 → [1, 2] and (3−1)·2 + 3 − 6 = 1 → [0, 1]
    const b = tg.conv2d(t64(x, xs), t64(w, ws), { padding: "same", stride: 2 })
    expect(b.shape).toEqual([1, 3, 4, 3])
    expectClose(
      b.dataSync(),
      convRef(
        x,
        xs,
        w,
        ws,
        cfg(2, {
          stride: [2, 2],
          pads: [
            [1, 2],
            [0, 1],
          ],
        }),
      ).data,
      { rtol: 1e-12, atol: 1e-12 },
    )
    expect(tg.conv2d(t64(x, xs), t64(w, ws), { padding: "valid" }).shape).toEqual([1, 3, 4, 4])
  })
  test("bad options are InvalidArguments naming conv2d and the option", () => {
    const x = tg.zeros([1, 2, 5, 5] as number[]),
      w = tg.zeros([3, 2, 3, 3] as number[])
    expect(() => tg.conv2d(x, w, { lhsDilation: 0 })).toThrow(tg.InvalidArgument)
    expect(() => tg.conv2d(x, w, { lhsDilation: 0 })).toThrow("conv2d: options.lhsDilation is the number 0, expected an integer ≥ 1")
    expect(() => tg.conv2d(x, w, { padding: [[1, -1], 0] })).toThrow(tg.InvalidArgument)
    expect(() =>
      tg.conv2d(x, w, {
        padding: [
          [1, -1],
          [0, 0],
        ],
      }),
    ).toThrow("conv2d: options.padding")
    expect(() => tg.conv2d(x, w, { padding: "full" as "same" })).toThrow(tg.InvalidArgument)
  })
})

describe("conv3d", () => {
  test("random configurations vs the reference", () => {
    const arb = fc
      .record({
        g: fc.integer({ min: 1, max: 2 }),
        sp: fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 })),
        k: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        s: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        p: fc.nat(1),
        d: fc.integer({ min: 1, max: 2 }),
        seed: fc.integer(),
      })
      .filter((c) => c.sp.every((n, i) => n + 2 * c.p >= c.d * (c.k[i]! - 1) + 1))
    fc.assert(
      fc.property(arb, (c) => {
        const xs = [2, 2 * c.g, ...c.sp],
          ws = [2 * c.g, 2, ...c.k]
        const x = randData(xs, c.seed),
          w = randData(ws, c.seed + 1)
        const want = convRef(
          x,
          xs,
          w,
          ws,
          cfg(3, {
            stride: c.s,
            pads: [
              [c.p, c.p],
              [c.p, c.p],
              [c.p, c.p],
            ],
            dilation: [c.d, c.d, c.d],
            groups: c.g,
          }),
        )
        const got = tg.conv3d(t64(x, xs), t64(w, ws), { stride: c.s, padding: c.p, dilation: c.d, groups: c.g })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 20 },
    )
  })
  test("a window that does not fit names conv3d and the axis", () => {
    expect(() => tg.conv3d(tg.zeros([1, 1, 2, 4, 4] as number[]), tg.zeros([1, 1, 3, 1, 1] as number[]))).toThrow(
      "conv3d: kernel 3 larger than padded depth 2",
    )
  })
})

/** PyTorch's transposed convolution by its scatter definition: y[n, o, i·s − p + a·d, …] += x[n, c, i, …]·w[c, o′, a, …]. */
const convTransposeRef = (
  x: number[],
  xs: number[],
  w: number[],
  ws: number[],
  s: number[],
  p: number[],
  op: number[],
  d: number[],
  groups: number,
) => {
  const [N, C, H, W] = xs as [number, number, number, number]
  const [, Og, KH, KW] = ws as [number, number, number, number]
  const Cg = C / groups
  const OH = (H - 1) * s[0]! - 2 * p[0]! + d[0]! * (KH - 1) + op[0]! + 1,
    OW = (W - 1) * s[1]! - 2 * p[1]! + d[1]! * (KW - 1) + op[1]! + 1
  const shape = [N, Og * groups, OH, OW]
  const out = new Array<number>(numel(shape)).fill(0)
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let o = 0; o < Og; o++)
            for (let a = 0; a < KH; a++)
              for (let b = 0; b < KW; b++) {
                const y = i * s[0]! - p[0]! + a * d[0]!,
                  z = j * s[1]! - p[1]! + b * d[1]!
                if (y < 0 || y >= OH || z < 0 || z >= OW) continue
                const oc = Math.floor(c / Cg) * Og + o
                out[ravel([n, oc, y, z], shape)]! += x[ravel([n, c, i, j], xs)]! * w[ravel([c, o, a, b], ws)]!
              }
  return { shape, data: out }
}

describe("convTranspose2d", () => {
  test("hand-worked: stride 2 with a 2×2 kernel of ones repeats each pixel", () => {
    const x = tg.tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ])
    expect(tg.convTranspose2d(x, tg.ones([1, 1, 2, 2]), { stride: 2 }).toArraySync()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ])
  })
  test("random configurations vs the scatter definition", () => {
    const arb = fc
      .record({
        g: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 5 }),
        w: fc.integer({ min: 1, max: 5 }),
        k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        p: fc.tuple(fc.nat(2), fc.nat(2)),
        d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        op: fc.tuple(fc.nat(2), fc.nat(2)),
        seed: fc.integer(),
      })
      .map((c) => ({ ...c, op: c.op.map((v, i) => v % Math.max(c.s[i]!, c.d[i]!)) as [number, number] }))
      .filter((c) => [0, 1].every((i) => ([c.h, c.w][i]! - 1) * c.s[i]! - 2 * c.p[i]! + c.d[i]! * (c.k[i]! - 1) + c.op[i]! + 1 >= 1))
    fc.assert(
      fc.property(arb, (c) => {
        const xs = [2, 2 * c.g, c.h, c.w],
          ws = [2 * c.g, 3, ...c.k]
        const x = randData(xs, c.seed),
          w = randData(ws, c.seed + 1)
        const want = convTransposeRef(x, xs, w, ws, c.s, c.p, c.op, c.d, c.g)
        const got = tg.convTranspose2d(t64(x, xs), t64(w, ws), {
          stride: c.s,
          padding: c.p,
          outputPadding: c.op,
          dilation: c.d,
          groups: c.g,
        })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 40 },
    )
  })
  test("equals the input-gradient of conv2d (its defining property)", () => {
    const xs = [1, 4, 3, 3],
      ws = [4, 2, 3, 3],
      opts = { stride: 2, padding: 1 } as const
    const x = t64(randData(xs, 3), xs),
      w = t64(randData(ws, 4), ws)
    // conv2d(·, w) maps [1, 2, 5, 5] → [1, 4, 3, 3]; its transpose applied to x
    const [, pull] = tg.vjp((z: tg.AnyTensor) => tg.conv2d(z, w, opts), tg.zeros([1, 2, 5, 5] as number[], { dtype: "f64" }))
    const [want] = pull(x as never) as [tg.AnyTensor]
    expectClose(tg.convTranspose2d(x, w, opts).dataSync(), want.dataSync(), { rtol: 1e-12, atol: 1e-12 })
  })
  test("outputPadding must be below the stride or the dilation", () => {
    expect(() =>
      tg.convTranspose2d(tg.zeros([1, 1, 3, 3] as number[]), tg.zeros([1, 1, 3, 3] as number[]), { stride: 2, outputPadding: 2 }),
    ).toThrow("convTranspose2d: outputPadding 2 must be smaller than the stride 2 or the dilation 1")
  })
})

/** Brute-force windows; out-of-range (padding) and dilation holes count as the identity. */
const reduceWindowRef = (
  x: number[],
  xs: number[],
  op: "max" | "min" | "sum",
  win: number[],
  st: number[],
  pads: Array<[number, number]>,
  wd: number[],
  bd: number[],
) => {
  const dil = xs.map((n, i) => (n - 1) * bd[i]! + 1)
  const out = dil.map((n, i) => Math.floor((n + pads[i]![0] + pads[i]![1] - wd[i]! * (win[i]! - 1) - 1) / st[i]!) + 1)
  const data = Array.from({ length: numel(out) }, (_, flat) => {
    const p = unravel(flat, out)
    let acc = op === "max" ? -Infinity : op === "min" ? Infinity : 0
    for (let kf = 0; kf < numel(win); kf++) {
      const k = unravel(kf, win)
      const q = p.map((pi, i) => pi * st[i]! - pads[i]![0] + k[i]! * wd[i]!)
      if (q.some((v, i) => v < 0 || v >= dil[i]! || v % bd[i]! !== 0)) continue
      const v =
        x[
          ravel(
            q.map((v, i) => v / bd[i]!),
            xs,
          )
        ]!
      acc = op === "max" ? Math.max(acc, v) : op === "min" ? Math.min(acc, v) : acc + v
    }
    return acc
  })
  return { shape: out, data }
}

describe("reduceWindow", () => {
  test("hand-worked 1-D windows", () => {
    const x = tg.tensor([1, 3, 2, 5, 4])
    expect(tg.reduceWindow(x, "max", [2]).toArraySync()).toEqual([3, 3, 5, 5])
    expect(tg.reduceWindow(x, "min", [3], { strides: 2 }).toArraySync()).toEqual([1, 2])
    expect(tg.reduceWindow(x, "sum", [3], { strides: 2, padding: 1 }).toArraySync()).toEqual([4, 10, 9])
    expect(tg.reduceWindow(x, "max", [2], { padding: "same" }).toArraySync()).toEqual([3, 3, 5, 5, 4])
  })
  test("equals maxPool2d on NCHW", () => {
    const xs = [2, 3, 7, 6],
      x = t64(randData(xs, 8), xs)
    expectClose(
      tg.reduceWindow(x, "max", [1, 1, 3, 2], { strides: [1, 1, 2, 2], padding: [0, 0, 1, 1] }).dataSync(),
      tg.maxPool2d(x, [3, 2], { stride: 2, padding: [1, 1] }).dataSync(),
      { rtol: 0, atol: 0 },
    )
  })
  test("random ranks and options vs brute force", () => {
    const arb = fc
      .record({
        op: fc.constantFrom("max" as const, "min" as const, "sum" as const),
        shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
        seed: fc.integer(),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          win: fc.tuple(...c.shape.map(() => fc.integer({ min: 1, max: 3 }))),
          st: fc.tuple(...c.shape.map(() => fc.integer({ min: 1, max: 2 }))),
          pads: fc.tuple(...c.shape.map(() => fc.tuple(fc.nat(1), fc.nat(1)))),
          wd: fc.tuple(...c.shape.map(() => fc.integer({ min: 1, max: 2 }))),
          bd: fc.tuple(...c.shape.map(() => fc.integer({ min: 1, max: 2 }))),
        }),
      )
      .filter(({ c, win, pads, wd, bd }) =>
        c.shape.every((n, i) => (n - 1) * bd[i]! + 1 + pads[i]![0] + pads[i]![1] >= wd[i]! * (win[i]! - 1) + 1),
      )
    fc.assert(
      fc.property(arb, ({ c, win, st, pads, wd, bd }) => {
        const x = randData(c.shape, c.seed)
        const want = reduceWindowRef(x, c.shape, c.op, win, st, pads, wd, bd)
        const got = tg.reduceWindow(t64(x, c.shape), c.op, win, { strides: st, padding: pads, windowDilation: wd, baseDilation: bd })
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 })
      }),
      { numRuns: 50 },
    )
  })
  test("i32 max/min pool", () => {
    const x = tg.tensor(
      [
        [5, -2, 7],
        [1, 0, -9],
      ],
      { dtype: "i32" },
    )
    expect(
      tg
        .reduceWindow(x, "max", [2, 2], {
          padding: [
            [0, 0],
            [0, 1],
          ],
        })
        .toArraySync(),
    ).toEqual([[5, 7, 7]])
    expect(tg.reduceWindow(x, "min", [1, 2]).toArraySync()).toEqual([
      [-2, -2],
      [0, -9],
    ])
  })
  test("a window too large or a wrong rank is a ShapeError naming reduceWindow", () => {
    expect(() => tg.reduceWindow(tg.zeros([3] as number[]), "max", [4])).toThrow("reduceWindow: kernel 4 larger than padded axis 0 size 3")
    expect(() => tg.reduceWindow(tg.zeros([3, 3] as number[]), "sum", [2])).toThrow(
      "reduceWindow: window has 1 sizes for input [3, 3] of rank 2",
    )
  })
})

describe("gradients (f64 finite differences)", () => {
  const r = (s: number[], seed: number) => t64(randData(s, seed), s)
  test("conv1d, conv2d with per-side padding and input dilation, conv3d", () => {
    checkGrads(
      (x: tg.AnyTensor, w: tg.AnyTensor) => tg.conv1d(x, w, { padding: "same", lhsDilation: 2, groups: 2 }),
      [r([2, 4, 5], 1), r([4, 2, 3], 2)],
    )
    checkGrads(
      (x: tg.AnyTensor, w: tg.AnyTensor) =>
        tg.conv2d(x, w, {
          padding: [
            [2, 0],
            [1, 1],
          ],
          lhsDilation: [1, 2],
          stride: [2, 1],
        }),
      [r([1, 2, 4, 4], 3), r([3, 2, 2, 3], 4)],
    )
    checkGrads(
      (x: tg.AnyTensor, w: tg.AnyTensor) => tg.conv3d(x, w, { padding: 1, stride: [2, 1, 1] }),
      [r([1, 2, 3, 3, 3], 5), r([2, 2, 2, 2, 2], 6)],
    )
  })
  test("convTranspose2d (both arguments, second order)", () => {
    checkGrads(
      (x: tg.AnyTensor, w: tg.AnyTensor) => tg.convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
      [r([1, 4, 3, 3], 7), r([4, 1, 3, 3], 8)],
      { order: 2 },
    )
  })
  test("reduceWindow max/min/sum", () => {
    // distinct values (a random draw) keep max/min away from ties
    for (const op of ["max", "min", "sum"] as const)
      checkGrads((x: tg.AnyTensor) => tg.reduceWindow(x, op, [2, 3], { strides: [1, 2], padding: "same" }), [r([4, 6], 9)])
  })
})

describe("under vmap and jit", () => {
  test("vmap(conv1d) over a batch of kernels equals a loop", () => {
    const x = t64(randData([1, 2, 6], 1), [1, 2, 6]),
      ws = t64(randData([3, 4, 2, 3], 2), [3, 4, 2, 3])
    const f = (w: tg.AnyTensor) => tg.conv1d(x, w, { padding: [[1, 0]], stride: 2 })
    const got = tg.vmap(f)(ws) as tg.AnyTensor
    const loop = [0, 1, 2].flatMap((i) => Array.from(f(ws.slice(`${i}`) as tg.AnyTensor).dataSync()))
    expectClose(got.dataSync(), loop, { rtol: 1e-12, atol: 1e-12 })
  })
  test("jit(convTranspose2d ∘ reduceWindow) equals eager", () => {
    const x = t64(randData([1, 2, 4, 4], 3), [1, 2, 4, 4]),
      w = t64(randData([2, 3, 3, 3], 4), [2, 3, 3, 3])
    const f = (a: tg.AnyTensor, b: tg.AnyTensor) =>
      tg.reduceWindow(tg.convTranspose2d(a, b, { stride: 2 }), "max", [1, 1, 2, 2], { strides: [1, 1, 2, 2] })
    expectClose(tg.jit(f)(x, w).dataSync(), f(x, w).dataSync(), { rtol: 1e-12, atol: 1e-12 })
  })
})
