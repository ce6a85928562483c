// The numeric semantics docs/numerics.md fixes, on the CPU (test/webgpu/special.test.ts holds WebGPU
// to the same): NaN through relu, max/min and their reductions, integer division by zero, float →
// i32 casts out of range, wrapping i32 arithmetic (BigInt references), C99's pow at its special
// cases, pow's derivative at b = 0; and the rounding error of long sums and products against f64
// references, eager and jitted.
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"

const f32 = (x: number) => Math.fround(x)
const data = (x: tg.AnyTensor): number[] => Array.from(tg.dataSync(x as tg.Tensor<number[], tg.DType, "cpu">) as ArrayLike<number>)
/** i32 wrap of an exact integer (BigInt). */
const wrap = (x: bigint): number => Number(BigInt.asIntN(32, x))

describe("NaN propagates", () => {
  it("relu(NaN) = NaN; relu elsewhere is max(x, 0) with derivative 0 at 0", () => {
    const inf = Number.POSITIVE_INFINITY
    expect(data(tg.relu(tg.tensor([Number.NaN, -1, 0, 2, -inf, inf])))).toEqual([Number.NaN, 0, 0, 2, 0, inf])
    expect(data(tg.grad((x: tg.Tensor<[3], "f32">) => tg.relu(x).sum())(tg.tensor([-1, 0, 2])))).toEqual([0, 0, 1])
  })
  it("max, min, their reductions and arg-reductions return (the first) NaN", () => {
    const x = tg.tensor([1, Number.NaN, 5, Number.NaN])
    expect(data(x.max())).toEqual([Number.NaN])
    expect(data(x.min())).toEqual([Number.NaN])
    expect(data(tg.argmax(x))).toEqual([1])
    expect(data(tg.argmin(x))).toEqual([1])
    expect(data(tg.maximum(tg.tensor([1, Number.NaN, 3]), tg.tensor([Number.NaN, 2, 1])))).toEqual([Number.NaN, Number.NaN, 3])
    expect(data(tg.minimum(tg.tensor([1, Number.NaN, 3]), tg.tensor([Number.NaN, 2, 1])))).toEqual([Number.NaN, Number.NaN, 1])
  })
  it("comparisons with NaN: only ne holds", () => {
    const a = tg.tensor([Number.NaN]),
      b = tg.tensor([Number.NaN])
    expect([a.lt(b), a.le(b), a.gt(b), a.ge(b), a.eq(b), a.ne(b)].map((t) => data(t)[0])).toEqual([0, 0, 0, 0, 0, 1])
  })
})

describe("pow", () => {
  it("d/dx x^0 = 0 everywhere, 0 included (x^0 is the constant 1)", () => {
    expect(data(tg.grad((x: tg.Tensor<[3], "f32">) => x.pow(0).sum())(tg.tensor([0, 2, -3])))).toEqual([0, 0, 0])
    // the ordinary rule elsewhere: d/dx x^2 = 2x, d/dx x^0.5 = 0.5 / √x
    expect(data(tg.grad((x: tg.Tensor<[2], "f32">) => x.pow(2).sum())(tg.tensor([0, 3])))).toEqual([0, 6])
    expect(data(tg.grad((x: tg.Tensor<[1], "f32">) => x.pow(0.5).sum())(tg.tensor([4])))[0]).toBeCloseTo(0.25, 6)
  })
  it("C99's special cases: b = 0 or a = 1 give 1 even against NaN, (-1)^±Inf = 1", () => {
    const nan = Number.NaN,
      inf = Number.POSITIVE_INFINITY
    const a = [nan, 1, -1, -1, 0, -0, -0, -8, -8, 2]
    const b = [0, nan, inf, -inf, -1, -1, 3, 1 / 3, 3, nan]
    expect(data(tg.pow(tg.tensor(a), tg.tensor(b)))).toEqual([1, 1, 1, 1, inf, -inf, -0, nan, -512, nan])
  })
})

describe("integers (XLA's definitions)", () => {
  const i32 = (xs: number[]) => tg.tensor(xs, { dtype: "i32" })
  it("i32 division truncates toward zero; x / 0 = -1; INT_MIN / -1 = INT_MIN", () => {
    expect(data(tg.div(i32([7, -7, 7, -7, 0, -2147483648, -2147483648]), i32([0, 0, 2, 2, 0, -1, 2])))).toEqual([
      -1, -1, 3, -3, -1, -2147483648, -1073741824,
    ])
  })
  it("float → i32 truncates, saturates at the i32 range and maps NaN to 0", () => {
    const xs = [3e9, -3e9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.7, -2.7, 2147483520, -2147483648]
    expect(data(tg.tensor(xs).cast("i32"))).toEqual([2147483647, -2147483648, 0, 2147483647, -2147483648, 2, -2, 2147483520, -2147483648])
    expect(data(tg.tensor(xs, { dtype: "f64" }).cast("i32"))).toEqual([
      2147483647, -2147483648, 0, 2147483647, -2147483648, 2, -2, 2147483520, -2147483648,
    ])
  })
  it("float → bool is x != 0 (NaN is true, ±0 false)", () => {
    expect(data(tg.tensor([Number.NaN, 0, -0, 0.5]).cast("bool"))).toEqual([1, 0, 0, 1])
  })
  const big = [123456789, -987654321, 2147483647, -2147483648, 65536, 46341, -7, 3]
  it("i32 add, sub and mul wrap modulo 2³² (exact, against BigInt)", () => {
    // neighbours swapped: 123456789 · -987654321 and INT_MAX · INT_MIN are past 2⁵³ (an f64 product drops their low bits)
    const a = big,
      b = big.map((_, i) => big[i ^ 1]!)
    const ref = (f: (x: bigint, y: bigint) => bigint) => a.map((x, i) => wrap(f(BigInt(x), BigInt(b[i]!))))
    expect(data(tg.add(i32(a), i32(b)))).toEqual(ref((x, y) => x + y))
    expect(data(tg.sub(i32(a), i32(b)))).toEqual(ref((x, y) => x - y))
    expect(data(tg.mul(i32(a), i32(b)))).toEqual(ref((x, y) => x * y))
  })
  it("i32 sums, products and matmul wrap modulo 2³² (exact, against BigInt)", () => {
    const xs = Array.from({ length: 600 }, (_, i) => big[i % big.length]! + i)
    expect(data(i32(xs).sum())).toEqual([wrap(xs.reduce((s, x) => s + BigInt(x), 0n))])
    expect(data(tg.prod(i32(xs.slice(0, 40))))).toEqual([wrap(xs.slice(0, 40).reduce((s, x) => s * BigInt(x), 1n))])
    const m = tg.matmul(tg.reshape(i32(xs), [2, 300]), tg.reshape(i32([...xs].reverse()), [300, 2]))
    const ref = [0, 1, 2, 3].map((o) => {
      const [r, c] = [Math.floor(o / 2), o % 2]
      let s = 0n
      for (let k = 0; k < 300; k++) s += BigInt(xs[r * 300 + k]!) * BigInt(xs[599 - (k * 2 + c)]!)
      return wrap(s)
    })
    expect(data(m)).toEqual(ref)
  })
  it("jit gives the same as eager on integer division, casts and products", () => {
    const f = (a: tg.Tensor<[4], "i32">, b: tg.Tensor<[4], "i32">, x: tg.Tensor<[4], "f32">) =>
      tg.add(tg.mul(tg.div(a, b), a), x.cast("i32"))
    const i4 = (xs: [number, number, number, number]) => tg.tensor(xs, { dtype: "i32" })
    const args = [i4([7, -2147483648, 123456789, 5]), i4([0, -1, 3, 0]), tg.tensor([3e9, Number.NaN, -3e9, 1.5])] as const
    expect(data(tg.jit(f)(...args))).toEqual(data(f(...args)))
    // (a / b)·a + i32(x): 7/0 = -1; INT_MIN / -1 = INT_MIN, squared wraps to 0, NaN → 0; 123456789/3 = 41152263; 5/0 = -1, i32(1.5) = 1
    const want = [wrap(-7n + 2147483647n), wrap(2n ** 62n), wrap(41152263n * 123456789n - 2147483648n), -4]
    expect(data(f(...args))).toEqual(want)
  })
})

describe("rounding of long reductions (CPU: f64 accumulation, f64-summed slices of the f32 GEMM)", () => {
  // the f64 reference of the f32 inputs: K·fl32(0.1)
  it("[1, K] of 0.1 @ [K, 1] of ones: relative error ≤ 1e-5 at every K", () => {
    for (const K of [1024, 16_384, 262_144, 1_000_000]) {
      const got = data(tg.matmul(tg.full([1, K], 0.1), tg.ones([K, 1])))[0]!
      expect(Math.abs(got - K * f32(0.1)) / (K * f32(0.1)), `K = ${K}`).toBeLessThanOrEqual(1e-5)
    }
  })
  it("full([1e7], 0.1).sum() is the f64 sum rounded once", () => {
    expect(data(tg.full([10_000_000], 0.1).sum())[0]).toBe(f32(1e7 * f32(0.1)))
  })
  it("f64 sums along rows are pairwise: 1e7 × 0.1 within 1e-13 of 10⁶ (in order: 1.6e-10)", () => {
    // the exact sum of 10⁷ copies of the f64 nearest 0.1 is 10⁶ + 5.6e-11
    expect(Math.abs(data(tg.full([10_000_000], 0.1, { dtype: "f64" }).sum())[0]! - 1e6) / 1e6).toBeLessThanOrEqual(1e-13)
    const rows = data(tg.full([4, 1_000_000], 0.1, { dtype: "f64" }).sum({ axis: 1 }))
    for (const r of rows) expect(Math.abs(r - 1e5) / 1e5).toBeLessThanOrEqual(1e-13)
  })
})
