// Inputs the types reject, met at run time (plain JavaScript, `any`, parsed data): each is a typed
// error naming the op, what it was given and what it accepts, never a raw TypeError, a stack
// overflow or a silently wrong result. Where the input has a sensible meaning (a bare reduction
// axis) it works, checked against hand-worked values.
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, InvalidArgument, ShapeError } from "../../src/index.js"

/** The error `f` throws (fails the test if it returns). */
const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}
/** `f` throws an InvalidArgument of `op` about `argument`, whose message contains every fragment. */
const expectInvalid = (f: () => unknown, op: string, argument: string, ...fragments: ReadonlyArray<string>) => {
  const e = thrown(f)
  expect(e).toBeInstanceOf(InvalidArgument)
  expect(e).toMatchObject({ _tag: "InvalidArgument", op, argument })
  const message = (e as InvalidArgument).message
  expect(message.startsWith(`${op}: `)).toBe(true)
  for (const f of fragments) expect(message).toContain(f)
}
// an untyped view of the library: what a JavaScript caller sees
const js = tg as unknown as Record<string, (...args: unknown[]) => unknown>
const x = tg.tensor([1, 2, 3])
const xm = x as unknown as Record<string, (...args: unknown[]) => unknown>

describe("operands: a tensor or a number, else InvalidArgument", () => {
  test('add(undefined), add([1, 2, 3]), add("1"), add(true) and an options record as the operand', () => {
    expectInvalid(() => xm.add!(undefined), "add", "b", "add: b is undefined, expected a tensor or a number")
    expectInvalid(() => js.add!(x, [1, 2, 3]), "add", "b", "an array [1, 2, 3]", "tg.tensor(")
    expectInvalid(() => xm.mul!("1"), "mul", "b", `the string "1"`, "Number(")
    expectInvalid(() => xm.lt!(true), "lt", "b", "the boolean true")
    expectInvalid(() => js.add!(x, { device: "cpu" }), "add", "b", "an object { device }")
    expectInvalid(() => js.sub!(undefined, x), "sub", "a", "sub: a is undefined, expected a tensor")
    expectInvalid(() => js.maximum!(null, 1), "maximum", "a", "null")
  })
  test("a non-tensor where a tensor is expected: unary ops, reductions, layout, matmul, concat, where", () => {
    expectInvalid(() => js.exp!({ device: "cpu" }), "exp", "the input", "exp: the input is an object { device }, expected a tensor")
    expectInvalid(() => js.sum!([1, 2]), "sum", "the input", "an array [1, 2]")
    expectInvalid(() => js.softmax!(undefined), "softmax", "the input")
    expectInvalid(
      () =>
        js.matmul!(tg.ones([2, 2]), [
          [1, 0],
          [0, 1],
        ]),
      "matmul",
      "b",
      "an array",
    )
    expectInvalid(() => js.concat!([tg.ones([2]), [3, 4]]), "concat", "tensor 1")
    expectInvalid(() => js.stack!(tg.ones([2])), "stack", "tensors", "expected an array of tensors")
    expectInvalid(() => js.where!(tg.tensor([true]), x, "0"), "where", "b", `the string "0"`, "expected a tensor or a number")
    expectInvalid(() => js.pad!(7, [[1, 1]]), "pad", "the input")
  })
  test("composites name themselves (relu, not the gt it is built from), as do layout and products", () => {
    expectInvalid(() => js.relu!("x"), "relu", "the input", `the string "x"`)
    expectInvalid(() => js.square!([1]), "square", "the input")
    expectInvalid(() => js.dot!(x, undefined), "dot", "b", "undefined")
    expectInvalid(() => js.outer!({}, x), "outer", "a", "an empty object {}")
    expectInvalid(() => xm.reshape!("3"), "reshape", "shape", `the string "3"`, "an array of sizes")
    expectInvalid(() => xm.expand!(3), "expand", "shape", "the number 3")
    expectInvalid(() => xm.slice!(1), "slice", "spec", "the number 1", `write "1"`)
    expectInvalid(() => xm.pad!("1"), "pad", "pads", `the string "1"`)
    expectInvalid(() => (xm.at!("0") as Record<string, (v: unknown) => unknown>).set!("1"), `at("0").set`, "value", `the string "1"`)
  })
  test("options of activations and reductions: values of the wrong kind", () => {
    expectInvalid(() => tg.gelu(x, { approximate: "fast" } as never), "gelu", "options.approximate", `expected "none" or "tanh"`)
    expectInvalid(() => tg.sum(x, { axis: "0" } as never), "sum", "options.axis", `the string "0"`, "an integer axis")
    expectInvalid(() => x.sum(0.5 as never), "sum", "axis", "the number 0.5")
    expectInvalid(() => tg.mean(x, { keepdims: 1 } as never), "mean", "options.keepdims", "a boolean")
    expectInvalid(() => x.softmax("0" as never), "softmax", "options", `the string "0"`)
  })
  test("valid operands still work, and numbers still broadcast", () => {
    expect(x.add(1).toArraySync()).toEqual([2, 3, 4])
    expect(tg.mul(x, tg.tensor([2, 2, 2])).toArraySync()).toEqual([2, 4, 6])
  })
})

describe("dtype names: DTypeError listing the dtypes, with NumPy's names mapped", () => {
  test('cast("float32"), cast("f8") and the method form', () => {
    const e = thrown(() => js.cast!(x, "float32"))
    expect(e).toBeInstanceOf(DTypeError)
    expect(e).toMatchObject({
      op: "cast",
      dtypes: ["float32"],
      message: `cast: dtype "float32" is not one of f32, f64, f16, i32, bool (did you mean "f32"?)`,
    })
    expect(thrown(() => js.cast!(x, "f8"))).toMatchObject({
      op: "cast",
      message: `cast: dtype "f8" is not one of f32, f64, f16, i32, bool`,
    })
    expect(thrown(() => xm.cast!("double"))).toMatchObject({ _tag: "DTypeError", message: expect.stringContaining(`did you mean "f64"?`) })
    expect(tg.cast(tg.tensor([1.7, -1.7]), "i32").toArraySync()).toEqual([1, -1])
  })
  test('a constructor\'s dtype option: zeros([2], { dtype: "int64" }) says there are no 64-bit integers', () => {
    const e = thrown(() => js.zeros!([2], { dtype: "int64" }))
    expect(e).toBeInstanceOf(DTypeError)
    expect((e as DTypeError).message).toBe(
      `zeros: options.dtype "int64" is not one of f32, f64, f16, i32, bool (typegrad has no 64-bit integers: did you mean "i32"?)`,
    )
    expect(thrown(() => js.tensor!([1, 2], { dtype: "float" }))).toBeInstanceOf(DTypeError)
    expect(thrown(() => js.arange!(3, { dtype: "int" }))).toMatchObject({ op: "arange" })
    expect(thrown(() => js.normal!(tg.key(0), [2], { dtype: "half" }))).toMatchObject({
      op: "normal",
      message: expect.stringContaining(`"f16"`),
    })
  })
})

describe("devices: a Device value, else InvalidArgument", () => {
  test('to(x, "webgpu"), x.to("cpu"), transfer and a constructor\'s device option', () => {
    expectInvalid(() => js.to!(x, "webgpu"), "to", "device", `the string "webgpu"`, "expected a Device", "devices are values, not names")
    expectInvalid(() => xm.to!("cpu"), "to", "device")
    expectInvalid(() => js.transfer!(x, undefined), "transfer", "device", "undefined")
    expectInvalid(() => js.ones!([2], { device: "cpu" }), "ones", "options.device", `the string "cpu"`)
    expect(tg.to(x, tg.cpu)).toBe(x)
  })
  test("an unknown constructor option", () => {
    expectInvalid(() => js.zeros!([2], { dtpye: "f64" }), "zeros", "options.dtpye", `unknown option "dtpye", expected "dtype" or "device"`)
  })
})

describe("random keys and parameters", () => {
  test("a sampler given something other than a Key", () => {
    expectInvalid(() => js.normal!(x, [2]), "normal", "key", "a tensor f32[3]", "expected a Key")
    expectInvalid(() => js.uniform!(0, [2]), "uniform", "key", "the number 0")
    expectInvalid(() => js.bernoulli!(undefined, 0.5, [2]), "bernoulli", "key")
    expectInvalid(() => js.split!(7), "split", "key")
    expectInvalid(() => js.foldIn!({ words: [0, 0] }, 1), "foldIn", "key", "an object { words }")
  })
  test("key(seed): NaN, ±Infinity and fractions would alias integer seeds", () => {
    expectInvalid(() => tg.key(Number.NaN), "key", "seed", "the number NaN", "an integer")
    expectInvalid(() => tg.key(Number.POSITIVE_INFINITY), "key", "seed")
    expectInvalid(() => tg.key(0.5), "key", "seed")
    // the same seeds as before: both words, and negative seeds, unchanged
    expect(tg.key(0).words).toEqual([0, 0])
    expect(tg.key(2 ** 32 + 5).words).toEqual([1, 5])
    expect(tg.key(-1).words).toEqual([0xffffffff, 0xffffffff])
  })
  test("std < 0, low > high, p outside [0, 1], non-finite parameters", () => {
    expectInvalid(() => tg.normal(tg.key(0), [2], { std: -1 }), "normal", "options.std", "the number -1", "≥ 0")
    expectInvalid(() => tg.normal(tg.key(0), [2], { mean: Number.NaN }), "normal", "options.mean")
    expectInvalid(() => tg.uniform(tg.key(0), [2], { low: 2, high: 1 }), "uniform", "options.high", "options.low (2)")
    expectInvalid(() => tg.bernoulli(tg.key(0), 1.5, [2]), "bernoulli", "p", "in [0, 1]")
    expectInvalid(() => tg.bernoulli(tg.key(0), -0.1, [2]), "bernoulli", "p")
    expectInvalid(() => js.uniform!(tg.key(0), [2], { min: 0, max: 2 }), "uniform", "options.min", `unknown option "min"`)
  })
  test("the edges of the domains are accepted with their exact meaning", () => {
    // std 0 is the mean everywhere; low = high is that value; p = 0 and p = 1 are all false / all true
    expect(tg.normal(tg.key(1), [3], { mean: 2, std: 0 }).toArraySync()).toEqual([2, 2, 2])
    expect(tg.uniform(tg.key(1), [2], { low: 4, high: 4 }).toArraySync()).toEqual([4, 4])
    expect(tg.bernoulli(tg.key(1), 0, [4]).toArraySync()).toEqual([false, false, false, false])
    expect(tg.bernoulli(tg.key(1), 1, [4]).toArraySync()).toEqual([true, true, true, true])
  })
})

describe("options silently accepted before: now checked, or given their meaning", () => {
  test("pad: an unknown mode is an error, not edge padding; edge takes no value", () => {
    expectInvalid(
      () => tg.pad(x, [[1, 1]], { mode: "wrap-ish" } as never),
      "pad",
      "options.mode",
      `the string "wrap-ish"`,
      `expected "constant" or "edge"`,
    )
    expectInvalid(() => tg.pad(x, [[1, 1]], { mode: "edge", value: 5 }), "pad", "options.value")
    expectInvalid(() => tg.pad(x, [[1, 1]], { fill: 5 } as never), "pad", "options.fill", `unknown option "fill"`)
    expect(tg.pad(x, [[1, 1]], { mode: "edge" }).toArraySync()).toEqual([1, 1, 2, 3, 3])
    expect(tg.pad(x, [[1, 0]], { value: 9 }).toArraySync()).toEqual([9, 1, 2, 3])
  })
  test("variance: NumPy's ddof is not silently ignored (it is correction's NumPy name)", () => {
    expect(tg.variance(x, { ddof: 1 }).item()).toBeCloseTo(1, 6)
    expectInvalid(() => tg.variance(x, { ddof: -1 }), "variance", "options.ddof")
    expectInvalid(() => tg.variance(x, { correction: -1 }), "variance", "options.correction")
    // [1, 2, 3]: squared deviations 1 + 0 + 1 = 2, over n − 1 = 2
    expect(tg.variance(x, { correction: 1 }).item()).toBeCloseTo(1, 6)
    expectInvalid(() => tg.sum(x, { keepDims: true } as never), "sum", "options.keepDims", `did you mean "keepdims"?`)
  })
  test("a bare axis reduces over that axis, as NumPy's x.sum(1) (it used to sum everything)", () => {
    const m = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(m.sum(1).toArraySync()).toEqual([6, 15])
    expect(tg.sum(m, 0).toArraySync()).toEqual([5, 7, 9])
    expect(m.sum([0, 1]).item()).toBe(21)
    expect(m.max(-1).toArraySync()).toEqual([3, 6])
    expect(m.prod(0).toArraySync()).toEqual([4, 10, 18])
    expect(m.mean(1).toArraySync()).toEqual([2, 5])
    expect(m.argmax(1).toArraySync()).toEqual([2, 2])
    expect(m.argmin(0).toArraySync()).toEqual([0, 0, 0])
    // variance of rows [1, 2, 3] and [4, 5, 6]: (1 + 0 + 1) / 3
    expect(
      m
        .variance(1)
        .toArraySync()
        .map((v) => Math.round(v * 1e6) / 1e6),
    ).toEqual([0.666667, 0.666667])
    // norm of the columns: √(1 + 16), √(4 + 25), √(9 + 36)
    const n = tg.norm(m, 0).toArraySync()
    expect(n[0]).toBeCloseTo(Math.sqrt(17), 5)
    expect(n[2]).toBeCloseTo(Math.sqrt(45), 5)
    // softmax over axis 0 of equal rows is 1/2 everywhere
    expect(tg.softmax(tg.ones([2, 3]), 0).toArraySync()).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ])
    expect(() => m.sum(2 as never)).toThrow(
      new ShapeError({ op: "sum", message: "sum: axis 2 out of range for rank 2", shapes: [] }).message,
    )
  })
  test("fori with a fractional bound is an error (it ran ⌈2.5⌉ = 3 times)", () => {
    expectInvalid(() => tg.fori(0, 2.5, (_i, c) => c.add(1), tg.scalar(0)), "fori", "hi", "the number 2.5", "an integer")
    expectInvalid(() => tg.fori(Number.NaN, 2, (_i, c) => c.add(1), tg.scalar(0)), "fori", "lo")
    expect(tg.fori(0, 3, (_i, c) => c.add(1), tg.scalar(0)).item()).toBe(3)
  })
  test("arange/linspace with a NaN or infinite bound (it made a tensor of shape [NaN])", () => {
    expectInvalid(() => tg.arange(Number.NaN), "arange", "stop", "the number NaN", "a finite number")
    expectInvalid(() => tg.arange(0, Number.POSITIVE_INFINITY), "arange", "stop")
    expectInvalid(() => tg.arange(Number.NaN, 3), "arange", "start")
    expectInvalid(() => tg.linspace(0, Number.NaN, 3), "linspace", "stop")
    expect(tg.arange(3).toArraySync()).toEqual([0, 1, 2])
  })
  test("conv2d and pooling: negative or fractional padding, zero stride, bad groups (an internal reshape failed before)", () => {
    const img = tg.ones([1, 1, 5, 5]),
      w = tg.ones([1, 1, 3, 3])
    expectInvalid(() => tg.conv2d(img, w, { padding: -1 }), "conv2d", "options.padding", "the number -1", "a non-negative integer")
    expectInvalid(() => tg.conv2d(img, w, { padding: 1.5 }), "conv2d", "options.padding", "the number 1.5")
    expectInvalid(() => tg.conv2d(img, w, { padding: [1, -1] }), "conv2d", "options.padding", "an array [1, -1]")
    expectInvalid(() => tg.conv2d(img, w, { stride: 0 } as never), "conv2d", "options.stride", "an integer ≥ 1")
    expectInvalid(() => tg.conv2d(img, w, { groups: 0.5 }), "conv2d", "options.groups")
    expectInvalid(() => tg.conv2d(img, w, { pad: 1 } as never), "conv2d", "options.pad", `unknown option "pad"`)
    expectInvalid(() => tg.maxPool2d(img, 2, { padding: -1 }), "maxPool2d", "options.padding")
    expectInvalid(() => tg.avgPool2d(img, 1.5 as never), "avgPool2d", "kernel")
    // a 3×3 box filter of ones with padding 1: 4 in the corners, 6 on the edges, 9 inside
    const y = tg.conv2d(tg.ones([1, 1, 3, 3]), w, { padding: 1 }).toArraySync()[0]![0]!
    expect(y).toEqual([
      [4, 6, 4],
      [6, 9, 6],
      [4, 6, 4],
    ])
  })
})

describe("JavaScript coercion of tensors", () => {
  test("numeric coercion throws and says to use .item(): x > 0, Number(x), +x, x * 2", () => {
    const s = tg.scalar(5) as unknown as number
    const checks: ReadonlyArray<() => unknown> = [() => s > 0, () => Number(s), () => +s, () => s * 2, () => Math.max(s, 1)]
    for (const f of checks) {
      const e = thrown(f)
      expect(e).toBeInstanceOf(InvalidArgument)
      expect(e).toMatchObject({ op: "coercion", argument: "tensor" })
      expect((e as InvalidArgument).message).toContain(".item()")
      expect((e as InvalidArgument).message).toContain("a tensor f32[]")
    }
  })
  test("string coercion still prints the tensor", () => {
    const s = tg.scalar(5)
    expect(`${s}`).toBe(s.toString())
    expect(`v = ${s}`.startsWith("v = Tensor<[], f32, cpu>")).toBe(true)
    expect(String(s)).toBe(s.toString())
  })
  test("tensor([t1, t2]) refuses tensors as elements and points at stack", () => {
    expectInvalid(() => js.tensor!([tg.scalar(1), tg.scalar(2)]), "tensor", "the element at [0]", "a tensor f32[]", "tg.stack(")
    expectInvalid(
      () =>
        js.tensor!([
          [1, 2],
          [3, tg.scalar(4)],
        ]),
      "tensor",
      "the element at [1][1]",
    )
    expect(tg.stack([tg.scalar(1), tg.scalar(2)]).toArraySync()).toEqual([1, 2])
  })
  test("tensor([true, 2]) mixes booleans and numbers: a DTypeError (it read as [true, true])", () => {
    const e = thrown(() => js.tensor!([true, 2]))
    expect(e).toBeInstanceOf(DTypeError)
    expect((e as DTypeError).message).toBe(
      "tensor: nested data mixes booleans and numbers (the number 2 at [1] after booleans); use one kind, and cast the tensor afterwards",
    )
    expect(
      thrown(() =>
        js.tensor!([
          [1, 0],
          [false, 1],
        ]),
      ),
    ).toBeInstanceOf(DTypeError)
  })
  test("non-numeric elements name their position", () => {
    expectInvalid(() => js.tensor!([1, "2"]), "tensor", "the element at [1]", `the string "2"`, "a number or a boolean")
    expectInvalid(() => js.tensor!([[1], [undefined]]), "tensor", "the element at [1][0]", "undefined")
    expectInvalid(() => js.tensor!(null), "tensor", "the element at the root", "null")
  })
})

describe("jit: argument counts and cyclic trees", () => {
  const add2 = (a: tg.Tensor<[3]>, b: tg.Tensor<[3]>) => a.add(b)
  test("too few arguments: the missing one is named with jit's arity (it was a raw TypeError)", () => {
    const f = tg.jit(add2) as unknown as (...a: unknown[]) => unknown
    expectInvalid(() => f(x), "jit", "arguments", "declares 2 parameters but was called with 1 argument")
  })
  test("extra arguments are an error, not ignored", () => {
    const f = tg.jit((a: tg.Tensor<[3]>) => a.mul(2)) as unknown as (...a: unknown[]) => unknown
    expectInvalid(() => f(x, x), "jit", "arguments", "takes 1 parameter but was called with 2 arguments")
    expectInvalid(() => (f as unknown as { lower: (...a: unknown[]) => unknown }).lower(x, x), "jit", "arguments")
  })
  test("optional, default and rest parameters keep working", () => {
    type T3 = tg.Tensor<[3], "f32", "cpu">
    const opt = tg.jit((a: T3, b?: T3): T3 => (b === undefined ? a.mul(2) : a.add(b)))
    expect(opt(x).toArraySync()).toEqual([2, 4, 6])
    expect(opt(x, x).toArraySync()).toEqual([2, 4, 6])
    const rest = tg.jit((...xs: T3[]) => xs.reduce((s, t) => s.add(t)))
    expect(rest(x, x, x).toArraySync()).toEqual([3, 6, 9])
    const [p, q] = [tg.ones([2]), tg.tensor([1, 2])]
    const destructured = tg.jit(({ w }: { w: tg.Tensor<[2], "f32", "cpu"> }, [b]: [tg.Tensor<[2], "f32", "cpu">]) => w.mul(b))
    expect(destructured({ w: p }, [q]).toArraySync()).toEqual([1, 2])
  })
  test("a cyclic tree is an InvalidArgument naming the cycle (it overflowed the stack)", () => {
    const tree: Record<string, unknown> = { w: x, inner: {} }
    ;(tree.inner as Record<string, unknown>).up = tree
    const f = tg.jit((t: { w: tg.Tensor<[3]> }) => t.w.mul(2)) as unknown as (t: unknown) => unknown
    expectInvalid(() => f(tree), "pytree", "tree", "the tree is cyclic")
    expectInvalid(() => tg.Tree.flatten(tree), "pytree", "tree", "inner.up refers back to the root")
    expectInvalid(() => tg.to(tree, tg.cpu), "to", "tree", "inner.up refers back to the root")
    const list: unknown[] = [x]
    list.push(list)
    expectInvalid(() => tg.grad((l: unknown) => (l as tg.Tensor<[3]>[])[0]!.sum())(list), "pytree", "tree", "[0][1] refers back to [0]")
  })
  test("every transform and loop rejects a non-function at once (it was `f is not a function` on the first call)", () => {
    for (const op of ["grad", "valueAndGrad", "vmap", "jacfwd", "jacrev", "hessian"])
      expectInvalid(() => js[op]!(5), op, "f", "the number 5", "a function")
    expectInvalid(() => js.vjp!(undefined, x), "vjp", "f", "undefined")
    expectInvalid(() => js.jvp!("f", [x], [x]), "jvp", "f", `the string "f"`)
    expectInvalid(() => js.scan!(5, x, x), "scan", "f", "(carry, x) => [carry, y]")
    expectInvalid(() => js.whileLoop!((c: tg.AnyTensor) => c.sum().lt(3), null, x), "whileLoop", "body", "null")
    expectInvalid(() => js.grad!((v: tg.AnyTensor) => v.sum(), { argnum: 1 }), "grad", "options.argnum", `unknown option "argnum"`)
  })
  test("jit rejects a non-function and unknown options", () => {
    expectInvalid(() => js.jit!(42), "jit", "f", "the number 42", "a function")
    expectInvalid(() => js.jit!((a: tg.AnyTensor) => a, { compiled: false }), "jit", "options.compiled", `unknown option "compiled"`)
  })
})

describe("vjp: the cotangent must match the output", () => {
  test("a cotangent of the wrong dtype is blamed on vjp, not on mul inside the pullback", () => {
    const [, back] = tg.vjp((v: tg.Tensor<[2], "f32", "cpu">) => v.mul(2), tg.tensor([1, 2]))
    const e = thrown(() => back(tg.tensor([1, 2], { dtype: "f64" }) as never))
    expect(e).toBeInstanceOf(DTypeError)
    expect(e).toMatchObject({
      op: "vjp",
      dtypes: ["f64", "f32"],
      message: "vjp: cotangent 0 has dtype f64, the output has f32; cast the cotangent first",
    })
    // the right one: d(2v)ᵀ·[1, 1] = [2, 2]
    expect((back(tg.tensor([1, 1])) as unknown as [tg.Tensor<[2], "f32", "cpu">])[0].toArraySync()).toEqual([2, 2])
  })
})
