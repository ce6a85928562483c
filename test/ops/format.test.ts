// How tensors print (String, util.inspect, console.log): exact strings for small cases, worked by
// hand with PyTorch's number rules (4 decimals; `2.` when all are whole; scientific past 1000×),
// and the `...` summary past 1000 elements.
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { formatTensor } from "../../src/ops/core/format.js"

describe("printing tensors", () => {
  it("a matrix of fractions: 4 decimals, aligned, one row per line", () => {
    expect(
      String(
        tg.tensor([
          [1, 2.5],
          [-3, 4],
        ]),
      ),
    ).toBe("Tensor<[2, 2], f32, cpu>\n[[ 1.0000,  2.5000],\n [-3.0000,  4.0000]]")
  })

  it("whole floats print as `2.`; rounding to 4 decimals", () => {
    expect(String(tg.tensor([1, 2, 30]))).toBe("Tensor<[3], f32, cpu>\n[ 1.,  2., 30.]")
    expect(String(tg.tensor([0.123456, 1], { dtype: "f64" }))).toBe("Tensor<[2], f64, cpu>\n[0.1235, 1.0000]")
  })

  it("scientific notation when magnitudes span more than 1000×; nan and inf", () => {
    expect(String(tg.tensor([1e-5, 1, 1000]))).toBe("Tensor<[3], f32, cpu>\n[1.0000e-05, 1.0000e+00, 1.0000e+03]")
    expect(String(tg.tensor([Number.NaN, Number.POSITIVE_INFINITY, -1.5]))).toBe("Tensor<[3], f32, cpu>\n[    nan,     inf, -1.5000]")
  })

  it("0-d tensors print the bare value", () => {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: a literal whose printed rounding is under test, not π
    expect(String(tg.scalar(3.14159))).toBe("Tensor<[], f32, cpu>\n3.1416")
    expect(String(tg.scalar(7, { dtype: "i32" }))).toBe("Tensor<[], i32, cpu>\n7")
  })

  it("empty tensors print []", () => {
    expect(String(tg.zeros([0, 3]))).toBe("Tensor<[0, 3], f32, cpu>\n[]")
    expect(String(tg.zeros([2, 0], { dtype: "i32" }))).toBe("Tensor<[2, 0], i32, cpu>\n[]")
  })

  it("i32 as integers, bool as true/false, right-aligned", () => {
    expect(
      String(
        tg.tensor(
          [
            [1, -20],
            [300, 4],
          ],
          { dtype: "i32" },
        ),
      ),
    ).toBe("Tensor<[2, 2], i32, cpu>\n[[  1, -20],\n [300,   4]]")
    expect(
      String(
        tg.tensor([
          [true, false],
          [false, true],
        ]),
      ),
    ).toBe("Tensor<[2, 2], bool, cpu>\n[[ true, false],\n [false,  true]]")
  })

  it("a blank line between the matrices of a 3-d tensor", () => {
    const cube = tg.arange(8, { dtype: "i32" }).reshape([2, 2, 2])
    expect(String(cube)).toBe("Tensor<[2, 2, 2], i32, cpu>\n[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]")
  })

  it("a [2000] tensor keeps 3 items at each edge around ...", () => {
    expect(String(tg.arange(2000, { dtype: "i32" }))).toBe("Tensor<[2000], i32, cpu>\n[   0,    1,    2,  ..., 1997, 1998, 1999]")
    // 0 … 1999 as floats span more than 1000×: scientific, and the line wraps at 80 columns
    expect(String(tg.arange(2000))).toBe(
      "Tensor<[2000], f32, cpu>\n[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n 1.9990e+03]",
    )
  })

  it("a [100, 100] tensor summarises rows and columns", () => {
    const rows = (r: number) => {
      const v = (c: number) => String(r * 100 + c).padStart(4)
      return `[${v(0)}, ${v(1)}, ${v(2)},  ..., ${v(97)}, ${v(98)}, ${v(99)}]`
    }
    const expected = `[${[rows(0), rows(1), rows(2), "...", rows(97), rows(98), rows(99)].join(",\n ")}]`
    expect(String(tg.arange(10000, { dtype: "i32" }).reshape([100, 100]))).toBe(`Tensor<[100, 100], i32, cpu>\n${expected}`)
  })

  it("1000 elements are printed in full, 1001 are summarised", () => {
    expect(String(tg.arange(1000, { dtype: "i32" }))).not.toContain("...")
    const values = String(tg.arange(1000, { dtype: "i32" }))
      .split("\n")
      .slice(1)
      .join(" ")
      .match(/\d+/g)
    expect(values?.map(Number)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(String(tg.arange(1001, { dtype: "i32" }))).toContain("...")
  })

  it("util.inspect and console.log show the same text as String", () => {
    const t = tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "i32" },
    )
    expect(inspect(t)).toBe(String(t))
    expect(inspect({ t })).toContain("[[1, 2],")
    expect(`${t}`).toBe("Tensor<[2, 2], i32, cpu>\n[[1, 2],\n [3, 4]]")
  })

  it("a traced tensor has no values to show", () => {
    let seen = ""
    tg.grad((x: tg.Tensor<[2]>) => {
      seen = String(x)
      return x.sum()
    })(tg.tensor([1, 2]))
    expect(seen).toBe("Tensor<[2], f32, cpu> (traced by grad: no values until it returns)")
  })

  it("a device without synchronous reads says where the values are", () => {
    expect(formatTensor([2, 3], "f16", "webgpu:test", { kind: "on-device" })).toBe(
      "Tensor<[2, 3], f16, webgpu:test> (values on the device: read them with toArray() or data(), Effects)",
    )
  })
})
