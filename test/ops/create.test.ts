// Creation, random sampling from keys, and host access.
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { DTypeError, ShapeError } from "../../src/index.js"
import { expectClose } from "./ref.js"

describe("tensor from nested literals", () => {
  test("shape and dtype are inferred; data round-trips", () => {
    const a = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(a.shape).toEqual([2, 3])
    expect(a.dtype).toBe("f32")
    expect(a.device.name).toBe(tg.cpu.name)
    expect(a.toArraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(a.ndim).toBe(2)
    expect(a.size).toBe(6)
    expect(tg.tensor(3.5).shape).toEqual([])
    expect(tg.tensor(3.5).item()).toBe(3.5)
    expect(tg.tensor([[[1]], [[2]]]).shape).toEqual([2, 1, 1])
  })
  test("booleans make a bool tensor read back as booleans", () => {
    const m = tg.tensor([
      [true, false],
      [false, true],
    ])
    expect(m.dtype).toBe("bool")
    expect(m.toArraySync()).toEqual([
      [true, false],
      [false, true],
    ])
    expect(m.dataSync()).toBeInstanceOf(Uint8Array)
    expect(tg.tensor([true]).item()).toBe(true)
  })
  test("an explicit dtype converts (f32 rounds, i32 truncates, f64 keeps)", () => {
    expect(tg.tensor([0.1]).dataSync()[0]).toBe(Math.fround(0.1))
    expect(tg.tensor([0.1], { dtype: "f64" }).dataSync()[0]).toBe(0.1)
    expect(Array.from(tg.tensor([1.9, -1.9], { dtype: "i32" }).dataSync())).toEqual([1, -1])
  })
  test("empty literals", () => {
    expect(tg.tensor([]).shape).toEqual([0])
    expect(tg.tensor([[], []]).shape).toEqual([2, 0])
  })
  test("ragged data throws ShapeError", () => {
    expect(() => tg.tensor([[1, 2], [3]] as number[][])).toThrow(ShapeError)
    expect(() => tg.tensor([[1, 2], 3] as never)).toThrow(/ragged/)
  })
  test("data is copied: mutating the source later does not change the tensor", () => {
    const src = [1, 2, 3]
    const t = tg.tensor(src)
    src[0] = 99
    expect(t.toArraySync()).toEqual([1, 2, 3])
  })
})

describe("tensor from typed arrays", () => {
  test("dtype from the array type, shape given", () => {
    const f = tg.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3])
    expect(f.dtype).toBe("f32")
    expect(f.toArraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    const d = tg.tensor(new Float64Array([0.1, 0.2]), [2])
    expect(d.dtype).toBe("f64")
    expect(Array.from(d.dataSync())).toEqual([0.1, 0.2])
    const i = tg.tensor(new Int32Array([-1, 2]), [2, 1])
    expect(i.dtype).toBe("i32")
    expect(i.toArraySync()).toEqual([[-1], [2]])
    const b = tg.tensor(new Uint8Array([1, 0]), [2])
    expect(b.dtype).toBe("bool")
    expect(b.toArraySync()).toEqual([true, false])
    expect(tg.tensor(new Float32Array([7]), []).item()).toBe(7)
  })
  test("the source array is copied", () => {
    const src = new Float32Array([1, 2])
    const t = tg.tensor(src, [2])
    src[0] = 5
    expect(t.toArraySync()).toEqual([1, 2])
  })
  test("an explicit dtype overrides the array's", () => {
    expect(tg.tensor(new Float64Array([1.5]), [1], { dtype: "i32" }).toArraySync()).toEqual([1])
  })
  test("size mismatch and unsupported arrays throw", () => {
    expect(() => tg.tensor(new Float32Array(5), [2, 3])).toThrow(
      new ShapeError({ op: "tensor", message: "tensor: 5 elements cannot fill shape [2, 3] (6 elements)", shapes: [[2, 3]] }),
    )
    expect(() => tg.tensor(new Int16Array(2) as unknown as Int32Array, [2])).toThrow(DTypeError)
  })
})

describe("constant fills, ranges, identity", () => {
  test("zeros / ones / full (with dtypes), zerosLike / onesLike / fullLike", () => {
    expect(tg.zeros([2, 2]).toArraySync()).toEqual([
      [0, 0],
      [0, 0],
    ])
    expect(tg.ones([3]).toArraySync()).toEqual([1, 1, 1])
    expect(tg.full([2], 7).toArraySync()).toEqual([7, 7])
    expect(tg.full([2], 2.5, { dtype: "i32" }).toArraySync()).toEqual([2, 2])
    expect(tg.ones([2], { dtype: "bool" }).toArraySync()).toEqual([true, true])
    expect(tg.zeros([]).shape).toEqual([])
    expect(tg.zeros([0, 3]).size).toBe(0)
    const x = tg.tensor([[1, 2]], { dtype: "f64" })
    expect(tg.zerosLike(x).dtype).toBe("f64")
    expect(tg.onesLike(x).toArraySync()).toEqual([[1, 1]])
    expect(tg.fullLike(x, 4).toArraySync()).toEqual([[4, 4]])
  })
  test("arange: one argument, start/stop/step, negative step, empty", () => {
    expect(tg.arange(4).toArraySync()).toEqual([0, 1, 2, 3])
    expect(tg.arange(1, 2, 0.25).toArraySync()).toEqual([1, 1.25, 1.5, 1.75])
    expect(tg.arange(5, 0, -2).toArraySync()).toEqual([5, 3, 1])
    expect(tg.arange(2, 2).shape).toEqual([0])
    expect(tg.arange(0, 1, 0.1).shape).toEqual([10]) // ceil((1 - 0) / 0.1)
    expect(tg.arange(3, { dtype: "i32" }).dtype).toBe("i32")
    expect(() => tg.arange(0, 1, 0)).toThrow(ShapeError)
  })
  test("linspace includes both ends; n = 1 gives start", () => {
    expect(tg.linspace(0, 1, 5).toArraySync()).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(tg.linspace(2, 3, 1).toArraySync()).toEqual([2])
    expect(tg.linspace(0, 1, 0).shape).toEqual([0])
    const d = tg.linspace(0, 1, 3, { dtype: "f64" })
    expect(Array.from(d.dataSync())).toEqual([0, 0.5, 1])
  })
  test("eye: square and rectangular", () => {
    expect(tg.eye(2).toArraySync()).toEqual([
      [1, 0],
      [0, 1],
    ])
    expect(tg.eye(2, 3).toArraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ])
    expect(tg.eye(3, 2).toArraySync()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ])
    expect(tg.eye(0).shape).toEqual([0, 0])
  })
  test("negative or fractional dims throw ShapeError", () => {
    expect(() => tg.zeros([-1, 2])).toThrow(ShapeError)
    expect(() => tg.full([1.5], 0)).toThrow(/dims must be non-negative integers/)
  })
})

// the standard error of the mean of n samples is σ/√n: 6 SE bounds make flakiness ~1e-9 (and
// the samples are deterministic anyway, given the key)
describe("random sampling from keys", () => {
  const n = 20000
  const stats = (xs: ArrayLike<number>) => {
    let m = 0
    for (let i = 0; i < xs.length; i++) m += xs[i]!
    m /= xs.length
    let v = 0
    for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2
    return { mean: m, std: Math.sqrt(v / (xs.length - 1)) }
  }
  test("same key → same numbers; split keys and different seeds differ", () => {
    const k = tg.key(42)
    expect(Array.from(tg.normal(k, [64]).dataSync())).toEqual(Array.from(tg.normal(tg.key(42), [64]).dataSync()))
    expect(Array.from(tg.uniform(k, [8]).dataSync())).toEqual(Array.from(tg.uniform(k, [8]).dataSync()))
    const [k1, k2] = tg.split(k) as [tg.Key, tg.Key]
    const a = Array.from(tg.uniform(k1, [16]).dataSync()),
      b = Array.from(tg.uniform(k2, [16]).dataSync())
    expect(a).not.toEqual(b)
    expect(a).not.toEqual(Array.from(tg.uniform(k, [16]).dataSync()))
    expect(Array.from(tg.uniform(tg.key(43), [16]).dataSync())).not.toEqual(Array.from(tg.uniform(k, [16]).dataSync()))
    expect(tg.split(k, 3).map(String)).toEqual(tg.split(tg.key(42), 3).map(String))
    expect(new Set(tg.split(k, 5).map(String)).size).toBe(5)
    expect(String(tg.foldIn(k, 1))).not.toEqual(String(tg.foldIn(k, 2)))
    expect(String(tg.foldIn(k, 1))).toEqual(String(tg.foldIn(tg.key(42), 1)))
  })
  test("shapes and dtypes", () => {
    expect(tg.normal(tg.key(0), [2, 3]).shape).toEqual([2, 3])
    expect(tg.normal(tg.key(0), [3], { dtype: "f64" }).dtype).toBe("f64")
    expect(tg.uniform(tg.key(0), []).shape).toEqual([])
    expect(tg.normal(tg.key(0), [0, 4]).size).toBe(0)
    expect(tg.bernoulli(tg.key(0), 0.5, [5]).dtype).toBe("bool")
  })
  test("normal: mean 0 and std 1 within statistical bounds; mean/std options", () => {
    const z = stats(tg.normal(tg.key(1), [n]).dataSync())
    expect(Math.abs(z.mean)).toBeLessThan(6 / Math.sqrt(n))
    expect(Math.abs(z.std - 1)).toBeLessThan(6 * Math.sqrt(1 / (2 * n)))
    const y = stats(tg.normal(tg.key(2), [n], { mean: 3, std: 0.5, dtype: "f64" }).dataSync())
    expect(Math.abs(y.mean - 3)).toBeLessThan((6 * 0.5) / Math.sqrt(n))
    expect(Math.abs(y.std - 0.5)).toBeLessThan(6 * 0.5 * Math.sqrt(1 / (2 * n)))
    // tails: P(|z| > 3) ≈ 0.0027
    const xs = tg.normal(tg.key(3), [n]).dataSync()
    const tail = Array.from(xs).filter((v) => Math.abs(v) > 3).length / n
    expect(tail).toBeGreaterThan(0.0027 - 6 * Math.sqrt(0.0027 / n))
    expect(tail).toBeLessThan(0.0027 + 6 * Math.sqrt(0.0027 / n))
    expect(Array.from(xs).every(Number.isFinite)).toBe(true)
  })
  test("uniform: in [low, high), mean and std of U(a, b)", () => {
    const xs = tg.uniform(tg.key(4), [n]).dataSync()
    expect(Array.from(xs).every((v) => v >= 0 && v < 1)).toBe(true)
    const s = stats(xs)
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / n))
    expect(Math.abs(s.std - Math.sqrt(1 / 12))).toBeLessThan(0.01)
    const ys = tg.uniform(tg.key(5), [n], { low: -2, high: 4 }).dataSync()
    expect(Array.from(ys).every((v) => v >= -2 && v < 4)).toBe(true)
    expect(Math.abs(stats(ys).mean - 1)).toBeLessThan(6 * Math.sqrt(36 / 12 / n))
    // each decile gets ~10%
    const counts = new Array<number>(10).fill(0)
    for (const v of xs) counts[Math.floor(v * 10)]!++
    for (const c of counts) expect(Math.abs(c / n - 0.1)).toBeLessThan(6 * Math.sqrt(0.09 / n))
  })
  test("bernoulli: frequency p within bounds; p = 0 and p = 1 are exact", () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const bs = tg.bernoulli(tg.key(6), p, [n]).dataSync()
      let ones = 0
      for (const b of bs) ones += b
      expect(Math.abs(ones / n - p)).toBeLessThan(6 * Math.sqrt((p * (1 - p)) / n))
    }
    expect(tg.bernoulli(tg.key(7), 0, [100]).toArraySync().some(Boolean)).toBe(false)
    expect(tg.bernoulli(tg.key(7), 1, [100]).toArraySync().every(Boolean)).toBe(true)
  })
  test("neighbouring samples are uncorrelated (lag-1 autocorrelation ≈ 0)", () => {
    const xs = tg.normal(tg.key(8), [n], { dtype: "f64" }).dataSync()
    let c = 0
    for (let i = 1; i < n; i++) c += xs[i]! * xs[i - 1]!
    expect(Math.abs(c / (n - 1))).toBeLessThan(6 / Math.sqrt(n))
  })
})

describe("host access", () => {
  test("toArraySync / item / dataSync", () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(x.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tg.toArraySync(x)).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(x.dataSync()).toEqual(new Float32Array([1, 2, 3, 4]))
    expect(tg.dataSync(x)).toBeInstanceOf(Float32Array)
    expect(tg.item(tg.scalar(3))).toBe(3)
    expect(tg.tensor([[5]]).item()).toBe(5)
    expect(tg.scalar(5).toArraySync()).toBe(5)
  })
  test("item of a tensor with more than one element throws ShapeError", () => {
    expect(() => tg.tensor([1, 2]).item()).toThrow(
      new ShapeError({ op: "item", message: "item: needs exactly one element, got [2]", shapes: [[2]] }),
    )
  })
  test("toArray and data are Effects that read back the same values", async () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(await Effect.runPromise(x.toArray())).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(await Effect.runPromise(tg.toArray(tg.tensor([true, false])))).toEqual([true, false])
    const d = await Effect.runPromise(tg.data(tg.tensor([1.5], { dtype: "f64" })))
    expect(d).toBeInstanceOf(Float64Array)
    expect(Array.from(d)).toEqual([1.5])
    expect(await Effect.runPromise(x.data())).toEqual(new Float32Array([1, 2, 3, 4]))
    expect(await Effect.runPromise(tg.toArray(tg.scalar(2)))).toBe(2)
  })
  test("empty tensors read back as nested empty arrays", () => {
    expect(tg.zeros([2, 0]).toArraySync()).toEqual([[], []])
    expect(tg.zeros([0, 2]).toArraySync()).toEqual([])
    expect(tg.zeros([0]).dataSync().length).toBe(0)
  })
  test("views read back in logical order", () => {
    const t = tg.arange(6).reshape([2, 3]).transpose()
    expect(t.toArraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ])
    expect(Array.from(t.dataSync())).toEqual([0, 3, 1, 4, 2, 5])
    expect(Array.from(tg.expand(tg.tensor([1, 2]), [2, 2]).dataSync())).toEqual([1, 2, 1, 2])
  })
})

describe("sizes are checked when a tensor is created", () => {
  const oom = (f: () => unknown): tg.OutOfMemory => {
    try {
      f()
    } catch (e) {
      if (e instanceof tg.OutOfMemory) return e
      throw e
    }
    throw new Error("expected OutOfMemory")
  }
  test("zeros([1e5, 1e5]) fails at once with OutOfMemory: the bytes requested and the CPU's limit", () => {
    const e = oom(() => tg.zeros([1e5, 1e5]))
    expect(e.bytes).toBe(1e10 * 4)
    expect(e.limit).toBe(2 ** 32 * 4) // at most 2^32 elements per CPU tensor
    expect(e.message).toContain("zeros")
    expect(e.message).toContain("[100000, 100000]")
    expect(oom(() => tg.ones([1e5, 1e5], { dtype: "f64" })).bytes).toBe(1e10 * 8)
    expect(oom(() => tg.full([2 ** 31, 4], 1, { dtype: "bool" })).limit).toBe(2 ** 32)
  })
  test("ranges, identities and random samples refuse before allocating anything", () => {
    expect(oom(() => tg.linspace(0, 1, 1e10)).bytes).toBe(4e10)
    expect(oom(() => tg.arange(0, 1e10)).message).toContain("arange")
    expect(oom(() => tg.eye(1e5)).bytes).toBe(4e10)
    expect(oom(() => tg.normal(tg.key(0), [1e5, 1e5])).message).toContain("normal")
    expect(tg.tensor(new Float32Array(0), [0, 2 ** 33]).shape).toEqual([0, 2 ** 33]) // zero elements: no request is too big
  })
  test("an op whose result would be too large fails, typed, before it runs (also under jit)", () => {
    const col = tg.ones([1e5, 1]),
      row = tg.ones([1, 1e5])
    const e = oom(() => col.add(row))
    expect(e.bytes).toBe(4e10)
    expect(e.message).toMatch(/^add: /)
    const outer = tg.jit((a: tg.Tensor<[100000, 1]>, b: tg.Tensor<[1, 100000]>) => a.mul(b).sum())
    expect(oom(() => outer(col, row)).message).toContain("(in jit)")
  })
  test("ranges built in the target dtype equal a plain f64 loop rounded to that dtype", () => {
    const n = 1001
    const ref = Array.from({ length: n }, (_, i) => -2 + (5 * i) / (n - 1))
    expect(Array.from(tg.linspace(-2, 3, n).dataSync())).toEqual(ref.map(Math.fround))
    expect(Array.from(tg.linspace(-2, 3, n, { dtype: "f64" }).dataSync())).toEqual(ref)
    expect(Array.from(tg.linspace(-2, 3, n, { dtype: "i32" }).dataSync())).toEqual(ref.map((v) => Math.trunc(v) | 0))
    expect(Array.from(tg.arange(-1, 1, 0.1, { dtype: "f64" }).dataSync())).toEqual(Array.from({ length: 20 }, (_, i) => -1 + i * 0.1))
    expect(tg.arange(0, 3, 1, { dtype: "bool" }).toArraySync()).toEqual([false, true, true])
    expect(tg.eye(3, 2).toArraySync()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ])
    expect(tg.eye(2, 3, { dtype: "i32" }).toArraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ])
  })
})

describe("logspace, geomspace, identity, empty", () => {
  test("against JS's Math in f64; NumPy's endpoints and sign rule", () => {
    expectClose(tg.logspace(0, 3, 4, { dtype: "f64" }).dataSync(), [1, 10, 100, 1000], { rtol: 1e-14, atol: 0 })
    expectClose(
      tg.logspace(1, 2, 5, { base: 2, dtype: "f64" }).dataSync(),
      [0, 1, 2, 3, 4].map((i) => 2 ** (1 + i / 4)),
      { rtol: 1e-14, atol: 0 },
    )
    expect(tg.logspace(2, 5, 1).toArraySync()).toEqual([100])
    const g = tg.geomspace(1, 256, 9, { dtype: "f64" }).dataSync()
    expectClose(g, [1, 2, 4, 8, 16, 32, 64, 128, 256], { rtol: 1e-13, atol: 0 })
    for (let i = 1; i < 8; i++) expect(g[i + 1]! / g[i]!).toBeCloseTo(2, 12)
    const neg = tg.geomspace(-3, -0.03, 3, { dtype: "f64" }).dataSync()
    expect([neg[0], neg[2]]).toEqual([-3, -0.03])
    expect(neg[1]).toBeCloseTo(-0.3, 14)
    expect(() => tg.geomspace(0, 1, 3)).toThrow(ShapeError)
    expect(() => tg.geomspace(-1, 1, 3)).toThrow(ShapeError)
    expect(tg.identity(3).toArraySync()).toEqual(tg.eye(3).toArraySync())
    expect(tg.identity(2, { dtype: "i32" }).dtype).toBe("i32")
    const e = tg.emptyLike(tg.ones([2, 3], { dtype: "i32" }))
    expect([e.shape, e.dtype]).toEqual([[2, 3], "i32"])
    expect(tg.empty([2, 1]).shape).toEqual([2, 1])
  })
})
