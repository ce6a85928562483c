// Run-time errors of ops on tensors whose dims the compiler does not know (`number` dims): typed
// ShapeError / DTypeError / DeviceMismatch values carrying the op, the shapes and the same text as
// the type-level messages (typetest/messages.test.ts checks the compile-time side).
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DeviceMismatch, DTypeError, ShapeError } from "../../src/index.js"

/** Run `f`, expecting a ShapeError with exactly this op, message and shapes. */
const expectShapeError = (f: () => unknown, op: string, message: string, shapes?: ReadonlyArray<ReadonlyArray<number>>) => {
  let err: unknown
  try {
    f()
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(ShapeError)
  const e = err as ShapeError
  expect(e._tag).toBe("ShapeError")
  expect(e.op).toBe(op)
  expect(e.message).toBe(message)
  if (shapes !== undefined) expect(e.shapes).toEqual(shapes)
}

const z = (...s: number[]) => tg.zeros(s as number[])

describe("ShapeError on number-dim tensors", () => {
  test("matmul [2, 3] @ [4, 5] (free function and method)", () => {
    const msg = "matmul: inner dimensions differ for [2, 3] @ [4, 5] (3 vs 4)"
    expectShapeError(() => tg.matmul(z(2, 3), z(4, 5)), "matmul", msg, [
      [2, 3],
      [4, 5],
    ])
    expectShapeError(() => z(2, 3).matmul(z(4, 5)), "matmul", msg)
  })
  test("matmul batch dims that do not broadcast, rank-0 operands", () => {
    expectShapeError(() => tg.matmul(z(2, 3, 4), z(3, 4, 5)), "matmul", "matmul: batch dims do not broadcast: [2, 3, 4] @ [3, 4, 5]")
    expectShapeError(() => tg.matmul(z(), z(3)), "matmul", "matmul: scalar operand []")
  })
  test("reshape [2, 3] → [7]", () => {
    const msg = "reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)"
    expectShapeError(() => z(2, 3).reshape([7]), "reshape", msg, [[2, 3], [7]])
    expectShapeError(() => tg.reshape(z(2, 3), [7]), "reshape", msg)
    expect(() => z(2, 3).reshape([-1, -1] as number[])).toThrow(ShapeError)
    expect(() => z(2, 3).reshape([4, -1])).toThrow(ShapeError)
  })
  test("broadcasting add/sub/mul/where: the message names both shapes and the clashing dims", () => {
    const msg = (op: string) => `${op}: cannot broadcast [2, 3] with [4] (dim 3 vs 4)`
    expectShapeError(() => z(2, 3).add(z(4)), "add", msg("add"), [[2, 3], [4]])
    expectShapeError(() => tg.sub(z(2, 3), z(4)), "sub", msg("sub"))
    expectShapeError(() => tg.mul(z(2, 3), z(4)), "mul", msg("mul"))
    expectShapeError(() => z(2, 3).lt(z(4)), "lt", msg("lt"))
    expect(() => tg.where(z(2, 3).gt(0), z(4), 0)).toThrow(ShapeError)
  })
  test("bad slice specs", () => {
    expectShapeError(() => z(2, 3).slice("5"), "slice", "slice: index 5 out of range for dim 0 of size 2 in [2, 3]")
    expectShapeError(() => z(2, 3).slice("0, 0, 0"), "slice", "slice: too many indices (3) for [2, 3] of rank 2")
    expectShapeError(() => tg.at(z(2, 3), "0, 0, 0"), "slice", "slice: too many indices (3) for [2, 3] of rank 2")
    expect(() => z(2, 3).slice("1:2:0")).toThrow(ShapeError)
    expect(() => z(2, 3).slice("0.5")).toThrow(ShapeError)
  })
  test("axis out of range: reductions, softmax, transpose, unsqueeze, squeeze, flatten, concat", () => {
    expectShapeError(() => z(2, 3).sum({ axis: 2 }), "sum", "sum: axis 2 out of range for rank 2")
    expectShapeError(() => tg.mean(z(2, 3), { axis: -3 }), "mean", "mean: axis -3 out of range for rank 2")
    expect(() => tg.max(z(2, 3), { axis: [0, 5] })).toThrow(/max: axis 5 out of range for rank 2/)
    expect(() => tg.argmax(z(2, 3), { axis: 2 })).toThrow(ShapeError)
    expect(() => tg.softmax(z(2, 3), { axis: 2 })).toThrow(ShapeError)
    expect(() => tg.logSoftmax(z(2, 3), { axis: -3 })).toThrow(ShapeError)
    expect(() => tg.transpose(z(2, 3), 0, 2)).toThrow(ShapeError)
    expect(() => tg.unsqueeze(z(2, 3), 4)).toThrow(ShapeError)
    expect(() => tg.flatten(z(2, 3), 3)).toThrow(ShapeError)
    expect(() => tg.concat([z(2, 3), z(2, 3)], 2)).toThrow(ShapeError)
    expect(() => tg.norm(z(2, 3), { axis: 7 })).toThrow(ShapeError)
  })
  test("conv2d channel mismatch and pooling windows larger than the input", () => {
    expectShapeError(
      () => tg.conv2d(z(1, 3, 5, 5), z(2, 4, 3, 3)),
      "conv2d",
      "conv2d: input has 3 channels but weight [2, 4, 3, 3] expects 4",
    )
    expect(() => tg.conv2d(z(1, 3, 2, 2), z(2, 3, 3, 3))).toThrow(ShapeError)
    expect(() => tg.conv2d(z(3, 5, 5), z(2, 3, 3, 3))).toThrow(ShapeError)
    expect(() => tg.conv2d(z(1, 4, 5, 5), z(3, 2, 3, 3), { groups: 2 })).toThrow(ShapeError) // 3 outputs not divisible by 2 groups
    expect(() => tg.maxPool2d(z(1, 1, 2, 2), 3)).toThrow(ShapeError)
  })
  test("dot/outer/pad/expand/stack/concat mismatches", () => {
    expect(() => tg.dot(z(3), z(4))).toThrow(ShapeError)
    expect(() =>
      tg.pad(z(2), [
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(ShapeError)
    // NumPy's pad_width: neither an empty list nor two pairs for three axes pads "the trailing axes"
    expect(() => tg.pad(tg.zeros([1, 2, 3] as number[]), [])).toThrow(
      "pad: 0 pad pairs for [1, 2, 3] of rank 3 (one pair, or one per axis)",
    )
    expect(() =>
      tg.pad(tg.zeros([1, 2, 3] as number[]), [
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(ShapeError)
    expect(() => tg.expand(z(2, 3), [3])).toThrow(ShapeError)
    expect(() => tg.stack([z(2), z(3)])).toThrow(ShapeError)
    expect(() => tg.concat([z(2, 3), z(3)])).toThrow(ShapeError)
  })
  test("an error is a tagged value usable with Effect's catchTag", () => {
    const e = (() => {
      try {
        z(2, 3).reshape([7])
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(Error)
    expect((e as ShapeError)._tag).toBe("ShapeError")
  })
})

describe("DTypeError", () => {
  test("float-only math on integers (exp of i32) names the op and dtype", () => {
    const i = tg.tensor([1, 2], { dtype: "i32" }) as unknown as tg.Tensor<[2], "f32", "cpu">
    let err: unknown
    try {
      tg.exp(i)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DTypeError)
    expect(err).toMatchObject({ _tag: "DTypeError", op: "exp", dtypes: ["i32"], message: "exp: expected a float tensor, got i32" })
    expect(() => tg.pow(i, 2)).toThrow(DTypeError)
  })
  test("composites whose integer form would truncate refuse integers (variance, avgPool2d, reciprocal; mean promotes to f32 instead)", () => {
    const i = tg.tensor([1, 2], { dtype: "i32" }) as unknown as tg.Tensor<[2], "f32", "cpu">
    expect(tg.mean(i).dtype).toBe("f32")
    expect(() => tg.variance(i)).toThrow(
      new DTypeError({ op: "variance", dtypes: ["i32"], message: "variance: expected a float tensor, got i32" }),
    )
    expect(() => tg.reciprocal(i)).toThrow(DTypeError)
    expect(() => tg.avgPool2d(tg.ones([1, 1, 2, 2], { dtype: "i32" }) as unknown as tg.Tensor<[1, 1, 2, 2], "f32", "cpu">, 2)).toThrow(
      DTypeError,
    )
    // composites built on float primitives report the primitive
    expect(() => tg.softmax(i)).toThrow(/exp: expected a float tensor, got i32/)
    expect(() => tg.norm(i)).toThrow(/sqrt: expected a float tensor, got i32/)
  })
  test("matmul / conv2d of different dtypes", () => {
    const f = tg.ones([2, 2]),
      i = tg.ones([2, 2], { dtype: "i32" }) as unknown as tg.Tensor<[2, 2], "f32", "cpu">
    expect(() => tg.matmul(f, i)).toThrow(
      new DTypeError({ op: "matmul", dtypes: ["f32", "i32"], message: "matmul: dtype mismatch (f32 vs i32)" }),
    )
    const x = tg.ones([1, 1, 3, 3]),
      w = tg.ones([1, 1, 2, 2], { dtype: "f64" }) as unknown as tg.Tensor<[1, 1, 2, 2], "f32", "cpu">
    expect(() => tg.conv2d(x, w)).toThrow(DTypeError)
  })
  test("bool tensors in arithmetic and reductions", () => {
    const b = tg.tensor([true, false]) as unknown as tg.Tensor<[2], "f32", "cpu">
    expect(() => tg.add(b, b)).toThrow(/add: not defined on bool tensors/)
    expect(() => tg.sum(b)).toThrow(DTypeError)
  })
  test("where needs a bool condition", () => {
    const c = tg.ones([2]) as unknown as tg.Tensor<[2], "bool", "cpu">
    expect(() => tg.where(c, 1, 0)).toThrow(
      new DTypeError({ op: "where", dtypes: ["f32"], message: "where: the condition must be bool, got f32" }),
    )
  })
})

describe("DeviceMismatch", () => {
  // a second CPU device object: same backend, distinct identity
  const other: tg.Device<"cpu"> = { ...tg.cpu, name: "cpu:1" }
  const a = tg.ones([2, 2]),
    b = tg.ones([2, 2], { device: other })
  test("binary ops, matmul, concat, where, at().set and conv2d refuse mixed devices", () => {
    expect(() => a.add(b)).toThrow(
      new DeviceMismatch({
        op: "add",
        devices: ["cpu", "cpu:1"],
        message: "add: inputs live on different devices (cpu vs cpu:1); move them with to(x, device) first",
      }),
    )
    expect(() => tg.matmul(a, b)).toThrow(DeviceMismatch)
    expect(() => tg.concat([a, b])).toThrow(DeviceMismatch)
    expect(() => tg.where(a.gt(0), a, b)).toThrow(DeviceMismatch)
    expect(() => a.at("0").set(b.slice("0"))).toThrow(DeviceMismatch)
    expect(() => tg.conv2d(tg.ones([1, 1, 3, 3]), tg.ones([1, 1, 2, 2], { device: other }))).toThrow(DeviceMismatch)
  })
  test("ops on one device work on either", () => {
    expect(b.add(b).device.name).toBe("cpu:1")
    expect(b.matmul(b).toArraySync()).toEqual([
      [2, 2],
      [2, 2],
    ])
  })
})
