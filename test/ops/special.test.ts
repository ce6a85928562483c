// The rounding and atan2 primitives and the composed elementwise functions against JS's Math
// (an independent implementation), NumPy's edge cases by hand, and gradients through checkGrads.
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError } from "../../src/index.js"
import { checkGrads } from "../../src/testing/index.js"
import { expectClose, t64 } from "./ref.js"

const i32 = (data: ReadonlyArray<number>) => tg.tensor(Int32Array.from(data), [data.length] as number[])
const vals = (x: tg.AnyTensor) => Array.from(x.dataSync() as ArrayLike<number>)

describe("rounding primitives", () => {
  test("floor, ceil, trunc as Math; round halves to even (NumPy)", () => {
    const xs = [-2.5, -1.5, -0.5, -0.4, 0.5, 1.5, 2.5, 2.6, 3]
    const x = t64(xs, [xs.length])
    expect(vals(tg.floor(x))).toEqual(xs.map(Math.floor))
    expect(vals(tg.ceil(x))).toEqual(xs.map(Math.ceil))
    expect(vals(tg.trunc(x))).toEqual(xs.map(Math.trunc))
    expect(vals(tg.round(x))).toEqual([-2, -2, -0, -0, 0, 2, 2, 3, 3])
    expect(vals(tg.floor(i32([-3, 4])))).toEqual([-3, 4])
    expect(
      tg
        .grad((a: tg.AnyTensor) => tg.floor(a).sum())(t64([0.3, 1.7], [2]))
        .toArraySync(),
    ).toEqual([0, 0])
  })
  test("atan2 in every quadrant and its gradient", () => {
    const ys = [1, 1, -1, -1, 0.5, -2],
      xs = [1, -1, -1, 1, 3, 0.25]
    expectClose(
      tg.atan2(t64(ys, [6]), t64(xs, [6])).dataSync(),
      ys.map((y, i) => Math.atan2(y, xs[i]!)),
      { rtol: 1e-15 },
    )
    checkGrads((y: tg.AnyTensor, x: tg.AnyTensor) => tg.atan2(y, x).sum(), [t64(ys, [6]), t64(xs, [6])], { order: 2 })
    expect(() => tg.atan2(i32([1]) as never, i32([1]) as never)).toThrow(DTypeError)
  })
})

describe("composed elementwise functions", () => {
  const cases: Array<[string, (x: tg.AnyTensor) => tg.AnyTensor, (v: number) => number, number[]]> = [
    ["exp2", tg.exp2, (v) => 2 ** v, [-3, 0, 0.5, 10]],
    ["log2", tg.log2, Math.log2, [0.125, 1, 3, 1024]],
    ["log10", tg.log10, Math.log10, [0.001, 1, 7, 1e6]],
    ["rsqrt", tg.rsqrt, (v) => 1 / Math.sqrt(v), [0.25, 1, 9]],
    ["cbrt", tg.cbrt, Math.cbrt, [-27, -0.001, 8, 1e6]],
    ["sinh", tg.sinh, Math.sinh, [-3, -1e-9, 1e-12, 0.5, 5]],
    ["cosh", tg.cosh, Math.cosh, [-3, 0, 0.5, 5]],
    ["tan", tg.tan, Math.tan, [-1.2, 0, 0.7]],
    ["asinh", tg.asinh, Math.asinh, [-1e5, -2, -1e-10, 0, 1e-8, 0.5, 3, 1e6]],
    ["acosh", tg.acosh, Math.acosh, [1, 1 + 1e-10, 1.5, 10, 1e6]],
    ["atanh", tg.atanh, Math.atanh, [-0.99, -1e-10, 0, 1e-9, 0.5, 0.9]],
    ["atan", tg.atan, Math.atan, [-1e3, -1, 0, 0.3, 50]],
    ["asin", tg.asin, Math.asin, [-1, -0.5, 0, 1e-9, 0.7, 1]],
    ["acos", tg.acos, Math.acos, [-1, -0.5, 0, 0.7, 1]],
  ]
  for (const [name, f, ref, xs] of cases)
    test(`${name} matches Math.${name === "exp2" || name === "rsqrt" ? "pow" : name} to 1e-13 (relative)`, () => {
      expectClose(f(t64(xs, [xs.length])).dataSync(), xs.map(ref), { rtol: 1e-13, atol: 1e-300 })
    })

  test("gradients of the compositions (checkGrads, f64)", () => {
    const inside = t64([-0.6, -0.2, 0.3, 0.7], [4])
    for (const f of [tg.exp2, tg.sinh, tg.cosh, tg.tan, tg.asinh, tg.atanh, tg.atan, tg.asin, tg.acos, tg.cbrt])
      checkGrads((x: tg.AnyTensor) => f(x).sum(), [inside])
    checkGrads((x: tg.AnyTensor) => tg.add(tg.log2(x), tg.log10(x)).sum(), [t64([0.5, 2], [2])])
    checkGrads((x: tg.AnyTensor) => tg.acosh(x).sum(), [t64([1.5, 3], [2])])
  })

  test("logaddexp and hypot: closed forms, no overflow, edges", () => {
    const a = [0, 1000, -1000, -Infinity, 3],
      b = [0, 1000, -1001, -Infinity, -2]
    const want = a.map((x, i) => {
      const m = Math.max(x, b[i]!)
      return m === -Infinity ? -Infinity : m + Math.log1p(Math.exp(-Math.abs(x - b[i]!)))
    })
    expectClose(tg.logaddexp(t64(a, [5]), t64(b, [5])).dataSync(), want, { rtol: 1e-15 })
    expect(vals(tg.hypot(t64([3, 1e200, 0, -5], [4]), t64([4, 1e200, 0, 12], [4])))).toEqual([5, Math.SQRT2 * 1e200, 0, 13])
    checkGrads(
      (x: tg.AnyTensor, y: tg.AnyTensor) => tg.add(tg.logaddexp(x, y), tg.hypot(x, y)).sum(),
      [t64([0.3, -1], [2]), t64([1.2, 0.4], [2])],
    )
  })

  test("isnan, isinf, isfinite, signbit", () => {
    const x = t64([Number.NaN, Infinity, -Infinity, 0, -0, -2, 3], [7])
    expect(tg.isnan(x).toArraySync()).toEqual([true, false, false, false, false, false, false])
    expect(tg.isinf(x).toArraySync()).toEqual([false, true, true, false, false, false, false])
    expect(tg.isfinite(x).toArraySync()).toEqual([false, false, false, true, true, true, true])
    expect(tg.signbit(x).toArraySync()).toEqual([false, false, true, false, true, true, false])
    expect(tg.isnan(i32([1])).toArraySync()).toEqual([false])
  })

  test("floorDivide and mod follow the divisor's sign (floats and i32)", () => {
    const a = [7, -7, 7, -7, 0, 6],
      b = [3, 3, -3, -3, 5, 3]
    const fd = a.map((x, i) => Math.floor(x / b[i]!))
    const md = a.map((x, i) => x - b[i]! * Math.floor(x / b[i]!))
    expect(vals(tg.floorDivide(t64(a, [6]), t64(b, [6])))).toEqual(fd)
    expect(vals(tg.mod(t64(a, [6]), t64(b, [6])))).toEqual(md)
    expect(vals(tg.floorDivide(i32(a), i32(b)))).toEqual(fd)
    expect(vals(tg.mod(i32(a), i32(b)))).toEqual(md)
    expect(vals(tg.mod(t64([5.5, -5.5], [2]), 2))).toEqual([1.5, 0.5])
  })

  test("nanToNum", () => {
    expect(vals(tg.nanToNum(t64([Number.NaN, Infinity, -Infinity, 2], [4])))).toEqual([0, Number.MAX_VALUE, -Number.MAX_VALUE, 2])
    expect(vals(tg.nanToNum(t64([Number.NaN, Infinity, -Infinity], [3]), { nan: -1, posinf: 9, neginf: -9 }))).toEqual([-1, 9, -9])
    expect(vals(tg.nanToNum(tg.tensor([Infinity])))).toEqual([3.4028234663852886e38])
  })
})

describe("fmin and fmax", () => {
  test("NaN-ignoring extremes as NumPy's fmin/fmax, with broadcasting and integers", () => {
    const nan = Number.NaN
    const a = [1, nan, nan, -2, 3, -Infinity],
      b = [2, 3, nan, nan, 3, 0]
    const fmax = (x: number, y: number) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.max(x, y))
    const fmin = (x: number, y: number) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.min(x, y))
    expect(Array.from(tg.fmax(t64(a, [6]), t64(b, [6])).dataSync())).toEqual(a.map((x, i) => fmax(x, b[i]!)))
    expect(Array.from(tg.fmin(t64(a, [6]), t64(b, [6])).dataSync())).toEqual(a.map((x, i) => fmin(x, b[i]!)))
    expect(tg.fmax(tg.tensor([[1, nan]]), tg.tensor([[0], [5]])).toArraySync()).toEqual([
      [1, 0],
      [5, 5],
    ])
    expect(tg.fmin(tg.tensor([4, -1], { dtype: "i32" }), 0).toArraySync()).toEqual([0, -1])
    checkGrads(
      (x: tg.AnyTensor, y: tg.AnyTensor) => tg.fmax(x, y).sum().add(tg.fmin(x, y).square().sum()),
      [t64([0.5, -1, 2], [3]), t64([1, -2, 1.5], [3])],
    )
  })
})
