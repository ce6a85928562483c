// Slicing with strings and functional `at(...).set/add` vs a brute-force Python-style slicer over
// nested JS arrays.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { ShapeError } from "../../src/index.js"
import { flat, nest, randData, shapeOfNd, t64, type Nd } from "./ref.js"

// ---- the reference: Python's slice.indices + basic indexing, written from the language spec ----
type Part =
  | { kind: "int"; i: number }
  | { kind: "slice"; start?: number; stop?: number; step?: number }
  | { kind: "none" }
  | { kind: "ellipsis" }
const parsePart = (p: string): Part => {
  const s = p.trim()
  if (s === "...") return { kind: "ellipsis" }
  if (s === "None") return { kind: "none" }
  if (!s.includes(":")) return { kind: "int", i: Number(s) }
  const [a, b, c] = s.split(":").map((x) => (x.trim() === "" ? undefined : Number(x)))
  return { kind: "slice", ...(a !== undefined && { start: a }), ...(b !== undefined && { stop: b }), ...(c !== undefined && { step: c }) }
}
/** `range(*slice(start, stop, step).indices(n))` */
const sliceIndices = (n: number, p: { start?: number; stop?: number; step?: number }): number[] => {
  const step = p.step ?? 1
  const clamp = (v: number | undefined, dflt: number, lo: number, hi: number) =>
    v === undefined ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi)
  const out: number[] = []
  if (step > 0) {
    const start = clamp(p.start, 0, 0, n),
      stop = clamp(p.stop, n, 0, n)
    for (let i = start; i < stop; i += step) out.push(i)
  } else {
    const start = clamp(p.start, n - 1, -1, n - 1),
      stop = clamp(p.stop, -1, -1, n - 1)
    for (let i = start; i > stop; i += step) out.push(i)
  }
  return out
}
/** NumPy basic indexing of nested arrays (throws on out-of-range integers and extra indices). */
const pySlice = (x: Nd, spec: string, rank = shapeOfNd(x).length): Nd => {
  const parts = spec.split(",").map(parsePart)
  const used = parts.filter((p) => p.kind === "int" || p.kind === "slice").length
  if (used > rank || parts.filter((p) => p.kind === "ellipsis").length > 1) throw new Error("too many indices")
  const e = parts.findIndex((p) => p.kind === "ellipsis")
  const fill: Part[] = Array.from({ length: rank - used }, () => ({ kind: "slice" }))
  const full = e < 0 ? [...parts, ...fill] : [...parts.slice(0, e), ...fill, ...parts.slice(e + 1)]
  const go = (v: Nd, ps: Part[]): Nd => {
    if (ps.length === 0) return v
    const [p, ...rest] = ps as [Part, ...Part[]]
    if (p.kind === "none") return [go(v, rest)]
    const arr = v as Nd[]
    if (p.kind === "int") {
      const i = p.i < 0 ? p.i + arr.length : p.i
      if (!(i >= 0 && i < arr.length)) throw new Error("index out of range")
      return go(arr[i]!, rest)
    }
    if (p.kind === "slice") return sliceIndices(arr.length, p).map((i) => go(arr[i]!, rest))
    throw new Error("unreachable")
  }
  return go(x, full)
}
/** The shape of pySlice's result (nested arrays lose the dims after a 0). */
const pySliceShape = (shape: number[], spec: string): number[] => {
  const sizes: number[] = []
  const parts = spec.split(",").map(parsePart)
  const used = parts.filter((p) => p.kind === "int" || p.kind === "slice").length
  const e = parts.findIndex((p) => p.kind === "ellipsis")
  const fill: Part[] = Array.from({ length: shape.length - used }, () => ({ kind: "slice" }))
  const full = e < 0 ? [...parts, ...fill] : [...parts.slice(0, e), ...fill, ...parts.slice(e + 1)]
  let d = 0
  for (const p of full) {
    if (p.kind === "none") sizes.push(1)
    else if (p.kind === "int") d++
    else if (p.kind === "slice") sizes.push(sliceIndices(shape[d++]!, p).length)
  }
  return sizes
}

// the reference against itself on Python-known answers (so it is not just a mirror of the library)
test("the reference slicer reproduces Python's answers", () => {
  const r10 = Array.from({ length: 10 }, (_, i) => i)
  expect(pySlice(r10, "2:")).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
  expect(pySlice(r10, "::3")).toEqual([0, 3, 6, 9])
  expect(pySlice(r10, "-3:")).toEqual([7, 8, 9])
  expect(pySlice(r10, "1:-1:4")).toEqual([1, 5])
  expect(pySlice(r10, "::-3")).toEqual([9, 6, 3, 0])
  expect(pySlice(r10, "8:2:-2")).toEqual([8, 6, 4])
  expect(pySlice(r10, "-100:100")).toEqual(r10)
  expect(pySlice(r10, "5:2")).toEqual([])
  expect(
    pySlice(
      [
        [1, 2],
        [3, 4],
      ],
      "None, ..., -1",
    ),
  ).toEqual([[2, 4]])
})

describe("slice", () => {
  const m = [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9, 10, 11],
  ]
  const cases = [
    "1:",
    ":-1",
    "-2:",
    "::2",
    "1:3, 1::2",
    "0",
    "-1",
    "1, 2",
    "..., 0",
    "0, ...",
    "None",
    "None, :, None",
    ":, None, 1:",
    "..., None",
    "1:-1, 1:-1",
    "5:",
    ":, 10:",
    "-100:100, -100:100",
    " 1 : 2 , : ",
  ]
  for (const spec of cases)
    test(`${JSON.stringify(spec)} on a 3×4 matrix`, () => {
      const got = tg.slice(tg.tensor(m) as unknown as tg.Tensor<number[], "f32", "cpu">, spec as never)
      expect(got.shape).toEqual(pySliceShape([3, 4], spec))
      expect(got.toArraySync()).toEqual(pySlice(m, spec))
    })

  test("heat-stencil slices of a 100×100 grid have the typed shapes", () => {
    const g = tg.zeros([100, 100])
    expect(g.slice("2:, 1:-1").shape).toEqual([98, 98])
    expect(g.slice(":-2, 1:-1").shape).toEqual([98, 98])
    expect(g.slice("1:-1, 1:-1").shape).toEqual([98, 98])
  })

  test("1-D arange with steps", () => {
    expect(tg.slice(tg.arange(10), "::3").toArraySync()).toEqual([0, 3, 6, 9])
    expect(tg.arange(10).slice("1:8:3").toArraySync()).toEqual([1, 4, 7])
    expect(tg.arange(10).slice("7").item()).toBe(7)
    expect(tg.arange(10).slice("7").shape).toEqual([])
  })

  test("slices of rank-0 and empty tensors", () => {
    expect(tg.scalar(3).slice("None").toArraySync()).toEqual([3])
    expect(tg.scalar(3).slice("...").item()).toBe(3)
    expect(tg.zeros([0, 3]).slice(":, 1:").shape).toEqual([0, 2])
  })

  test("slices of slices compose (views of views)", () => {
    const x = tg.arange(20).reshape([4, 5])
    const want = pySlice(pySlice(x.toArraySync(), "1:, ::2"), "::2, 1:")
    expect(x.slice("1:, ::2").slice("::2, 1:").toArraySync()).toEqual(want)
    expect(x.transpose().slice("1:3, ::3").toArraySync()).toEqual(pySlice(x.transpose().toArraySync(), "1:3, ::3"))
  })

  test("random specs on random shapes vs the reference (positive steps)", () => {
    const arb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }).chain((s) => {
      const bound = fc.option(fc.integer({ min: -7, max: 7 }), { nil: undefined })
      const slicePart = fc
        .tuple(bound, bound, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }))
        .map(([a, b, c]) => `${a ?? ""}:${b ?? ""}${c === undefined ? "" : `:${c}`}`)
      const parts = s.map((n) => (n === 0 ? slicePart : fc.oneof(slicePart, fc.integer({ min: -n, max: n - 1 }).map(String))))
      return fc.tuple(fc.constant(s), fc.tuple(...parts), fc.nat(s.length), fc.constantFrom("", "None", "..."), fc.integer())
    })
    fc.assert(
      fc.property(arb, ([s, parts, at, extra, seed]) => {
        const ps: string[] = [...parts]
        if (extra === "None") ps.splice(at, 0, "None")
        if (extra === "...") ps.splice(at, Math.min(1, ps.length - at), "...") // replace one part with an ellipsis
        const spec = ps.length === 0 ? "..." : ps.join(", ")
        const data = randData(s, seed)
        const got = t64(data, s).slice(spec as never)
        expect(got.shape, spec).toEqual(pySliceShape(s, spec))
        expect(flat(got.toArraySync() as Nd), spec).toEqual(flat(pySlice(nest(data, s), spec, s.length)))
      }),
      { numRuns: 150 },
    )
  })

  test("negative steps are not supported: a ShapeError, not a wrong answer", () => {
    const x = tg.arange(10) as unknown as tg.Tensor<number[], "f32", "cpu">
    expect(() => x.slice("::-1")).toThrow(new ShapeError({ op: "slice", message: "slice: step must be positive, got -1", shapes: [[10]] }))
  })

  test("bad specs throw ShapeError naming slice and the shape", () => {
    const x = tg.zeros([2, 3] as number[])
    expect(() => x.slice("5")).toThrow("slice: index 5 out of range for dim 0 of size 2 in [2, 3]")
    expect(() => x.slice("0, 0, 0")).toThrow("slice: too many indices (3) for [2, 3] of rank 2")
    expect(() => x.slice("..., ...")).toThrow(ShapeError)
    expect(() => x.slice("a")).toThrow(ShapeError)
    expect(() => x.slice("::0")).toThrow(ShapeError)
  })
})

describe("at(spec).set / .add (functional update)", () => {
  /** Reference: the flat source index of every selected element, via the reference slicer on an iota. */
  const updateRef = (data: number[], s: number[], spec: string, v: number[] | number, mode: "set" | "add") => {
    const idx = flat(
      pySlice(
        nest(
          data.map((_, i) => i),
          s,
        ),
        spec,
        s.length,
      ),
    ) as number[]
    const out = [...data]
    idx.forEach((j, k) => {
      const val = typeof v === "number" ? v : v[k]!
      out[j] = mode === "set" ? val : out[j]! + val
    })
    return out
  }

  test("set a block, add a scalar, the original is unchanged", () => {
    const x = tg.zeros([4, 4])
    const y = x.at("1:3, 1:3").set(5)
    expect(y.toArraySync()).toEqual([
      [0, 0, 0, 0],
      [0, 5, 5, 0],
      [0, 5, 5, 0],
      [0, 0, 0, 0],
    ])
    expect(x.toArraySync()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ])
    const z = y.at("::3, :").add(1)
    expect(z.toArraySync()).toEqual([
      [1, 1, 1, 1],
      [0, 5, 5, 0],
      [0, 5, 5, 0],
      [1, 1, 1, 1],
    ])
    expect(y.toArraySync()[0]).toEqual([0, 0, 0, 0])
  })
  test("set with a broadcast tensor value and integer indices", () => {
    const x = tg.zeros([3, 3])
    expect(
      x
        .at(":, 1")
        .set(tg.tensor([1, 2, 3]))
        .toArraySync(),
    ).toEqual([
      [0, 1, 0],
      [0, 2, 0],
      [0, 3, 0],
    ])
    expect(
      x
        .at("1:, :")
        .set(tg.tensor([7, 8, 9]))
        .toArraySync(),
    ).toEqual([
      [0, 0, 0],
      [7, 8, 9],
      [7, 8, 9],
    ])
    expect(tg.at(x, "-1, -1").set(4).toArraySync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 4],
    ])
  })
  test("add accumulates on the region only; the value is cast to x's dtype", () => {
    const x = tg.ones([2, 3], { dtype: "i32" })
    const y = x.at(":, ::2").add(tg.tensor([[1.9, 2.9]]))
    expect(y.dtype).toBe("i32")
    expect(y.toArraySync()).toEqual([
      [2, 1, 3],
      [2, 1, 3],
    ])
  })
  test("an empty region leaves the tensor as it was", () => {
    const x = tg.ones([3])
    expect(x.at("2:1").set(9).toArraySync()).toEqual([1, 1, 1])
  })
  test("random specs: set and add vs the reference", () => {
    const arb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }).chain((s) => {
      const bound = fc.option(fc.integer({ min: -6, max: 6 }), { nil: undefined })
      const part = (n: number) =>
        fc.oneof(
          fc
            .tuple(bound, bound, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }))
            .map(([a, b, c]) => `${a ?? ""}:${b ?? ""}${c === undefined ? "" : `:${c}`}`),
          fc.integer({ min: -n, max: n - 1 }).map(String),
        )
      return fc.tuple(
        fc.constant(s),
        fc.tuple(...s.map(part)),
        fc.nat(s.length),
        fc.constantFrom("", "None", "..."),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
      )
    })
    fc.assert(
      fc.property(arb, ([s, parts, at0, extra, add, scalarValue, seed]) => {
        const ps: string[] = [...parts]
        if (extra === "None") ps.splice(at0, 0, "None")
        if (extra === "...") ps.splice(at0, Math.min(1, ps.length - at0), "...")
        const spec = ps.join(", ")
        const data = randData(s, seed)
        const region = pySliceShape(s, spec)
        const vData = randData(region, seed + 1)
        const x = t64(data, s)
        const before = Array.from(x.dataSync())
        const v = scalarValue ? 3.5 : t64(vData, region)
        const at = x.at(spec as never)
        const y = add ? at.add(v as never) : at.set(v as never)
        expect(y.shape).toEqual(s)
        expect(Array.from(y.dataSync()), spec).toEqual(updateRef(data, s, spec, scalarValue ? 3.5 : vData, add ? "add" : "set"))
        expect(Array.from(x.dataSync())).toEqual(before)
      }),
      { numRuns: 100 },
    )
  })
  test("a mismatched value shape throws ShapeError", () => {
    const x = tg.zeros([4, 4] as number[])
    expect(() => x.at("1:3, 1:3").set(tg.ones([3] as number[]))).toThrow(ShapeError)
  })
})
