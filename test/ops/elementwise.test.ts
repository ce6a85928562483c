// Elementwise ops vs closed forms and brute-force broadcasting loops.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError } from "../../src/index.js"
import { binaryRef, broadcastPair, expectClose, nest, numel, randData, t32, t64 } from "./ref.js"

const f32 = Math.fround

const binaries = {
  add: { op: tg.add, ref: (a: number, b: number) => a + b },
  sub: { op: tg.sub, ref: (a: number, b: number) => a - b },
  mul: { op: tg.mul, ref: (a: number, b: number) => a * b },
  div: { op: tg.div, ref: (a: number, b: number) => a / b },
  maximum: { op: tg.maximum, ref: Math.max },
  minimum: { op: tg.minimum, ref: Math.min },
} as const

describe("binary arithmetic with broadcasting", () => {
  for (const [name, { op, ref }] of Object.entries(binaries))
    test(`${name} matches a brute-force broadcast loop on random shapes (f64)`, () => {
      fc.assert(
        fc.property(broadcastPair, fc.integer(), ([as, bs], seed) => {
          const a = randData(as, seed),
            b = randData(bs, seed + 1, 0.5, 2)
          const want = binaryRef(a, as, b, bs, ref)
          const got = (op as (x: tg.AnyTensor, y: tg.AnyTensor) => tg.AnyTensor)(t64(a, as), t64(b, bs))
          expect(got.shape).toEqual(want.shape)
          expectClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 0 })
        }),
        { numRuns: 40 },
      )
    })

  test("f32 results are rounded to f32 (add of 0.1 + 0.2 in f32)", () => {
    const y = tg.add(tg.tensor([0.1]), tg.tensor([0.2]))
    expect(y.dtype).toBe("f32")
    expect(y.dataSync()[0]).toBe(f32(f32(0.1) + f32(0.2)))
  })

  test("size-1 broadcasting both ways: [3, 1] + [1, 4] → [3, 4]", () => {
    const a = tg.tensor([[1], [2], [3]]),
      b = tg.tensor([[10, 20, 30, 40]])
    expect(a.add(b).toArraySync()).toEqual([1, 2, 3].map((i) => [10, 20, 30, 40].map((j) => i + j)))
    expect(b.sub(a).toArraySync()).toEqual([1, 2, 3].map((i) => [10, 20, 30, 40].map((j) => j - i)))
  })

  test("scalars on either side take the tensor's dtype", () => {
    const x = tg.tensor([1, 2, 3])
    expect(x.add(1).toArraySync()).toEqual([2, 3, 4])
    expect(x.sub(1).toArraySync()).toEqual([0, 1, 2])
    expect(x.mul(-2).toArraySync()).toEqual([-2, -4, -6])
    expect(x.div(4).toArraySync()).toEqual([0.25, 0.5, 0.75])
    const i = tg.tensor([7, -7, 3], { dtype: "i32" })
    const q = i.div(2)
    expect(q.dtype).toBe("i32")
    expect(q.toArraySync()).toEqual([3, -3, 1]) // integer division truncates toward zero
    expect(i.mul(3).dtype).toBe("i32")
  })

  test("rank-0 operands broadcast against anything", () => {
    const s = tg.scalar(10)
    expect(s.add(tg.tensor([[1, 2]])).toArraySync()).toEqual([[11, 12]])
    expect(s.mul(s).item()).toBe(100)
    expect(s.add(s).shape).toEqual([])
  })

  test("empty dims: [0, 3] + [3] → [0, 3]; [2, 0] * [2, 1] → [2, 0]", () => {
    const e = tg.zeros([0, 3]).add(tg.ones([3]))
    expect(e.shape).toEqual([0, 3])
    expect(e.toArraySync()).toEqual([])
    const f = tg.zeros([2, 0]).mul(tg.ones([2, 1]))
    expect(f.shape).toEqual([2, 0])
    expect(f.toArraySync()).toEqual([[], []])
  })

  test("dtype promotion: bool < i32 < f32 < f64", () => {
    const i = tg.tensor([1, 2], { dtype: "i32" }),
      f = tg.tensor([0.5, 0.5]),
      d = tg.tensor([0.25, 0.25], { dtype: "f64" })
    expect(i.add(f).dtype).toBe("f32")
    expect(i.add(f).toArraySync()).toEqual([1.5, 2.5])
    expect(f.add(d).dtype).toBe("f64")
    expect(i.add(d).toArraySync()).toEqual([1.25, 2.25])
    expect(tg.tensor([true, false]).cast("i32").add(i).toArraySync()).toEqual([2, 2])
  })

  test("pow: closed forms, broadcasting exponent, fractional powers", () => {
    const x = tg.tensor([1, 2, 3, 4])
    expect(x.pow(2).toArraySync()).toEqual([1, 4, 9, 16])
    expectClose(x.pow(0.5).toArraySync(), [1, Math.SQRT2, Math.sqrt(3), 2])
    expectClose(x.pow(-1).toArraySync(), [1, 0.5, 1 / 3, 0.25])
    const b = tg.tensor([[2], [3]])
    expect(b.pow(tg.tensor([0, 1, 2])).toArraySync()).toEqual([
      [1, 2, 4],
      [1, 3, 9],
    ])
    expect(tg.tensor([0]).pow(0).toArraySync()).toEqual([1])
    expect(
      Number.isNaN(
        tg
          .tensor([-8])
          .pow(1 / 3)
          .item(),
      ),
    ).toBe(true) // like Math.pow
  })

  test("maximum/minimum with scalars and NaN-free ties", () => {
    const x = tg.tensor([-1, 0, 3])
    expect(x.maximum(0).toArraySync()).toEqual([0, 0, 3])
    expect(x.minimum(1).toArraySync()).toEqual([-1, 0, 1])
    expect(tg.maximum(tg.tensor([[1, 5]]), tg.tensor([[2], [4]])).toArraySync()).toEqual([
      [2, 5],
      [4, 5],
    ])
  })

  test("bool arithmetic is refused with a DTypeError", () => {
    expect(() => tg.tensor([true]).add(tg.tensor([false]))).toThrow(DTypeError)
  })
})

describe("unary math vs closed forms", () => {
  const xs = [-3, -1.5, -0.5, 0, 0.25, 1, 2.5]
  const pos = [1e-6, 0.1, 0.5, 1, 2, 10, 1e6]
  const cases: Array<[string, (x: tg.Tensor<number[], "f64", "cpu">) => tg.AnyTensor, (v: number) => number, number[]]> = [
    ["neg", tg.neg, (v) => -v, xs],
    ["abs", tg.abs, Math.abs, xs],
    ["exp", tg.exp, Math.exp, xs],
    ["log", tg.log, Math.log, pos],
    ["log1p", tg.log1p, Math.log1p, [-0.9, -1e-10, 0, 1e-12, 1e-5, 3]],
    // Taylor series near 0, where exp(x) - 1 cancels; the direct form elsewhere
    [
      "expm1",
      tg.expm1,
      (v) => (Math.abs(v) < 1e-3 ? v + v ** 2 / 2 + v ** 3 / 6 + v ** 4 / 24 : Math.exp(v) - 1),
      [-3, -0.5, -1e-9, 0, 1e-12, 2e-4, 1, 5],
    ],
    ["sqrt", tg.sqrt, Math.sqrt, [0, ...pos]],
    ["sin", tg.sin, Math.sin, [...xs, Math.PI]],
    ["cos", tg.cos, Math.cos, [...xs, Math.PI]],
    ["tanh", tg.tanh, Math.tanh, [...xs, -30, 30]],
    ["sigmoid", tg.sigmoid, (v) => 1 / (1 + Math.exp(-v)), [...xs, -50, 50]],
    ["sign", tg.sign, Math.sign, xs],
    ["square", tg.square, (v) => v * v, xs],
    ["reciprocal", tg.reciprocal, (v) => 1 / v, pos],
    ["relu", tg.relu, (v) => Math.max(v, 0), xs],
    ["silu", tg.silu, (v) => v / (1 + Math.exp(-v)), xs],
    ["softplus", tg.softplus, (v) => Math.log(1 + Math.exp(v)), xs],
  ]
  for (const [name, op, ref, vals] of cases)
    test(`${name} (f64 exact to 1e-12, f32 to 1e-6)`, () => {
      expectClose(op(t64(vals, [vals.length])).dataSync(), vals.map(ref), { rtol: 1e-12, atol: 1e-300 })
      expectClose(
        op(t32(vals, [vals.length]) as never).dataSync(),
        vals.map((v) => ref(f32(v))),
        { rtol: 2e-6, atol: 1e-7 },
      )
    })

  test("log1p is accurate where log(1 + x) is not", () => {
    expectClose(tg.log1p(tg.tensor(new Float64Array([1e-15]), [1])).dataSync(), [1e-15], { rtol: 1e-12 })
  })
  test("sigmoid and softplus do not overflow at large |x|", () => {
    const big = tg.tensor([-1000, 1000])
    expect(tg.sigmoid(big).toArraySync()).toEqual([0, 1])
    expect(tg.softplus(big).toArraySync()).toEqual([0, 1000])
    expect(tg.tanh(big).toArraySync()).toEqual([-1, 1])
  })
  test("log and sqrt follow IEEE at the domain edge", () => {
    expect(tg.log(tg.tensor([0])).item()).toBe(-Infinity)
    expect(Number.isNaN(tg.log(tg.tensor([-1])).item())).toBe(true)
    expect(Number.isNaN(tg.sqrt(tg.tensor([-1])).item())).toBe(true)
  })
  test("method forms equal the free functions", () => {
    const x = tg.tensor([-1, 0.5, 2])
    expect(x.exp().toArraySync()).toEqual(tg.exp(x).toArraySync())
    expect(x.neg().abs().toArraySync()).toEqual([1, 0.5, 2])
    expect(x.relu().toArraySync()).toEqual([0, 0.5, 2])
  })
  test("neg and abs work on i32 and keep the dtype", () => {
    const i = tg.tensor([-2, 3], { dtype: "i32" })
    expect(i.neg().toArraySync()).toEqual([2, -3])
    expect(i.abs().dtype).toBe("i32")
    expect(i.abs().toArraySync()).toEqual([2, 3])
  })
  test("float-only math on i32 and bool tensors throws DTypeError naming the op", () => {
    const i = tg.tensor([1, 2], { dtype: "i32" }) as unknown as tg.Tensor<[2], "f32", "cpu">
    for (const [name, f] of [
      ["exp", tg.exp],
      ["log", tg.log],
      ["sqrt", tg.sqrt],
      ["sin", tg.sin],
      ["tanh", tg.tanh],
    ] as const)
      expect(() => f(i)).toThrow(new DTypeError({ op: name, dtypes: ["i32"], message: `${name}: expected a float tensor, got i32` }))
    const b = tg.tensor([true]) as unknown as tg.Tensor<[1], "f32", "cpu">
    expect(() => tg.exp(b)).toThrow(/exp: expected a float tensor, got bool/)
    expect(() => tg.neg(b)).toThrow(/neg: not defined on bool tensors/)
  })
  test("rank-0 and empty tensors pass through unary ops", () => {
    expect(tg.exp(tg.scalar(0)).item()).toBe(1)
    expect(tg.exp(tg.zeros([0, 3])).shape).toEqual([0, 3])
  })
})

// erf reference: the Maclaurin series (converges for |x| ≤ 3 in f64) — independent of the A&S form
const erfRef = (x: number): number => {
  let sum = 0,
    term = x
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1)
    term *= (-x * x) / (n + 1)
  }
  return (2 / Math.sqrt(Math.PI)) * sum
}

describe("erf and gelu", () => {
  const xs = [-3, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3]
  test("erf within 1.5e-7 of the series", () => {
    expectClose(tg.erf(t64(xs, [xs.length])).dataSync(), xs.map(erfRef), { rtol: 0, atol: 1.5e-7 })
    expect(erfRef(0.5)).toBeCloseTo(0.5204998778130465, 14) // sanity of the reference itself
  })
  test("erf is odd and saturates", () => {
    expect(tg.erf(tg.tensor([-10, 10])).toArraySync()).toEqual([-1, 1])
  })
  test("gelu (exact) = x·Φ(x)", () => {
    const ref = (x: number) => 0.5 * x * (1 + erfRef(x / Math.SQRT2))
    expectClose(tg.gelu(t64(xs, [xs.length])).dataSync(), xs.map(ref), { rtol: 0, atol: 5e-7 })
    expect(tg.gelu(tg.tensor(new Float64Array([1]), [1])).item()).toBeCloseTo(0.8413447460685429, 6)
  })
  test("gelu (tanh) = 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))", () => {
    const ref = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))
    expectClose(tg.gelu(t64(xs, [xs.length]), { approximate: "tanh" }).dataSync(), xs.map(ref), { rtol: 1e-12, atol: 1e-15 })
    expectClose(tg.tensor([1, 2]).gelu({ approximate: "tanh" }).toArraySync(), [ref(1), ref(2)], { rtol: 1e-6 })
  })
})

describe("comparisons and where", () => {
  const ops = {
    lt: (a: number, b: number) => a < b,
    le: (a: number, b: number) => a <= b,
    gt: (a: number, b: number) => a > b,
    ge: (a: number, b: number) => a >= b,
    eq: (a: number, b: number) => a === b,
    ne: (a: number, b: number) => a !== b,
  } as const
  for (const [name, ref] of Object.entries(ops))
    test(`${name}: bool result, broadcast, ties`, () => {
      const a = [1, 2, 3, 2],
        b = [2, 2]
      const x = tg.tensor([
          [1, 2],
          [3, 2],
        ]),
        y = tg.tensor([2, 2])
      const got = (x[name as keyof typeof ops] as (v: unknown) => tg.AnyTensor)(y)
      expect(got.dtype).toBe("bool")
      expect(got.toArraySync()).toEqual(nest(binaryRef(a, [2, 2], b, [2], (u, v) => (ref(u, v) ? 1 : 0)).data.map(Boolean), [2, 2]))
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test looks ops up by name from its case table
      const s = (tg[name as keyof typeof ops] as (t: tg.AnyTensor, v: number) => tg.AnyTensor)(tg.tensor([1, 2, 3]), 2)
      expect(s.toArraySync()).toEqual([1, 2, 3].map((v) => ref(v, 2)))
    })

  test("where selects with a three-way broadcast", () => {
    const c = tg.tensor([[true], [false]]),
      a = tg.tensor([1, 2, 3]),
      b = tg.tensor([[10], [20]])
    expect(tg.where(c, a, b).toArraySync()).toEqual([
      [1, 2, 3],
      [20, 20, 20],
    ])
    const x = tg.tensor([-1, 2, -3])
    expect(tg.where(x.gt(0), x, 0).toArraySync()).toEqual([0, 2, 0])
    expect(tg.where(x.gt(0), 1, x).toArraySync()).toEqual([-1, 1, -3])
    expect(tg.where(x.gt(0), 1, -1).toArraySync()).toEqual([-1, 1, -1])
  })
  test("where on random broadcast shapes matches a brute-force loop", () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer(), ([cs, vs], seed) => {
        const c = randData(cs, seed),
          v = randData(vs, seed + 7)
        const cond = t64(c, cs).gt(0)
        const got = tg.where(cond, t64(v, vs), -100)
        const want = binaryRef(c, cs, v, vs, (p, q) => (p > 0 ? q : -100))
        expect(got.shape).toEqual(want.shape)
        expectClose(got.dataSync(), want.data, { rtol: 0, atol: 0 })
      }),
      { numRuns: 30 },
    )
  })
  test("where promotes branch dtypes", () => {
    const y = tg.where(tg.tensor([true, false]), tg.tensor([1, 2], { dtype: "i32" }), tg.tensor([0.5, 0.5]))
    expect(y.dtype).toBe("f32")
    expect(y.toArraySync()).toEqual([1, 0.5])
  })
})

describe("cast semantics", () => {
  test("f32 → i32 truncates toward zero", () => {
    const y = tg.cast(tg.tensor([1.7, -1.7, 2.5, -0.5, 0]), "i32")
    expect(y.dtype).toBe("i32")
    expect(Array.from(y.dataSync())).toEqual([1, -1, 2, 0, 0])
    expect(y.dataSync()).toBeInstanceOf(Int32Array)
  })
  test("→ bool: non-zero is true (NaN is true as in C)", () => {
    expect(tg.cast(tg.tensor([1.7, 0, -0.5, -0]), "bool").toArraySync()).toEqual([true, false, true, false])
    expect(tg.cast(tg.tensor([3, 0], { dtype: "i32" }), "bool").toArraySync()).toEqual([true, false])
  })
  test("bool → f32 / i32 gives 1 and 0", () => {
    expect(tg.tensor([true, false]).cast("f32").toArraySync()).toEqual([1, 0])
    expect(tg.tensor([true, false]).cast("i32").toArraySync()).toEqual([1, 0])
  })
  test("f64 → f32 rounds; f32 → f64 is exact", () => {
    const d = tg.tensor(new Float64Array([0.1, 1 + 2 ** -40]), [2])
    expect(Array.from(d.cast("f32").dataSync())).toEqual([f32(0.1), 1])
    expect(Array.from(tg.tensor([0.1]).cast("f64").dataSync())).toEqual([f32(0.1)])
  })
  test("i32 → f32 is exact for |n| < 2^24", () => {
    expect(tg.tensor([16777215, -5], { dtype: "i32" }).cast("f32").toArraySync()).toEqual([16777215, -5])
  })
})

describe("f64 on the CPU keeps double precision", () => {
  test("1 + 1e-12 survives in f64 and not in f32", () => {
    const d = tg.tensor(new Float64Array([1]), [1], { dtype: "f64" }).add(1e-12)
    expect(d.dataSync()[0]).toBe(1 + 1e-12)
    expect(tg.tensor([1]).add(1e-12).item()).toBe(1)
  })
  test("a long random broadcast chain in f64 matches plain JS numbers exactly", () => {
    const as = [3, 1, 4],
      bs = [5, 1]
    const a = randData(as, 1),
      b = randData(bs, 2, 0.5, 2)
    const got = t64(a, as).mul(t64(b, bs)).sub(t64(b, bs)).div(t64(b, bs))
    const want = binaryRef(
      binaryRef(binaryRef(a, as, b, bs, (x, y) => x * y).data, [3, 5, 4], b, bs, (x, y) => x - y).data,
      [3, 5, 4],
      b,
      bs,
      (x, y) => x / y,
    )
    expect(Array.from(got.dataSync())).toEqual(want.data)
    expect(numel(got.shape)).toBe(60)
  })
})

describe("leakyRelu, stopGradient, assertShape", () => {
  test("leakyRelu: x where positive, slope·x elsewhere (default slope 0.01)", () => {
    const xs = [-2, -0.5, 0, 3]
    expectClose(
      tg.leakyRelu(t64(xs, [4]), 0.1).dataSync(),
      xs.map((v) => (v > 0 ? v : 0.1 * v)),
      { rtol: 1e-15 },
    )
    expectClose(
      tg.leakyRelu(t64(xs, [4])).dataSync(),
      xs.map((v) => (v > 0 ? v : 0.01 * v)),
      { rtol: 1e-15 },
    )
  })
  test("stopGradient is the identity on values", () => {
    const x = tg.tensor([[1, -2]])
    expect(tg.stopGradient(x).toArraySync()).toEqual([[1, -2]])
  })
  test("assertShape re-types a matching tensor and throws ShapeError otherwise; named dims bind once", () => {
    const dyn = tg.zeros([4, 784] as number[])
    const y = tg.assertShape(dyn, ["B", 784])
    expect(y.shape).toEqual([4, 784])
    expect(() => tg.assertShape(dyn, ["B", 10])).toThrow("assertShape: expected [B, 10], got [4, 784]")
    expect(() => tg.assertShape(tg.zeros([2, 3] as number[]), ["N", "N"])).toThrow(tg.ShapeError)
    expect(tg.assertShape(tg.zeros([3, 3] as number[]), ["N", "N"]).shape).toEqual([3, 3])
  })
})

describe("bool tensors", () => {
  test("flow through layout ops and read back as booleans", () => {
    const m = tg.tensor([
      [true, false, true],
      [false, false, true],
    ])
    expect(m.transpose().toArraySync()).toEqual([
      [true, false],
      [false, false],
      [true, true],
    ])
    expect(m.slice(":, 1:").reshape([4]).toArraySync()).toEqual([false, true, false, true])
    expect(tg.concat([m, m.slice("0:1")]).shape).toEqual([3, 3])
    expect(tg.stack([m.slice("0"), m.slice("1")], 1).toArraySync()).toEqual([
      [true, false],
      [false, false],
      [true, true],
    ])
    expect(m.at("0, 0").set(0).toArraySync()[0]).toEqual([false, false, true])
    expect(tg.pad(tg.tensor([true]), [[1, 1]]).toArraySync()).toEqual([false, true, false])
    expect(tg.expand(tg.tensor([true]), [3]).toArraySync()).toEqual([true, true, true])
  })
  test("comparisons of bools, where with a bool condition of rank 0", () => {
    const a = tg.tensor([true, false]),
      b = tg.tensor([true, true])
    expect(a.eq(b).toArraySync()).toEqual([true, false])
    expect(tg.where(tg.tensor(true), tg.tensor([1, 2]), 0).toArraySync()).toEqual([1, 2])
    expect(a.cast("f32").sum().item()).toBe(1)
  })
})

describe("sign follows NumPy at NaN and signed zero", () => {
  test("sign(NaN) is NaN, sign(-0) is -0, eager and under jit", () => {
    const x = t64([Number.NaN, -0, 0, -2, 3, -Infinity], [6])
    const want = [Number.NaN, -0, 0, -1, 1, -1]
    for (const got of [
      tg.sign(x).dataSync(),
      tg
        .jit((a: typeof x) => tg.sign(a))(x)
        .dataSync(),
    ])
      want.forEach((w, i) => expect(Object.is(got[i], w), `element ${i}: ${got[i]} vs ${w}`).toBe(true))
    expect(Array.from(tg.sign(t32([Number.NaN, -5], [2])).dataSync())).toEqual([Number.NaN, -1])
  })
})
