// Independent references for the op tests: plain-JS shapes, strides, brute-force broadcasting,
// a seeded generator and tolerant comparisons. Nothing here computes with typegrad; it only builds
// input tensors from plain data (t64, t32).
import fc from "fast-check"
import { expect } from "vitest"
import * as tg from "../../src/index.js"

/** An f64 / f32 tensor of runtime shape from flat row-major data. */
export const t64 = (data: ArrayLike<number>, shape: ReadonlyArray<number>) => tg.tensor(new Float64Array(data), [...shape] as number[])
export const t32 = (data: ArrayLike<number>, shape: ReadonlyArray<number>) => tg.tensor(new Float32Array(data), [...shape] as number[])

export type Nd = number | boolean | Nd[]

export const numel = (s: ReadonlyArray<number>): number => s.reduce((a, b) => a * b, 1)
export const stridesOf = (s: ReadonlyArray<number>): number[] => {
  const st = new Array<number>(s.length).fill(1)
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1]! * s[i + 1]!
  return st
}
/** Multi-index of flat position `i` in row-major `shape`. */
export const unravel = (i: number, s: ReadonlyArray<number>): number[] => {
  const idx = new Array<number>(s.length)
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d]!
    i = Math.floor(i / s[d]!)
  }
  return idx
}
export const ravel = (idx: ReadonlyArray<number>, s: ReadonlyArray<number>): number => {
  let o = 0
  for (let d = 0; d < s.length; d++) o = o * s[d]! + idx[d]!
  return o
}

/** Row-major values `f(index)` for every index of `shape`. */
export const fromFn = (s: ReadonlyArray<number>, f: (idx: number[]) => number): number[] =>
  Array.from({ length: numel(s) }, (_, i) => f(unravel(i, s)))

/** Nested JS arrays from flat row-major data. */
export const nest = (flat: ArrayLike<number | boolean>, s: ReadonlyArray<number>): Nd => {
  if (s.length === 0) return flat[0]!
  const go = (d: number, off: number): Nd[] => {
    const inner = numel(s.slice(d + 1))
    return Array.from({ length: s[d]! }, (_, i) => (d === s.length - 1 ? flat[off + i]! : go(d + 1, off + i * inner)))
  }
  return go(0, 0)
}
export const flat = (x: Nd): Array<number | boolean> => (Array.isArray(x) ? x.flatMap(flat) : [x])

/** NumPy broadcasting of two shapes, or `null` when incompatible. */
export const broadcastRef = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number[] | null => {
  const r = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1,
      y = b[b.length - r + i] ?? 1
    if (x !== y && x !== 1 && y !== 1) return null
    out.push(x === 1 ? y : x)
  }
  return out
}
/** The element of `data: shape` that output index `idx` reads under broadcasting. */
export const bcastAt = (data: ArrayLike<number>, s: ReadonlyArray<number>, idx: ReadonlyArray<number>): number => {
  const off = idx.length - s.length
  return data[
    ravel(
      s.map((n, d) => (n === 1 ? 0 : idx[d + off]!)),
      s,
    )
  ]!
}
/** Brute-force elementwise `f(a, b)` with broadcasting. */
export const binaryRef = (
  a: ArrayLike<number>,
  as: ReadonlyArray<number>,
  b: ArrayLike<number>,
  bs: ReadonlyArray<number>,
  f: (x: number, y: number) => number,
): { shape: number[]; data: number[] } => {
  const shape = broadcastRef(as, bs)
  if (shape === null) throw new Error("reference: shapes do not broadcast")
  return { shape, data: fromFn(shape, (idx) => f(bcastAt(a, as, idx), bcastAt(b, bs, idx))) }
}

/** A seeded generator (mulberry32): deterministic test data without the library's RNG. */
export const rng = (seed: number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
/** `numel(shape)` values uniform in [lo, hi), rounded to f32. */
export const randData = (s: ReadonlyArray<number>, seed: number, lo = -2, hi = 2): number[] => {
  const r = rng(seed)
  return Array.from({ length: numel(s) }, () => Math.fround(lo + (hi - lo) * r()))
}

/** `actual` (nested or typed) equals `expected` elementwise within `atol + rtol·|expected|`; NaN matches NaN. */
export const expectClose = (actual: unknown, expected: unknown, o: { rtol?: number; atol?: number } = {}): void => {
  const rtol = o.rtol ?? 1e-5,
    atol = o.atol ?? 1e-6
  const a = Array.isArray(actual) || ArrayBuffer.isView(actual) ? flat(Array.from(actual as ArrayLike<Nd>) as Nd) : [actual as Nd]
  const e = Array.isArray(expected) || ArrayBuffer.isView(expected) ? flat(Array.from(expected as ArrayLike<Nd>) as Nd) : [expected as Nd]
  if (Array.isArray(actual) && Array.isArray(expected)) expect(shapeOfNd(actual as Nd)).toEqual(shapeOfNd(expected as Nd))
  expect(a.length, "element count").toBe(e.length)
  const bad: string[] = []
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]),
      y = Number(e[i])
    const ok = Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y)
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${x}, expected ${y}`)
  }
  expect(bad, `mismatches (rtol ${rtol}, atol ${atol})`).toEqual([])
}
export const shapeOfNd = (x: Nd): number[] => (Array.isArray(x) ? [x.length, ...(x.length > 0 ? shapeOfNd(x[0]!) : [])] : [])

/** Two broadcast-compatible shapes (rank ≤ 4, dims 0–4): one base shape, a suffix of it for the
 * other, each with random dims replaced by 1. */
export const broadcastPair: fc.Arbitrary<readonly [number[], number[]]> = fc
  .array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })
  .chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: s.length }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.boolean(),
    ),
  )
  .map(([s, drop, onesA, onesB, swap]) => {
    const a = s.map((d, i) => (onesA[i] ? 1 : d))
    const b = s.slice(drop).map((d, i) => (onesB[i + drop] ? 1 : d))
    return swap ? ([b, a] as const) : ([a, b] as const)
  })
